package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// The single-precision GEMM follows the BLIS design (Van Zee & van de Geijn,
// "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", ACM TOMS
// 41(3), 2015; Goto & van de Geijn, "Anatomy of High-Performance Matrix
// Multiplication", ACM TOMS 34(3), 2008): B is packed into KC×NC panels of
// NR columns, A into MC×KC panels of MR rows, and a register-blocked MR×NR
// micro-kernel (AVX-512 or AVX2/FMA assembly on amd64, Go elsewhere) runs
// over them. Large products split C into blocks run by a pool of goroutines.
//
// The register tile MR×NR depends on the micro-kernel chosen at start-up:
// 12×32 with AVX-512 (24 ZMM accumulators), 6×16 with AVX2/FMA (12 YMM
// accumulators), 6×16 in portable Go otherwise.
var (
	gemmMR = 6
	gemmNR = 16
)

// kernel is a micro-kernel and its register tile.
type kernel struct{ kind, mr, nr int }

// pickKernel returns the micro-kernel for a product with n columns: the
// selected one, except that narrow products (n ≤ 16, such as a 10-class
// output layer) use the 6×16 AVX2 tile rather than pad to 32 columns.
func pickKernel(n int) kernel {
	if kernelKind == kernelAVX512 && n <= 16 && hasAVX2 {
		return kernel{kernelAVX2, 6, 16}
	}
	return kernel{kernelKind, gemmMR, gemmNR}
}

const (
	maxMR  = 12
	maxNR  = 32
	gemmKC = 256
	gemmMC = 120  // 120×256×4 B = 120 KiB of packed A stays in L2
	gemmNC = 2048 // 256×2048×4 B = 2 MiB of packed B
)

// smallGEMM is the m·n·k below which plain loops beat packing and the
// assembly kernel (measured: 1000×4·4×3 takes ~5× longer in Go loops than
// packed); smallGEMMGo is the same limit for the portable Go kernel.
const (
	smallGEMM   = 16 * 16 * 8
	smallGEMMGo = 24 * 24 * 24
)

// parallelGEMM is the m·n·k above which the work is split over goroutines.
const parallelGEMM = 1 << 20

// gemm computes C = alpha·op(A)·op(B) + (acc ? C : 0) for row-major
// matrices, op(X) = Xᵀ when the matching trans flag is set. op(A) is m×k,
// op(B) is k×n, C is m×n; lda, ldb, ldc are row strides in elements.
func gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		if !acc {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	work := m * n * k
	if work <= smallGEMM || (!useAsm && work <= smallGEMMGo) {
		gemmSmall(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, acc)
		return
	}
	kr := pickKernel(n)
	threads := runtime.GOMAXPROCS(0)
	if work < parallelGEMM || threads == 1 {
		gemmSerial(kr, transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, acc)
		return
	}
	// Split C into independent blocks. Splitting columns makes every block
	// pack all of A (m·k extra), splitting rows makes it pack all of B (k·n
	// extra): pick the cheaper duplication. There are two blocks per thread,
	// taken from a shared counter, so that when another process holds one
	// core (this machine is shared) the other thread does more of the work
	// instead of waiting for a fixed half.
	splitCols := m <= n
	units := (m + kr.mr - 1) / kr.mr
	if splitCols {
		units = (n + kr.nr - 1) / kr.nr
	}
	workers := min(threads, units)
	// One parallel product at a time: when several goroutines multiply at
	// once (models trained side by side, cross-validation folds), each runs
	// serially on its own core instead of queueing behind the others for
	// the shared workers.
	if workers < 2 || !parallelBusy.CompareAndSwap(0, 1) {
		gemmSerial(kr, transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, acc)
		return
	}
	defer parallelBusy.Store(0)
	parts := min(2*workers, units)
	j := getJob()
	j.transA, j.transB, j.m, j.n, j.k, j.alpha = transA, transB, m, n, k, alpha
	j.a, j.lda, j.b, j.ldb, j.c, j.ldc, j.acc = a, lda, b, ldb, c, ldc, acc
	j.splitCols, j.parts, j.kr = splitCols, parts, kr
	// The operand every block needs whole is packed once, block by block by
	// whichever worker needs it first, and shared read-only, so splitting
	// finer costs no duplicated packing.
	if splitCols {
		j.pre = prepackA(kr, transA, m, k, alpha, a, lda)
	} else {
		j.pre = prepackB(kr, transB, n, k, b, ldb)
	}
	j.next.Store(0)
	j.wg.Add(workers - 1)
	startWorkers(workers - 1)
	for p := 1; p < workers; p++ {
		workCh <- j
	}
	j.drain()
	j.wg.Wait()
	if j.pre != nil {
		putPrepacked(j.pre)
	}
	j.a, j.b, j.c, j.pre = nil, nil, nil, nil
	putJob(j)
}

