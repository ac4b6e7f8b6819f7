package tensor

import "math"

type binOp int

const (
	opAdd binOp = iota
	opSub
	opMul
	opDiv
	opMax
	opMin
	opPow
	opGt
	opGe
	opLt
	opLe
	opEq
	opNe
)

var binNames = [...]string{"Add", "Sub", "Mul", "Div", "Maximum", "Minimum", "Pow", "Gt", "Ge", "Lt", "Le", "Eq", "Ne"}

// BroadcastShape returns the NumPy broadcast of shapes a and b, or panics
// with an Error naming both shapes.
func BroadcastShape(a, b []int) []int { return broadcastShape("BroadcastShape", a, b) }

func broadcastShape(op string, a, b []int) []int {
	r := max(len(a), len(b))
	out := make([]int, r)
	for i := 0; i < r; i++ {
		da, db := 1, 1
		if j := len(a) - r + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - r + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			panicf("%s: shapes %v and %v do not broadcast", op, a, b)
		}
	}
	return out
}

// bstrides returns the element strides of shape aligned to out (rank r),
// zero along broadcast axes.
func bstrides(shape, out []int) []int {
	r := len(out)
	st := make([]int, r)
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		j := r - len(shape) + i
		if shape[i] != 1 {
			st[j] = s
		}
		s *= shape[i]
	}
	return st
}

func binary(op binOp, a, b *Tensor) *Tensor {
	out := Zeros(broadcastShape(binNames[op], a.shape, b.shape)...)
	binaryInto(op, out, a, b)
	return out
}

// binaryInto computes dst = a op b with broadcasting; dst must have the
// broadcast shape and may alias a or b when their shape equals it.
func binaryInto(op binOp, dst, a, b *Tensor) {
	if equalInts(a.shape, b.shape) {
		if !equalInts(dst.shape, a.shape) {
			panicf("%s: destination shape %v, want %v", binNames[op], dst.shape, a.shape)
		}
		binKernel(op, dst.data, a.data, b.data, 1, 1)
		return
	}
	shape := broadcastShape(binNames[op], a.shape, b.shape)
	if !equalInts(dst.shape, shape) {
		panicf("%s: destination shape %v, want %v (broadcast of %v and %v)", binNames[op], dst.shape, shape, a.shape, b.shape)
	}
	if len(dst.data) == 0 {
		return
	}
	if len(b.data) == 1 {
		binKernel(op, dst.data, a.data, b.data, 1, 0)
		return
	}
	if len(a.data) == 1 {
		binKernel(op, dst.data, a.data, b.data, 0, 1)
		return
	}
	r := len(shape)
	sa, sb := bstrides(a.shape, shape), bstrides(b.shape, shape)
	n := shape[r-1]
	ia, ib := sa[r-1], sb[r-1]
	idx := make([]int, r)
	oa, ob := 0, 0
	for o := 0; o < len(dst.data); o += n {
		binKernel(op, dst.data[o:o+n], a.data[oa:], b.data[ob:], ia, ib)
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			oa += sa[d]
			ob += sb[d]
			if idx[d] < shape[d] {
				break
			}
			oa -= idx[d] * sa[d]
			ob -= idx[d] * sb[d]
			idx[d] = 0
		}
	}
}

func b2f(c bool) float32 {
	if c {
		return 1
	}
	return 0
}

