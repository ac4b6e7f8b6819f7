// Package optim provides optimizers (SGD, momentum, Nesterov, Adam, AdamW),
// learning-rate schedules and gradient clipping for runtime/autograd
// parameters.
//
//	opt := optim.NewSGD(model.Parameters(), 0.1)
//	for … {
//		opt.ZeroGrad()
//		loss := nn.CrossEntropy(model.Forward(x), y)
//		loss.Backward()
//		opt.Step()
//	}
//
// Parameters without a gradient (never reached by Backward) are skipped.
// Optimizer state is allocated on the first Step, so steps allocate nothing.
package optim
