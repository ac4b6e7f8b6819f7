package display

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Dataset is what a paged table needs from a dataset (runtime/data's
// *Dataset has it). Column returns a feature column by name; LabelStrings
// returns one label per row (nil when the dataset has no labels). A dataset
// that also has Keys() []string shows its stable row keys. Datasets that
// have Row(i int) []float64, Key(i int) string and LabelString(i int) string
// are read row by row, only for the page shown.
type Dataset interface {
	Len() int
	Features() []string
	Column(name string) []float64
	LabelStrings() []string
}

type keyer interface{ Keys() []string }

// Per-row accessors, used instead of Keys and LabelStrings when a dataset
// has them, so a page of a huge dataset copies no whole column.
type (
	rowKeyer   interface{ Key(i int) string }
	rowLabeler interface{ LabelString(i int) string }
)

// rower is the fast path: features of one row, in Features() order
// (runtime/data's *Dataset has it), so a page reads only its own rows.
type rower interface{ Row(i int) []float64 }

// Table limits: a page has at most maxPageSize rows, and at most
// maxColumns feature columns are shown (the first ones and the last one),
// so a page of a 784-feature image set stays small.
const (
	defaultPageSize = 20
	maxPageSize     = 500
	maxColumns      = 12
)

// Pager is a view of one page of a dataset. It renders only the rows of
// that page, so showing a 1,000,000-row dataset sends a few kilobytes.
type Pager struct {
	ds   Dataset
	page int // 0-based
	size int // rows a page
}

// Table returns a pager on the first page of ds, 20 rows a page.
func Table(ds Dataset) *Pager { return &Pager{ds: ds, size: defaultPageSize} }

// Page returns a pager on page k (0-based; clamped to the pages there are).
// Show it, or pass it to a Handle's Update to turn the page in place.
func (p *Pager) Page(k int) *Pager {
	q := *p
	q.page = k
	q.clamp()
	return &q
}

// Size returns a pager with n rows a page (1 to 500), on the page that holds
// the first row of the current one.
func (p *Pager) Size(n int) *Pager {
	q := *p
	if n < 1 {
		n = 1
	}
	if n > maxPageSize {
		n = maxPageSize
	}
	first := p.page * p.size
	q.size = n
	q.page = first / n
	q.clamp()
	return &q
}

// Next returns a pager on the next page (the last page stays).
func (p *Pager) Next() *Pager { return p.Page(p.page + 1) }

// Prev returns a pager on the previous page (the first page stays).
func (p *Pager) Prev() *Pager { return p.Page(p.page - 1) }

// Pages returns the number of pages.
func (p *Pager) Pages() int {
	n := p.ds.Len()
	if n == 0 {
		return 1
	}
	return (n + p.size - 1) / p.size
}

func (p *Pager) clamp() {
	if p.page >= p.Pages() {
		p.page = p.Pages() - 1
	}
	if p.page < 0 {
		p.page = 0
	}
}

// pageData is the visible part of the dataset: only these cells are read
// into the output.
type pageData struct {
	lo, hi, n int
	header    []string   // column names; "…" marks elided features
	cells     [][]string // [row][col]
	numeric   []bool     // per column: right-align
}

func (p *Pager) data() pageData {
	n := p.ds.Len()
	lo := p.page * p.size
	hi := lo + p.size
	if hi > n {
		hi = n
	}
	if lo > hi {
		lo = hi
	}
	d := pageData{lo: lo, hi: hi, n: n}
	rows := hi - lo
	d.cells = make([][]string, rows)
	add := func(name string, numeric bool, cell func(r int) string) {
		d.header = append(d.header, name)
		d.numeric = append(d.numeric, numeric)
		for r := range rows {
			d.cells[r] = append(d.cells[r], cell(lo+r))
		}
	}
	add("#", true, func(r int) string { return strconv.Itoa(r) })
	if k, ok := p.ds.(rowKeyer); ok {
		add("key", false, k.Key)
	} else if k, ok := p.ds.(keyer); ok {
		if keys := k.Keys(); len(keys) >= hi {
			add("key", false, func(r int) string { return keys[r] })
		}
	}
	feats := p.ds.Features()
	shown := feats
	elided := false
	if len(feats) > maxColumns {
		shown = append(append([]string(nil), feats[:maxColumns-1]...), feats[len(feats)-1])
		elided = true
	}
	var rows2 [][]float64 // [row][feature] via Row, if the dataset has it
	if rw, ok := p.ds.(rower); ok {
		rows2 = make([][]float64, rows)
		for r := range rows {
			rows2[r] = rw.Row(lo + r)
		}
	}
	for j, f := range shown {
		if elided && j == len(shown)-1 {
			add("…", false, func(int) string { return "…" })
		}
		fi := j
		if elided && j == len(shown)-1 {
			fi = len(feats) - 1
		}
		if rows2 != nil {
			add(f, true, func(r int) string {
				if row := rows2[r-lo]; fi < len(row) {
					return formatCell(row[fi])
				}
				return ""
			})
			continue
		}
		col := p.ds.Column(f)
		add(f, true, func(r int) string {
			if r >= len(col) {
				return ""
			}
			return formatCell(col[r])
		})
	}
	if l, ok := p.ds.(rowLabeler); ok {
		add("label", false, l.LabelString)
	} else if labels := p.ds.LabelStrings(); len(labels) >= hi && len(labels) > 0 {
		add("label", false, func(r int) string { return labels[r] })
	}
	return d
}

// formatCell prints a value with up to 6 significant digits; NaN shows as
// an empty-looking "NaN" (missing value).
func formatCell(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// HTML returns the visible page as an HTML table with a caption
// "rows 0–19 of 1,000,000 · page 1 of 50,000" (rows
// 0-based, like the # column; pages 1-based).
func (p *Pager) HTML() string { return p.html(p.data()) }

// MIMEBundle returns the page as HTML and text, reading the page once.
func (p *Pager) MIMEBundle() map[string]any {
	d := p.data()
	return map[string]any{MIMEHTML: p.html(d), MIMEText: p.text(d)}
}

func (p *Pager) html(d pageData) string {
	var sb strings.Builder
	sb.WriteString(`<table style="border-collapse:collapse;font-family:monospace;font-size:90%">`)
	sb.WriteString(`<caption style="caption-side:bottom;text-align:left;color:#555;white-space:nowrap">` + html.EscapeString(p.caption(d)) + `</caption><thead><tr>`)
	for j, h := range d.header {
		align := "left"
		if d.numeric[j] {
			align = "right"
		}
		sb.WriteString(`<th style="border-bottom:1px solid #999;padding:2px 8px;text-align:` + align + `">` + html.EscapeString(h) + `</th>`)
	}
	sb.WriteString(`</tr></thead><tbody>`)
	for _, row := range d.cells {
		sb.WriteString(`<tr>`)
		for j, c := range row {
			align := "left"
			if d.numeric[j] {
				align = "right"
			}
			sb.WriteString(`<td style="padding:1px 8px;text-align:` + align + `">` + html.EscapeString(c) + `</td>`)
		}
		sb.WriteString(`</tr>`)
	}
	sb.WriteString(`</tbody></table>`)
	return sb.String()
}

// String returns the visible page as aligned text with the same caption.
func (p *Pager) String() string { return p.text(p.data()) }

func (p *Pager) text(d pageData) string {
	widths := make([]int, len(d.header))
	for j, h := range d.header {
		widths[j] = len([]rune(h))
	}
	for _, row := range d.cells {
		for j, c := range row {
			widths[j] = max(widths[j], len([]rune(c)))
		}
	}
	var sb strings.Builder
	line := func(cells []string) {
		var lb strings.Builder
		for j, c := range cells {
			if j > 0 {
				lb.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[j]-len([]rune(c)))
			if d.numeric[j] {
				lb.WriteString(pad + c)
			} else {
				lb.WriteString(c + pad)
			}
		}
		sb.WriteString(strings.TrimRight(lb.String(), " ") + "\n")
	}
	line(d.header)
	for _, row := range d.cells {
		line(row)
	}
	sb.WriteString(p.caption(d))
	return sb.String()
}

func (p *Pager) caption(d pageData) string {
	if d.n == 0 {
		return "empty dataset"
	}
	return fmt.Sprintf("rows %s–%s of %s · page %s of %s", group(d.lo), group(d.hi-1), group(d.n), group(p.page+1), group(p.Pages()))
}

// group writes n with thousands separators: 1000000 → "1,000,000".
func group(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + group(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Tensor display limits: at most tensorEdge rows and columns from each
// corner of a matrix.
const tensorEdge = 5

// tensorHTML renders a 0-, 1- or 2-d tensor as a table (corners of a large
// one), and a higher one by its shape and first matrix.
func tensorHTML(shape []int, data []float32) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, `<div style="font-family:monospace;font-size:90%%"><div style="color:#555">tensor %s</div>`, shapeText(shape))
	rows, cols := 1, 1
	switch len(shape) {
	case 0:
		if len(data) > 0 {
			sb.WriteString(html.EscapeString(formatCell(float64(data[0]))))
		}
		sb.WriteString(`</div>`)
		return sb.String()
	case 1:
		cols = shape[0]
	default:
		rows, cols = shape[len(shape)-2], shape[len(shape)-1]
		if len(shape) > 2 {
			sb.WriteString(`<div style="color:#555">first matrix [0, …, 0, :, :]</div>`)
		}
	}
	sb.WriteString(`<table style="border-collapse:collapse">`)
	for _, r := range edges(rows) {
		sb.WriteString(`<tr>`)
		for _, c := range edges(cols) {
			cell := "⋯"
			if r < 0 && c < 0 {
				cell = "⋱"
			} else if r < 0 {
				cell = "⋮"
			} else if c >= 0 && r*cols+c < len(data) {
				cell = formatCell(float64(data[r*cols+c]))
			}
			sb.WriteString(`<td style="padding:1px 6px;text-align:right">` + html.EscapeString(cell) + `</td>`)
		}
		sb.WriteString(`</tr>`)
	}
	sb.WriteString(`</table></div>`)
	return sb.String()
}

// tensorText renders a tensor like tensorHTML, as text.
func tensorText(shape []int, data []float32) string {
	var sb strings.Builder
	sb.WriteString("tensor " + shapeText(shape))
	rows, cols := 1, 1
	switch len(shape) {
	case 0:
		if len(data) > 0 {
			sb.WriteString(" " + formatCell(float64(data[0])))
		}
		return sb.String()
	case 1:
		cols = shape[0]
	default:
		rows, cols = shape[len(shape)-2], shape[len(shape)-1]
	}
	for _, r := range edges(rows) {
		sb.WriteString("\n")
		for k, c := range edges(cols) {
			if k > 0 {
				sb.WriteString(" ")
			}
			switch {
			case r < 0:
				sb.WriteString(fmt.Sprintf("%10s", "…"))
			case c < 0:
				sb.WriteString(fmt.Sprintf("%10s", "…"))
			case r*cols+c < len(data):
				sb.WriteString(fmt.Sprintf("%10s", formatCell(float64(data[r*cols+c]))))
			}
		}
	}
	return sb.String()
}

func shapeText(shape []int) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// edges lists the indices to show of n: all if few, else the first and
// last tensorEdge with -1 for the gap.
func edges(n int) []int {
	var out []int
	if n <= 2*tensorEdge {
		for i := range n {
			out = append(out, i)
		}
		return out
	}
	for i := range tensorEdge {
		out = append(out, i)
	}
	out = append(out, -1)
	for i := n - tensorEdge; i < n; i++ {
		out = append(out, i)
	}
	return out
}