// binKernel computes d[i] = x[i*sx] op y[i*sy]; sx and sy are 0 or 1.
func binKernel(op binOp, d, x, y []float32, sx, sy int) {
	if sx == 1 && sy == 1 {
		x, y = x[:len(d)], y[:len(d)]
		switch op {
		case opAdd:
			for i := range d {
				d[i] = x[i] + y[i]
			}
			return
		case opSub:
			for i := range d {
				d[i] = x[i] - y[i]
			}
			return
		case opMul:
			for i := range d {
				d[i] = x[i] * y[i]
			}
			return
		case opDiv:
			for i := range d {
				d[i] = x[i] / y[i]
			}
			return
		}
	}
	if sx == 1 && sy == 0 {
		x = x[:len(d)]
		v := y[0]
		switch op {
		case opAdd:
			for i := range d {
				d[i] = x[i] + v
			}
			return
		case opMul:
			for i := range d {
				d[i] = x[i] * v
			}
			return
		}
	}
	for i := range d {
		p, q := x[i*sx], y[i*sy]
		var r float32
		switch op {
		case opAdd:
			r = p + q
		case opSub:
			r = p - q
		case opMul:
			r = p * q
		case opDiv:
			r = p / q
		case opMax:
			r = max(p, q)
		case opMin:
			r = min(p, q)
		case opPow:
			r = float32(math.Pow(float64(p), float64(q)))
		case opGt:
			r = b2f(p > q)
		case opGe:
			r = b2f(p >= q)
		case opLt:
			r = b2f(p < q)
		case opLe:
			r = b2f(p <= q)
		case opEq:
			r = b2f(p == q)
		case opNe:
			r = b2f(p != q)
		}
		d[i] = r
	}
}

// Add returns a + b with NumPy broadcasting.
func Add(a, b *Tensor) *Tensor { return binary(opAdd, a, b) }

// Sub returns a − b with broadcasting.
func Sub(a, b *Tensor) *Tensor { return binary(opSub, a, b) }

// Mul returns the elementwise product a ⊙ b with broadcasting.
func Mul(a, b *Tensor) *Tensor { return binary(opMul, a, b) }

// Div returns a / b elementwise with broadcasting.
func Div(a, b *Tensor) *Tensor { return binary(opDiv, a, b) }

// Maximum returns max(a, b) elementwise with broadcasting.
func Maximum(a, b *Tensor) *Tensor { return binary(opMax, a, b) }

// Minimum returns min(a, b) elementwise with broadcasting.
func Minimum(a, b *Tensor) *Tensor { return binary(opMin, a, b) }

// Pow returns a raised to b elementwise with broadcasting.
func Pow(a, b *Tensor) *Tensor { return binary(opPow, a, b) }

// Gt returns the mask a > b (1 where true, 0 elsewhere) with broadcasting.
func Gt(a, b *Tensor) *Tensor { return binary(opGt, a, b) }

// Ge returns the mask a ≥ b.
func Ge(a, b *Tensor) *Tensor { return binary(opGe, a, b) }

// Lt returns the mask a < b.
func Lt(a, b *Tensor) *Tensor { return binary(opLt, a, b) }

// Le returns the mask a ≤ b.
func Le(a, b *Tensor) *Tensor { return binary(opLe, a, b) }

// Eq returns the mask a == b.
func Eq(a, b *Tensor) *Tensor { return binary(opEq, a, b) }

// Ne returns the mask a ≠ b.
func Ne(a, b *Tensor) *Tensor { return binary(opNe, a, b) }

// Add sets t = a + b (broadcasting); t may be a or b.
func (t *Tensor) Add(a, b *Tensor) { binaryInto(opAdd, t, a, b) }

// Sub sets t = a − b (broadcasting); t may be a or b.
func (t *Tensor) Sub(a, b *Tensor) { binaryInto(opSub, t, a, b) }

// Mul sets t = a ⊙ b (broadcasting); t may be a or b.
func (t *Tensor) Mul(a, b *Tensor) { binaryInto(opMul, t, a, b) }

// Div sets t = a / b (broadcasting); t may be a or b.
func (t *Tensor) Div(a, b *Tensor) { binaryInto(opDiv, t, a, b) }

// Where returns cond ? a : b elementwise (cond nonzero means true), with
// all three broadcast together.
func Where(cond, a, b *Tensor) *Tensor {
	shape := broadcastShape("Where", broadcastShape("Where", cond.shape, a.shape), b.shape)
	c := expand(cond, shape)
	x := expand(a, shape)
	y := expand(b, shape)
	out := Zeros(shape...)
	for i, m := range c.data {
		if m != 0 {
			out.data[i] = x.data[i]
		} else {
			out.data[i] = y.data[i]
		}
	}
	return out
}

