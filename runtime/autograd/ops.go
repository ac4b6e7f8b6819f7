package autograd

import (
	"fmt"
	"math"

	"tandem.dev/tandem/runtime/tensor"
)

func vars(vs ...*Var) []*Var { return vs }

// Add returns a + b with broadcasting.
func Add(a, b *Var) *Var {
	return Func(tensor.Add(a.Value, b.Value), vars(a, b), func(o *Var) {
		if a.RequiresGrad {
			a.Grad.AddReduced(o.Grad)
		}
		if b.RequiresGrad {
			b.Grad.AddReduced(o.Grad)
		}
	})
}

// Sub returns a − b with broadcasting.
func Sub(a, b *Var) *Var {
	return Func(tensor.Sub(a.Value, b.Value), vars(a, b), func(o *Var) {
		if a.RequiresGrad {
			a.Grad.AddReduced(o.Grad)
		}
		if b.RequiresGrad {
			b.Grad.AddReduced(tensor.Neg(o.Grad))
		}
	})
}

// Mul returns the elementwise product a ⊙ b with broadcasting.
func Mul(a, b *Var) *Var {
	return Func(tensor.Mul(a.Value, b.Value), vars(a, b), func(o *Var) {
		if a.RequiresGrad {
			a.Grad.AddReduced(tensor.Mul(o.Grad, b.Value))
		}
		if b.RequiresGrad {
			b.Grad.AddReduced(tensor.Mul(o.Grad, a.Value))
		}
	})
}

// Div returns a / b elementwise with broadcasting.
func Div(a, b *Var) *Var {
	return Func(tensor.Div(a.Value, b.Value), vars(a, b), func(o *Var) {
		if a.RequiresGrad {
			a.Grad.AddReduced(tensor.Div(o.Grad, b.Value))
		}
		if b.RequiresGrad {
			// ∂(a/b)/∂b = −a/b² = −out/b
			g := tensor.Mul(o.Grad, o.Value)
			g.Div(g, b.Value)
			b.Grad.AddReduced(tensor.Neg(g))
		}
	})
}

// Neg returns −a.
func Neg(a *Var) *Var { return Scale(-1, a) }

// Scale returns s·a.
func Scale(s float32, a *Var) *Var {
	return Func(tensor.Scale(s, a.Value), vars(a), func(o *Var) {
		a.Grad.AddScaled(s, o.Grad)
	})
}

// AddScalar returns a + s.
func AddScalar(a *Var, s float32) *Var {
	return Func(tensor.AddScalar(a.Value, s), vars(a), func(o *Var) {
		a.Grad.AddScaled(1, o.Grad)
	})
}

// MatMul returns the matrix product a·b of 2-d values.
func MatMul(a, b *Var) *Var {
	out := tensor.MatMul(a.Value, b.Value)
	return Func(out, vars(a, b), func(o *Var) {
		if a.RequiresGrad { // ∂L/∂a = g·bᵀ
			tensor.Gemm(false, true, 1, o.Grad, b.Value, 1, a.Grad)
		}
		if b.RequiresGrad { // ∂L/∂b = aᵀ·g
			tensor.Gemm(true, false, 1, a.Value, o.Grad, 1, b.Grad)
		}
	})
}

// unaryGrad builds an elementwise op whose derivative d(x, y) is expressed
// through the input x and the output y.
func unaryGrad(a *Var, out *tensor.Tensor, d func(x, y float32) float32) *Var {
	return Func(out, vars(a), func(o *Var) {
		g, x, y, ag := o.Grad.Data(), a.Value.Data(), o.Value.Data(), a.Grad.Data()
		for i, gi := range g {
			ag[i] += gi * d(x[i], y[i])
		}
	})
}

// Exp returns e^a.
func Exp(a *Var) *Var {
	return unaryGrad(a, tensor.Exp(a.Value), func(x, y float32) float32 { return y })
}

// Log returns the natural logarithm of a.
func Log(a *Var) *Var {
	return unaryGrad(a, tensor.Log(a.Value), func(x, y float32) float32 { return 1 / x })
}

// Tanh returns tanh(a).
func Tanh(a *Var) *Var {
	return unaryGrad(a, tensor.Tanh(a.Value), func(x, y float32) float32 { return 1 - y*y })
}

// Sigmoid returns 1/(1+e^−a).
func Sigmoid(a *Var) *Var {
	return unaryGrad(a, tensor.Sigmoid(a.Value), func(x, y float32) float32 { return y * (1 - y) })
}

