package chart

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Columns is what Scatter needs from a dataset (runtime/data's *Dataset has
// it): a numeric column by name, and one label per row (nil when
// unlabelled). A dataset that also has Classes() []string gives the order
// of the legend.
type Columns interface {
	Column(name string) []float64
	LabelStrings() []string
}

type classer interface{ Classes() []string }

// History is a training history (runtime/train's *History has it): the mean
// training loss of each epoch, and the validation loss (nil when there was
// no validation set; NaN for epochs without one).
type History interface {
	TrainLoss() []float64
	ValidationLoss() []float64
}

const lineWidth = 1.5 // points, matplotlib's default

// Line plots y against x as a line (x nil: 0, 1, 2, …). NaN values break the
// line. The series has no legend entry unless named with
// With(Options{Name: …}); AddLine adds named ones. Line panics
// with Error if the lengths differ or y is empty.
func Line(x, y []float64) *Chart {
	c := newChart("line")
	addGrid(c.p)
	c.addLine("", x, y, 0, false)
	c.p.X.Label.Text, c.p.Y.Label.Text = "x", "y"
	return c
}

// AddLine adds a named series to the chart (x nil: 0, 1, 2, …), in the next
// palette colour, with a legend entry; it returns the chart.
func (c *Chart) AddLine(name string, x, y []float64) *Chart {
	c.addLine(name, x, y, c.series, false)
	return c
}

// addLine adds one series; dashed draws it dashed. It counts series in
// c.series to pick colours.
func (c *Chart) addLine(name string, x, y []float64, colorIdx int, dashed bool) {
	c.addLineEntry(name, "", x, y, colorIdx, dashed)
}

// addLineEntry is addLine with the legend name given as label and suffix,
// so Options.Name can replace the label.
func (c *Chart) addLineEntry(label, suffix string, x, y []float64, colorIdx int, dashed bool) {
	name := label + suffix
	if len(y) == 0 {
		fail("%s: no values", c.kind)
	}
	if x == nil {
		x = make([]float64, len(y))
		for i := range x {
			x[i] = float64(i)
		}
	}
	if len(x) != len(y) {
		fail("%s: %d x values but %d y values", c.kind, len(x), len(y))
	}
	sty := draw.LineStyle{Color: seriesColor(colorIdx), Width: vg.Points(lineWidth)}
	if dashed {
		sty.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	var first plot.Thumbnailer
	for _, v := range y {
		if finite(v) && (math.IsNaN(c.ylo) || v < c.ylo) {
			c.ylo = v
		}
	}
	for _, seg := range segments(x, y) {
		seg = decimate(seg, decimateBuckets)
		l, err := plotter.NewLine(seg)
		if err != nil {
			fail("%s: %v", c.kind, err)
		}
		l.LineStyle = sty
		c.p.Add(l)
		c.vertices += len(seg)
		if first == nil {
			first = l
		}
	}
	if name != "" && first != nil {
		c.p.Legend.Add(name, first)
	}
	c.lines = append(c.lines, lineEntry{label: label, suffix: suffix, thumb: first})
	c.series++
	c.desc = fmt.Sprintf("%d points", c.vertices)
	if c.series > 1 {
		c.desc = fmt.Sprintf("%d series, %d points", c.series, c.vertices)
	}
}

// decimateBuckets is the number of x buckets a long line is reduced to:
// twice the pixel width of the default figure's data area, so the drawing
// is indistinguishable from the full line at the default size.
const decimateBuckets = 1280

// decimate reduces a line with x sorted ascending to at most 4 points a
// bucket of x — the first, last, lowest and highest — which draws the same
// pixels when a bucket is at most a pixel wide (the M4 aggregation of
// Jugel et al., "M4: A Visualization-Oriented Time Series Data
// Aggregation", VLDB 2014). gonum/plot strokes a 100,000-point line into a
// PNG in ~3 s; after decimation it takes milliseconds. Lines whose x is not
// sorted are kept as they are.
func decimate(seg plotter.XYs, buckets int) plotter.XYs {
	if len(seg) <= 4*buckets {
		return seg
	}
	for i := 1; i < len(seg); i++ {
		if seg[i].X < seg[i-1].X {
			return seg
		}
	}
	x0, x1 := seg[0].X, seg[len(seg)-1].X
	if x1 == x0 {
		return seg
	}
	out := make(plotter.XYs, 0, 4*buckets)
	start := 0
	for start < len(seg) {
		b := int((seg[start].X - x0) / (x1 - x0) * float64(buckets))
		end := start + 1
		lo, hi := start, start
		for end < len(seg) && min(int((seg[end].X-x0)/(x1-x0)*float64(buckets)), buckets-1) == min(b, buckets-1) {
			if seg[end].Y < seg[lo].Y {
				lo = end
			}
			if seg[end].Y > seg[hi].Y {
				hi = end
			}
			end++
		}
		last := end - 1
		idx := []int{start, lo, hi, last}
		sort.Ints(idx)
		prev := -1
		for _, i := range idx {
			if i != prev {
				out = append(out, seg[i])
				prev = i
			}
		}
		start = end
	}
	return out
}

// segments splits (x, y) into runs of finite points.
func segments(x, y []float64) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		if cur == nil {
			cur = make(plotter.XYs, 0, len(x)-i)
		}
		cur = append(cur, plotter.XY{X: x[i], Y: y[i]})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// Scatter plots two columns of a dataset against each other, coloured by
// label with a legend, the axes named after the columns. It panics (with the
// dataset's error) if a column does not exist.
func Scatter(ds Columns, xcol, ycol string) *Chart {
	x, y := ds.Column(xcol), ds.Column(ycol)
	labels := ds.LabelStrings()
	var classes []string
	if cl, ok := ds.(classer); ok {
		classes = cl.Classes()
	}
	c := scatter(x, y, labels, classes)
	c.p.X.Label.Text, c.p.Y.Label.Text = xcol, ycol
	c.p.Title.Text = ycol + " vs " + xcol
	return c
}

// ScatterXY plots points (x[i], y[i]), coloured by labels[i] with a legend
// (labels nil: one colour). It panics with Error if the lengths differ.
func ScatterXY(x, y []float64, labels []string) *Chart {
	c := scatter(x, y, labels, nil)
	c.p.X.Label.Text, c.p.Y.Label.Text = "x", "y"
	return c
}

func scatter(x, y []float64, labels, classes []string) *Chart {
	c := newChart("scatter")
	if len(x) != len(y) {
		fail("scatter: %d x values but %d y values", len(x), len(y))
	}
	if labels != nil && len(labels) != len(x) {
		fail("scatter: %d labels for %d points", len(labels), len(x))
	}
	addGrid(c.p)
	radius, alpha := vg.Points(3), 1.0
	if len(x) > 1000 {
		alpha = 0.7 // show density where markers overlap
	}
	if labels == nil {
		d := newDots(x, y, withAlpha(seriesColor(0), alpha), radius)
		c.p.Add(d)
		c.dotLayers = append(c.dotLayers, d)
	} else {
		groups := groupBy(labels, classes)
		for i, g := range groups {
			gx, gy := make([]float64, len(g.rows)), make([]float64, len(g.rows))
			for k, r := range g.rows {
				gx[k], gy[k] = x[r], y[r]
			}
			d := newDots(gx, gy, withAlpha(seriesColor(i), alpha), radius)
			c.p.Add(d)
			c.dotLayers = append(c.dotLayers, d)
			name := g.name
			if name == "" {
				name = "(no label)"
			}
			c.p.Legend.Add(name, d)
		}
	}
	c.markers = len(x)
	c.desc = fmt.Sprintf("%d points", len(x))
	return c
}

type group struct {
	name string
	rows []int
}

// groupBy groups row indices by label, in the order of classes, then the
// remaining labels sorted.
func groupBy(labels, classes []string) []group {
	idx := map[string]int{}
	var out []group
	for _, cl := range classes {
		if _, ok := idx[cl]; !ok {
			idx[cl] = len(out)
			out = append(out, group{name: cl})
		}
	}
	var extra []string
	for _, l := range labels {
		if _, ok := idx[l]; !ok {
			idx[l] = -1
			extra = append(extra, l)
		}
	}
	sort.Strings(extra)
	for _, l := range extra {
		idx[l] = len(out)
		out = append(out, group{name: l})
	}
	for r, l := range labels {
		out[idx[l]].rows = append(out[idx[l]].rows, r)
	}
	// drop classes without rows
	kept := out[:0]
	for _, g := range out {
		if len(g.rows) > 0 {
			kept = append(kept, g)
		}
	}
	return kept
}

// Loss plots a training history: the training loss per epoch and, when
// there is one, the validation loss (dashed). It panics with Error if the
// history is empty.
func Loss(h History) *Chart {
	return LossCurves(h.TrainLoss(), h.ValidationLoss())
}

// LossCurves plots training and validation losses per epoch (validation nil
// or NaN where absent).
func LossCurves(train, validation []float64) *Chart {
	if len(train) == 0 {
		fail("loss: the history has no epochs")
	}
	c := newChart("loss")
	addGrid(c.p)
	epochs := make([]float64, len(train))
	for i := range epochs {
		epochs[i] = float64(i + 1)
	}
	c.addLine("train", epochs, train, 0, false)
	hasVal := false
	for _, v := range validation {
		if finite(v) {
			hasVal = true
			break
		}
	}
	if hasVal {
		ve := make([]float64, len(validation))
		for i := range ve {
			ve[i] = float64(i + 1)
		}
		c.addLine("validation", ve, validation, 1, true)
	}
	c.p.Title.Text, c.p.X.Label.Text, c.p.Y.Label.Text = "loss", "epoch", "loss"
	c.p.Y.Min = math.Min(c.p.Y.Min, 0)
	last := train[len(train)-1]
	c.desc = fmt.Sprintf("%d epochs, final train loss %.4g", len(train), last)
	if hasVal {
		c.desc += fmt.Sprintf(", validation %.4g", validation[len(validation)-1])
	}
	return c
}

// ROC plots a receiver operating characteristic curve from false and true
// positive rates (as metrics computes them, sorted by threshold), with the
// chance diagonal and the area under the curve in the legend, as
// "ROC (AUC 0.912)"; With(Options{Name: "logistic"}) names it
// "logistic (AUC 0.912)". It panics
// with Error if the lengths differ or are zero.
func ROC(fpr, tpr []float64) *Chart {
	if len(fpr) != len(tpr) || len(fpr) == 0 {
		fail("roc: %d false positive rates but %d true positive rates", len(fpr), len(tpr))
	}
	c := newChart("roc")
	addGrid(c.p)
	diag, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	diag.LineStyle = draw.LineStyle{Color: color.Gray{150}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	c.p.Add(diag)
	auc := AUC(fpr, tpr)
	c.addLineEntry("ROC", fmt.Sprintf(" (AUC %.3f)", auc), fpr, tpr, 0, false)
	c.p.Legend.Top, c.p.Legend.Left = false, false
	c.p.Title.Text, c.p.X.Label.Text, c.p.Y.Label.Text = "ROC curve", "false positive rate", "true positive rate"
	c.p.X.Min, c.p.X.Max, c.p.Y.Min, c.p.Y.Max = 0, 1, 0, 1.02
	c.desc = fmt.Sprintf("AUC %.3f", auc)
	return c
}

// AddROC adds another ROC curve (e.g. a second model) in the next palette
// colour, its AUC in the legend; it returns the chart.
func (c *Chart) AddROC(name string, fpr, tpr []float64) *Chart {
	if len(fpr) != len(tpr) || len(fpr) == 0 {
		fail("roc: %d false positive rates but %d true positive rates", len(fpr), len(tpr))
	}
	c.addLineEntry(name, fmt.Sprintf(" (AUC %.3f)", AUC(fpr, tpr)), fpr, tpr, c.series, false)
	return c
}

// AUC returns the area under the curve (x[i], y[i]) by the trapezoid rule,
// after sorting the points by x.
func AUC(x, y []float64) float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	area := 0.0
	for k := 1; k < len(idx); k++ {
		i, j := idx[k-1], idx[k]
		area += (x[j] - x[i]) * (y[i] + y[j]) / 2
	}
	return area
}
