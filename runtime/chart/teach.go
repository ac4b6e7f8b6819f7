package chart

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"tandem.dev/tandem/runtime/host"
)

// Grid resolutions of the teaching plots: predict and f are called once a
// cell (an interpreted closure costs ~3 µs a call, so ~60 ms at most).
const (
	boundaryCols, boundaryRows = 160, 120
	surfaceSide                = 100
)

// DecisionBoundary shows a 2-D classifier over its data: the plane coloured
// by predict(x, y) (a class id) and the points (x[i], y[i]) coloured by
// their true labels[i]. classes names the class ids for the legend (nil:
// "class 0", …). predict is called on a 160×120 grid; the loop stops if the
// cell is interrupted. It panics with Error if the lengths differ or there
// are no points.
func DecisionBoundary(predict func(x, y float64) int, x, y []float64, labels []int, classes []string) *Chart {
	return decisionBoundary(func(xs, ys []float64) []int {
		out := make([]int, len(xs))
		for i := range xs {
			if i%boundaryCols == 0 {
				host.Check()
			}
			out[i] = predict(xs[i], ys[i])
		}
		return out
	}, x, y, labels, classes)
}

// DecisionBoundaryBatch is DecisionBoundary with a predictor that takes all
// 19,200 grid points at once (xs[i], ys[i]) and returns their class ids: one
// call of a model on a batch instead of one a point. It panics with Error
// if predict returns another number of classes than points.
func DecisionBoundaryBatch(predict func(xs, ys []float64) []int, x, y []float64, labels []int, classes []string) *Chart {
	return decisionBoundary(predict, x, y, labels, classes)
}

func decisionBoundary(predict func(xs, ys []float64) []int, x, y []float64, labels []int, classes []string) *Chart {
	if len(x) == 0 || len(x) != len(y) || len(labels) != len(x) {
		fail("decision boundary: %d x, %d y and %d labels (want the same, at least 1)", len(x), len(y), len(labels))
	}
	x0, x1 := padRange(finiteRange(x))
	y0, y1 := padRange(finiteRange(y))
	gx := make([]float64, 0, boundaryCols*boundaryRows)
	gy := make([]float64, 0, boundaryCols*boundaryRows)
	for r := range boundaryRows {
		py := y1 - (float64(r)+0.5)/boundaryRows*(y1-y0)
		for col := range boundaryCols {
			gx = append(gx, x0+(float64(col)+0.5)/boundaryCols*(x1-x0))
			gy = append(gy, py)
		}
	}
	ks := predict(gx, gy)
	if len(ks) != len(gx) {
		fail("decision boundary: predict returned %d classes for %d points", len(ks), len(gx))
	}
	img := image.NewNRGBA(image.Rect(0, 0, boundaryCols, boundaryRows))
	for i, k := range ks {
		cc := color.NRGBA{0xee, 0xee, 0xee, 0xff}
		if k >= 0 {
			cc = tint(seriesColor(k), 0.68)
		}
		img.SetNRGBA(i%boundaryCols, i/boundaryCols, cc)
	}
	c := newChart("decision boundary")
	c.p.Add(plotter.NewImage(upscale(img, 2), x0, y0, x1, y1))
	maxClass := 0
	for _, l := range labels {
		maxClass = max(maxClass, l)
	}
	for k := 0; k <= maxClass; k++ {
		var gx, gy []float64
		for i, l := range labels {
			if l == k {
				gx, gy = append(gx, x[i]), append(gy, y[i])
			}
		}
		if len(gx) == 0 {
			continue
		}
		d := newDots(gx, gy, seriesColor(k), vg.Points(3.5))
		d.edge, d.edgeW = color.NRGBA{0x20, 0x20, 0x20, 0xff}, vg.Points(0.7)
		c.p.Add(d)
		name := fmt.Sprintf("class %d", k)
		if k < len(classes) {
			name = classes[k]
		}
		c.p.Legend.Add(name, d)
	}
	c.p.X.Min, c.p.X.Max, c.p.Y.Min, c.p.Y.Max = x0, x1, y0, y1
	c.p.X.Padding, c.p.Y.Padding = 0, 0
	c.p.Title.Text, c.p.X.Label.Text, c.p.Y.Label.Text = "decision boundary", "x", "y"
	c.markers = len(x)
	c.desc = fmt.Sprintf("%d points, %d classes", len(x), maxClass+1)
	return c
}