// expand returns t broadcast to shape (t itself when it already has it).
func expand(t *Tensor, shape []int) *Tensor {
	if equalInts(t.shape, shape) {
		return t
	}
	out := Zeros(shape...)
	binaryInto(opAdd, out, out, t)
	return out
}

// BroadcastTo returns a copy of t broadcast to shape.
func BroadcastTo(t *Tensor, shape ...int) *Tensor {
	s := broadcastShape("BroadcastTo", t.shape, shape)
	if !equalInts(s, shape) {
		panicf("BroadcastTo: shape %v does not broadcast to %v", t.shape, shape)
	}
	if equalInts(t.shape, shape) {
		return t.Clone()
	}
	return expand(t, shape)
}

// MaskedFill returns a copy of a with v wherever mask (broadcast to a) is nonzero.
func MaskedFill(a, mask *Tensor, v float32) *Tensor {
	return Where(mask, Full(v), a)
}

// Scale returns s·a.
func Scale(s float32, a *Tensor) *Tensor {
	out := Zeros(a.shape...)
	out.Scale(s, a)
	return out
}

// Scale sets t = s·a; t may be a.
func (t *Tensor) Scale(s float32, a *Tensor) {
	t.sameSize("Scale", a)
	for i, v := range a.data {
		t.data[i] = s * v
	}
}

// AddScalar returns a + s.
func AddScalar(a *Tensor, s float32) *Tensor {
	out := a.Clone()
	for i := range out.data {
		out.data[i] += s
	}
	return out
}

// AddScaled sets t += s·a (BLAS axpy); t and a must have the same shape.
func (t *Tensor) AddScaled(s float32, a *Tensor) {
	t.sameSize("AddScaled", a)
	axpy(s, a.data, t.data)
}

func (t *Tensor) sameSize(op string, a *Tensor) {
	if !equalInts(t.shape, a.shape) {
		panicf("%s: shapes %v and %v differ", op, t.shape, a.shape)
	}
}

type unOp int

const (
	opExp unOp = iota
	opLog
	opTanh
	opSigmoid
	opReLU
	opNeg
	opAbs
	opSqrt
	opSquare
)

var unNames = [...]string{"Exp", "Log", "Tanh", "Sigmoid", "ReLU", "Neg", "Abs", "Sqrt", "Square"}

func unary(op unOp, a *Tensor) *Tensor {
	out := Zeros(a.shape...)
	unaryInto(op, out, a)
	return out
}

func unaryInto(op unOp, dst, a *Tensor) {
	dst.sameSize(unNames[op], a)
	d, x := dst.data, a.data[:len(dst.data)]
	switch op {
	case opExp:
		for i, v := range x {
			d[i] = expf(v)
		}
	case opLog:
		for i, v := range x {
			d[i] = float32(math.Log(float64(v)))
		}
	case opTanh:
		for i, v := range x {
			d[i] = float32(math.Tanh(float64(v)))
		}
	case opSigmoid:
		for i, v := range x {
			d[i] = sigmoid(v)
		}
	case opReLU:
		for i, v := range x {
			d[i] = max(v, 0)
		}
	case opNeg:
		for i, v := range x {
			d[i] = -v
		}
	case opAbs:
		for i, v := range x {
			d[i] = float32(math.Abs(float64(v)))
		}
	case opSqrt:
		for i, v := range x {
			d[i] = float32(math.Sqrt(float64(v)))
		}
	case opSquare:
		for i, v := range x {
			d[i] = v * v
		}
	}
}

// sigmoid is 1/(1+e^−x), computed without overflow for either sign.
func sigmoid(v float32) float32 {
	if v >= 0 {
		return 1 / (1 + expf(-v))
	}
	e := expf(v)
	return e / (1 + e)
}

// Exp returns e^a elementwise.
func Exp(a *Tensor) *Tensor { return unary(opExp, a) }

// Log returns the natural logarithm of a elementwise.
func Log(a *Tensor) *Tensor { return unary(opLog, a) }

// Tanh returns tanh(a) elementwise.
func Tanh(a *Tensor) *Tensor { return unary(opTanh, a) }

