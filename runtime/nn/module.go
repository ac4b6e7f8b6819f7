// Package nn provides layers, losses and models built on runtime/autograd.
package nn

import "tandem.dev/tandem/runtime/autograd"

// Module is a layer or a model. A Go type written in a cell that implements
// it trains like a built-in layer.
type Module interface {
	Forward(x *autograd.Var) *autograd.Var
	Parameters() []*autograd.Var
}
