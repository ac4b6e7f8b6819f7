package nn_test

import (
	"fmt"
	"os"
	"path/filepath"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/optim"
	"tandem.dev/tandem/runtime/tensor"
)

func ExampleNewSequential() {
	nn.Seed(1)
	model := nn.NewSequential([]nn.Module{
		nn.NewLinear(4, 16), nn.NewReLU(),
		nn.NewLinear(16, 3),
	})
	x := autograd.Const(tensor.RandNormal(2, 0, 1, 5, 4))
	fmt.Println(model.Forward(x).Shape(), nn.NumParams(model))
	// Output:
	// [5 3] 131
}

func ExampleSummarize() {
	model := nn.NewSequential([]nn.Module{nn.NewLinear(784, 256), nn.NewReLU(), nn.NewLinear(256, 10)})
	fmt.Println(nn.Summarize(model))
	// Output:
	// #  layer              parameters        count
	// ─────────────────────────────────────────────
	// 0  Linear(784 → 256)  [784 256] [256]  200960
	// 1  ReLU()                                   0
	// 2  Linear(256 → 10)   [256 10] [10]      2570
	// ─────────────────────────────────────────────
	// total trainable parameters: 203530
}

func ExampleCrossEntropy() {
	// Train a softmax regression on two points for a few steps.
	nn.Seed(1)
	model := nn.NewLinear(2, 2)
	opt := optim.NewSGD(model.Parameters(), 0.5)
	x := autograd.Const(tensor.New([]float32{1, 0, 0, 1}, 2, 2))
	y := []int{0, 1}
	var first, last float32
	for step := 0; step < 50; step++ {
		opt.ZeroGrad()
		loss := nn.CrossEntropy(model.Forward(x), y)
		loss.Backward()
		opt.Step()
		if step == 0 {
			first = loss.Item()
		}
		last = loss.Item()
	}
	fmt.Println(last < first/4, tensor.ArgMaxAxis(model.Forward(x).Value, 1))
	// Output:
	// true [0 1]
}

// Residual is a layer written as a Go type, as in a cell: x + f(x).
type Residual struct {
	Inner *nn.Linear
}

func (r *Residual) Forward(x *autograd.Var) *autograd.Var {
	return autograd.Add(x, autograd.Tanh(r.Inner.Forward(x)))
}

func (r *Residual) Parameters() []*autograd.Var { return r.Inner.Parameters() }

func Example_customModule() {
	nn.Seed(2)
	model := nn.NewSequential([]nn.Module{&Residual{nn.NewLinear(3, 3)}, nn.NewLinear(3, 1)})
	opt := optim.NewAdam(model.Parameters(), 0.05)
	x := autograd.Const(tensor.RandNormal(3, 0, 1, 32, 3))
	target := tensor.SumAxis(x.Value, 1).Reshape(32, 1) // learn y = Σx
	var loss *autograd.Var
	for step := 0; step < 200; step++ {
		opt.ZeroGrad()
		loss = nn.MSE(model.Forward(x), target)
		loss.Backward()
		opt.Step()
	}
	fmt.Println(loss.Item() < 0.05, nn.NumParams(model))
	// Output:
	// true 16
}

func ExampleSave() {
	nn.Seed(3)
	model := nn.NewSequential([]nn.Module{nn.NewLinear(2, 3), nn.NewBatchNorm(3), nn.NewLinear(3, 1)})
	path := filepath.Join(os.TempDir(), "tandem-example.params")
	defer os.Remove(path)
	if err := nn.Save(model, path); err != nil {
		fmt.Println(err)
		return
	}
	copyOf := nn.NewSequential([]nn.Module{nn.NewLinear(2, 3), nn.NewBatchNorm(3), nn.NewLinear(3, 1)})
	fmt.Println(nn.Load(copyOf, path))
	fmt.Println(tensor.Equal(model.Parameters()[0].Value, copyOf.Parameters()[0].Value))
	// Output:
	// <nil>
	// true
}

func ExampleClone() {
	nn.Seed(4)
	a := nn.NewLinear(2, 2)
	b := nn.Clone(a).(*nn.Linear)
	b.W.Value.Fill(0)
	fmt.Println(tensor.Sum(tensor.Abs(a.W.Value)) > 0, tensor.Sum(b.W.Value))
	// Output:
	// true 0
}

func ExampleNewConv2D() {
	// A small CNN for 8×8 digit images.
	nn.Seed(5)
	cnn := nn.NewSequential([]nn.Module{
		nn.NewConv2D(1, 8, 3, nn.ConvOptions{Padding: 1}), nn.NewReLU(),
		nn.NewMaxPool2D(2, 0),
		nn.NewFlatten(),
		nn.NewLinear(8*4*4, 10),
	})
	x := autograd.Const(tensor.RandUniform(1, 0, 16, 4, 1, 8, 8))
	fmt.Println(cnn.Forward(x).Shape(), nn.NumParams(cnn))
	// Output:
	// [4 10] 1370
}

func ExampleEval() {
	nn.Seed(6)
	model := nn.NewSequential([]nn.Module{nn.NewLinear(4, 4), nn.NewDropout(0.5)})
	x := autograd.Const(tensor.Ones(1, 4))
	nn.Eval(model) // Dropout off, BatchNorm on running statistics
	a := model.Forward(x).Value.Clone()
	b := model.Forward(x).Value
	fmt.Println(tensor.Equal(a, b))
	nn.Train(model)
	// Output:
	// true
}

func ExampleInitKaiming() {
	nn.Seed(7)
	model := nn.NewSequential([]nn.Module{nn.NewLinear(100, 50), nn.NewReLU(), nn.NewLinear(50, 10)})
	nn.InitKaiming(model)
	w := model.Parameters()[0].Value
	fmt.Printf("std %.2f (want √(2/100) = 0.14), bias sum %v\n", tensor.Sqrt(tensor.Scalar(tensor.Var(w))).Item(), tensor.Sum(model.Parameters()[1].Value))
	// Output:
	// std 0.14 (want √(2/100) = 0.14), bias sum 0
}

func ExampleNewBatchNorm() {
	bn := nn.NewBatchNorm(2)
	x := autograd.Const(tensor.New([]float32{1, 10, 3, 30}, 2, 2))
	fmt.Println(bn.Forward(x).Value) // each column normalised over the batch
	fmt.Println(bn.RunningMean)
	// Output:
	// tensor([[-1.0000, -1.0000],
	//         [ 1.0000,  1.0000]])
	// tensor([0.2000, 2.0000])
}

func ExampleNewDropout() {
	nn.Seed(8)
	d := nn.NewDropout(0.5)
	x := autograd.Const(tensor.Ones(1, 8))
	fmt.Println(d.Forward(x)) // kept values are scaled by 1/(1−p)
	d.SetTraining(false)
	fmt.Println(d.Forward(x))
	// Output:
	// tensor([[2., 2., 2., 2., 2., 0., 2., 2.]])
	// tensor([[1., 1., 1., 1., 1., 1., 1., 1.]])
}
