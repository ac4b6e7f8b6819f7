package optim

import (
	"math"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	Step()     // apply one update from the current gradients
	ZeroGrad() // clear the gradients of the parameters
}

// LRSetter is implemented by optimizers whose learning rate a schedule can
// change between steps.
type LRSetter interface {
	SetLR(lr float32)
}

func zeroGrads(ps []*autograd.Var) {
	for _, p := range ps {
		p.ZeroGrad()
	}
}

// SGD is stochastic gradient descent: θ ← θ − α·∇J(θ), exactly, when
// Momentum and WeightDecay are zero. With Momentum μ it keeps a velocity
// v ← μ·v + g and steps θ ← θ − α·v, or θ ← θ − α·(g + μ·v) with Nesterov
// (Sutskever et al., ICML 2013, in PyTorch's formulation). WeightDecay λ
// adds λ·θ to the gradient (L2 regularisation).
type SGD struct {
	Params      []*autograd.Var
	LR          float32
	Momentum    float32
	Nesterov    bool
	WeightDecay float32
	velocity    []*tensor.Tensor
}

// NewSGD returns plain SGD with learning rate lr over params.
func NewSGD(params []*autograd.Var, lr float32) *SGD {
	return &SGD{Params: params, LR: lr}
}

// SetLR sets the learning rate for the next steps.
func (o *SGD) SetLR(lr float32) { o.LR = lr }

// ZeroGrad clears the gradients.
func (o *SGD) ZeroGrad() { zeroGrads(o.Params) }

// Step applies one update.
func (o *SGD) Step() {
	if o.Momentum != 0 && len(o.velocity) != len(o.Params) {
		o.velocity = make([]*tensor.Tensor, len(o.Params))
	}
	lr, mu, wd := o.LR, o.Momentum, o.WeightDecay
	for i, p := range o.Params {
		if p.Grad == nil {
			continue
		}
		w, g := p.Value.Data(), p.Grad.Data()
		if mu == 0 {
			if wd == 0 {
				// θ ← θ − α·g, one fused multiply-add per value (a single
				// rounding) on CPUs with FMA.
				p.Value.AddScaled(-lr, p.Grad)
			} else {
				for j, gj := range g {
					w[j] -= lr * (gj + wd*w[j])
				}
			}
			continue
		}
		if o.velocity[i] == nil {
			o.velocity[i] = tensor.Zeros(p.Value.Shape()...)
		}
		v := o.velocity[i].Data()
		for j, gj := range g {
			gj += wd * w[j]
			v[j] = mu*v[j] + gj
			if o.Nesterov {
				w[j] -= lr * (gj + mu*v[j])
			} else {
				w[j] -= lr * v[j]
			}
		}
	}
}

// Adam is the optimizer of Kingma & Ba, "Adam: A Method for Stochastic
// Optimization", ICLR 2015 (arXiv:1412.6980), Algorithm 1: bias-corrected
// first and second moment estimates, θ ← θ − α·m̂/(√v̂ + ε). WeightDecay
// adds λ·θ to the gradient (L2, as torch.optim.Adam); Decoupled applies it
// to the weights directly instead, θ ← θ − α·λ·θ, which is AdamW
// (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019).
type Adam struct {
	Params       []*autograd.Var
	LR           float32
	Beta1, Beta2 float32
	Eps          float32
	WeightDecay  float32
	Decoupled    bool
	t            int
	m, v         []*tensor.Tensor
}

