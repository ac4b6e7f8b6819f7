package train

import (
	"testing"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/optim"
)

// fashionShaped is 6,000 rows of 784 uniform features and 10 classes: the
// shape of Fashion-MNIST without needing its files.
func fashionShaped() *data.Dataset {
	rng := data.Rand(1)
	x := make([][]float64, 6000)
	y := make([]int, len(x))
	for i := range x {
		x[i] = make([]float64, 784)
		for j := range x[i] {
			x[i][j] = rng.Float64()
		}
		y[i] = rng.IntN(10)
	}
	return data.New(data.Frame{X: x, Y: y})
}

func mlp() nn.Module {
	nn.Seed(1)
	return nn.NewSequential([]nn.Module{nn.NewLinear(784, 256), nn.NewReLU(), nn.NewLinear(256, 10)})
}

// BenchmarkFit_MLP is one epoch of Fit (batch 128, SGD) over 6,000 rows;
// BenchmarkLoop_MLP the same steps in a bare loop, so the difference is
// Fit's own cost (row copies, accuracy, progress).
func BenchmarkFit_MLP(b *testing.B) {
	ds := fashionShaped()
	m := mlp()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Fit(m, ds, Config{Epochs: 1, BatchSize: 128, LR: 0.1, Quiet: true})
	}
	b.ReportMetric(float64(ds.Len()*b.N)/b.Elapsed().Seconds(), "samples/s")
}

func BenchmarkLoop_MLP(b *testing.B) {
	ds := fashionShaped()
	m := mlp()
	opt := optim.NewSGD(m.Parameters(), 0.1)
	bt := ds.Batches(data.Batching{Size: 128})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bt.Reset()
		for bt.Next() {
			loss := autograd.SoftmaxCrossEntropy(m.Forward(autograd.Const(bt.X())), bt.Labels())
			opt.ZeroGrad()
			loss.Backward()
			opt.Step()
		}
	}
	b.ReportMetric(float64(ds.Len()*b.N)/b.Elapsed().Seconds(), "samples/s")
}
