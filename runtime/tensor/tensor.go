package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Error is the panic value for misuse of the package (shape mismatch, bad
// axis, bad index). Its message starts with "tensor: " and, for shape
// errors, names both shapes.
type Error struct{ Msg string }

// Error returns the message.
func (e Error) Error() string { return e.Msg }

func panicf(format string, args ...any) {
	panic(Error{"tensor: " + fmt.Sprintf(format, args...)})
}

// Tensor is a dense, contiguous, row-major n-d array of float32.
//
// Functions (Add, MatMul, Exp, …) leave their arguments unchanged and return
// a new tensor; methods with the same names (t.Add(a, b), t.MatMul(a, b))
// write the result into the receiver, which must already have the result's
// shape (and may be one of the arguments where noted). This follows gonum's
// mat package. A zero-dimensional tensor (shape []) holds one value.
type Tensor struct {
	shape []int
	data  []float32
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panicf("negative dimension in shape %v", shape)
		}
		n *= d
	}
	return n
}

// New returns a tensor over data (not copied) with the given shape. With no
// shape, New returns a 1-d tensor of len(data) values.
// New panics if the product of shape differs from len(data).
func New(data []float32, shape ...int) *Tensor {
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	if n := numel(shape); n != len(data) {
		panicf("%d values do not fill shape %v (%d)", len(data), shape, n)
	}
	return &Tensor{shape: append([]int(nil), shape...), data: data}
}

// Zeros returns a tensor of the given shape filled with zeros.
func Zeros(shape ...int) *Tensor {
	return &Tensor{shape: append([]int{}, shape...), data: make([]float32, numel(shape))}
}

// Ones returns a tensor of the given shape filled with ones.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// Full returns a tensor of the given shape filled with v.
func Full(v float32, shape ...int) *Tensor {
	t := Zeros(shape...)
	t.Fill(v)
	return t
}

// Scalar returns a zero-dimensional tensor holding v.
func Scalar(v float32) *Tensor { return &Tensor{shape: []int{}, data: []float32{v}} }

// ZerosLike returns a zero tensor with the shape of t.
func ZerosLike(t *Tensor) *Tensor { return Zeros(t.shape...) }

// FromRows returns a 2-d tensor copied from rows, which must all have the
// same length.
func FromRows(rows [][]float32) *Tensor {
	if len(rows) == 0 {
		return Zeros(0, 0)
	}
	c := len(rows[0])
	t := Zeros(len(rows), c)
	for i, r := range rows {
		if len(r) != c {
			panicf("FromRows: row %d has %d values, row 0 has %d", i, len(r), c)
		}
		copy(t.data[i*c:], r)
	}
	return t
}

// FromFloat64s returns a float32 tensor converted from data (copied).
// With no shape, the tensor is 1-d.
func FromFloat64s(data []float64, shape ...int) *Tensor {
	d := make([]float32, len(data))
	for i, v := range data {
		d[i] = float32(v)
	}
	return New(d, shape...)
}

// FromDense returns an r×c tensor converted from a gonum matrix.
func FromDense(m mat.Matrix) *Tensor {
	r, c := m.Dims()
	t := Zeros(r, c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			t.data[i*c+j] = float32(m.At(i, j))
		}
	}
	return t
}

// Arange returns the 1-d tensor start, start+step, … up to but excluding
// stop, as numpy.arange. It panics if step is zero.
func Arange(start, stop, step float32) *Tensor {
	if step == 0 {
		panicf("Arange: step is zero")
	}
	n := int(math.Ceil(float64(stop-start) / float64(step)))
	if n < 0 {
		n = 0
	}
	t := Zeros(n)
	for i := range t.data {
		t.data[i] = start + float32(i)*step
	}
	return t
}

// Linspace returns n evenly spaced values from start to stop inclusive.
func Linspace(start, stop float32, n int) *Tensor {
	t := Zeros(n)
	if n == 1 {
		t.data[0] = start
		return t
	}
	step := (float64(stop) - float64(start)) / float64(n-1)
	for i := range t.data {
		t.data[i] = float32(float64(start) + float64(i)*step)
	}
	if n > 1 {
		t.data[n-1] = stop
	}
	return t
}

// RandNormal returns a tensor of normally distributed values with the given
// mean and standard deviation, drawn from a PCG generator seeded with seed:
// the same seed gives the same values on every machine.
func RandNormal(seed uint64, mean, std float32, shape ...int) *Tensor {
	r := rand.New(rand.NewPCG(seed, 0x7e4504))
	t := Zeros(shape...)
	for i := range t.data {
		t.data[i] = mean + std*float32(r.NormFloat64())
	}
	return t
}

// RandUniform returns a tensor of values uniform in [lo, hi), drawn from a
// PCG generator seeded with seed.
func RandUniform(seed uint64, lo, hi float32, shape ...int) *Tensor {
	r := rand.New(rand.NewPCG(seed, 0x7e4504))
	t := Zeros(shape...)
	for i := range t.data {
		t.data[i] = lo + (hi-lo)*float32(r.Float64())
	}
	return t
}

// Shape returns the tensor's dimensions. The caller must not modify it.
func (t *Tensor) Shape() []int { return t.shape }

// Data returns the backing row-major slice (shared, not copied).
func (t *Tensor) Data() []float32 { return t.data }

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.data) }

// NDim returns the number of dimensions.
func (t *Tensor) NDim() int { return len(t.shape) }

