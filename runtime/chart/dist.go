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
	c.p.Y.Max *= 1.05 // headroom above the tallest bar
	c.p.X.Label.Text, c.p.Y.Label.Text = "value", "count"
	c.desc = fmt.Sprintf("%d values, %d bins", len(vs), bins)
	return c
}

// HistogramBy overlays one histogram per label (e.g. a feature by class),
// on shared bins, each in its palette colour at 55 % opacity, with a legend.
// bins <= 0 chooses as Histogram does. It panics with Error if the lengths
// differ or no value is finite.
func HistogramBy(values []float64, labels []string, bins int) *Chart {
	if len(labels) != len(values) {
		fail("histogram: %d labels for %d values", len(labels), len(values))
	}
	lo, hi := finiteRange(values)
	n := 0
	for _, v := range values {
		if finite(v) {
			n++
		}
	}
	if n == 0 {
		fail("histogram: no finite values")
	}
	if bins <= 0 {
		bins = max(5, min(60, int(math.Ceil(math.Log2(float64(n))))+1))
	}
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	c := newChart("histogram")
	addGrid(c.p)
	width := (hi - lo) / float64(bins)
	for k, g := range groupBy(labels, nil) {
		counts := make([]float64, bins)
		for _, r := range g.rows {
			v := values[r]
			if !finite(v) {
				continue
			}
			b := min(int((v-lo)/width), bins-1)
			counts[b]++
		}
		h := &plotter.Histogram{Bins: make([]plotter.HistogramBin, bins), Width: width,
			FillColor: withAlpha(seriesColor(k), 0.55), LineStyle: draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}}
		for b := range bins {
			h.Bins[b] = plotter.HistogramBin{Min: lo + float64(b)*width, Max: lo + float64(b+1)*width, Weight: counts[b]}
		}
		c.p.Add(h)
		c.p.Legend.Add(g.name, h)
	}
	c.p.Y.Min = 0
	c.p.Y.Max *= 1.05
	c.p.X.Label.Text, c.p.Y.Label.Text = "value", "count"
	c.desc = fmt.Sprintf("%d values, %d bins, %d groups", n, bins, len(groupBy(labels, nil)))
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
	if c.p.Y.Max > 0 {
		c.p.Y.Max *= 1.05
	}
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