// drain runs blocks of the job until none is left.
func (j *gemmJob) drain() {
	for {
		p := int(j.next.Add(1)) - 1
		if p >= j.parts {
			return
		}
		j.run(p)
	}
}

type gemmJob struct {
	transA, transB bool
	m, n, k        int
	alpha          float32
	a, b, c        []float32
	lda, ldb, ldc  int
	acc, splitCols bool
	parts          int
	next           atomic.Int32 // next block to run
	kr             kernel
	pre            *prepacked // A (column split) or B (row split), or nil
	wg             sync.WaitGroup
}

var (
	jobMu   sync.Mutex
	jobFree []*gemmJob
)

func getJob() *gemmJob {
	jobMu.Lock()
	defer jobMu.Unlock()
	if n := len(jobFree); n > 0 {
		j := jobFree[n-1]
		jobFree = jobFree[:n-1]
		return j
	}
	return new(gemmJob)
}

func putJob(j *gemmJob) {
	jobMu.Lock()
	jobFree = append(jobFree, j)
	jobMu.Unlock()
}

// run computes part p of the job's C.
func (j *gemmJob) run(p int) {
	if j.splitCols {
		lo, hi := split(j.n, j.parts, p, j.kr.nr)
		if lo >= hi {
			return
		}
		var b []float32
		if j.transB {
			b = j.b[lo*j.ldb:]
		} else {
			b = j.b[lo:]
		}
		gemmSerialPre(j.kr, j.transA, j.transB, j.m, hi-lo, j.k, j.alpha, j.a, j.lda, b, j.ldb, j.c[lo:], j.ldc, j.acc, j.pre, nil)
		return
	}
	lo, hi := split(j.m, j.parts, p, j.kr.mr)
	if lo >= hi {
		return
	}
	var a []float32
	if j.transA {
		a = j.a[lo:]
	} else {
		a = j.a[lo*j.lda:]
	}
	gemmSerialPre(j.kr, j.transA, j.transB, hi-lo, j.n, j.k, j.alpha, a, j.lda, j.b, j.ldb, j.c[lo*j.ldc:], j.ldc, j.acc, nil, j.pre)
}

// split returns part p of [0, n) cut into parts pieces aligned to align.
func split(n, parts, p, align int) (lo, hi int) {
	units := (n + align - 1) / align
	per := units / parts
	extra := units % parts
	u0 := p*per + min(p, extra)
	u1 := u0 + per
	if p < extra {
		u1++
	}
	return min(u0*align, n), min(u1*align, n)
}

// parallelBusy is 1 while a parallel product runs.
var parallelBusy atomic.Int32

var (
	workCh     = make(chan *gemmJob, 64)
	workersMu  sync.Mutex
	numWorkers int
)

// startWorkers makes sure at least n pool goroutines serve workCh. The pool
// grows with GOMAXPROCS and never shrinks; idle workers block on the channel.
func startWorkers(n int) {
	workersMu.Lock()
	for numWorkers < n {
		numWorkers++
		go func() {
			for j := range workCh {
				j.drain()
				j.wg.Done()
			}
		}()
	}
	workersMu.Unlock()
}

type packBufs struct{ a, b, tile []float32 }

// packFree keeps packing buffers for reuse. Unlike a sync.Pool it is not
// emptied by the garbage collector, so steady-state training allocates nothing;
// it holds at most one set per concurrently running GEMM worker.
var (
	packMu   sync.Mutex
	packFree []*packBufs
)

func getPackBufs() *packBufs {
	packMu.Lock()
	if n := len(packFree); n > 0 {
		p := packFree[n-1]
		packFree = packFree[:n-1]
		packMu.Unlock()
		return p
	}
	packMu.Unlock()
	return &packBufs{
		a:    make([]float32, gemmMC*gemmKC),
		b:    make([]float32, gemmKC*gemmNC),
		tile: make([]float32, maxMR*maxNR),
	}
}

func putPackBufs(p *packBufs) {
	packMu.Lock()
	packFree = append(packFree, p)
	packMu.Unlock()
}

// gemmSerial is the blocked algorithm on one goroutine.
func gemmSerial(kr kernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	gemmSerialPre(kr, transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, acc, nil, nil)
}

