// Package autograd implements reverse-mode automatic differentiation over
// runtime/tensor operations.
package autograd

import "tandem.dev/tandem/runtime/tensor"

// Var is a node of the computation graph: a value, its gradient (allocated
// on the first backward pass that reaches it) and how it was made.
type Var struct {
	Value        *tensor.Tensor
	Grad         *tensor.Tensor
	RequiresGrad bool
}

// New returns a leaf variable over t.
func New(t *tensor.Tensor, requiresGrad bool) *Var {
	return &Var{Value: t, RequiresGrad: requiresGrad}
}
