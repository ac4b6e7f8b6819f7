package chart

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Heatmap limits: matrices up to maxCellRects cells are drawn as rectangles
// (and annotated with their values up to maxAnnotated cells); larger ones as
// one image, which costs the same at any size.
const (
	maxCellRects = 1600
	maxAnnotated = 400
)

// Heatmap plots a matrix as coloured cells (viridis) with a colour bar, row
// 0 at the top, each cell annotated with its value when the matrix is small. rows and cols name
// the rows and columns (nil: 0, 1, …). It panics with Error if the matrix is
// empty or ragged, or the names do not match it.
func Heatmap(values [][]float64, rows, cols []string) *Chart {
	return heatmap("heatmap", values, rows, cols, func(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) })
}

// Confusion plots a confusion matrix: counts[i][j] is the number of rows of
// actual class i predicted as class j, named by classes (nil: 0, 1, …). Each
// cell shows its count; the description gives the accuracy.
func Confusion(counts [][]int, classes []string) *Chart {
	vals := make([][]float64, len(counts))
	total, right := 0, 0
	for i, row := range counts {
		vals[i] = make([]float64, len(row))
		for j, n := range row {
			vals[i][j] = float64(n)
			total += n
			if i == j {
				right += n
			}
		}
	}
	c := heatmap("confusion", vals, classes, classes, func(v float64) string { return strconv.Itoa(int(v)) })
	c.cbar = nil // the counts say it all
	c.p.Title.Text, c.p.X.Label.Text, c.p.Y.Label.Text = "confusion matrix", "predicted", "actual"
	if total > 0 {
		c.desc = fmt.Sprintf("%d classes, %d rows, accuracy %.3f", len(counts), total, float64(right)/float64(total))
	}
	return c
}

func heatmap(kind string, values [][]float64, rows, cols []string, format func(float64) string) *Chart {
	nr := len(values)
	if nr == 0 || len(values[0]) == 0 {
		fail("%s: empty matrix", kind)
	}
	nc := len(values[0])
	for i, r := range values {
		if len(r) != nc {
			fail("%s: row %d has %d values, row 0 has %d", kind, i, len(r), nc)
		}
	}
	if rows == nil {
		rows = indexNames(nr)
	}
	if cols == nil {
		cols = indexNames(nc)
	}
	if len(rows) != nr || len(cols) != nc {
		fail("%s: %d×%d matrix with %d row names and %d column names", kind, nr, nc, len(rows), len(cols))
	}
	c := newChart(kind)
	cl := &cells{v: values, format: format}
	cl.lo, cl.hi = math.Inf(1), math.Inf(-1)
	for _, r := range values {
		lo, hi := finiteRange(r)
		cl.lo, cl.hi = math.Min(cl.lo, lo), math.Max(cl.hi, hi)
	}
	c.p.Add(cl)
	if finite(cl.lo) {
		c.cbar = &colorBar{lo: cl.lo, hi: cl.hi}
	}
	rev := make([]string, nr)
	for i := range rows {
		rev[nr-1-i] = rows[i]
	}
	if nc <= 40 {
		c.p.NominalX(cols...)
	} else {
		c.p.X.Tick.Marker = indexTicks{n: nc}
	}
	if nr <= 40 {
		c.p.NominalY(rev...)
	} else {
		c.p.Y.Tick.Marker = indexTicks{n: nr, reverse: true}
	}
	c.p.X.Padding, c.p.Y.Padding = 0, 0
	c.desc = fmt.Sprintf("%d×%d, %s to %s", nr, nc, format(cl.lo), format(cl.hi))
	return c
}

// indexTicks labels row or column indices of a large matrix at round
// steps; reverse puts index 0 at the top.
type indexTicks struct {
	n       int
	reverse bool
}

func (t indexTicks) Ticks(min, max float64) []plot.Tick {
	step := 1
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000} {
		step = s
		if t.n/s <= 8 {
			break
		}
	}
	var out []plot.Tick
	for i := 0; i < t.n; i += step {
		pos := float64(i)
		if t.reverse {
			pos = float64(t.n - 1 - i)
		}
		out = append(out, plot.Tick{Value: pos, Label: strconv.Itoa(i)})
	}
	return out
}

func indexNames(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}

// cells draws a heatmap: cell (i, j) spans x in j±0.5 and y in
// (rows-1-i)±0.5.
type cells struct {
	v      [][]float64
	lo, hi float64
	format func(float64) string
}

func (h *cells) norm(v float64) float64 {
	if h.hi == h.lo {
		return 0.5
	}
	return (v - h.lo) / (h.hi - h.lo)
}

func (h *cells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	nr, nc := len(h.v), len(h.v[0])
	if nr*nc > maxCellRects {
		img := image.NewNRGBA(image.Rect(0, 0, nc, nr))
		for i, row := range h.v {
			for j, v := range row {
				img.SetNRGBA(j, i, viridis(h.norm(v)))
			}
		}
		c.DrawImage(vg.Rectangle{Min: vg.Point{X: trX(-0.5), Y: trY(-0.5)}, Max: vg.Point{X: trX(float64(nc) - 0.5), Y: trY(float64(nr) - 0.5)}}, upscale(img, 4))
		return
	}
	ts := textStyle(10, color.White)
	annotate := nr*nc <= maxAnnotated
	for i, row := range h.v {
		y := float64(nr - 1 - i)
		for j, v := range row {
			x := float64(j)
			col := viridis(h.norm(v))
			pts := []vg.Point{{X: trX(x - 0.5), Y: trY(y - 0.5)}, {X: trX(x + 0.5), Y: trY(y - 0.5)}, {X: trX(x + 0.5), Y: trY(y + 0.5)}, {X: trX(x - 0.5), Y: trY(y + 0.5)}}
			c.FillPolygon(col, pts)
			if annotate && finite(v) {
				ts.Color = color.White
				if h.norm(v) > 0.6 { // light end of viridis: dark text
					ts.Color = color.Black
				}
				c.FillText(ts, vg.Point{X: trX(x), Y: trY(y)}, h.format(v))
			}
		}
	}
}