// gemmSerialPre is gemmSerial taking A or B already packed for the whole
// product (prepackA, prepackB) instead of packing them block by block.
func gemmSerialPre(kr kernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool, preA, preB *prepacked) {
	bufs := getPackBufs()
	ap, bp, tile := bufs.a, bufs.b, bufs.tile
	gemmMR, gemmNR := kr.mr, kr.nr
	nPC, nIC := (k+gemmKC-1)/gemmKC, (m+gemmMC-1)/gemmMC
	for jc := 0; jc < n; jc += gemmNC {
		nc := min(gemmNC, n-jc)
		for pc := 0; pc < k; pc += gemmKC {
			kc := min(gemmKC, k-pc)
			if preB != nil {
				bp = preB.block((jc/gemmNC)*nPC + pc/gemmKC)
			} else {
				packB(gemmNR, transB, b, ldb, pc, jc, kc, nc, bp)
			}
			accum := acc || pc > 0
			for ic := 0; ic < m; ic += gemmMC {
				mc := min(gemmMC, m-ic)
				if preA != nil {
					ap = preA.block((pc/gemmKC)*nIC + ic/gemmMC)
				} else {
					packA(gemmMR, transA, a, lda, ic, pc, mc, kc, alpha, ap)
				}
				for jr := 0; jr < nc; jr += gemmNR {
					nr := min(gemmNR, nc-jr)
					bpanel := bp[jr*kc : (jr+gemmNR)*kc]
					for ir := 0; ir < mc; ir += gemmMR {
						mr := min(gemmMR, mc-ir)
						apanel := ap[ir*kc : (ir+gemmMR)*kc]
						off := (ic+ir)*ldc + jc + jr
						if mr == gemmMR && nr == gemmNR {
							microKernel(kr, kc, apanel, bpanel, c[off:], ldc, accum)
							continue
						}
						microKernel(kr, kc, apanel, bpanel, tile, gemmNR, false)
						for i := 0; i < mr; i++ {
							crow := c[off+i*ldc : off+i*ldc+nr]
							trow := tile[i*gemmNR : i*gemmNR+nr]
							if accum {
								for j, v := range trow {
									crow[j] += v
								}
							} else {
								copy(crow, trow)
							}
						}
					}
				}
			}
		}
	}
	putPackBufs(bufs)
}

// prepacked is one operand packed for a whole product, shared by the
// workers: blocks in the order gemmSerialPre visits them. Blocks are packed
// lazily by the first worker that needs one (the others wait for it), so
// no thread packs the whole operand up front and none packs a block twice.
type prepacked struct {
	buf    []float32
	offs   []int // block i is buf[offs[i]:offs[i+1]]
	state  []atomic.Int32
	blocks []blockSpec
	// what to pack
	isA   bool
	trans bool
	src   []float32
	ld    int
	alpha float32
	r     int // panel width: MR for A, NR for B
}

// blockSpec locates one block: for A rows r0..r0+rn of steps k0..k0+kn,
// for B steps k0..k0+kn of columns r0..r0+rn.
type blockSpec struct{ r0, rn, k0, kn int }

// Block states.
const (
	blockEmpty = iota
	blockPacking
	blockReady
)

// block returns block i, packing it first if no worker has.
func (p *prepacked) block(i int) []float32 {
	st := &p.state[i]
	if st.Load() != blockReady {
		if st.CompareAndSwap(blockEmpty, blockPacking) {
			d, bs := p.buf[p.offs[i]:p.offs[i+1]], p.blocks[i]
			if p.isA {
				packA(p.r, p.trans, p.src, p.ld, bs.r0, bs.k0, bs.rn, bs.kn, p.alpha, d)
			} else {
				packB(p.r, p.trans, p.src, p.ld, bs.k0, bs.r0, bs.kn, bs.rn, d)
			}
			st.Store(blockReady)
		} else {
			for st.Load() != blockReady {
				runtime.Gosched()
			}
		}
	}
	return p.buf[p.offs[i]:p.offs[i+1]]
}

// maxPrepack bounds the shared buffer (floats); larger operands are packed
// per block by each worker instead.
const maxPrepack = 1 << 23

var (
	preMu   sync.Mutex
	preFree []*prepacked
)

func getPrepacked(size int) *prepacked {
	preMu.Lock()
	var p *prepacked
	for i, q := range preFree {
		if cap(q.buf) >= size {
			p = q
			preFree = append(preFree[:i], preFree[i+1:]...)
			break
		}
	}
	preMu.Unlock()
	if p == nil {
		p = &prepacked{buf: make([]float32, size)}
	}
	p.buf = p.buf[:size]
	p.offs = append(p.offs[:0], 0)
	p.blocks = p.blocks[:0]
	return p
}

