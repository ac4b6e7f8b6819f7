package train

import (
	"math"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/optim"
)

// newOptimizer builds the optimizer cfg names over params.
//
// BUG(data): these are train's own SGD, momentum and Adam until
// runtime/optim exports constructors; then Fit uses optim's.
func newOptimizer(cfg Config, params []*autograd.Var) optim.Optimizer {
	switch cfg.Optimizer {
	case Momentum:
		return &momentum{params: params, lr: float32(cfg.LR), mu: float32(cfg.Momentum)}
	case Adam:
		return &adam{params: params, lr: cfg.LR, b1: 0.9, b2: 0.999, eps: 1e-8}
	}
	return &sgd{params: params, lr: float32(cfg.LR)}
}

type sgd struct {
	params []*autograd.Var
	lr     float32
}

func (o *sgd) Step() {
	for _, p := range o.params {
		if p.Grad != nil {
			p.Value.AddScaled(-o.lr, p.Grad)
		}
	}
}

func (o *sgd) ZeroGrad() { zeroGrad(o.params) }

func zeroGrad(params []*autograd.Var) {
	for _, p := range params {
		if p.Grad != nil {
			p.Grad.Zero()
		}
	}
}

// momentum is PyTorch's SGD with momentum: v ← μv + g; θ ← θ − αv.
type momentum struct {
	params []*autograd.Var
	lr, mu float32
	v      [][]float32
}

func (o *momentum) Step() {
	if o.v == nil {
		o.v = make([][]float32, len(o.params))
		for i, p := range o.params {
			o.v[i] = make([]float32, p.Value.Len())
		}
	}
	for i, p := range o.params {
		if p.Grad == nil {
			continue
		}
		v, g, w := o.v[i], p.Grad.Data(), p.Value.Data()
		for j := range v {
			v[j] = o.mu*v[j] + g[j]
			w[j] -= o.lr * v[j]
		}
	}
}

func (o *momentum) ZeroGrad() { zeroGrad(o.params) }

// adam is Adam (Kingma and Ba 2015, Algorithm 1) with bias correction.
type adam struct {
	params     []*autograd.Var
	lr, b1, b2 float64
	eps        float64
	t          int
	m, v       [][]float32
}

func (o *adam) Step() {
	if o.m == nil {
		o.m = make([][]float32, len(o.params))
		o.v = make([][]float32, len(o.params))
		for i, p := range o.params {
			o.m[i] = make([]float32, p.Value.Len())
			o.v[i] = make([]float32, p.Value.Len())
		}
	}
	o.t++
	c1 := 1 - math.Pow(o.b1, float64(o.t))
	c2 := 1 - math.Pow(o.b2, float64(o.t))
	step := float32(o.lr * math.Sqrt(c2) / c1)
	eps := float32(o.eps * math.Sqrt(c2))
	b1, b2 := float32(o.b1), float32(o.b2)
	for i, p := range o.params {
		if p.Grad == nil {
			continue
		}
		m, v, g, w := o.m[i], o.v[i], p.Grad.Data(), p.Value.Data()
		for j := range m {
			m[j] = b1*m[j] + (1-b1)*g[j]
			v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
			w[j] -= step * m[j] / (float32(math.Sqrt(float64(v[j]))) + eps)
		}
	}
}

func (o *adam) ZeroGrad() { zeroGrad(o.params) }
