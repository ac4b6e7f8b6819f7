package nn_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/optim"
	"tandem.dev/tandem/runtime/tensor"
)

// BenchmarkMLPStep is the training figure: an MLP 784-256-10 with
// ReLU, softmax cross-entropy, SGD lr 0.1, batch 128, on synthetic data of
// Fashion-MNIST's shape (60,000 × 784 uniform in [0, 1), 10 classes), the
// same as bench/runtime_torch.py --model mlp --random. One op is one
// mini-batch step including the gather of the batch rows; samples/s is
// reported. Run with -cpu 1,2.
func BenchmarkMLPStep(b *testing.B) {
	const n, batch = 60000, 128
	X, Y := fashionShaped()
	r := rand.New(rand.NewPCG(7, 7))
	nn.Seed(0)
	model := nn.NewSequential([]nn.Module{nn.NewLinear(784, 256), nn.NewReLU(), nn.NewLinear(256, 10)})
	opt := optim.NewSGD(model.Parameters(), 0.1)
	perm := r.Perm(n)
	xb := tensor.Zeros(batch, 784)
	yb := make([]int, batch)
	x := autograd.Const(xb)
	step := func(i int) float32 {
		nb := n / batch
		idx := perm[(i%nb)*batch : (i%nb+1)*batch]
		xb.RowsInto(X, idx)
		for k, j := range idx {
			yb[k] = Y[j]
		}
		opt.ZeroGrad()
		loss := nn.CrossEntropy(model.Forward(x), yb)
		loss.Backward()
		opt.Step()
		return loss.Item()
	}
	for i := 0; i < 3; i++ { // warm-up: buffers, pools, workers
		step(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step(i)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
}

var (
	fashionOnce sync.Once
	fashionX    *tensor.Tensor
	fashionY    []int
)

// fashionShaped returns 60,000 × 784 values uniform in [0, 1) and random
// labels in 0..9, made once per process (-cpu 1,2 reuse them).
func fashionShaped() (*tensor.Tensor, []int) {
	fashionOnce.Do(func() {
		fashionX = tensor.RandUniform(7, 0, 1, 60000, 784)
		r := rand.New(rand.NewPCG(7, 8))
		fashionY = make([]int, 60000)
		for i := range fashionY {
			fashionY[i] = r.IntN(10)
		}
	})
	return fashionX, fashionY
}

// BenchmarkLogRegEpoch is the tiny-model figure: softmax regression 4→3 on
// 1,000 rows of three Gaussian blobs, full batch, SGD lr 0.1; one op is one
// epoch (bench/runtime_torch.py --model logreg is the PyTorch side).
func BenchmarkLogRegEpoch(b *testing.B) {
	const n, dim, k = 1000, 4, 3
	r := rand.New(rand.NewPCG(3, 3))
	X := tensor.Zeros(n, dim)
	Y := make([]int, n)
	for i := 0; i < n; i++ {
		Y[i] = i % k
		for j := 0; j < dim; j++ {
			X.Set(float32(Y[i])+0.8*float32(r.NormFloat64()), i, j)
		}
	}
	nn.Seed(0)
	model := nn.NewLinear(dim, k)
	opt := optim.NewSGD(model.Parameters(), 0.1)
	x := autograd.Const(X)
	epoch := func() float32 {
		opt.ZeroGrad()
		loss := nn.CrossEntropy(model.Forward(x), Y)
		loss.Backward()
		opt.Step()
		return loss.Item()
	}
	for i := 0; i < 3; i++ {
		epoch()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		epoch()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1e6, "µs/epoch")
}
