package chart

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Histogram plots the distribution of values in bins equal-width bins
// (bins <= 0: Sturges' rule, ceil(log2 n) + 1, kept within 5..60). NaN
// values are left out. It panics with Error if no value is finite.
func Histogram(values []float64, bins int) *Chart {
	vs := make(plotter.Values, 0, len(values))
	for _, v := range values {
		if finite(v) {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		fail("histogram: no finite values")
	}
	if bins <= 0 {
		bins = int(math.Ceil(math.Log2(float64(len(vs))))) + 1
		bins = max(5, min(60, bins))
	}
	c := newChart("histogram")
	addGrid(c.p)
	h, err := plotter.NewHist(vs, bins)
	if err != nil {
		fail("histogram: %v", err)
	}
	h.FillColor = seriesColor(0)
	h.LineStyle = draw.LineStyle{Color: color.White, Width: vg.Points(0.8)}
	c.p.Add(h)
	c.p.Y.Min = 0
	c.p.X.Label.Text, c.p.Y.Label.Text = "value", "count"
	c.desc = fmt.Sprintf("%d values, %d bins", len(vs), bins)
	return c
}

// Bar plots one bar per label with the given heights. It panics with Error
// if the lengths differ or are zero.
func Bar(labels []string, values []float64) *Chart {
	if len(labels) != len(values) || len(values) == 0 {
		fail("bar: %d labels for %d values", len(labels), len(values))
	}
	c := newChart("bar")
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = color.Gray{225}
	c.p.Add(g)
	c.p.Add(&bars{values: values, fill: seriesColor(0)})
	c.p.NominalX(labels...)
	c.p.Y.Label.Text = "value"
	c.desc = fmt.Sprintf("%d bars", len(values))
	return c
}

// bars draws bar i centred at x = i, 0.7 wide in data units, so the width
// follows the figure size.
type bars struct {
	values []float64
	fill   color.Color
}

func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	c.SetColor(b.fill)
	for i, v := range b.values {
		if !finite(v) {
			continue
		}
		x0, x1 := trX(float64(i)-0.35), trX(float64(i)+0.35)
		y0, y1 := trY(0), trY(v)
		pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		c.FillPolygon(b.fill, c.ClipPolygonXY(pts))
	}
}

func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	lo, hi := finiteRange(b.values)
	return -0.5, float64(len(b.values)) - 0.5, math.Min(0, lo), math.Max(0, hi)
}

// BoxPlot draws one box per group (median, quartiles, whiskers at 1.5 IQR,
// outliers as points), named by names (nil: 1, 2, …). It panics with Error
// if names and groups differ in length or a group is empty.
func BoxPlot(groups [][]float64, names []string) *Chart {
	if len(groups) == 0 {
		fail("boxplot: no groups")
	}
	if names != nil && len(names) != len(groups) {
		fail("boxplot: %d names for %d groups", len(names), len(groups))
	}
	c := newChart("boxplot")
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = color.Gray{225}
	c.p.Add(g)
	w := vg.Points(math.Min(50, 300/float64(len(groups))))
	n := 0
	labels := make([]string, len(groups))
	for i, vals := range groups {
		vs := make(plotter.Values, 0, len(vals))
		for _, v := range vals {
			if finite(v) {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			fail("boxplot: group %d has no finite values", i)
		}
		n += len(vs)
		b, err := plotter.NewBoxPlot(w, float64(i), vs)
		if err != nil {
			fail("boxplot: %v", err)
		}
		b.FillColor = tint(seriesColor(i), 0.55)
		b.BoxStyle.Color = color.Gray{60}
		b.MedianStyle.Color = color.Black
		b.MedianStyle.Width = vg.Points(1.5)
		b.GlyphStyle.Color = seriesColor(i)
		c.p.Add(b)
		labels[i] = fmt.Sprint(i + 1)
		if names != nil {
			labels[i] = names[i]
		}
	}
	c.p.NominalX(labels...)
	c.p.X.Min, c.p.X.Max = -0.5, float64(len(groups))-0.5
	c.p.Y.Label.Text = "value"
	c.desc = fmt.Sprintf("%d groups, %d values", len(groups), n)
	return c
}
