// Package nn provides layers, losses and models built on runtime/autograd.
//
// A model is any Module: a value with Forward and Parameters. The built-in
// layers (Linear, Conv2D, MaxPool2D, BatchNorm, Dropout, activations) and
// Sequential are Modules, and so is a Go type written in a cell:
//
//	type MLP struct{ L1, L2 *nn.Linear }
//	func (m *MLP) Forward(x *autograd.Var) *autograd.Var { return m.L2.Forward(autograd.ReLU(m.L1.Forward(x))) }
//	func (m *MLP) Parameters() []*autograd.Var { return append(m.L1.Parameters(), m.L2.Parameters()...) }
//
// Optional behaviour lives in small separate interfaces (Trainable,
// Container, Cloner) so that Module stays at two methods.
//
// # Buffers
//
// In a training loop (Forward, Backward, optimizer step) the built-in
// layers reuse their output and gradient storage from one batch to the next
// once a Backward pass has gone through it, so a fixed-shape batch allocates
// nothing in the steady state. The value returned by Forward therefore stays
// valid until the layer's next Forward after a Backward; Clone its Value to
// keep it longer. Outputs computed without a Backward (evaluation, NoGrad)
// are never reused.
//
// # Initialisation
//
// Layers draw their initial weights from the package generator, which Seed
// resets: Seed(1) before building a model makes it reproducible. Linear and
// Conv2D start as PyTorch's defaults do (Kaiming-uniform with a = √5, He et
// al. 2015); InitKaiming and InitXavier re-initialise a whole model.
package nn
