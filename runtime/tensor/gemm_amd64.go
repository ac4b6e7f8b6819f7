package tensor

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// useAsm selects the AVX2/FMA micro-kernel. Tests flip it to exercise the
// portable kernel on the same machine.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func kernel6x16AVX2(k int, a, b, c *float32, ldc int, acc int)

//go:noescape
func fmaPeakAVX2(n int)

// microKernel computes the 6×16 tile c (row stride ldc) from packed panels.
func microKernel(k int, a, b, c []float32, ldc int, acc bool) {
	if useAsm && k > 0 {
		// Bounds the assembly relies on, checked once per tile.
		_ = a[6*k-1]
		_ = b[16*k-1]
		_ = c[5*ldc+15]
		ac := 0
		if acc {
			ac = 1
		}
		kernel6x16AVX2(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc, ac)
		return
	}
	microKernelGo(k, a, b, c, ldc, acc)
}

// fmaPeak runs the peak loop if the CPU has AVX2/FMA and reports whether it did.
func fmaPeak(n int) bool {
	if !useAsm {
		return false
	}
	fmaPeakAVX2(n)
	return true
}
