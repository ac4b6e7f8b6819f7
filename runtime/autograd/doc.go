// Package autograd implements reverse-mode automatic differentiation over
// runtime/tensor operations.
//
// Operations (Add, MatMul, ReLU, …) take *Var and return a new *Var that
// remembers its inputs. Backward on a scalar result walks that graph once in
// reverse topological order and adds ∂result/∂v into v.Grad for every v
// with RequiresGrad. Gradients of leaves accumulate across Backward calls,
// as in PyTorch, until ZeroGrad; gradients of intermediate results are
// recomputed from zero on every pass.
//
//	w := autograd.New(tensor.New([]float32{1, 2}, 2), true)
//	loss := autograd.Sum(autograd.Mul(w, w)) // Σ w²
//	loss.Backward()                          // w.Grad = 2w = [2 4]
//
// Inside NoGrad (or after SetGradEnabled(false)) operations record nothing.
//
// # New operations
//
// Func makes a Var from a value, its inputs and a backward function that
// adds each input's gradient into its Grad; Link does the same on an
// existing Var so that a layer can reuse one output (and its buffers) for
// every batch:
//
//	out := autograd.Func(y, []*autograd.Var{x}, func(o *autograd.Var) {
//		// add ∂L/∂x, computed from o.Grad, into x.Grad
//	})
//
// The package is safe for one goroutine building a graph at a time per graph;
// the no-grad switch is process-wide.
package autograd