// ReLU returns max(a, 0); its derivative at 0 is taken as 0, like PyTorch.
func ReLU(a *Var) *Var {
	return unaryGrad(a, tensor.ReLU(a.Value), func(x, y float32) float32 {
		if x > 0 {
			return 1
		}
		return 0
	})
}

// LeakyReLU returns a where a > 0 and slope·a elsewhere.
func LeakyReLU(a *Var, slope float32) *Var {
	out := tensor.Apply(a.Value, func(x float32) float32 {
		if x > 0 {
			return x
		}
		return slope * x
	})
	return unaryGrad(a, out, func(x, y float32) float32 {
		if x > 0 {
			return 1
		}
		return slope
	})
}

// Square returns a².
func Square(a *Var) *Var {
	return unaryGrad(a, tensor.Square(a.Value), func(x, y float32) float32 { return 2 * x })
}

// Sqrt returns √a.
func Sqrt(a *Var) *Var {
	return unaryGrad(a, tensor.Sqrt(a.Value), func(x, y float32) float32 { return 0.5 / y })
}

// Pow returns a^p elementwise for a constant exponent p.
func Pow(a *Var, p float32) *Var {
	out := tensor.Apply(a.Value, func(x float32) float32 { return float32(math.Pow(float64(x), float64(p))) })
	return unaryGrad(a, out, func(x, y float32) float32 {
		return p * float32(math.Pow(float64(x), float64(p-1)))
	})
}

// Sum returns the sum of all elements of a as a one-element Var.
func Sum(a *Var) *Var {
	return Func(tensor.Scalar(tensor.Sum(a.Value)), vars(a), func(o *Var) {
		g := o.Grad.Data()[0]
		for i := range a.Grad.Data() {
			a.Grad.Data()[i] += g
		}
	})
}

// Mean returns the mean of all elements of a.
func Mean(a *Var) *Var {
	n := float32(a.Value.Len())
	return Func(tensor.Scalar(tensor.Mean(a.Value)), vars(a), func(o *Var) {
		g := o.Grad.Data()[0] / n
		for i := range a.Grad.Data() {
			a.Grad.Data()[i] += g
		}
	})
}

func normAxis(op string, t *tensor.Tensor, axis int) int {
	r := t.NDim()
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r {
		panic(tensor.Error{Msg: fmt.Sprintf("autograd: %s: axis %d out of range for shape %v", op, axis, t.Shape())})
	}
	return axis
}

// SumAxis returns the sums of a along axis (removed from the shape).
func SumAxis(a *Var, axis int) *Var {
	ax := normAxis("SumAxis", a.Value, axis)
	return Func(tensor.SumAxis(a.Value, ax), vars(a), func(o *Var) {
		a.Grad.Add(a.Grad, tensor.KeepDims(o.Grad, a.Value.Shape(), ax))
	})
}

// MeanAxis returns the means of a along axis (removed from the shape).
func MeanAxis(a *Var, axis int) *Var {
	ax := normAxis("MeanAxis", a.Value, axis)
	n := float32(a.Value.Shape()[ax])
	return Func(tensor.MeanAxis(a.Value, ax), vars(a), func(o *Var) {
		a.Grad.Add(a.Grad, tensor.KeepDims(tensor.Scale(1/n, o.Grad), a.Value.Shape(), ax))
	})
}

// Reshape returns a with a new shape (one dimension may be -1).
func Reshape(a *Var, shape ...int) *Var {
	out := a.Value.Reshape(shape...)
	return Func(out, vars(a), func(o *Var) {
		a.Grad.AddScaled(1, o.Grad.Reshape(a.Value.Shape()...))
	})
}

// Flatten returns a as [a.Dim(0), rest].
func Flatten(a *Var) *Var { return Reshape(a, a.Value.Dim(0), -1) }

// T returns the transpose of a 2-d a.
func T(a *Var) *Var {
	return Func(a.Value.T(), vars(a), func(o *Var) {
		a.Grad.AddScaled(1, o.Grad.T())
	})
}

// Rows returns the rows idx of a (a gather; the gradient scatters back and
// adds up over repeated indices).
func Rows(a *Var, idx []int) *Var {
	return Func(tensor.Rows(a.Value, idx), vars(a), func(o *Var) {
		inner := a.Value.Len() / max(a.Value.Dim(0), 1)
		ag, g := a.Grad.Data(), o.Grad.Data()
		for k, j := range idx {
			dst := ag[j*inner : (j+1)*inner]
			for i, v := range g[k*inner : (k+1)*inner] {
				dst[i] += v
			}
		}
	})
}

