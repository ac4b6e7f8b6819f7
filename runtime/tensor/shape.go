package tensor

// split3 decomposes shape around axis into outer × n × inner.
func split3(shape []int, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	return outer, shape[axis], inner
}

// T returns the transpose of a 2-d tensor (a copy). A 1-d tensor is returned
// as a copy, unchanged, like PyTorch.
func (t *Tensor) T() *Tensor {
	if len(t.shape) == 1 {
		return t.Clone()
	}
	return Transpose(t)
}

// Transpose returns a copy of a with its axes permuted: out axis i is a's
// axis axes[i]. With no axes it reverses them (the matrix transpose for 2-d).
func Transpose(a *Tensor, axes ...int) *Tensor {
	r := len(a.shape)
	if len(axes) == 0 {
		axes = make([]int, r)
		for i := range axes {
			axes[i] = r - 1 - i
		}
	}
	if len(axes) != r {
		panicf("Transpose: axes %v do not match shape %v", axes, a.shape)
	}
	seen := make([]bool, r)
	perm := make([]int, r)
	for i, ax := range axes {
		ax = a.axis("Transpose", ax)
		if seen[ax] {
			panicf("Transpose: repeated axis in %v for shape %v", axes, a.shape)
		}
		seen[ax] = true
		perm[i] = ax
	}
	shape := make([]int, r)
	for i, ax := range perm {
		shape[i] = a.shape[ax]
	}
	out := Zeros(shape...)
	if r == 2 && perm[0] == 1 {
		transpose2(out.data, a.data, a.shape[0], a.shape[1])
		return out
	}
	// Strides of a, in out's axis order.
	astr := make([]int, r)
	s := 1
	for i := r - 1; i >= 0; i-- {
		astr[i] = s
		s *= a.shape[i]
	}
	str := make([]int, r)
	for i, ax := range perm {
		str[i] = astr[ax]
	}
	idx := make([]int, r)
	off := 0
	for o := range out.data {
		out.data[o] = a.data[off]
		for d := r - 1; d >= 0; d-- {
			idx[d]++
			off += str[d]
			if idx[d] < shape[d] {
				break
			}
			off -= idx[d] * str[d]
			idx[d] = 0
		}
	}
	return out
}

// transpose2 writes the c×r transpose of the r×c matrix src into dst, in
// 32×32 blocks to stay in cache.
func transpose2(dst, src []float32, r, c int) {
	const bs = 32
	for i0 := 0; i0 < r; i0 += bs {
		i1 := min(i0+bs, r)
		for j0 := 0; j0 < c; j0 += bs {
			j1 := min(j0+bs, c)
			for i := i0; i < i1; i++ {
				row := src[i*c : i*c+c]
				for j := j0; j < j1; j++ {
					dst[j*r+i] = row[j]
				}
			}
		}
	}
}

// Slice returns rows start..end-1 along axis 0 as a tensor sharing t's data
// (a view: writes show through). It panics if the range is out of bounds.
func (t *Tensor) Slice(start, end int) *Tensor {
	if len(t.shape) == 0 {
		panicf("Slice: scalar tensor has no axis 0")
	}
	if start < 0 || end < start || end > t.shape[0] {
		panicf("Slice: range [%d:%d] out of bounds for shape %v", start, end, t.shape)
	}
	inner := 1
	for _, d := range t.shape[1:] {
		inner *= d
	}
	shape := append([]int{end - start}, t.shape[1:]...)
	return &Tensor{shape: shape, data: t.data[start*inner : end*inner : end*inner]}
}

// Row returns row i (along axis 0) as a view sharing t's data.
func (t *Tensor) Row(i int) *Tensor {
	if len(t.shape) == 0 || i < 0 || i >= t.shape[0] {
		panicf("Row: index %d out of range for shape %v", i, t.shape)
	}
	v := t.Slice(i, i+1)
	v.shape = v.shape[1:]
	return v
}

// Narrow returns a copy of the range start..end-1 of a along axis.
func Narrow(a *Tensor, axis, start, end int) *Tensor {
	ax := a.axis("Narrow", axis)
	if start < 0 || end < start || end > a.shape[ax] {
		panicf("Narrow: range [%d:%d] out of bounds for axis %d of shape %v", start, end, axis, a.shape)
	}
	idx := make([]int, end-start)
	for i := range idx {
		idx[i] = start + i
	}
	return Index(a, ax, idx)
}

