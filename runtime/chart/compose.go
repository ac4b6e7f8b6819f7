package chart

import (
	"fmt"
	"image"
	"image/color"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Grid lays charts out in a grid, cols to a row (cols <= 0: 2), as one
// figure; each keeps its own axes, title and legend. With on the grid sets
// the title of the whole figure, its size (default 3.2 × 2.6 in a chart),
// resolution and format; axis labels and LogY are set on the charts
// themselves, before they go in. It panics with Error if charts is empty or
// holds nil.
func Grid(charts []*Chart, cols int) *Chart {
	if len(charts) == 0 {
		fail("grid: no charts")
	}
	if cols <= 0 {
		cols = 2
	}
	cols = min(cols, len(charts))
	rows := (len(charts) + cols - 1) / cols
	c := newChart("grid")
	c.p.HideAxes()
	c.tiles, c.cols = charts, cols
	kinds := make([]string, len(charts))
	for i, s := range charts {
		if s == nil {
			fail("grid: chart %d is nil", i)
		}
		c.markers += s.markers
		c.vertices += s.vertices
		kinds[i] = s.kind
	}
	c.o.Width, c.o.Height = 3.2*float64(cols), 2.6*float64(rows)
	c.desc = fmt.Sprintf("%d×%d: %s", rows, cols, strings.Join(kinds, ", "))
	return c
}

// drawOn draws the chart, or its grid of charts, into dc.
func (c *Chart) drawOn(dc draw.Canvas) {
	if c.tiles == nil {
		if c.cbar == nil {
			c.p.Draw(dc)
			return
		}
		main := draw.Crop(dc, 0, -colorBarWidth, 0, 0)
		c.p.Draw(main)
		data := c.p.DataCanvas(main)
		c.cbar.draw(dc, data.Max.X+vg.Points(10), data.Min.Y, data.Max.Y)
		return
	}
	if t := c.p.Title.Text; t != "" {
		sty := c.p.Title.TextStyle
		dc.FillText(sty, vg.Point{X: dc.Center().X, Y: dc.Max.Y + sty.FontExtents().Descent}, t)
		dc.Max.Y -= sty.Rectangle(t).Size().Y + c.p.Title.Padding
	}
	if c.legend != nil {
		// The shared legend goes in a strip at the right, beside the tiles.
		w := c.legend.Rectangle(dc).Size().X + vg.Points(8)
		c.legend.Draw(draw.Crop(dc, dc.Size().X-w, 0, 0, 0))
		dc = draw.Crop(dc, 0, -w, 0, 0)
	}
	rows := (len(c.tiles) + c.cols - 1) / c.cols
	tl := draw.Tiles{Rows: rows, Cols: c.cols, PadX: vg.Points(10), PadY: vg.Points(10)}
	for i, s := range c.tiles {
		s.drawOn(tl.At(dc, i%c.cols, i/c.cols))
	}
}

// Pairs draws every pair of the named columns of a dataset against each
// other (a scatter-plot matrix), coloured by label, with each column's
// distribution by label on the diagonal: the first look at a dataset such
// as iris. It panics (with the dataset's error) if a column does not exist,
// and with Error if fewer than 2 or more than 8 columns are named.
func Pairs(ds Columns, cols []string) *Chart {
	n := len(cols)
	if n < 2 || n > 8 {
		fail("pairs: %d columns (want 2 to 8)", n)
	}
	vals := make([][]float64, n)
	for i, name := range cols {
		vals[i] = ds.Column(name)
	}
	labels := ds.LabelStrings()
	var classes []string
	if cl, ok := ds.(classer); ok {
		classes = cl.Classes()
	}
	cells := make([]*Chart, 0, n*n)
	var shared plot.Legend
	for i := range n {
		for j := range n {
			var s *Chart
			if i == j {
				if labels != nil {
					s = HistogramBy(vals[i], labels, 0)
				} else {
					s = Histogram(vals[i], 0)
				}
			} else {
				s = scatter(vals[j], vals[i], labels, classes)
				for _, d := range s.dotLayers {
					d.radius = vg.Points(2)
				}
			}
			s.p.Title.Text, s.p.X.Label.Text, s.p.Y.Label.Text = "", "", ""
			if i == n-1 {
				s.p.X.Label.Text = cols[j]
			}
			if j == 0 {
				s.p.Y.Label.Text = cols[i]
			}
			if i == 0 && j == 1 && labels != nil {
				shared = s.p.Legend // one legend for the figure, beside the grid
			}
			l := plot.NewLegend()
			l.TextStyle, l.Top = s.p.Legend.TextStyle, true
			s.p.Legend = l
			s.p.X.Tick.Label.Font.Size, s.p.Y.Tick.Label.Font.Size = vg.Points(8), vg.Points(8)
			s.p.X.Label.TextStyle.Font.Size, s.p.Y.Label.TextStyle.Font.Size = vg.Points(10), vg.Points(10)
			cells = append(cells, s)
		}
	}
	g := Grid(cells, n)
	if labels != nil {
		shared.Left = true // thumbnails first
		g.legend = &shared
	}
	side := 2.0
	if n > 4 {
		side = 1.6
	}
	g.o.Width, g.o.Height = side*float64(n)+1.4, side*float64(n)+0.4
	g.kind = "pairs"
	g.desc = fmt.Sprintf("%d columns, %d rows", n, len(vals[0]))
	return g
}

// colorBarWidth is the room a colour bar takes at the right of a chart.
const colorBarWidth = vg.Length(0.85 * vg.Inch)

// colorBar is a vertical viridis scale from lo (bottom) to hi (top).
type colorBar struct{ lo, hi float64 }

func (b *colorBar) draw(c draw.Canvas, x, y0, y1 vg.Length) {
	const steps = 128
	img := image.NewNRGBA(image.Rect(0, 0, 1, steps))
	for i := range steps {
		img.SetNRGBA(0, i, viridis(1-float64(i)/(steps-1)))
	}
	w := vg.Points(11)
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: x, Y: y0}, Max: vg.Point{X: x + w, Y: y1}}, upscale(img, 4))
	ts := textStyle(9, color.Black)
	ts.XAlign, ts.YAlign = draw.XLeft, draw.YCenter
	c.SetLineStyle(draw.LineStyle{Color: color.Gray{60}, Width: vg.Points(0.5)})
	if b.hi == b.lo {
		c.FillText(ts, vg.Point{X: x + w + vg.Points(5), Y: (y0 + y1) / 2}, strconv.FormatFloat(b.lo, 'g', 3, 64))
		return
	}
	for _, t := range (plot.DefaultTicks{}).Ticks(b.lo, b.hi) {
		if t.Label == "" || t.Value < b.lo || t.Value > b.hi {
			continue
		}
		y := y0 + (y1-y0)*vg.Length((t.Value-b.lo)/(b.hi-b.lo))
		c.StrokeLine2(draw.LineStyle{Color: color.Gray{60}, Width: vg.Points(0.5)}, x+w, y, x+w+vg.Points(3), y)
		c.FillText(ts, vg.Point{X: x + w + vg.Points(5), Y: y}, t.Label)
	}
}
