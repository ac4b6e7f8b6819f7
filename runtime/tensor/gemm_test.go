package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// naiveGemm is the reference: a float64 triple loop.
func naiveGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			s *= float64(alpha)
			if acc {
				s += float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(s)
		}
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.Float64()*2 - 1)
	}
	return s
}

func TestGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{
		{1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {6, 16, 1}, {7, 17, 5}, {13, 33, 29},
		{6, 16, 256}, {12, 32, 257}, {121, 40, 30}, {130, 2049, 3}, {64, 64, 64},
		{100, 10, 300}, {128, 10, 256}, {33, 300, 513}, {241, 19, 260}, {3, 500, 40},
	}
	defer setKernel(kernelKindDefault())
	for _, kind := range []int{kernelAVX512, kernelAVX2, kernelGo} {
		if !setKernel(kind) {
			t.Logf("kernel %d not supported by this CPU: not tested here", kind)
			continue
		}
		asm := kind
		for _, procs := range []int{1, 2, 3} {
			old := runtime.GOMAXPROCS(procs)
			for _, s := range shapes {
				m, n, k := s[0], s[1], s[2]
				for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
					for _, acc := range []bool{false, true} {
						alpha := float32(1)
						if acc {
							alpha = 0.5
						}
						// Row strides larger than the logical widths check ld handling.
						lda, ldb, ldc := k+1, n+2, n+3
						if tr[0] {
							lda = m + 1
						}
						if tr[1] {
							ldb = k + 2
						}
						ar, br := m, k
						if tr[0] {
							ar = k
						}
						if tr[1] {
							br = n
						}
						a := randSlice(r, ar*lda)
						b := randSlice(r, br*ldb)
						c0 := randSlice(r, m*ldc)
						got := append([]float32(nil), c0...)
						want := append([]float32(nil), c0...)
						gemm(tr[0], tr[1], m, n, k, alpha, a, lda, b, ldb, got, ldc, acc)
						naiveGemm(tr[0], tr[1], m, n, k, alpha, a, lda, b, ldb, want, ldc, acc)
						// float32 accumulation of k products of values in [-1, 1]:
						// the error bound grows like k·eps32·max|a||b| (Higham,
						// Accuracy and Stability of Numerical Algorithms, §3.1);
						// 4·k·eps is comfortably above what blocking reorders produce.
						tol := 4 * float64(k+1) * 1.2e-7
						for i := range got {
							if d := math.Abs(float64(got[i] - want[i])); d > tol || math.IsNaN(d) {
								t.Fatalf("asm=%v procs=%d m=%d n=%d k=%d trans=%v acc=%v: index %d got: %v want: %v", asm, procs, m, n, k, tr, acc, i, got[i], want[i])
							}
						}
					}
				}
			}
			runtime.GOMAXPROCS(old)
		}
	}
}

func benchGemm(b *testing.B, transA, transB bool, m, n, k int) {
	r := rand.New(rand.NewPCG(3, 4))
	a := randSlice(r, m*k)
	bb := randSlice(r, k*n)
	c := make([]float32, m*n)
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		gemm(transA, transB, m, n, k, 1, a, lda, bb, ldb, c, n, false)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGemm reports GFLOP/s for the shapes: square 256 and 1024,
// the MLP forward 128×784·784×256 and its two backprop products
// (dW = Xᵀ·dY: 784×128·128×256, dX = dY·Wᵀ: 128×256·256×784).
// Run with -cpu 1,2 for the scaling.
func BenchmarkGemm(b *testing.B) {
	for _, s := range []struct {
		name    string
		tA, tB  bool
		m, n, k int
	}{
		{"256x256x256", false, false, 256, 256, 256},
		{"1024x1024x1024", false, false, 1024, 1024, 1024},
		{"mlp_fwd_128x784x256", false, false, 128, 256, 784},
		{"mlp_dW_T_784x128x256", true, false, 784, 256, 128},
		{"mlp_dX_NT_128x256x784", false, true, 128, 784, 256},
		{"mlp_out_128x256x10", false, false, 128, 10, 256},
	} {
		b.Run(s.name, func(b *testing.B) { benchGemm(b, s.tA, s.tB, s.m, s.n, s.k) })
	}
}

// BenchmarkFMAPeak measures this core's FMA peak with independent FMAs
// (12 YMM per iteration for AVX2, 24 ZMM for AVX-512): the ceiling the GEMM
// figures are compared with.
func BenchmarkFMAPeak(b *testing.B) {
	for _, k := range []struct {
		name string
		kind int
	}{{"AVX2", kernelAVX2}, {"AVX512", kernelAVX512}} {
		b.Run(k.name, func(b *testing.B) {
			if fmaPeak(k.kind, 1) == 0 {
				b.Skip("not supported by this CPU")
			}
			const iters = 1 << 20
			var flops float64
			start := time.Now()
			for i := 0; i < b.N; i++ {
				flops += fmaPeak(k.kind, iters)
			}
			b.ReportMetric(flops/time.Since(start).Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGemmKernel runs the 256² product with each micro-kernel.
func BenchmarkGemmKernel(b *testing.B) {
	defer setKernel(kernelKindDefault())
	for _, k := range []struct {
		name string
		kind int
	}{{"AVX512", kernelAVX512}, {"AVX2", kernelAVX2}, {"Go", kernelGo}} {
		b.Run(k.name, func(b *testing.B) {
			if !setKernel(k.kind) {
				b.Skip("not supported by this CPU")
			}
			benchGemm(b, false, false, 256, 256, 256)
		})
	}
}

var _ = fmt.Sprint

// kernelKindDefault is the kernel init selects.
func kernelKindDefault() int {
	for _, k := range []int{kernelAVX512, kernelAVX2} {
		if setKernel(k) {
			return k
		}
	}
	return kernelGo
}

// TestGemm_Concurrent runs products from several goroutines at once (as
// when cross-validation folds train side by side): every result must be
// right whichever of them get the parallel path.
func TestGemm_Concurrent(t *testing.T) {
	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	r := rand.New(rand.NewPCG(8, 8))
	const m, n, k = 96, 160, 130
	a, b := randSlice(r, m*k), randSlice(r, k*n)
	want := make([]float32, m*n)
	naiveGemm(false, false, m, n, k, 1, a, k, b, n, want, n, false)
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			c := make([]float32, m*n)
			for rep := 0; rep < 20; rep++ {
				gemm(false, false, m, n, k, 1, a, k, b, n, c, n, false)
				for i := range c {
					if d := math.Abs(float64(c[i] - want[i])); d > 1e-3 {
						errs <- fmt.Sprintf("goroutine result %d: got: %v want: %v", i, c[i], want[i])
						return
					}
				}
			}
			errs <- ""
		}()
	}
	for g := 0; g < 8; g++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
