// Package tensor provides n-dimensional float32 tensors with NumPy
// broadcasting and a fast matrix multiply.
package tensor

import "fmt"

// Error is the panic value for misuse of the package (shape mismatch, bad
// axis). Its message starts with "tensor: ".
type Error struct{ Msg string }

func (e Error) Error() string { return e.Msg }

// Tensor is a dense, contiguous, row-major n-d array of float32.
// The zero value is an empty scalar-less tensor; use the constructors.
type Tensor struct {
	shape []int
	data  []float32
}

// New returns a tensor over data (not copied) with the given shape.
// New panics if the product of shape differs from len(data).
func New(data []float32, shape ...int) *Tensor {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(Error{fmt.Sprintf("tensor: negative dimension in shape %v", shape)})
		}
		n *= d
	}
	if n != len(data) {
		panic(Error{fmt.Sprintf("tensor: %d values do not fill shape %v (%d)", len(data), shape, n)})
	}
	return &Tensor{shape: append([]int(nil), shape...), data: data}
}

// Zeros returns a tensor of the given shape filled with zeros.
func Zeros(shape ...int) *Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return New(make([]float32, n), shape...)
}

// Shape returns the tensor's dimensions. The caller must not modify it.
func (t *Tensor) Shape() []int { return t.shape }

// Data returns the backing row-major slice (shared, not copied).
func (t *Tensor) Data() []float32 { return t.data }

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.data) }
