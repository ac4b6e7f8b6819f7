package tensor

import (
	"math/rand/v2"
	"testing"
)

// naiveAt returns t's element at the broadcast index idx (aligned right).
func naiveAt(t *Tensor, idx []int) float32 {
	off := 0
	r := len(idx) - len(t.shape)
	for i, d := range t.shape {
		x := idx[r+i]
		if d == 1 {
			x = 0
		}
		off = off*d + x
	}
	return t.data[off]
}

// TestBinary_RandomShapes compares broadcasting element-wise ops and their
// adjoint (AddReduced) with a naive index-by-index reference over random
// compatible shapes of rank 0 to 4.
func TestBinary_RandomShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for trial := 0; trial < 300; trial++ {
		rank := r.IntN(5)
		out := make([]int, rank)
		for i := range out {
			out[i] = 1 + r.IntN(4)
		}
		mk := func() *Tensor {
			k := r.IntN(rank + 1) // drop leading axes
			s := append([]int{}, out[rank-k:]...)
			for i := range s {
				if r.IntN(3) == 0 {
					s[i] = 1
				}
			}
			return RandNormal(r.Uint64(), 0, 1, s...)
		}
		a, b := mk(), mk()
		shape := BroadcastShape(a.shape, b.shape)
		got := Sub(a, b)
		if !equalInts(got.shape, shape) {
			t.Fatalf("shapes %v, %v: got shape %v want %v", a.shape, b.shape, got.shape, shape)
		}
		idx := make([]int, len(shape))
		for o := range got.data {
			rem := o
			for d := len(shape) - 1; d >= 0; d-- {
				idx[d] = rem % shape[d]
				rem /= shape[d]
			}
			if want := naiveAt(a, idx) - naiveAt(b, idx); got.data[o] != want {
				t.Fatalf("Sub %v - %v at %v: got: %v want: %v", a.shape, b.shape, idx, got.data[o], want)
			}
		}
		// AddReduced is the adjoint of broadcasting b to shape: for any g,
		// ⟨g, expand(b)⟩ = ⟨reduce(g), b⟩.
		g := RandNormal(r.Uint64(), 0, 1, shape...)
		red := Zeros(b.shape...)
		red.AddReduced(g)
		var lhs, rhs float64
		for o, gv := range g.data {
			rem := o
			for d := len(shape) - 1; d >= 0; d-- {
				idx[d] = rem % shape[d]
				rem /= shape[d]
			}
			lhs += float64(gv) * float64(naiveAt(b, idx))
		}
		for i, v := range red.data {
			rhs += float64(v) * float64(b.data[i])
		}
		if d := lhs - rhs; d > 1e-3 || d < -1e-3 {
			t.Fatalf("AddReduced %v → %v: ⟨g, expand b⟩ = %v, ⟨reduce g, b⟩ = %v", shape, b.shape, lhs, rhs)
		}
	}
}

func TestTranspose_RandomPerms(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 1))
	for trial := 0; trial < 100; trial++ {
		rank := 1 + r.IntN(4)
		shape := make([]int, rank)
		for i := range shape {
			shape[i] = 1 + r.IntN(5)
		}
		a := RandNormal(r.Uint64(), 0, 1, shape...)
		perm := r.Perm(rank)
		got := Transpose(a, perm...)
		idx := make([]int, rank)
		src := make([]int, rank)
		for o, v := range got.data {
			rem := o
			for d := rank - 1; d >= 0; d-- {
				idx[d] = rem % got.shape[d]
				rem /= got.shape[d]
			}
			for i, p := range perm {
				src[p] = idx[i]
			}
			if w := a.At(src...); v != w {
				t.Fatalf("Transpose %v by %v at %v: got: %v want: %v", shape, perm, idx, v, w)
			}
		}
	}
}