func (h *cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(len(h.v[0])) - 0.5, -0.5, float64(len(h.v)) - 0.5
}

// upscale enlarges img k times by pixel repetition, so renderers that
// interpolate when scaling (gg, browsers) keep the cells sharp.
func upscale(img *image.NRGBA, k int) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := 0; y < b.Dy()*k; y++ {
		src := img.Pix[(y/k)*img.Stride:]
		dst := out.Pix[y*out.Stride:]
		for x := 0; x < b.Dx()*k; x++ {
			copy(dst[x*4:x*4+4], src[(x/k)*4:(x/k)*4+4])
		}
	}
	return out
}

// maxDigits is how many images Digits shows.
const maxDigits = 100

// Digits shows small square greyscale images (8×8 digits, or any n×n given
// as n² values, row-major) in a grid, 10 to a row, each titled with its
// label (labels nil: no titles). Values are scaled from 0 (white) to the
// largest value (black), like matplotlib's gray_r. At most 100 images are
// shown. It panics with Error if an image is not square or the labels do
// not match.
func Digits(images [][]float64, labels []string) *Chart {
	if len(images) == 0 {
		fail("digits: no images")
	}
	if labels != nil && len(labels) != len(images) {
		fail("digits: %d labels for %d images", len(labels), len(images))
	}
	n := len(images)
	if n > maxDigits {
		n = maxDigits
	}
	side := int(math.Round(math.Sqrt(float64(len(images[0])))))
	for i := range n {
		if len(images[i]) != side*side || side == 0 {
			fail("digits: image %d has %d values, not a square of side %d", i, len(images[i]), side)
		}
	}
	cols := min(10, n)
	rows := (n + cols - 1) / cols
	c := newChart("digits")
	c.p.HideAxes()
	c.p.X.Padding, c.p.Y.Padding = 0, 0
	dg := &digitGrid{rows: rows, cols: cols, side: side}
	for i := range n {
		dg.imgs = append(dg.imgs, digitImage(images[i], side))
		if labels != nil {
			dg.labels = append(dg.labels, labels[i])
		}
	}
	c.p.Add(dg)
	// Keep cells square: 0.64 in a cell, plus room for the title.
	c.o.Width = float64(cols)*0.64 + 0.3
	c.o.Height = float64(rows)*0.72 + 0.3
	if c.o.Width < 2 {
		c.o.Width = 2
	}
	c.desc = fmt.Sprintf("%d images %d×%d", n, side, side)
	if len(images) > n {
		c.desc += fmt.Sprintf(" of %d", len(images))
	}
	return c
}

// Images is a dataset of images, one a row (runtime/data's *Dataset has
// it): Row returns the pixels of row i, LabelStrings the label of each row.
type Images interface {
	Len() int
	Row(i int) []float64
	LabelStrings() []string
}

// DigitsOf shows the first n images of a dataset (n <= 0: as many as fit,
// 100), titled with their labels: chart.DigitsOf(data.Digits(), 20).
func DigitsOf(ds Images, n int) *Chart {
	if n <= 0 || n > maxDigits {
		n = maxDigits
	}
	n = min(n, ds.Len())
	imgs := make([][]float64, n)
	for i := range imgs {
		imgs[i] = ds.Row(i)
	}
	var labels []string
	if l := ds.LabelStrings(); len(l) >= n {
		labels = l[:n]
	}
	return Digits(imgs, labels)
}

// digitImage maps values to grey, 0 → white, the maximum → black.
func digitImage(v []float64, side int) *image.NRGBA {
	_, hi := finiteRange(v)
	if hi <= 0 {
		hi = 1
	}
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	for i, x := range v {
		g := uint8(255 - math.Round(255*math.Max(0, math.Min(1, x/hi))))
		img.SetNRGBA(i%side, i/side, color.NRGBA{g, g, g, 0xff})
	}
	return upscale(img, max(1, 64/side))
}

type digitGrid struct {
	rows, cols, side int
	imgs             []*image.NRGBA
	labels           []string
}

func (d *digitGrid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	ts := textStyle(9, color.Black)
	ts.YAlign = draw.YBottom
	for k, img := range d.imgs {
		r, col := k/d.cols, k%d.cols
		// cell (r, col) spans x in [col, col+1], y in [rows-1-r, rows-r];
		// the image takes its lower 80 %, the label the rest.
		x0, x1 := trX(float64(col)+0.06), trX(float64(col)+0.94)
		ytop := float64(d.rows - r)
		y1 := trY(ytop - 0.2)
		y0 := y1 - (x1 - x0)
		c.DrawImage(vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x1, Y: y1}}, img)
		if d.labels != nil {
			c.FillText(ts, vg.Point{X: (x0 + x1) / 2, Y: y1 + vg.Points(1.5)}, d.labels[k])
		}
	}
}

func (d *digitGrid) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, float64(d.cols), 0, float64(d.rows)
}