// padRange widens [lo, hi] by 10 % on each side (by 1 when it is a point).
func padRange(lo, hi float64) (float64, float64) {
	d := hi - lo
	if d == 0 {
		return lo - 1, hi + 1
	}
	return lo - 0.1*d, hi + 0.1*d
}

// Descent shows a gradient-descent path over the contours of a 2-D loss
// surface: f is evaluated on a 100×100 grid around the path (which it
// shows with its start and end), the contour levels at quantiles of the
// sampled values so the valley stays visible. px[i], py[i] is the point
// after i steps. It panics with Error if the path is empty or its
// coordinates differ in length.
func Descent(f func(x, y float64) float64, px, py []float64) *Chart {
	if len(px) == 0 || len(px) != len(py) {
		fail("descent: %d x and %d y coordinates (want the same, at least 1)", len(px), len(py))
	}
	x0, x1 := finiteRange(px)
	y0, y1 := finiteRange(py)
	// Square-ish window around the path, at least 2 wide.
	half := math.Max(math.Max(x1-x0, y1-y0)*0.65, 1)
	cx, cy := (x0+x1)/2, (y0+y1)/2
	x0, x1, y0, y1 = cx-half, cx+half, cy-half, cy+half
	g := &surface{x0: x0, x1: x1, y0: y0, y1: y1, n: surfaceSide, z: make([]float64, surfaceSide*surfaceSide)}
	for r := range surfaceSide {
		host.Check()
		for col := range surfaceSide {
			g.z[r*surfaceSide+col] = f(g.X(col), g.Y(r))
		}
	}
	levels := quantileLevels(g.z, 14)
	c := newChart("descent")
	// Light background shading (low = dark) under the contour lines.
	bg := image.NewNRGBA(image.Rect(0, 0, surfaceSide, surfaceSide))
	lo, hi := levels[0], levels[len(levels)-1]
	for r := range surfaceSide {
		for col := range surfaceSide {
			z := g.z[r*surfaceSide+col]
			t := 1.0
			if hi > lo {
				t = rank(levels, z)
			}
			bg.SetNRGBA(col, surfaceSide-1-r, tint(viridis(t), 0.72))
		}
	}
	c.p.Add(plotter.NewImage(bg, x0, y0, x1, y1))
	c.p.Add(&isolines{g: g, levels: levels})
	c.addLine(fmt.Sprintf("path (%d steps)", len(px)-1), px, py, 3, false)
	if len(px) <= 200 {
		d := newDots(px, py, seriesColor(3), vg.Points(2))
		c.p.Add(d)
	}
	start := newDots(px[:1], py[:1], color.NRGBA{0xff, 0xff, 0xff, 0xff}, vg.Points(4.5))
	start.edge, start.edgeW = color.NRGBA{0, 0, 0, 0xff}, vg.Points(1.5)
	end := newDots(px[len(px)-1:], py[len(py)-1:], color.NRGBA{0, 0, 0, 0xff}, vg.Points(4))
	c.p.Add(start, end)
	c.p.Legend.Add("start", start)
	c.p.Legend.Add("end", end)
	c.p.X.Min, c.p.X.Max, c.p.Y.Min, c.p.Y.Max = x0, x1, y0, y1
	c.p.X.Padding, c.p.Y.Padding = 0, 0
	c.p.Title.Text, c.p.X.Label.Text, c.p.Y.Label.Text = "gradient descent", "x", "y"
	c.o.Width, c.o.Height = 6, 5.2
	c.desc = fmt.Sprintf("%d steps from (%.3g, %.3g) to (%.3g, %.3g), f = %.4g", len(px)-1, px[0], py[0], px[len(px)-1], py[len(py)-1], f(px[len(px)-1], py[len(py)-1]))
	return c
}

// surface is f sampled on an n×n grid; it implements plotter.GridXYZ.
type surface struct {
	x0, x1, y0, y1 float64
	n              int
	z              []float64 // [row][col], row 0 at y0
}

func (s *surface) Dims() (c, r int)   { return s.n, s.n }
func (s *surface) Z(c, r int) float64 { return s.z[r*s.n+c] }
func (s *surface) X(c int) float64    { return s.x0 + float64(c)/float64(s.n-1)*(s.x1-s.x0) }
func (s *surface) Y(r int) float64    { return s.y0 + float64(r)/float64(s.n-1)*(s.y1-s.y0) }