// Index returns a copy of a keeping, along axis, the entries idx in that
// order (numpy's take). Indices may repeat; negative ones count from the end.
func Index(a *Tensor, axis int, idx []int) *Tensor {
	ax := a.axis("Index", axis)
	outer, n, inner := split3(a.shape, ax)
	shape := append([]int{}, a.shape...)
	shape[ax] = len(idx)
	out := Zeros(shape...)
	for k, j := range idx {
		if j < 0 {
			j += n
		}
		if j < 0 || j >= n {
			panicf("Index: index %d out of range for axis %d of shape %v", idx[k], axis, a.shape)
		}
		for o := 0; o < outer; o++ {
			copy(out.data[(o*len(idx)+k)*inner:(o*len(idx)+k+1)*inner], a.data[(o*n+j)*inner:(o*n+j+1)*inner])
		}
	}
	return out
}

// Rows returns a copy of the rows idx (axis 0) of a, e.g. a mini-batch.
func Rows(a *Tensor, idx []int) *Tensor { return Index(a, 0, idx) }

// Cols returns a copy of the columns idx (axis 1) of a 2-d tensor.
func Cols(a *Tensor, idx []int) *Tensor {
	a.dims2("Cols")
	return Index(a, 1, idx)
}

// RowsInto copies the rows idx of a into t, which must have shape
// [len(idx), a's other dimensions]. It is Rows without allocation, for
// filling a reused mini-batch buffer.
func (t *Tensor) RowsInto(a *Tensor, idx []int) {
	if len(a.shape) == 0 || len(t.shape) != len(a.shape) || t.shape[0] != len(idx) || !equalInts(t.shape[1:], a.shape[1:]) {
		panicf("RowsInto: destination %v cannot hold %d rows of %v", t.shape, len(idx), a.shape)
	}
	inner := len(t.data) / max(len(idx), 1)
	n := a.shape[0]
	for k, j := range idx {
		if j < 0 || j >= n {
			panicf("RowsInto: row %d out of range for shape %v", j, a.shape)
		}
		copy(t.data[k*inner:(k+1)*inner], a.data[j*inner:(j+1)*inner])
	}
}

// Concat joins tensors along axis; all other dimensions must agree.
func Concat(ts []*Tensor, axis int) *Tensor {
	if len(ts) == 0 {
		panicf("Concat: no tensors")
	}
	ax := ts[0].axis("Concat", axis)
	shape := append([]int{}, ts[0].shape...)
	total := 0
	for _, t := range ts {
		if len(t.shape) != len(shape) {
			panicf("Concat: shapes %v and %v have different ranks", ts[0].shape, t.shape)
		}
		for d := range shape {
			if d != ax && t.shape[d] != shape[d] {
				panicf("Concat: shapes %v and %v differ outside axis %d", ts[0].shape, t.shape, axis)
			}
		}
		total += t.shape[ax]
	}
	shape[ax] = total
	out := Zeros(shape...)
	outer, _, inner := split3(shape, ax)
	pos := 0
	for _, t := range ts {
		n := t.shape[ax]
		for o := 0; o < outer; o++ {
			copy(out.data[(o*total+pos)*inner:(o*total+pos+n)*inner], t.data[o*n*inner:(o+1)*n*inner])
		}
		pos += n
	}
	return out
}

// Stack joins tensors of equal shape along a new axis.
func Stack(ts []*Tensor, axis int) *Tensor {
	if len(ts) == 0 {
		panicf("Stack: no tensors")
	}
	r := len(ts[0].shape)
	if axis < 0 {
		axis += r + 1
	}
	if axis < 0 || axis > r {
		panicf("Stack: axis %d out of range for shape %v", axis, ts[0].shape)
	}
	views := make([]*Tensor, len(ts))
	for i, t := range ts {
		if !equalInts(t.shape, ts[0].shape) {
			panicf("Stack: shapes %v and %v differ", ts[0].shape, t.shape)
		}
		s := append(append(append([]int{}, t.shape[:axis]...), 1), t.shape[axis:]...)
		views[i] = &Tensor{shape: s, data: t.data}
	}
	return Concat(views, axis)
}

// Unsqueeze returns a view of t with a new axis of size 1 at axis.
func (t *Tensor) Unsqueeze(axis int) *Tensor {
	r := len(t.shape)
	if axis < 0 {
		axis += r + 1
	}
	if axis < 0 || axis > r {
		panicf("Unsqueeze: axis %d out of range for shape %v", axis, t.shape)
	}
	s := append(append(append([]int{}, t.shape[:axis]...), 1), t.shape[axis:]...)
	return &Tensor{shape: s, data: t.data}
}

// Flatten returns a view of t as [t.Dim(0), rest]: each sample one row.
func (t *Tensor) Flatten() *Tensor {
	if len(t.shape) == 0 {
		return t.Reshape(1, 1)
	}
	return t.Reshape(t.shape[0], -1)
}