// Dim returns the size of axis (negative axes count from the end).
func (t *Tensor) Dim(axis int) int { return t.shape[t.axis("Dim", axis)] }

// axis normalises a possibly negative axis and panics if it is out of range.
func (t *Tensor) axis(op string, axis int) int {
	r := len(t.shape)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r {
		panicf("%s: axis %d out of range for shape %v", op, axis, t.shape)
	}
	return axis
}

// offset returns the flat index of idx.
func (t *Tensor) offset(op string, idx []int) int {
	if len(idx) != len(t.shape) {
		panicf("%s: %d indices for shape %v", op, len(idx), t.shape)
	}
	off := 0
	for i, x := range idx {
		d := t.shape[i]
		if x < 0 {
			x += d
		}
		if x < 0 || x >= d {
			panicf("%s: index %v out of range for shape %v", op, idx, t.shape)
		}
		off = off*d + x
	}
	return off
}

// At returns the element at idx (negative indices count from the end).
func (t *Tensor) At(idx ...int) float32 { return t.data[t.offset("At", idx)] }

// Set sets the element at idx to v.
func (t *Tensor) Set(v float32, idx ...int) { t.data[t.offset("Set", idx)] = v }

// Item returns the value of a one-element tensor. It panics otherwise.
func (t *Tensor) Item() float32 {
	if len(t.data) != 1 {
		panicf("Item: tensor of shape %v has %d elements, want 1", t.shape, len(t.data))
	}
	return t.data[0]
}

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{shape: append([]int{}, t.shape...), data: append([]float32(nil), t.data...)}
}

// Copy copies src into t; the two must have the same number of elements.
func (t *Tensor) Copy(src *Tensor) {
	if len(src.data) != len(t.data) {
		panicf("Copy: shapes %v and %v differ in size", t.shape, src.shape)
	}
	copy(t.data, src.data)
}

// Fill sets every element to v.
func (t *Tensor) Fill(v float32) {
	if v == 0 {
		clear(t.data)
		return
	}
	for i := range t.data {
		t.data[i] = v
	}
}

// Zero sets every element to zero.
func (t *Tensor) Zero() { clear(t.data) }

// SameShape reports whether a and b have equal shapes.
func SameShape(a, b *Tensor) bool { return equalInts(a.shape, b.shape) }

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Reshape returns a tensor sharing t's data with a new shape. One dimension
// may be -1 and is then inferred. It panics if the sizes differ.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	s := append([]int{}, shape...)
	infer, n := -1, 1
	for i, d := range s {
		if d == -1 {
			if infer >= 0 {
				panicf("Reshape: more than one -1 in %v", shape)
			}
			infer = i
			continue
		}
		if d < 0 {
			panicf("Reshape: negative dimension in %v", shape)
		}
		n *= d
	}
	if infer >= 0 {
		if n == 0 || len(t.data)%n != 0 {
			panicf("Reshape: cannot reshape %v into %v", t.shape, shape)
		}
		s[infer] = len(t.data) / n
		n *= s[infer]
	}
	if n != len(t.data) {
		panicf("Reshape: cannot reshape %v (%d values) into %v", t.shape, len(t.data), shape)
	}
	return &Tensor{shape: s, data: t.data}
}

// Float64s returns the values converted to float64 (a copy), row-major.
func (t *Tensor) Float64s() []float64 {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = float64(v)
	}
	return out
}

// Dense returns a float64 gonum matrix copied from a 2-d tensor; a 1-d
// tensor becomes a column vector. It panics for other ranks.
func (t *Tensor) Dense() *mat.Dense {
	switch len(t.shape) {
	case 1:
		return mat.NewDense(t.shape[0], 1, t.Float64s())
	case 2:
		return mat.NewDense(t.shape[0], t.shape[1], t.Float64s())
	}
	panicf("Dense: shape %v is not 1-d or 2-d", t.shape)
	return nil
}

// Col returns column j of a 2-d tensor as float64 values (a copy), handy for
// plots and gonum stat.
func (t *Tensor) Col(j int) []float64 {
	r, c := t.dims2("Col")
	if j < 0 || j >= c {
		panicf("Col: column %d out of range for shape %v", j, t.shape)
	}
	out := make([]float64, r)
	for i := range out {
		out[i] = float64(t.data[i*c+j])
	}
	return out
}

// dims2 returns the dimensions of a 2-d tensor and panics otherwise.
func (t *Tensor) dims2(op string) (int, int) {
	if len(t.shape) != 2 {
		panicf("%s: shape %v is not 2-d", op, t.shape)
	}
	return t.shape[0], t.shape[1]
}

// Equal reports whether a and b have the same shape and values.
func Equal(a, b *Tensor) bool {
	if !SameShape(a, b) {
		return false
	}
	for i, v := range a.data {
		if b.data[i] != v {
			return false
		}
	}
	return true
}

// AllClose reports whether a and b have the same shape and
// |a−b| ≤ atol + rtol·|b| elementwise, as numpy.allclose.
func AllClose(a, b *Tensor, rtol, atol float32) bool {
	if !SameShape(a, b) {
		return false
	}
	for i, v := range a.data {
		w := b.data[i]
		if d := float32(math.Abs(float64(v - w))); !(d <= atol+rtol*float32(math.Abs(float64(w)))) {
			return false
		}
	}
	return true
}
