// Package optim provides optimizers (SGD, momentum, Adam, AdamW) and
// learning-rate schedules for runtime/autograd parameters.
package optim

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	Step()     // apply one update from the current gradients
	ZeroGrad() // clear the gradients of the parameters
}