// NewAdam returns Adam with learning rate lr and the paper's defaults
// β1 = 0.9, β2 = 0.999, ε = 1e-8.
func NewAdam(params []*autograd.Var, lr float32) *Adam {
	return &Adam{Params: params, LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// NewAdamW returns AdamW: Adam with decoupled weight decay, by default
// 0.01 as in torch.optim.AdamW.
func NewAdamW(params []*autograd.Var, lr float32) *Adam {
	a := NewAdam(params, lr)
	a.WeightDecay, a.Decoupled = 0.01, true
	return a
}

// SetLR sets the learning rate for the next steps.
func (o *Adam) SetLR(lr float32) { o.LR = lr }

// ZeroGrad clears the gradients.
func (o *Adam) ZeroGrad() { zeroGrads(o.Params) }

// Step applies one update.
func (o *Adam) Step() {
	if len(o.m) != len(o.Params) {
		o.m = make([]*tensor.Tensor, len(o.Params))
		o.v = make([]*tensor.Tensor, len(o.Params))
	}
	o.t++
	b1, b2 := float64(o.Beta1), float64(o.Beta2)
	c1 := float32(1 - math.Pow(b1, float64(o.t)))
	c2 := float32(1 - math.Pow(b2, float64(o.t)))
	lr, eps, wd := o.LR, o.Eps, o.WeightDecay
	for i, p := range o.Params {
		if p.Grad == nil {
			continue
		}
		if o.m[i] == nil {
			o.m[i] = tensor.Zeros(p.Value.Shape()...)
			o.v[i] = tensor.Zeros(p.Value.Shape()...)
		}
		w, g, m, v := p.Value.Data(), p.Grad.Data(), o.m[i].Data(), o.v[i].Data()
		for j, gj := range g {
			if wd != 0 {
				if o.Decoupled {
					w[j] -= lr * wd * w[j]
				} else {
					gj += wd * w[j]
				}
			}
			m[j] = o.Beta1*m[j] + (1-o.Beta1)*gj
			v[j] = o.Beta2*v[j] + (1-o.Beta2)*gj*gj
			mh := m[j] / c1
			vh := v[j] / c2
			w[j] -= lr * mh / (float32(math.Sqrt(float64(vh))) + eps)
		}
	}
}

// ClipGradNorm scales the gradients of params so that their global L2 norm
// is at most maxNorm (Pascanu et al., ICML 2013) and returns the norm
// before clipping, like torch.nn.utils.clip_grad_norm_.
func ClipGradNorm(params []*autograd.Var, maxNorm float32) float32 {
	var s float64
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		for _, g := range p.Grad.Data() {
			s += float64(g) * float64(g)
		}
	}
	norm := float32(math.Sqrt(s))
	if norm > maxNorm && norm > 0 {
		k := maxNorm / (norm + 1e-6)
		for _, p := range params {
			if p.Grad != nil {
				p.Grad.Scale(k, p.Grad)
			}
		}
	}
	return norm
}

// ClipGradValue clamps every gradient value to [−limit, limit].
func ClipGradValue(params []*autograd.Var, limit float32) {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		g := p.Grad.Data()
		for j, v := range g {
			g[j] = max(-limit, min(limit, v))
		}
	}
}

// StepLR is a schedule that multiplies the base rate by Gamma every
// StepSize epochs: LR = Base·Gamma^⌊epoch/StepSize⌋.
type StepLR struct {
	Base     float32
	StepSize int
	Gamma    float32
}

// At returns the learning rate for epoch (0-based).
func (s StepLR) At(epoch int) float32 {
	if s.StepSize <= 0 {
		return s.Base
	}
	return s.Base * float32(math.Pow(float64(s.Gamma), float64(epoch/s.StepSize)))
}

// CosineLR anneals from Base to Min over Total epochs along a half cosine
// (Loshchilov & Hutter, "SGDR", ICLR 2017, without restarts):
// LR = Min + (Base−Min)·(1 + cos(π·epoch/Total))/2, then stays at Min.
type CosineLR struct {
	Base, Min float32
	Total     int
}

// At returns the learning rate for epoch (0-based).
func (s CosineLR) At(epoch int) float32 {
	if s.Total <= 0 || epoch >= s.Total {
		return s.Min
	}
	c := (1 + math.Cos(math.Pi*float64(epoch)/float64(s.Total))) / 2
	return s.Min + (s.Base-s.Min)*float32(c)
}

// Schedule gives a learning rate per epoch; StepLR and CosineLR are ones.
type Schedule interface {
	At(epoch int) float32
}

// SetSchedule sets opt's learning rate to s.At(epoch) if opt supports it
// and reports whether it did.
func SetSchedule(opt Optimizer, s Schedule, epoch int) bool {
	l, ok := opt.(LRSetter)
	if ok {
		l.SetLR(s.At(epoch))
	}
	return ok
}
