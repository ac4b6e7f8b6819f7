package tensor

import "math"

// Sum returns the sum of all elements (accumulated in float64).
func Sum(a *Tensor) float32 {
	var s float64
	for _, v := range a.data {
		s += float64(v)
	}
	return float32(s)
}

// Mean returns the mean of all elements; NaN for an empty tensor.
func Mean(a *Tensor) float32 {
	if len(a.data) == 0 {
		return float32(math.NaN())
	}
	var s float64
	for _, v := range a.data {
		s += float64(v)
	}
	return float32(s / float64(len(a.data)))
}

// Var returns the population variance (divisor n, NumPy's default ddof=0)
// of all elements.
func Var(a *Tensor) float32 {
	if len(a.data) == 0 {
		return float32(math.NaN())
	}
	m := float64(Mean(a))
	var s float64
	for _, v := range a.data {
		d := float64(v) - m
		s += d * d
	}
	return float32(s / float64(len(a.data)))
}

// Max returns the largest element. It panics on an empty tensor.
func Max(a *Tensor) float32 { return a.data[argExt("Max", a.data, 1, true)] }

// Min returns the smallest element. It panics on an empty tensor.
func Min(a *Tensor) float32 { return a.data[argExt("Min", a.data, 1, false)] }

// ArgMax returns the flat index of the largest element (the first one on ties).
func ArgMax(a *Tensor) int { return argExt("ArgMax", a.data, 1, true) }

func argExt(op string, d []float32, stride int, isMax bool) int {
	if len(d) == 0 {
		panicf("%s: empty tensor", op)
	}
	best, bi := d[0], 0
	for i := stride; i < len(d); i += stride {
		v := d[i]
		if (isMax && v > best) || (!isMax && v < best) || (best != best && v == v) {
			best, bi = v, i
		}
	}
	return bi / stride
}

// reduceShape returns shape without axis.
func reduceShape(shape []int, axis int) []int {
	return append(append([]int{}, shape[:axis]...), shape[axis+1:]...)
}

// SumAxis returns the sums along axis; the axis is removed from the shape
// (KeepDims restores it as size 1 when needed for broadcasting).
func SumAxis(a *Tensor, axis int) *Tensor {
	ax := a.axis("SumAxis", axis)
	out := Zeros(reduceShape(a.shape, ax)...)
	sumAxisInto(out.data, a, ax)
	return out
}

// SumAxis sets t to the sums of a along axis (t has a's shape without it,
// or with it as 1).
func (t *Tensor) SumAxis(a *Tensor, axis int) {
	ax := a.axis("SumAxis", axis)
	if t.Len()*a.shape[ax] != a.Len() {
		panicf("SumAxis: destination %v does not fit %v reduced along axis %d", t.shape, a.shape, axis)
	}
	sumAxisInto(t.data, a, ax)
}

func sumAxisInto(out []float32, a *Tensor, ax int) {
	outer, n, inner := split3(a.shape, ax)
	if inner == 1 {
		for o := 0; o < outer; o++ {
			var s float64
			for _, v := range a.data[o*n : o*n+n] {
				s += float64(v)
			}
			out[o] = float32(s)
		}
		return
	}
	for o := 0; o < outer; o++ {
		dst := out[o*inner : o*inner+inner]
		clear(dst)
		for k := 0; k < n; k++ {
			src := a.data[(o*n+k)*inner : (o*n+k+1)*inner]
			for i, v := range src {
				dst[i] += v
			}
		}
	}
}

// MeanAxis returns the means along axis (removed from the shape).
func MeanAxis(a *Tensor, axis int) *Tensor {
	out := SumAxis(a, axis)
	n := a.shape[a.axis("MeanAxis", axis)]
	out.Scale(1/float32(n), out)
	return out
}

// VarAxis returns the population variances (ddof 0) along axis.
func VarAxis(a *Tensor, axis int) *Tensor {
	ax := a.axis("VarAxis", axis)
	m := MeanAxis(a, ax)
	d := Sub(a, KeepDims(m, a.shape, ax))
	d.Mul(d, d)
	return MeanAxis(d, ax)
}

// KeepDims returns a view of r (a reduced along axis) with that axis
// restored as size 1, so it broadcasts against the original shape.
func KeepDims(r *Tensor, shape []int, axis int) *Tensor {
	s := append([]int{}, shape...)
	s[axis] = 1
	return r.Reshape(s...)
}

func extAxis(op string, a *Tensor, axis int, isMax bool) (*Tensor, []int) {
	ax := a.axis(op, axis)
	outer, n, inner := split3(a.shape, ax)
	if n == 0 {
		panicf("%s: axis %d of shape %v is empty", op, axis, a.shape)
	}
	out := Zeros(reduceShape(a.shape, ax)...)
	idx := make([]int, outer*inner)
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			base := o*n*inner + i
			k := argExt(op, a.data[base:base+(n-1)*inner+1], inner, isMax)
			idx[o*inner+i] = k
			out.data[o*inner+i] = a.data[base+k*inner]
		}
	}
	return out, idx
}

