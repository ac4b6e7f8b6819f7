package data

import (
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/tensor"
)

// X returns the numeric features as a float32 tensor [Len(), NumFeatures()]
// (a copy). Missing values are NaN: use DropMissing first to avoid them.
func (ds *Dataset) X() *tensor.Tensor {
	ds = ds.Snapshot()
	return tensor.New(ds.matrix32(), ds.Len(), ds.NumFeatures())
}

// matrix32 returns the numeric features as row-major float32 (a copy).
func (ds *Dataset) matrix32() []float32 {
	s := ds.s()
	d := s.t.matrix()
	f := d.nf
	out := make([]float32, len(s.rows)*f)
	for i, r := range s.rows {
		copy(out[i*f:(i+1)*f], d.data[r*f:(r+1)*f])
	}
	return out
}

// Y returns the class ids as a float32 tensor [Len()] (-1 where unlabeled),
// or the regression targets as [Len(), 1] for a dataset with a target. It
// panics with Error for a dataset with neither.
func (ds *Dataset) Y() *tensor.Tensor {
	ds = ds.Snapshot()
	if t := ds.Targets(); t != nil {
		out := make([]float32, len(t))
		for i, v := range t {
			out[i] = float32(v)
		}
		return tensor.New(out, len(t), 1)
	}
	y := ds.Labels()
	if y == nil {
		fail("dataset %q has no label or target column", ds.name)
	}
	out := make([]float32, len(y))
	for i, v := range y {
		out[i] = float32(v)
	}
	return tensor.New(out, len(y))
}

// Batching holds the options of Batches. The zero value gives shuffled
// batches of 32 with seed 0, the last one possibly smaller.
type Batching struct {
	Size      int   // rows per batch; default 32
	Seed      int64 // shuffling seed; epoch e shuffles with Seed+e
	NoShuffle bool  // keep row order
	DropLast  bool  // skip a last batch smaller than Size
}

// Batches iterates over mini-batches of a dataset, one epoch per pass:
//
//	b := ds.Batches(data.Batching{Size: 64, Seed: 1})
//	for b.Next() {
//		x, y := b.X(), b.Labels() // x is float32 [rows, features]
//	}
//	b.Reset() // next epoch, reshuffled
//
// The tensors returned by X, Y and Target are reused by the next call to
// Next (no allocation per batch): copy them to keep them.
type Batches struct {
	opt      Batching
	nf       int
	x        []float32 // the table's features, row-major (shared, read-only)
	rows     []int     // table row of each dataset position
	labels   []int
	targets  []float64
	order    []int
	epoch    int
	pos      int
	cur      []int
	xbuf     []float32
	ybuf     []float32
	tbuf     []float32
	lbuf     []int
	xt, yt   *tensor.Tensor
	tt       *tensor.Tensor
	xtLast   *tensor.Tensor
	ytLast   *tensor.Tensor
	ttLast   *tensor.Tensor
	lastSize int
}

// Batches returns an iterator over shuffled mini-batches of ds. It reads
// the rows once, at the call: later changes replayed into ds do not affect
// it.
func (ds *Dataset) Batches(opt Batching) *Batches {
	ds = ds.Snapshot()
	if opt.Size <= 0 {
		opt.Size = 32
	}
	s := ds.s()
	d := s.t.matrix()
	b := &Batches{opt: opt, nf: d.nf, x: d.data, rows: s.rows, labels: ds.Labels(), targets: ds.Targets()}
	b.order = make([]int, ds.Len())
	b.shuffle()
	return b
}

func (b *Batches) shuffle() {
	for i := range b.order {
		b.order[i] = i
	}
	if !b.opt.NoShuffle {
		rng := Rand(b.opt.Seed + int64(b.epoch))
		rng.Shuffle(len(b.order), func(i, j int) { b.order[i], b.order[j] = b.order[j], b.order[i] })
	}
	b.pos = 0
}

// Reset starts the next epoch: the rows are reshuffled (with Seed+epoch).
func (b *Batches) Reset() {
	b.epoch++
	b.shuffle()
}

// Len returns the number of batches per epoch.
func (b *Batches) Len() int {
	n := len(b.order) / b.opt.Size
	if !b.opt.DropLast && len(b.order)%b.opt.Size != 0 {
		n++
	}
	return n
}

// Next advances to the next batch and reports whether there is one. It
// calls host.Check, so an interrupted cell stops here.
func (b *Batches) Next() bool {
	host.Check()
	rest := len(b.order) - b.pos
	if rest <= 0 || (b.opt.DropLast && rest < b.opt.Size) {
		return false
	}
	n := b.opt.Size
	if rest < n {
		n = rest
	}
	b.cur = b.order[b.pos : b.pos+n]
	b.pos += n
	if cap(b.xbuf) < n*b.nf {
		b.xbuf = make([]float32, b.opt.Size*b.nf)
		b.ybuf = make([]float32, b.opt.Size)
		b.tbuf = make([]float32, b.opt.Size)
		b.lbuf = make([]int, b.opt.Size)
	}
	for i, r := range b.cur {
		tr := b.rows[r]
		copy(b.xbuf[i*b.nf:(i+1)*b.nf], b.x[tr*b.nf:(tr+1)*b.nf])
		if b.labels != nil {
			b.lbuf[i] = b.labels[r]
			b.ybuf[i] = float32(b.labels[r])
		}
		if b.targets != nil {
			b.tbuf[i] = float32(b.targets[r])
		}
	}
	if n == b.opt.Size {
		if b.xt == nil {
			b.xt = tensor.New(b.xbuf[:n*b.nf], n, b.nf)
			b.yt = tensor.New(b.ybuf[:n], n)
			b.tt = tensor.New(b.tbuf[:n], n, 1)
		}
	} else if b.xtLast == nil || b.lastSize != n {
		b.lastSize = n
		b.xtLast = tensor.New(b.xbuf[:n*b.nf], n, b.nf)
		b.ytLast = tensor.New(b.ybuf[:n], n)
		b.ttLast = tensor.New(b.tbuf[:n], n, 1)
	}
	return true
}

func (b *Batches) full() bool { return len(b.cur) == b.opt.Size }

// X returns the current batch's features, float32 [rows, features].
func (b *Batches) X() *tensor.Tensor {
	if b.full() {
		return b.xt
	}
	return b.xtLast
}

// Y returns the current batch's class ids as float32 [rows].
func (b *Batches) Y() *tensor.Tensor {
	if b.full() {
		return b.yt
	}
	return b.ytLast
}

// Target returns the current batch's regression targets, float32 [rows, 1].
func (b *Batches) Target() *tensor.Tensor {
	if b.full() {
		return b.tt
	}
	return b.ttLast
}

// Labels returns the current batch's class ids (-1 = unlabeled), or nil for
// a dataset without labels. The slice is reused by the next batch.
func (b *Batches) Labels() []int {
	if b.labels == nil {
		return nil
	}
	return b.lbuf[:len(b.cur)]
}

// Rows returns the positions in the dataset of the current batch's rows.
func (b *Batches) Rows() []int { return b.cur }