// Sigmoid returns 1/(1+e^−a) elementwise.
func Sigmoid(a *Tensor) *Tensor { return unary(opSigmoid, a) }

// ReLU returns max(a, 0) elementwise.
func ReLU(a *Tensor) *Tensor { return unary(opReLU, a) }

// Neg returns −a.
func Neg(a *Tensor) *Tensor { return unary(opNeg, a) }

// Abs returns |a| elementwise.
func Abs(a *Tensor) *Tensor { return unary(opAbs, a) }

// Sqrt returns √a elementwise.
func Sqrt(a *Tensor) *Tensor { return unary(opSqrt, a) }

// Square returns a² elementwise.
func Square(a *Tensor) *Tensor { return unary(opSquare, a) }

// Exp sets t = e^a; t may be a.
func (t *Tensor) Exp(a *Tensor) { unaryInto(opExp, t, a) }

// Log sets t = log(a); t may be a.
func (t *Tensor) Log(a *Tensor) { unaryInto(opLog, t, a) }

// Tanh sets t = tanh(a); t may be a.
func (t *Tensor) Tanh(a *Tensor) { unaryInto(opTanh, t, a) }

// Sigmoid sets t = sigmoid(a); t may be a.
func (t *Tensor) Sigmoid(a *Tensor) { unaryInto(opSigmoid, t, a) }

// ReLU sets t = max(a, 0); t may be a.
func (t *Tensor) ReLU(a *Tensor) { unaryInto(opReLU, t, a) }

// Apply returns f applied to every element of a. It is convenient in a cell
// but much slower than the named operations.
func Apply(a *Tensor, f func(float32) float32) *Tensor {
	out := Zeros(a.shape...)
	for i, v := range a.data {
		out.data[i] = f(v)
	}
	return out
}

// AddBiasReLU sets t = max(a + bias, 0), bias broadcast along the last axis
// of the 2-d a, in one pass (the fused Linear+ReLU forward). t may be a.
func (t *Tensor) AddBiasReLU(a, bias *Tensor) {
	r, c := a.dims2("AddBiasReLU")
	if bias.Len() != c || !equalInts(t.shape, a.shape) {
		panicf("AddBiasReLU: shapes %v, bias %v, destination %v do not match", a.shape, bias.shape, t.shape)
	}
	bv := bias.data[:c]
	for i := 0; i < r; i++ {
		src := a.data[i*c : i*c+c]
		dst := t.data[i*c : i*c+c]
		for j, v := range src {
			dst[j] = max(v+bv[j], 0)
		}
	}
}

// AddBias sets t = a + bias, bias broadcast along the last axis of a. t may be a.
func (t *Tensor) AddBias(a, bias *Tensor) {
	if len(a.shape) == 0 {
		panicf("AddBias: scalar input")
	}
	c := a.shape[len(a.shape)-1]
	if bias.Len() != c || !equalInts(t.shape, a.shape) {
		panicf("AddBias: shapes %v, bias %v, destination %v do not match", a.shape, bias.shape, t.shape)
	}
	bv := bias.data[:c]
	for o := 0; o < len(a.data); o += c {
		src := a.data[o : o+c]
		dst := t.data[o : o+c]
		for j, v := range src {
			dst[j] = v + bv[j]
		}
	}
}

// MaskedSelect returns, as a 1-d tensor, the elements of a where mask
// (broadcast to a's shape) is nonzero, in row-major order, like PyTorch's
// masked_select or NumPy's a[mask].
func MaskedSelect(a, mask *Tensor) *Tensor {
	shape := broadcastShape("MaskedSelect", a.shape, mask.shape)
	if !equalInts(shape, a.shape) {
		panicf("MaskedSelect: mask %v does not broadcast to %v", mask.shape, a.shape)
	}
	m := expand(mask, a.shape)
	var out []float32
	for i, v := range a.data {
		if m.data[i] != 0 {
			out = append(out, v)
		}
	}
	if out == nil {
		out = []float32{}
	}
	return New(out, len(out))
}
