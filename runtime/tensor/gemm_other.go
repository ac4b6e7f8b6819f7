//go:build !amd64

package tensor

var useAsm = false

func microKernel(k int, a, b, c []float32, ldc int, acc bool) {
	microKernelGo(k, a, b, c, ldc, acc)
}

func fmaPeak(n int) bool { return false }