// MaxAxis returns the maxima along axis (removed from the shape).
func MaxAxis(a *Tensor, axis int) *Tensor { t, _ := extAxis("MaxAxis", a, axis, true); return t }

// MinAxis returns the minima along axis.
func MinAxis(a *Tensor, axis int) *Tensor { t, _ := extAxis("MinAxis", a, axis, false); return t }

// ArgMaxAxis returns, for every position of the other axes (row-major), the
// index along axis of the largest value: for logits of shape [n, classes]
// and axis 1, the predicted class of each row.
func ArgMaxAxis(a *Tensor, axis int) []int { _, i := extAxis("ArgMaxAxis", a, axis, true); return i }

// ArgMinAxis is ArgMaxAxis for the smallest value.
func ArgMinAxis(a *Tensor, axis int) []int { _, i := extAxis("ArgMinAxis", a, axis, false); return i }

// Softmax returns e^a / Σ e^a along axis, computed stably (max subtracted).
func Softmax(a *Tensor, axis int) *Tensor {
	out := Zeros(a.shape...)
	out.Softmax(a, axis)
	return out
}

// LogSoftmax returns a − log Σ e^a along axis, computed stably.
func LogSoftmax(a *Tensor, axis int) *Tensor {
	out := Zeros(a.shape...)
	out.LogSoftmax(a, axis)
	return out
}

// Softmax sets t = softmax(a) along axis; t may be a.
func (t *Tensor) Softmax(a *Tensor, axis int) { t.softmax("Softmax", a, axis, false) }

// LogSoftmax sets t = log-softmax(a) along axis; t may be a.
func (t *Tensor) LogSoftmax(a *Tensor, axis int) { t.softmax("LogSoftmax", a, axis, true) }

func (t *Tensor) softmax(op string, a *Tensor, axis int, logs bool) {
	ax := a.axis(op, axis)
	t.sameSize(op, a)
	outer, n, inner := split3(a.shape, ax)
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			base := o*n*inner + i
			m := float32(math.Inf(-1))
			for k := 0; k < n; k++ {
				m = max(m, a.data[base+k*inner])
			}
			var s float64
			for k := 0; k < n; k++ {
				e := float64(expf(a.data[base+k*inner] - m))
				s += e
				if !logs {
					t.data[base+k*inner] = float32(e)
				}
			}
			if logs {
				ls := m + float32(math.Log(s))
				for k := 0; k < n; k++ {
					t.data[base+k*inner] = a.data[base+k*inner] - ls
				}
			} else {
				inv := float32(1 / s)
				for k := 0; k < n; k++ {
					t.data[base+k*inner] *= inv
				}
			}
		}
	}
}

// AddReduced sets t += g summed down to t's shape: the adjoint of
// broadcasting t to g's shape, used by the backward pass of broadcast
// operations. It panics if t's shape does not broadcast to g's.
func (t *Tensor) AddReduced(g *Tensor) {
	if equalInts(t.shape, g.shape) {
		t.AddScaled(1, g)
		return
	}
	shape := broadcastShape("AddReduced", t.shape, g.shape)
	if !equalInts(shape, g.shape) {
		panicf("AddReduced: shape %v does not broadcast to %v", t.shape, g.shape)
	}
	if len(g.data) == 0 {
		return
	}
	if len(t.data) == 1 {
		t.data[0] += Sum(g)
		return
	}
	r := len(shape)
	st := bstrides(t.shape, shape)
	n := shape[r-1]
	in := st[r-1]
	idx := make([]int, r)
	off := 0
	for o := 0; o < len(g.data); o += n {
		src := g.data[o : o+n]
		if in == 0 {
			var s float32
			for _, v := range src {
				s += v
			}
			t.data[off] += s
		} else {
			dst := t.data[off : off+n]
			for j, v := range src {
				dst[j] += v
			}
		}
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			off += st[d]
			if idx[d] < shape[d] {
				break
			}
			off -= idx[d] * st[d]
			idx[d] = 0
		}
	}
}

// AddColSums sets t += the sums over the rows of the 2-d a (t has a's
// column count): the bias gradient of a dense layer.
func (t *Tensor) AddColSums(a *Tensor) {
	r, c := a.dims2("AddColSums")
	if len(t.data) != c {
		panicf("AddColSums: shape %v does not hold the column sums of %v", t.shape, a.shape)
	}
	for i := 0; i < r; i++ {
		axpy(1, a.data[i*c:i*c+c], t.data[:c])
	}
}
