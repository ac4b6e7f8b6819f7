package optim_test

import (
	"fmt"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/optim"
	"tandem.dev/tandem/runtime/tensor"
)

func ExampleNewSGD() {
	// Minimise J(θ) = θ² from θ = 1: θ ← θ − 0.1·2θ.
	theta := autograd.Param(tensor.New([]float32{1}, 1))
	opt := optim.NewSGD([]*autograd.Var{theta}, 0.1)
	for i := 0; i < 3; i++ {
		opt.ZeroGrad()
		autograd.Sum(autograd.Square(theta)).Backward()
		opt.Step()
		fmt.Printf("%.3f\n", theta.Value.Item())
	}
	// Output:
	// 0.800
	// 0.640
	// 0.512
}

func ExampleNewAdam() {
	theta := autograd.Param(tensor.New([]float32{5}, 1))
	opt := optim.NewAdam([]*autograd.Var{theta}, 0.5)
	for i := 0; i < 200; i++ {
		opt.ZeroGrad()
		autograd.Sum(autograd.Square(theta)).Backward()
		opt.Step()
	}
	fmt.Println(theta.Value.Item() > -0.05 && theta.Value.Item() < 0.05)
	// Output:
	// true
}

func ExampleCosineLR() {
	s := optim.CosineLR{Base: 0.1, Min: 0, Total: 4}
	for e := 0; e <= 4; e++ {
		fmt.Printf("%.4f\n", s.At(e))
	}
	fmt.Printf("%.4f\n", optim.StepLR{Base: 0.1, StepSize: 2, Gamma: 0.1}.At(3))
	// Output:
	// 0.1000
	// 0.0854
	// 0.0500
	// 0.0146
	// 0.0000
	// 0.0100
}

func ExampleClipGradNorm() {
	w := autograd.Param(tensor.New([]float32{0, 0}, 2))
	autograd.Sum(autograd.Mul(w, autograd.Const(tensor.New([]float32{3, 4}, 2)))).Backward()
	norm := optim.ClipGradNorm([]*autograd.Var{w}, 1)
	fmt.Println(norm, w.Grad)
	// Output:
	// 5 tensor([0.6000, 0.8000])
}

func ExampleSGD_momentum() {
	theta := autograd.Param(tensor.New([]float32{1}, 1))
	opt := optim.NewSGD([]*autograd.Var{theta}, 0.1)
	opt.Momentum, opt.Nesterov = 0.9, true
	for i := 0; i < 100; i++ {
		opt.ZeroGrad()
		autograd.Sum(autograd.Square(theta)).Backward()
		opt.Step()
	}
	fmt.Println(theta.Value.Item() < 1e-3 && theta.Value.Item() > -1e-3)
	// Output:
	// true
}

func ExampleNewAdamW() {
	w := autograd.Param(tensor.New([]float32{1, -1}, 2))
	opt := optim.NewAdamW([]*autograd.Var{w}, 0.01)
	opt.WeightDecay = 0.1
	w.Grad = tensor.Zeros(2) // no gradient: only the decoupled decay acts
	opt.Step()
	fmt.Println(w.Value)
	// Output:
	// tensor([ 0.9990, -0.9990])
}

func ExampleStepLR() {
	s := optim.StepLR{Base: 1, StepSize: 10, Gamma: 0.5}
	fmt.Println(s.At(0), s.At(10), s.At(25))
	// Output:
	// 1 0.5 0.25
}
