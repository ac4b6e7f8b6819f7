// Package tensor provides n-dimensional float32 tensors with NumPy
// broadcasting and a fast matrix multiply, for the models a notebook trains.
//
// # Creating tensors
//
//	a := tensor.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3) // over the slice, not copied
//	z := tensor.Zeros(128, 784)
//	r := tensor.RandNormal(42, 0, 1, 3, 3)             // seeded: same values everywhere
//	x := tensor.Arange(0, 1, 0.1)
//
// A Tensor is always dense and row-major. Data returns the backing slice.
// Reshape, Slice and Row return views that share it; everything else copies.
//
// # Functions and methods
//
// As in gonum's mat package, functions leave their arguments alone and
// return a new tensor, and methods write into their receiver:
//
//	c := tensor.Add(a, b) // new tensor
//	c.Add(c, b)           // c += b, no allocation
//
// Element-wise functions broadcast like NumPy: shapes are aligned from the
// right and a dimension of 1 stretches. Reductions take an axis (negative
// axes count from the end) and drop it; KeepDims restores it as size 1.
//
// # Errors
//
// Misuse (shapes that do not broadcast, a bad axis or index) panics with an
// Error whose message starts with "tensor: " and names the shapes involved;
// the notebook kernel reports it at the line of the cell.
//
// # Matrix multiply
//
// MatMul and Gemm run a BLIS-style single-precision GEMM: packed panels,
// cache blocking and a register-tiled micro-kernel in Go assembly (12×32
// with AVX-512, 6×16 with AVX2/FMA, chosen from golang.org/x/sys/cpu at
// start-up; a portable Go kernel elsewhere). Large products are split over
// GOMAXPROCS goroutines, and small ones skip packing. Gemm's transpose flags
// give the Aᵀ·B and A·Bᵀ products of back-propagation without copies.
//
// # Printing
//
// String formats like PyTorch (one number format per tensor, summarised
// with "..." beyond 1000 elements) and HTML renders a table for notebooks.
package tensor

// BUG(numeric): there are no strided views: Transpose, Narrow and Index copy,
// and only Reshape, Slice and Row (leading-axis ranges) share storage.