// quantileLevels returns k distinct contour levels at the quantiles of the
// finite values of z, denser where most of the surface is (near the
// minimum of a bowl).
func quantileLevels(z []float64, k int) []float64 {
	v := make([]float64, 0, len(z))
	for _, x := range z {
		if finite(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		fail("descent: f has no finite values on the grid")
	}
	sort.Float64s(v)
	var out []float64
	for i := 1; i <= k; i++ {
		// Quantiles squared: more levels near the bottom of the valley.
		q := math.Pow(float64(i)/float64(k+1), 2)
		l := v[int(q*float64(len(v)-1))]
		if len(out) == 0 || l > out[len(out)-1] {
			out = append(out, l)
		}
	}
	if len(out) == 1 {
		out = append(out, out[0]+1)
	}
	return out
}

// rank returns where z falls among levels, in [0, 1].
func rank(levels []float64, z float64) float64 {
	i := sort.SearchFloat64s(levels, z)
	return float64(i) / float64(len(levels))
}

// isolines draws the contour lines of a surface by marching squares
// (Lorensen & Cline 1987, in 2-D), each level as one path of segments.
// gonum/plot's Contour joins segments into closed paths, and on symmetric
// surfaces (x² + y² sampled on a grid centred on its minimum) its loop
// excision grew without bound until the process ran out of memory.
type isolines struct {
	g      *surface
	levels []float64
}

func (l *isolines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	g := l.g
	n := g.n
	pt := func(col, r int, fc, fr float64) vg.Point {
		// a point at fraction fc of the way from column col to col+1 (and fr
		// for rows), in canvas coordinates
		x := g.X(col) + fc*(g.X(col+1)-g.X(col))
		y := g.Y(r) + fr*(g.Y(r+1)-g.Y(r))
		return vg.Point{X: trX(x), Y: trY(y)}
	}
	frac := func(a, b, lv float64) float64 { return (lv - a) / (b - a) }
	for k, lv := range l.levels {
		var path vg.Path
		for r := 0; r < n-1; r++ {
			for col := 0; col < n-1; col++ {
				// corners: 0 (col, r), 1 (col+1, r), 2 (col+1, r+1), 3 (col, r+1)
				z0, z1, z2, z3 := g.Z(col, r), g.Z(col+1, r), g.Z(col+1, r+1), g.Z(col, r+1)
				if !finite(z0) || !finite(z1) || !finite(z2) || !finite(z3) {
					continue
				}
				idx := 0
				if z0 > lv {
					idx |= 1
				}
				if z1 > lv {
					idx |= 2
				}
				if z2 > lv {
					idx |= 4
				}
				if z3 > lv {
					idx |= 8
				}
				if idx == 0 || idx == 15 {
					continue
				}
				// crossing points on the four edges
				e := [4]vg.Point{
					pt(col, r, frac(z0, z1, lv), 0), // bottom: 0–1
					pt(col, r, 1, frac(z1, z2, lv)), // right: 1–2
					pt(col, r, frac(z3, z2, lv), 1), // top: 3–2
					pt(col, r, 0, frac(z0, z3, lv)), // left: 0–3
				}
				seg := func(a, b int) {
					path.Move(e[a])
					path.Line(e[b])
				}
				switch idx {
				case 1, 14:
					seg(3, 0)
				case 2, 13:
					seg(0, 1)
				case 3, 12:
					seg(3, 1)
				case 4, 11:
					seg(1, 2)
				case 6, 9:
					seg(0, 2)
				case 7, 8:
					seg(3, 2)
				case 5, 10:
					// saddle: decide by the centre value
					centre := (z0 + z1 + z2 + z3) / 4
					if (centre > lv) == (idx == 5) {
						seg(3, 2)
						seg(0, 1)
					} else {
						seg(3, 0)
						seg(1, 2)
					}
				}
			}
		}
		if len(path) == 0 {
			continue
		}
		c.SetLineStyle(draw.LineStyle{Color: viridis(float64(k) / float64(max(1, len(l.levels)-1))), Width: vg.Points(1)})
		c.Stroke(path)
	}
}
