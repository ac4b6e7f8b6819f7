package train

import (
	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/optim"
)

// newOptimizer builds the optimizer cfg names over params.
func newOptimizer(cfg Config, params []*autograd.Var) optim.Optimizer {
	switch cfg.Optimizer {
	case Momentum:
		o := optim.NewSGD(params, float32(cfg.LR))
		o.Momentum = float32(cfg.Momentum)
		return o
	case Adam:
		return optim.NewAdam(params, float32(cfg.LR))
	}
	return optim.NewSGD(params, float32(cfg.LR))
}
