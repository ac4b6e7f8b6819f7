package optim

import (
	"math"
	"testing"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

func param(vals ...float32) *autograd.Var {
	p := autograd.Param(tensor.New(vals, len(vals)))
	p.Grad = tensor.Zeros(len(vals))
	return p
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestSGD_Step(t *testing.T) {
	// Each case: parameter θ, gradients g1, g2 over two steps, and θ after
	// the two steps, worked by hand from the update rules in the docs.
	for i, test := range []struct {
		opt  func(p []*autograd.Var) Optimizer
		want float64
	}{
		// plain: θ − α·g1 − α·g2 = 1 − 0.1·0.5 − 0.1·1
		{func(p []*autograd.Var) Optimizer { return NewSGD(p, 0.1) }, 0.85},
		// weight decay 0.1: θ1 = 1 − 0.1(0.5+0.1) = 0.94; θ2 = 0.94 − 0.1(1+0.094) = 0.8306
		{func(p []*autograd.Var) Optimizer { o := NewSGD(p, 0.1); o.WeightDecay = 0.1; return o }, 0.8306},
		// momentum 0.9: v1 = 0.5, θ1 = 0.95; v2 = 0.45+1 = 1.45, θ2 = 0.95 − 0.145 = 0.805
		{func(p []*autograd.Var) Optimizer { o := NewSGD(p, 0.1); o.Momentum = 0.9; return o }, 0.805},
		// Nesterov: θ1 = 1 − 0.1(0.5 + 0.9·0.5) = 0.905; θ2 = 0.905 − 0.1(1 + 0.9·1.45) = 0.6745
		{func(p []*autograd.Var) Optimizer {
			o := NewSGD(p, 0.1)
			o.Momentum, o.Nesterov = 0.9, true
			return o
		}, 0.6745},
	} {
		p := param(1)
		o := test.opt([]*autograd.Var{p})
		for _, g := range []float32{0.5, 1} {
			o.ZeroGrad()
			p.Grad.Data()[0] = g
			o.Step()
		}
		if got := float64(p.Value.Data()[0]); !near(got, test.want) {
			t.Errorf("test %d: got: %v want: %v", i, got, test.want)
		}
	}
}

// TestSGD_Exact checks the plain update bit for bit: θ ← θ − α·∇J(θ)
// rounded once to float32 (α·g is exact in float64, so the float64
// expression below is that value), with no other term.
func TestSGD_Exact(t *testing.T) {
	p := param(0.3, -1.7, 2.5)
	g := []float32{0.11, -0.42, 3.3}
	copy(p.Grad.Data(), g)
	want := make([]float32, 3)
	for i, v := range p.Value.Data() {
		want[i] = float32(float64(v) - float64(float32(0.05))*float64(g[i]))
	}
	NewSGD([]*autograd.Var{p}, 0.05).Step()
	for i, v := range p.Value.Data() {
		if v != want[i] {
			t.Errorf("element %d: got: %v want: %v", i, v, want[i])
		}
	}
}

func TestAdam_Step(t *testing.T) {
	// First step of Adam moves every coordinate by α·sign(g) (m̂ = g,
	// v̂ = g², Kingma & Ba §2), up to ε.
	p := param(1, 1)
	a := NewAdam([]*autograd.Var{p}, 0.01)
	copy(p.Grad.Data(), []float32{0.3, -20})
	a.Step()
	if got := p.Value.Data(); !near(float64(got[0]), 0.99) || !near(float64(got[1]), 1.01) {
		t.Errorf("Adam step 1: got: %v want: [0.99 1.01]", got)
	}
	// Second step with the same gradient: m̂ = g, v̂ = g² again.
	a.Step()
	if got := p.Value.Data(); !near(float64(got[0]), 0.98) || !near(float64(got[1]), 1.02) {
		t.Errorf("Adam step 2: got: %v want: [0.98 1.02]", got)
	}
	// AdamW decays the weights directly: θ − α·λ·θ − α·sign(g).
	q := param(2)
	w := NewAdamW([]*autograd.Var{q}, 0.1)
	q.Grad.Data()[0] = 1
	w.Step()
	if got := float64(q.Value.Data()[0]); !near(got, 2-0.1*0.01*2-0.1) {
		t.Errorf("AdamW: got: %v want: %v", got, 2-0.1*0.01*2-0.1)
	}
}

func TestAdam_Minimizes(t *testing.T) {
	// Rosenbrock-like bowl: f = (x−3)² + 10(y+1)²; Adam reaches the minimum.
	p := autograd.Param(tensor.New([]float32{0, 0}, 2))
	o := NewAdam([]*autograd.Var{p}, 0.1)
	c := autograd.Const(tensor.New([]float32{3, -1}, 2))
	k := autograd.Const(tensor.New([]float32{1, 10}, 2))
	for i := 0; i < 2000; i++ {
		o.ZeroGrad()
		d := autograd.Sub(p, c)
		autograd.Sum(autograd.Mul(k, autograd.Mul(d, d))).Backward()
		o.Step()
	}
	if got := p.Value.Data(); math.Abs(float64(got[0])-3) > 1e-2 || math.Abs(float64(got[1])+1) > 1e-2 {
		t.Errorf("Adam minimum: got: %v want: [3 -1]", got)
	}
}

func TestSchedules(t *testing.T) {
	for i, test := range []struct {
		s    Schedule
		e    int
		want float64
	}{
		{StepLR{Base: 0.1, StepSize: 10, Gamma: 0.5}, 0, 0.1},
		{StepLR{Base: 0.1, StepSize: 10, Gamma: 0.5}, 9, 0.1},
		{StepLR{Base: 0.1, StepSize: 10, Gamma: 0.5}, 25, 0.025},
		{CosineLR{Base: 1, Min: 0, Total: 10}, 0, 1},
		{CosineLR{Base: 1, Min: 0, Total: 10}, 5, 0.5},
		{CosineLR{Base: 1, Min: 0.1, Total: 10}, 10, 0.1},
	} {
		if got := float64(test.s.At(test.e)); !near(got, test.want) {
			t.Errorf("test %d: got: %v want: %v", i, got, test.want)
		}
	}
	o := NewSGD(nil, 1)
	if !SetSchedule(o, StepLR{Base: 0.3, StepSize: 1, Gamma: 1}, 4) || o.LR != 0.3 {
		t.Errorf("SetSchedule did not set the rate: %v", o.LR)
	}
}

func TestClipGradNorm(t *testing.T) {
	a, b := param(0, 0), param(0)
	copy(a.Grad.Data(), []float32{3, 0})
	b.Grad.Data()[0] = 4
	n := ClipGradNorm([]*autograd.Var{a, b}, 1)
	if !near(float64(n), 5) {
		t.Errorf("norm: got: %v want: 5", n)
	}
	if g := a.Grad.Data()[0]; math.Abs(float64(g)-0.6) > 1e-5 {
		t.Errorf("clipped: got: %v want: 0.6", g)
	}
	ClipGradValue([]*autograd.Var{b}, 0.5)
	if g := b.Grad.Data()[0]; g != 0.5 {
		t.Errorf("ClipGradValue: got: %v want: 0.5", g)
	}
}