func putPrepacked(p *prepacked) {
	p.src = nil
	preMu.Lock()
	if len(preFree) < 8 {
		preFree = append(preFree, p)
	}
	preMu.Unlock()
}

// reset sizes the state array to the blocks and marks them all empty.
func (p *prepacked) reset() {
	n := len(p.blocks)
	if cap(p.state) < n {
		p.state = make([]atomic.Int32, n)
	}
	p.state = p.state[:n]
	for i := range p.state {
		p.state[i].Store(blockEmpty)
	}
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }

// prepackA lays out alpha·op(A) (m×k) in (pc, ic) blocks to be packed on
// demand, or returns nil when it would be too large.
func prepackA(kr kernel, transA bool, m, k int, alpha float32, a []float32, lda int) *prepacked {
	size := roundUp(m, kr.mr) * k
	if size > maxPrepack {
		return nil
	}
	p := getPrepacked(size)
	p.isA, p.trans, p.src, p.ld, p.alpha, p.r = true, transA, a, lda, alpha, kr.mr
	off := 0
	for pc := 0; pc < k; pc += gemmKC {
		kc := min(gemmKC, k-pc)
		for ic := 0; ic < m; ic += gemmMC {
			mc := min(gemmMC, m-ic)
			off += roundUp(mc, kr.mr) * kc
			p.offs = append(p.offs, off)
			p.blocks = append(p.blocks, blockSpec{r0: ic, rn: mc, k0: pc, kn: kc})
		}
	}
	p.reset()
	return p
}

// prepackB lays out op(B) (k×n) in (jc, pc) blocks to be packed on demand,
// or returns nil when it would be too large.
func prepackB(kr kernel, transB bool, n, k int, b []float32, ldb int) *prepacked {
	size := roundUp(n, kr.nr) * k
	if size > maxPrepack {
		return nil
	}
	p := getPrepacked(size)
	p.isA, p.trans, p.src, p.ld, p.alpha, p.r = false, transB, b, ldb, 1, kr.nr
	off := 0
	for jc := 0; jc < n; jc += gemmNC {
		nc := min(gemmNC, n-jc)
		for pc := 0; pc < k; pc += gemmKC {
			kc := min(gemmKC, k-pc)
			off += roundUp(nc, kr.nr) * kc
			p.offs = append(p.offs, off)
			p.blocks = append(p.blocks, blockSpec{r0: jc, rn: nc, k0: pc, kn: kc})
		}
	}
	p.reset()
	return p
}

// packB copies op(B)[pc:pc+kc, jc:jc+nc] into panels of gemmNR columns,
// each panel kc steps of gemmNR values, zero-padding the last panel.
func packB(gemmNR int, trans bool, b []float32, ldb, pc, jc, kc, nc int, dst []float32) {
	for jr := 0; jr < nc; jr += gemmNR {
		nr := min(gemmNR, nc-jr)
		panel := dst[jr*kc : jr*kc+kc*gemmNR]
		if !trans {
			for p := 0; p < kc; p++ {
				src := b[(pc+p)*ldb+jc+jr : (pc+p)*ldb+jc+jr+nr]
				d := panel[p*gemmNR : p*gemmNR+gemmNR]
				copy(d, src)
				if nr < gemmNR {
					clear(d[nr:])
				}
			}
			continue
		}
		if nr < gemmNR {
			clear(panel)
		}
		for j := 0; j < nr; j++ {
			src := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kc]
			for p, v := range src {
				panel[p*gemmNR+j] = v
			}
		}
	}
}

// packA copies alpha·op(A)[ic:ic+mc, pc:pc+kc] into panels of gemmMR rows,
// each panel kc steps of gemmMR values, zero-padding the last panel.
func packA(gemmMR int, trans bool, a []float32, lda, ic, pc, mc, kc int, alpha float32, dst []float32) {
	for ir := 0; ir < mc; ir += gemmMR {
		mr := min(gemmMR, mc-ir)
		panel := dst[ir*kc : ir*kc+kc*gemmMR]
		if mr < gemmMR {
			clear(panel)
		}
		if trans {
			for p := 0; p < kc; p++ {
				src := a[(pc+p)*lda+ic+ir : (pc+p)*lda+ic+ir+mr]
				d := panel[p*gemmMR : p*gemmMR+mr]
				if alpha == 1 {
					copy(d, src)
				} else {
					for i, v := range src {
						d[i] = alpha * v
					}
				}
			}
			continue
		}
		if mr == 12 && alpha == 1 {
			packA12(a[(ic+ir)*lda+pc:], lda, kc, panel)
			continue
		}
		if mr == 6 && gemmMR == 6 && alpha == 1 {
			packA6(a[(ic+ir)*lda+pc:], lda, kc, panel)
			continue
		}
		for i := 0; i < mr; i++ {
			src := a[(ic+ir+i)*lda+pc : (ic+ir+i)*lda+pc+kc]
			if alpha == 1 {
				for p, v := range src {
					panel[p*gemmMR+i] = v
				}
			} else {
				for p, v := range src {
					panel[p*gemmMR+i] = alpha * v
				}
			}
		}
	}
}

