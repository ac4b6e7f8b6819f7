package autograd_test

import (
	"fmt"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

func ExampleVar_Backward() {
	// L = Σ (w·x)², dL/dw = 2·(w·x)·x
	w := autograd.Param(tensor.New([]float32{1, 2}, 2))
	x := autograd.Const(tensor.New([]float32{3, 4}, 2))
	loss := autograd.Sum(autograd.Square(autograd.Mul(w, x)))
	loss.Backward()
	fmt.Println(loss.Item(), w.Grad)
	// Output:
	// 73 tensor([18., 64.])
}

func ExampleNoGrad() {
	w := autograd.Param(tensor.Ones(2))
	autograd.NoGrad(func() {
		y := autograd.Scale(3, w)
		fmt.Println(y.RequiresGrad)
	})
	// Output:
	// false
}

func ExampleFunc() {
	// A custom operation: cube, with its derivative 3x².
	cube := func(a *autograd.Var) *autograd.Var {
		out := tensor.Apply(a.Value, func(v float32) float32 { return v * v * v })
		return autograd.Func(out, []*autograd.Var{a}, func(o *autograd.Var) {
			g, x, ag := o.Grad.Data(), a.Value.Data(), a.Grad.Data()
			for i := range g {
				ag[i] += g[i] * 3 * x[i] * x[i]
			}
		})
	}
	x := autograd.Param(tensor.New([]float32{1, 2}, 2))
	autograd.Sum(cube(x)).Backward()
	fmt.Println(x.Grad)
	// Output:
	// tensor([ 3., 12.])
}

func ExampleSoftmaxCrossEntropy() {
	logits := autograd.Param(tensor.New([]float32{2, 0, 0, 0, 2, 0}, 2, 3))
	loss := autograd.SoftmaxCrossEntropy(logits, []int{0, 1})
	loss.Backward()
	fmt.Printf("%.4f\n", loss.Item())
	fmt.Println(logits.Grad)
	// Output:
	// 0.2395
	// tensor([[-0.1065,  0.0533,  0.0533],
	//         [ 0.0533, -0.1065,  0.0533]])
}

func ExampleLinear() {
	x := autograd.Const(tensor.New([]float32{1, 2}, 1, 2))
	w := autograd.Param(tensor.New([]float32{1, 0, 0, 1, 1, 1}, 2, 3))
	b := autograd.Param(tensor.New([]float32{0, 0, 1}, 3))
	y := autograd.Linear(x, w, b)
	fmt.Println(y)
	// Output:
	// tensor([[3., 2., 3.]], requires_grad)
}
