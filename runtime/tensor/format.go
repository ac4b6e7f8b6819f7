package tensor

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Printing follows PyTorch's torch._tensor_str: tensors of more than
// printThreshold elements are summarised to printEdge items at each end of
// every axis, and all values share one format chosen from the whole tensor.
const (
	printThreshold = 1000
	printEdge      = 3
)

// formatter picks one format for all the shown values, as PyTorch does:
// integers print as "3.", moderate values with 4 decimals, and a dynamic
// range above 1000 (or very large or very small magnitudes) switches to
// scientific notation.
type formatter struct {
	intMode, sci bool
	width        int
}

func newFormatter(vals []float32) formatter {
	f := formatter{intMode: true}
	var lo, hi float64 = math.Inf(1), 0
	finite := 0
	for _, v := range vals {
		x := float64(v)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		finite++
		if x != math.Trunc(x) {
			f.intMode = false
		}
		a := math.Abs(x)
		if a != 0 {
			lo = math.Min(lo, a)
		}
		hi = math.Max(hi, a)
	}
	if finite > 0 {
		if f.intMode {
			f.sci = hi > 1e8
		} else {
			f.sci = hi > 1e8 || (lo < 1e-4 && lo > 0) || (lo > 0 && hi/lo > 1000)
		}
	}
	for _, v := range vals {
		f.width = max(f.width, len(f.format(v)))
	}
	return f
}

func (f formatter) format(v float32) string {
	x := float64(v)
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	case f.sci:
		return strconv.FormatFloat(x, 'e', 4, 32)
	case f.intMode:
		return strconv.FormatFloat(x, 'f', 0, 32) + "."
	}
	return strconv.FormatFloat(x, 'f', 4, 32)
}

func (f formatter) pad(v float32) string {
	s := f.format(v)
	return strings.Repeat(" ", f.width-len(s)) + s
}

// shown returns the indices shown along an axis of size n.
func shown(n int, summarize bool) (head, tail int) {
	if summarize && n > 2*printEdge {
		return printEdge, printEdge
	}
	return n, 0
}

// String formats t like PyTorch: tensor([[ 1.0000, -2.5000], …]), long
// tensors summarised with "...".
func (t *Tensor) String() string {
	if t == nil {
		return "tensor(nil)"
	}
	if len(t.shape) == 0 && len(t.data) != 1 {
		return "tensor([])" // the zero Tensor
	}
	summarize := len(t.data) > printThreshold
	var vals []float32
	t.walk(summarize, func(off int) { vals = append(vals, t.data[off]) })
	f := newFormatter(vals)
	var b strings.Builder
	b.WriteString("tensor(")
	if len(t.shape) == 0 {
		b.WriteString(f.format(t.data[0]))
	} else {
		t.writeAxis(&b, f, 0, 0, summarize, len("tensor("))
	}
	if len(t.data) == 0 {
		fmt.Fprintf(&b, ", size=%v", t.shape)
	}
	b.WriteString(")")
	return b.String()
}

// walk calls fn with the flat offset of every shown element.
func (t *Tensor) walk(summarize bool, fn func(off int)) {
	var rec func(d, off int)
	rec = func(d, off int) {
		if d == len(t.shape) {
			fn(off)
			return
		}
		stride := 1
		for _, s := range t.shape[d+1:] {
			stride *= s
		}
		n := t.shape[d]
		head, tail := shown(n, summarize)
		for i := 0; i < head; i++ {
			rec(d+1, off+i*stride)
		}
		for i := n - tail; i < n; i++ {
			rec(d+1, off+i*stride)
		}
	}
	if len(t.data) > 0 {
		rec(0, 0)
	}
}

func (t *Tensor) writeAxis(b *strings.Builder, f formatter, d, off int, summarize bool, indent int) {
	n := t.shape[d]
	stride := 1
	for _, s := range t.shape[d+1:] {
		stride *= s
	}
	head, tail := shown(n, summarize)
	b.WriteByte('[')
	last := d == len(t.shape)-1
	items := make([]int, 0, head+tail)
	for i := 0; i < head; i++ {
		items = append(items, i)
	}
	for i := n - tail; i < n; i++ {
		items = append(items, i)
	}
	for k, i := range items {
		if k > 0 {
			if last {
				b.WriteString(", ")
			} else {
				b.WriteString(",")
				b.WriteString(strings.Repeat("\n", len(t.shape)-d-1))
				b.WriteString(strings.Repeat(" ", indent+d+1))
			}
		}
		if tail > 0 && k == head {
			if last {
				b.WriteString("..., ")
			} else {
				b.WriteString("...,\n")
				b.WriteString(strings.Repeat("\n", len(t.shape)-d-2))
				b.WriteString(strings.Repeat(" ", indent+d+1))
			}
		}
		if last {
			b.WriteString(f.pad(t.data[off+i]))
		} else {
			t.writeAxis(b, f, d+1, off+i*stride, summarize, indent)
		}
	}
	b.WriteByte(']')
}

// HTML renders t for a notebook: a table for 0- to 2-d tensors (at most 20
// rows and 20 columns shown, the middle elided), the PyTorch-style text for
// higher ranks, with the shape as caption.
func (t *Tensor) HTML() string {
	if t == nil || (len(t.shape) == 0 && len(t.data) != 1) {
		return "<code>" + html.EscapeString(t.String()) + "</code>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="tandem-tensor"><div style="font-size:smaller;color:#666">Tensor float32 %s</div>`, html.EscapeString(fmt.Sprint(t.shape)))
	if len(t.shape) > 2 {
		fmt.Fprintf(&b, "<pre>%s</pre></div>", html.EscapeString(t.String()))
		return b.String()
	}
	r, c := 1, 1
	switch len(t.shape) {
	case 1:
		c = t.shape[0]
	case 2:
		r, c = t.shape[0], t.shape[1]
	}
	const lim, edge = 20, 10
	pick := func(n int) []int {
		var idx []int
		if n <= lim {
			for i := 0; i < n; i++ {
				idx = append(idx, i)
			}
			return idx
		}
		for i := 0; i < edge; i++ {
			idx = append(idx, i)
		}
		idx = append(idx, -1)
		for i := n - edge; i < n; i++ {
			idx = append(idx, i)
		}
		return idx
	}
	rows, cols := pick(r), pick(c)
	var vals []float32
	for _, i := range rows {
		for _, j := range cols {
			if i >= 0 && j >= 0 {
				vals = append(vals, t.data[i*c+j])
			}
		}
	}
	f := newFormatter(vals)
	b.WriteString(`<table style="font-family:monospace;border-collapse:collapse"><thead><tr><th></th>`)
	for _, j := range cols {
		if j < 0 {
			b.WriteString("<th>…</th>")
		} else {
			fmt.Fprintf(&b, "<th>%d</th>", j)
		}
	}
	b.WriteString("</tr></thead><tbody>")
	for _, i := range rows {
		if i < 0 {
			b.WriteString("<tr><th>⋮</th>")
			for range cols {
				b.WriteString("<td></td>")
			}
			b.WriteString("</tr>")
			continue
		}
		fmt.Fprintf(&b, "<tr><th>%d</th>", i)
		for _, j := range cols {
			if j < 0 {
				b.WriteString("<td>…</td>")
				continue
			}
			fmt.Fprintf(&b, `<td style="text-align:right;padding:0 .4em">%s</td>`, html.EscapeString(f.format(t.data[i*c+j])))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table></div>")
	return b.String()
}
