package autograd

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"tandem.dev/tandem/runtime/tensor"
)

// randAway returns values uniform in ±[0.2, 1.2]: away from zero so that a
// finite-difference step never crosses the kink of ReLU-like functions.
func randAway(r *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.Zeros(shape...)
	for i := range t.Data() {
		v := 0.2 + r.Float32()
		if r.IntN(2) == 0 {
			v = -v
		}
		t.Data()[i] = v
	}
	return t
}

func randPos(r *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.Zeros(shape...)
	for i := range t.Data() {
		t.Data()[i] = 0.3 + r.Float32()
	}
	return t
}

// checkGrad compares the gradients of L = Σ w ⊙ f(inputs), w random, from
// Backward with central finite differences (gonum diff/fd) at the given
// point, for every input.
//
// Tolerance: f is evaluated in float32 (unit roundoff u ≈ 6e-8), so the
// central difference with step h = 1e-2 has rounding error about u·|L|/h ≈
// 1e-5·|L| and truncation error h²·|f”'|/6 ≈ 2e-5 for these smooth,
// O(1)-scaled functions (Nocedal & Wright, Numerical Optimization, §8.1).
// 2e-3·max(1, |g|) leaves a wide margin above both while still catching any
// wrong factor or sign.
func checkGrad(t *testing.T, name string, inputs []*tensor.Tensor, f func(vs []*Var) *Var) {
	t.Helper()
	r := rand.New(rand.NewPCG(11, uint64(len(name))))
	vs := make([]*Var, len(inputs))
	for i, x := range inputs {
		vs[i] = New(x, true)
	}
	out := f(vs)
	w := tensor.Zeros(out.Value.Shape()...)
	for i := range w.Data() {
		w.Data()[i] = float32(r.Float64()*2 - 1)
	}
	out.BackwardWith(w)
	for i, x := range inputs {
		orig := append([]float32(nil), x.Data()...)
		x0 := make([]float64, len(orig))
		for j, v := range orig {
			x0[j] = float64(v)
		}
		loss := func(p []float64) float64 {
			for j, v := range p {
				x.Data()[j] = float32(v)
			}
			cs := make([]*Var, len(inputs))
			for k, in := range inputs {
				cs[k] = Const(in)
			}
			o := f(cs)
			var s float64
			for j, v := range o.Value.Data() {
				s += float64(v) * float64(w.Data()[j])
			}
			return s
		}
		want := fd.Gradient(nil, loss, x0, &fd.Settings{Formula: fd.Central, Step: 1e-2})
		copy(x.Data(), orig)
		got := vs[i].Grad.Data()
		for j := range want {
			if d := math.Abs(float64(got[j]) - want[j]); d > 2e-3*math.Max(1, math.Abs(want[j])) {
				t.Errorf("%s: input %d element %d: got: %v want: %v", name, i, j, got[j], want[j])
			}
		}
	}
}

func TestGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ts := func(shapes ...[]int) []*tensor.Tensor {
		out := make([]*tensor.Tensor, len(shapes))
		for i, s := range shapes {
			out[i] = randAway(r, s...)
		}
		return out
	}
	sh := func(s ...int) []int { return s }
	targets := []int{2, 0, 1, 1}
	for _, test := range []struct {
		name   string
		inputs []*tensor.Tensor
		f      func(v []*Var) *Var
	}{
		{"Add", ts(sh(3, 4), sh(3, 4)), func(v []*Var) *Var { return Add(v[0], v[1]) }},
		{"AddBroadcastRow", ts(sh(3, 4), sh(4)), func(v []*Var) *Var { return Add(v[0], v[1]) }},
		{"AddBroadcastBoth", ts(sh(3, 1), sh(1, 4)), func(v []*Var) *Var { return Add(v[0], v[1]) }},
		{"Sub", ts(sh(2, 3), sh(2, 1)), func(v []*Var) *Var { return Sub(v[0], v[1]) }},
		{"Mul", ts(sh(2, 3), sh(3)), func(v []*Var) *Var { return Mul(v[0], v[1]) }},
		{"Div", ts(sh(2, 3), sh(2, 3)), func(v []*Var) *Var { return Div(v[0], v[1]) }},
		{"DivScalar", ts(sh(2, 3), sh()), func(v []*Var) *Var { return Div(v[0], v[1]) }},
		{"Neg", ts(sh(5)), func(v []*Var) *Var { return Neg(v[0]) }},
		{"Scale", ts(sh(5)), func(v []*Var) *Var { return Scale(2.5, v[0]) }},
		{"AddScalar", ts(sh(5)), func(v []*Var) *Var { return AddScalar(v[0], 3) }},
		{"MatMul", ts(sh(3, 4), sh(4, 5)), func(v []*Var) *Var { return MatMul(v[0], v[1]) }},
		{"Exp", ts(sh(2, 3)), func(v []*Var) *Var { return Exp(v[0]) }},
		{"Log", []*tensor.Tensor{randPos(r, 2, 3)}, func(v []*Var) *Var { return Log(v[0]) }},
		{"Tanh", ts(sh(2, 3)), func(v []*Var) *Var { return Tanh(v[0]) }},
		{"Sigmoid", ts(sh(2, 3)), func(v []*Var) *Var { return Sigmoid(v[0]) }},
		{"ReLU", ts(sh(2, 3)), func(v []*Var) *Var { return ReLU(v[0]) }},
		{"LeakyReLU", ts(sh(2, 3)), func(v []*Var) *Var { return LeakyReLU(v[0], 0.1) }},
		{"Square", ts(sh(2, 3)), func(v []*Var) *Var { return Square(v[0]) }},
		{"Sqrt", []*tensor.Tensor{randPos(r, 4)}, func(v []*Var) *Var { return Sqrt(v[0]) }},
		{"Pow", []*tensor.Tensor{randPos(r, 4)}, func(v []*Var) *Var { return Pow(v[0], 1.7) }},
		{"Sum", ts(sh(2, 3)), func(v []*Var) *Var { return Sum(v[0]) }},
		{"Mean", ts(sh(2, 3)), func(v []*Var) *Var { return Mean(v[0]) }},
		{"SumAxis0", ts(sh(2, 3, 2)), func(v []*Var) *Var { return SumAxis(v[0], 0) }},
		{"SumAxis1", ts(sh(2, 3, 2)), func(v []*Var) *Var { return SumAxis(v[0], 1) }},
		{"MeanAxisLast", ts(sh(2, 3)), func(v []*Var) *Var { return MeanAxis(v[0], -1) }},
		{"Reshape", ts(sh(2, 3)), func(v []*Var) *Var { return Mul(Reshape(v[0], 3, 2), Reshape(v[0], 3, 2)) }},
		{"T", ts(sh(2, 3)), func(v []*Var) *Var { return T(v[0]) }},
		{"Rows", ts(sh(4, 2)), func(v []*Var) *Var { return Rows(v[0], []int{3, 0, 3}) }},
		{"Concat", ts(sh(2, 2), sh(2, 3)), func(v []*Var) *Var { return Concat([]*Var{v[0], v[1]}, 1) }},
		{"Softmax", ts(sh(3, 4)), func(v []*Var) *Var { return Softmax(v[0], 1) }},
		{"SoftmaxAxis0", ts(sh(3, 4)), func(v []*Var) *Var { return Softmax(v[0], 0) }},
		{"LogSoftmax", ts(sh(3, 4)), func(v []*Var) *Var { return LogSoftmax(v[0], -1) }},
		{"Linear", ts(sh(4, 3), sh(3, 5), sh(5)), func(v []*Var) *Var { return Linear(v[0], v[1], v[2]) }},
		{"LinearNoBias", ts(sh(4, 3), sh(3, 2)), func(v []*Var) *Var { return Linear(v[0], v[1], nil) }},
		{"SoftmaxCrossEntropy", ts(sh(4, 3)), func(v []*Var) *Var { return SoftmaxCrossEntropy(v[0], targets) }},
		{"MSE", ts(sh(3, 2)), func(v []*Var) *Var {
			return MSE(v[0], tensor.New([]float32{1, 0, -1, 2, 0.5, 0}, 3, 2))
		}},
		{"BCE", []*tensor.Tensor{tensor.New([]float32{0.3, 0.7, 0.4, 0.6}, 4)}, func(v []*Var) *Var {
			return BCE(v[0], tensor.New([]float32{0, 1, 1, 0.5}, 4))
		}},
		{"BCEWithLogits", ts(sh(4)), func(v []*Var) *Var { return BCEWithLogits(v[0], tensor.New([]float32{0, 1, 1, 0}, 4)) }},
		{"Abs", ts(sh(2, 3)), func(v []*Var) *Var { return Abs(v[0]) }},
		// Values are at least 0.2 from zero but a and b may be close to each
		// other: shift b by 3 so every comparison is decided far from a tie.
		{"Maximum", ts(sh(2, 3), sh(3)), func(v []*Var) *Var { return Maximum(v[0], AddScalar(v[1], 3)) }},
		{"MaximumMixed", []*tensor.Tensor{tensor.New([]float32{1, -1, 2, -2}, 4), tensor.New([]float32{0, 0, 0, 0}, 4)}, func(v []*Var) *Var { return Maximum(v[0], v[1]) }},
		{"Minimum", []*tensor.Tensor{tensor.New([]float32{1, -1, 2, -2}, 2, 2), tensor.New([]float32{0, 0.5}, 2)}, func(v []*Var) *Var { return Minimum(v[0], v[1]) }},
		{"Composite", ts(sh(4, 3), sh(3, 3), sh(3)), func(v []*Var) *Var {
			h := Tanh(Linear(v[0], v[1], v[2]))
			return Mean(Mul(h, Sigmoid(h)))
		}},
	} {
		t.Run(test.name, func(t *testing.T) { checkGrad(t, test.name, test.inputs, test.f) })
	}
}

func TestVar_Backward(t *testing.T) {
	w := New(tensor.New([]float32{1, 2}, 2), true)
	x := Const(tensor.New([]float32{3, 4}, 2))
	// L = Σ w⊙x, ∂L/∂w = x; twice accumulates, ZeroGrad clears.
	Sum(Mul(w, x)).Backward()
	Sum(Mul(w, x)).Backward()
	if g := w.Grad.Data(); g[0] != 6 || g[1] != 8 {
		t.Errorf("accumulated grad: got: %v want: [6 8]", g)
	}
	w.ZeroGrad()
	if g := w.Grad.Data(); g[0] != 0 || g[1] != 0 {
		t.Errorf("after ZeroGrad: got: %v want: [0 0]", g)
	}
	// A node used twice gets both contributions: L = Σ w⊙w, ∂L/∂w = 2w.
	Sum(Mul(w, w)).Backward()
	if g := w.Grad.Data(); g[0] != 2 || g[1] != 4 {
		t.Errorf("shared node: got: %v want: [2 4]", g)
	}
	var y *Var
	NoGrad(func() { y = Sum(Mul(w, x)) })
	if y.RequiresGrad || !GradEnabled() {
		t.Errorf("NoGrad: result requires grad %v, enabled after %v", y.RequiresGrad, GradEnabled())
	}
	func() {
		defer func() {
			if _, ok := recover().(tensor.Error); !ok {
				t.Errorf("Backward on a constant did not panic with tensor.Error")
			}
		}()
		y.Backward()
	}()
}