// Concat joins vs along axis.
func Concat(vs []*Var, axis int) *Var {
	ts := make([]*tensor.Tensor, len(vs))
	for i, v := range vs {
		ts[i] = v.Value
	}
	out := tensor.Concat(ts, axis)
	ax := normAxis("Concat", out, axis)
	parents := append([]*Var(nil), vs...)
	return Func(out, parents, func(o *Var) {
		pos := 0
		for _, v := range parents {
			n := v.Value.Shape()[ax]
			if v.RequiresGrad {
				v.Grad.AddScaled(1, tensor.Narrow(o.Grad, ax, pos, pos+n))
			}
			pos += n
		}
	})
}

// Softmax returns softmax(a) along axis.
func Softmax(a *Var, axis int) *Var {
	ax := normAxis("Softmax", a.Value, axis)
	return Func(tensor.Softmax(a.Value, ax), vars(a), func(o *Var) {
		// ∂L/∂a = s ⊙ (g − Σ(g ⊙ s))
		gs := tensor.Mul(o.Grad, o.Value)
		dot := tensor.KeepDims(tensor.SumAxis(gs, ax), a.Value.Shape(), ax)
		d := tensor.Sub(o.Grad, dot)
		d.Mul(d, o.Value)
		a.Grad.AddScaled(1, d)
	})
}

// LogSoftmax returns log-softmax(a) along axis.
func LogSoftmax(a *Var, axis int) *Var {
	ax := normAxis("LogSoftmax", a.Value, axis)
	return Func(tensor.LogSoftmax(a.Value, ax), vars(a), func(o *Var) {
		// ∂L/∂a = g − softmax(a)·Σg
		s := tensor.Exp(o.Value)
		sum := tensor.KeepDims(tensor.SumAxis(o.Grad, ax), a.Value.Shape(), ax)
		s.Mul(s, sum)
		a.Grad.AddScaled(1, tensor.Sub(o.Grad, s))
	})
}

// Linear returns x·w + b for x of shape [n, in], w [in, out] and b [out]
// (b may be nil), fused: one GEMM and one pass for the bias.
func Linear(x, w, b *Var) *Var {
	n, in := x.Value.Shape()[0], x.Value.Shape()[1]
	if x.Value.NDim() != 2 || w.Value.NDim() != 2 || w.Value.Dim(0) != in {
		panic(tensor.Error{Msg: fmt.Sprintf("autograd: Linear: input %v does not fit weight %v", x.Value.Shape(), w.Value.Shape())})
	}
	out := tensor.Zeros(n, w.Value.Dim(1))
	out.MatMul(x.Value, w.Value)
	ps := vars(x, w)
	if b != nil {
		out.AddBias(out, b.Value)
		ps = vars(x, w, b)
	}
	return Func(out, ps, func(o *Var) { linearBack(o.Grad, x, w, b) })
}

// linearBack adds the gradients of x·w + b given g = ∂L/∂out.
func linearBack(g *tensor.Tensor, x, w, b *Var) {
	if w.RequiresGrad {
		tensor.Gemm(true, false, 1, x.Value, g, 1, w.Grad)
	}
	if b != nil && b.RequiresGrad {
		b.Grad.AddColSums(g)
	}
	if x.RequiresGrad {
		tensor.Gemm(false, true, 1, g, w.Value, 1, x.Grad)
	}
}

// Abs returns |a|; its derivative at 0 is taken as 0, like PyTorch.
func Abs(a *Var) *Var {
	return unaryGrad(a, tensor.Abs(a.Value), func(x, y float32) float32 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	})
}

// Maximum returns max(a, b) elementwise with broadcasting; the gradient
// goes to a where a ≥ b and to b elsewhere.
func Maximum(a, b *Var) *Var {
	return pick(tensor.Ge(a.Value, b.Value), tensor.Maximum(a.Value, b.Value), a, b)
}

// Minimum returns min(a, b) elementwise with broadcasting; the gradient
// goes to a where a ≤ b and to b elsewhere.
func Minimum(a, b *Var) *Var {
	return pick(tensor.Le(a.Value, b.Value), tensor.Minimum(a.Value, b.Value), a, b)
}

// pick builds an op whose output comes from a where mask is 1, else b.
func pick(mask, out *tensor.Tensor, a, b *Var) *Var {
	return Func(out, vars(a, b), func(o *Var) {
		ga := tensor.Mul(o.Grad, mask)
		if a.RequiresGrad {
			a.Grad.AddReduced(ga)
		}
		if b.RequiresGrad {
			b.Grad.AddReduced(tensor.Sub(o.Grad, ga))
		}
	})
}
