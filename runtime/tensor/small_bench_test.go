package tensor

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkGemmSmall times the products of a softmax regression epoch
// (1000×4 inputs, 3 classes): the forward X·W and the gradient Xᵀ·G.
func BenchmarkGemmSmall(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x := randSlice(r, 1000*4)
	w := randSlice(r, 4*3)
	g := randSlice(r, 1000*3)
	out := make([]float32, 1000*3)
	dw := make([]float32, 4*3)
	b.Run("forward_NN_1000x4x3", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			gemm(false, false, 1000, 3, 4, 1, x, 4, w, 3, out, 3, false)
		}
	})
	b.Run("gradient_TN_4x1000x3", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			gemm(true, false, 4, 3, 1000, 1, x, 4, g, 3, dw, 3, true)
		}
	})
}