// packA12 packs a full 12-row panel of a row-major A: it walks the 12 rows
// together so the panel is written sequentially (12 read streams instead
// of 12-strided writes).
func packA12(a []float32, lda, kc int, panel []float32) {
	r0, r1, r2, r3 := a[0*lda:0*lda+kc], a[1*lda:1*lda+kc], a[2*lda:2*lda+kc], a[3*lda:3*lda+kc]
	r4, r5, r6, r7 := a[4*lda:4*lda+kc], a[5*lda:5*lda+kc], a[6*lda:6*lda+kc], a[7*lda:7*lda+kc]
	r8, r9, r10, r11 := a[8*lda:8*lda+kc], a[9*lda:9*lda+kc], a[10*lda:10*lda+kc], a[11*lda:11*lda+kc]
	panel = panel[:12*kc]
	for p := 0; p < kc; p++ {
		d := (*[12]float32)(panel[p*12 : p*12+12])
		d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
		d[4], d[5], d[6], d[7] = r4[p], r5[p], r6[p], r7[p]
		d[8], d[9], d[10], d[11] = r8[p], r9[p], r10[p], r11[p]
	}
}

// packA6 is packA12 for the 6-row panels of the AVX2 kernel.
func packA6(a []float32, lda, kc int, panel []float32) {
	r0, r1, r2 := a[0*lda:0*lda+kc], a[1*lda:1*lda+kc], a[2*lda:2*lda+kc]
	r3, r4, r5 := a[3*lda:3*lda+kc], a[4*lda:4*lda+kc], a[5*lda:5*lda+kc]
	panel = panel[:6*kc]
	for p := 0; p < kc; p++ {
		d := (*[6]float32)(panel[p*6 : p*6+6])
		d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
	}
}

// microKernelGo is the portable micro-kernel: the same packed layout as the
// assembly ones, with the tile accumulated in a local array.
func microKernelGo(mr, nr, k int, a, b, c []float32, ldc int, acc bool) {
	var t [maxMR * maxNR]float32
	for p := 0; p < k; p++ {
		bv := b[p*nr : p*nr+nr]
		av := a[p*mr : p*mr+mr]
		for i, ai := range av {
			row := t[i*nr : i*nr+nr]
			for j, bj := range bv {
				row[j] += ai * bj
			}
		}
	}
	for i := 0; i < mr; i++ {
		crow := c[i*ldc : i*ldc+nr]
		if acc {
			for j := range crow {
				crow[j] += t[i*nr+j]
			}
		} else {
			copy(crow, t[i*nr:i*nr+nr])
		}
	}
}

// gemmSmall handles products too small to repay packing.
func gemmSmall(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	if !acc {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
	}
	switch {
	case transA && !transB:
		// C += Aᵀ·B as a sum of k outer products of A's and B's rows: both
		// read contiguously (the weight gradient Xᵀ·G of a tiny model).
		for p := 0; p < k; p++ {
			arow := a[p*lda : p*lda+m]
			brow := b[p*ldb : p*ldb+n]
			for i, av := range arow {
				av *= alpha
				if av == 0 {
					continue
				}
				crow := c[i*ldc : i*ldc+n]
				for j, bv := range brow {
					crow[j] += av * bv
				}
			}
		}
	case !transB:
		for i := 0; i < m; i++ {
			crow := c[i*ldc : i*ldc+n]
			arow := a[i*lda : i*lda+k]
			for p, av := range arow {
				av *= alpha
				if av == 0 {
					continue
				}
				brow := b[p*ldb : p*ldb+n]
				for j, bv := range brow {
					crow[j] += av * bv
				}
			}
		}
	default:
		for i := 0; i < m; i++ {
			crow := c[i*ldc : i*ldc+n]
			for j := 0; j < n; j++ {
				brow := b[j*ldb : j*ldb+k]
				var s float32
				if transA {
					for p, v := range brow {
						s += a[p*lda+i] * v
					}
				} else {
					arow := a[i*lda : i*lda+k]
					for p, v := range brow {
						s += arow[p] * v
					}
				}
				crow[j] += alpha * s
			}
		}
	}
}
