package tensor

// MatMul returns the matrix product a·b of 2-d tensors (a 1-d a is a row
// vector, a 1-d b a column vector, and the result drops that axis, as NumPy).
// It panics with both shapes if the inner dimensions differ.
func MatMul(a, b *Tensor) *Tensor {
	a2, b2 := as2("MatMul", a, true), as2("MatMul", b, false)
	if a2.shape[1] != b2.shape[0] {
		panicf("MatMul: shapes %v and %v are not aligned (%d != %d)", a.shape, b.shape, a2.shape[1], b2.shape[0])
	}
	out := Zeros(a2.shape[0], b2.shape[1])
	out.MatMul(a2, b2)
	switch {
	case len(a.shape) == 1 && len(b.shape) == 1:
		return out.Reshape()
	case len(a.shape) == 1:
		return out.Reshape(b2.shape[1])
	case len(b.shape) == 1:
		return out.Reshape(a2.shape[0])
	}
	return out
}

// as2 views a 1-d tensor as a row (left operand) or column (right operand).
func as2(op string, t *Tensor, left bool) *Tensor {
	switch len(t.shape) {
	case 2:
		return t
	case 1:
		if left {
			return t.Reshape(1, t.shape[0])
		}
		return t.Reshape(t.shape[0], 1)
	}
	panicf("%s: shape %v is not 1-d or 2-d", op, t.shape)
	return nil
}

// MatMul sets t = a·b for 2-d tensors; t must be a's rows × b's columns and
// must not share data with a or b.
func (t *Tensor) MatMul(a, b *Tensor) { Gemm(false, false, 1, a, b, 0, t) }

// Gemm computes c = alpha·op(a)·op(b) + beta·c (BLAS sgemm), where op(x) is
// xᵀ when the matching trans flag is set. The backward pass of a dense
// layer uses it as Gemm(true, false, …) for xᵀ·dy and Gemm(false, true, …)
// for dy·Wᵀ without forming transposes. c must not share data with a or b.
// It panics with the shapes if they do not conform.
func Gemm(transA, transB bool, alpha float32, a, b *Tensor, beta float32, c *Tensor) {
	ar, ac := a.dims2("Gemm")
	br, bc := b.dims2("Gemm")
	cr, cc := c.dims2("Gemm")
	m, k := ar, ac
	if transA {
		m, k = ac, ar
	}
	k2, n := br, bc
	if transB {
		k2, n = bc, br
	}
	if k != k2 || cr != m || cc != n {
		panicf("Gemm: shapes %v%s · %v%s do not give %v", a.shape, tmark(transA), b.shape, tmark(transB), c.shape)
	}
	if beta != 0 && beta != 1 {
		c.Scale(beta, c)
	}
	gemm(transA, transB, m, n, k, alpha, a.data, ac, b.data, bc, c.data, cc, beta != 0)
}

func tmark(t bool) string {
	if t {
		return "ᵀ"
	}
	return ""
}
