//go:build !amd64

package tensor

const (
	kernelGo = iota
	kernelAVX2
	kernelAVX512
)

var (
	useAsm     = false
	kernelKind = kernelGo
	hasAVX2    = false
)

func setKernel(kind int) bool { return kind == kernelGo }

func microKernel(kr kernel, k int, a, b, c []float32, ldc int, acc bool) {
	microKernelGo(kr.mr, kr.nr, k, a, b, c, ldc, acc)
}

func fmaPeak(kind, n int) float64 { return 0 }

// axpy sets y[i] += alpha·x[i]; len(x) must be at least len(y).
func axpy(alpha float32, x, y []float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += alpha * v
	}
}
