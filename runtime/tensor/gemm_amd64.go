package tensor

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// Micro-kernels, fastest first; hasAVX512 and hasAVX2 are what the CPU
// offers, kernelKind what GEMM uses (tests switch it with setKernel).
var (
	hasAVX512  = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL
	hasAVX2    = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	kernelKind = kernelGo
	useAsm     = false // an assembly kernel is selected
)

const (
	kernelGo = iota
	kernelAVX2
	kernelAVX512
)

func init() {
	switch {
	case hasAVX512:
		setKernel(kernelAVX512)
	case hasAVX2:
		setKernel(kernelAVX2)
	}
}

// setKernel selects a micro-kernel and its register tile, and reports
// whether the CPU supports it. Not safe while a GEMM runs.
func setKernel(kind int) bool {
	switch kind {
	case kernelAVX512:
		if !hasAVX512 {
			return false
		}
		gemmMR, gemmNR = 12, 32
	case kernelAVX2:
		if !hasAVX2 {
			return false
		}
		gemmMR, gemmNR = 6, 16
	default:
		gemmMR, gemmNR = 6, 16
	}
	kernelKind = kind
	useAsm = kind != kernelGo
	return true
}

//go:noescape
func kernel6x16AVX2(k int, a, b, c *float32, ldc int, acc int)

//go:noescape
func fmaPeakAVX2(n int)

// microKernel computes the 6×16 tile c (row stride ldc) from packed panels.
func microKernel(kr kernel, k int, a, b, c []float32, ldc int, acc bool) {
	if kr.kind == kernelGo || k == 0 {
		microKernelGo(kr.mr, kr.nr, k, a, b, c, ldc, acc)
		return
	}
	// Bounds the assembly relies on, checked once per tile.
	_ = a[kr.mr*k-1]
	_ = b[kr.nr*k-1]
	_ = c[(kr.mr-1)*ldc+kr.nr-1]
	ac := 0
	if acc {
		ac = 1
	}
	if kr.kind == kernelAVX512 {
		kernel12x32AVX512(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc, ac)
		return
	}
	kernel6x16AVX2(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc, ac)
}

// fmaPeak runs n iterations of the peak loop of the given kernel kind and
// returns the flops done, or 0 if the CPU lacks it.
func fmaPeak(kind, n int) float64 {
	switch {
	case kind == kernelAVX512 && hasAVX512:
		fmaPeakAVX512(n)
		return 768 * float64(n)
	case kind == kernelAVX2 && hasAVX2:
		fmaPeakAVX2(n)
		return 192 * float64(n)
	}
	return 0
}

//go:noescape
func kernel12x32AVX512(k int, a, b, c *float32, ldc int, acc int)

//go:noescape
func fmaPeakAVX512(n int)

//go:noescape
func axpyAVX2(n int, alpha float32, x, y *float32)

// axpy sets y[i] += alpha·x[i]; len(x) must be at least len(y).
func axpy(alpha float32, x, y []float32) {
	if len(y) == 0 {
		return
	}
	x = x[:len(y)]
	if hasAVX2 {
		axpyAVX2(len(y), alpha, unsafe.SliceData(x), unsafe.SliceData(y))
		return
	}
	for i, v := range x {
		y[i] += alpha * v
	}
}
