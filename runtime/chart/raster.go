package chart

import (
	"image"
	"image/color"
	"math"
	"sync/atomic"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// dots is a scatter layer of filled circles. On an image canvas it stamps
// anti-aliased discs straight into the pixels instead of filling one vector
// path per marker: gonum/plot's rasteriser (via gg and freetype's raster)
// costs ~12 µs a marker, which made a 10,000-point PNG take ~150 ms; the
// stamp costs well under a microsecond. On vector canvases (SVG, PDF) it
// draws ordinary glyphs.
type dots struct {
	xs, ys []float64
	fill   color.NRGBA
	edge   color.NRGBA // drawn as a ring of edgeWidth when edgeWidth > 0
	radius vg.Length
	edgeW  vg.Length
}

func newDots(xs, ys []float64, fill color.NRGBA, radius vg.Length) *dots {
	return &dots{xs: xs, ys: ys, fill: fill, radius: radius}
}

// Plot implements plot.Plotter.
func (d *dots) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if cv := imageCanvas(c.Canvas); cv != nil {
		if img, ok := cv.Image().(*image.RGBA); ok {
			d.stamp(img, cv.DPI(), c, trX, trY)
			return
		}
	}
	for i := range d.xs {
		if !finite(d.xs[i]) || !finite(d.ys[i]) {
			continue
		}
		pt := vg.Point{X: trX(d.xs[i]), Y: trY(d.ys[i])}
		if d.edgeW > 0 {
			c.DrawGlyph(draw.GlyphStyle{Color: d.edge, Radius: d.radius, Shape: draw.CircleGlyph{}}, pt)
			c.DrawGlyph(draw.GlyphStyle{Color: d.fill, Radius: d.radius - d.edgeW, Shape: draw.CircleGlyph{}}, pt)
		} else {
			c.DrawGlyph(draw.GlyphStyle{Color: d.fill, Radius: d.radius, Shape: draw.CircleGlyph{}}, pt)
		}
	}
}

// stamped counts markers drawn by stamp; tests check the fast path is taken.
var stamped atomic.Int64

// imageCanvas returns the vgimg canvas under c (draw.Crop wraps canvases in
// draw.Canvas values, which add no transform), or nil.
func imageCanvas(c vg.Canvas) *vgimg.Canvas {
	for {
		switch x := c.(type) {
		case *vgimg.Canvas:
			return x
		case draw.Canvas:
			c = x.Canvas
		case *draw.Canvas:
			c = x.Canvas
		default:
			return nil
		}
	}
}

// stamp draws every marker into img. Canvas points (1/72 in, y up) map to
// pixels as x·dpi/72 and H − y·dpi/72: vgimg inverts y once for the whole
// image and plot.Draw applies no other transform.
func (d *dots) stamp(img *image.RGBA, dpi float64, c draw.Canvas, trX, trY func(float64) vg.Length) {
	scale := dpi / 72
	h := float64(img.Bounds().Dy())
	r := d.radius.Points() * scale
	var outer, inner disc
	if d.edgeW > 0 {
		outer = newDisc(r, d.edge)
		inner = newDisc(r-d.edgeW.Points()*scale, d.fill)
	} else {
		inner = newDisc(r, d.fill)
	}
	for i := range d.xs {
		if !finite(d.xs[i]) || !finite(d.ys[i]) {
			continue
		}
		pt := vg.Point{X: trX(d.xs[i]), Y: trY(d.ys[i])}
		if !c.Contains(pt) {
			continue
		}
		px, py := pt.X.Points()*scale, h-pt.Y.Points()*scale
		stamped.Add(1)
		if d.edgeW > 0 {
			outer.draw(img, px, py)
		}
		inner.draw(img, px, py)
	}
}

// disc is an anti-aliased filled circle of radius r pixels in colour col.
type disc struct {
	r          float64
	sr, sg, sb uint32 // premultiplied colour, 16-bit
	sa         uint32 // alpha, 16-bit
}

func newDisc(r float64, col color.NRGBA) disc {
	R, G, B, A := col.RGBA()
	return disc{r: math.Max(r, 0.5), sr: R, sg: G, sb: B, sa: A}
}

// draw composites the disc centred at pixel coordinates (px, py) over img
// (Porter–Duff "over"). Coverage of a pixel is approximated by the distance
// of its centre to the circle edge, clamped to [0, 1]: the usual
// one-pixel-wide anti-aliasing ramp.
func (d disc) draw(img *image.RGBA, px, py float64) {
	b := img.Bounds()
	x0 := max(int(math.Floor(px-d.r-0.5)), b.Min.X)
	x1 := min(int(math.Ceil(px+d.r+0.5)), b.Max.X-1)
	y0 := max(int(math.Floor(py-d.r-0.5)), b.Min.Y)
	y1 := min(int(math.Ceil(py+d.r+0.5)), b.Max.Y-1)
	rin := d.r - 0.5
	rin2 := 0.0
	if rin > 0 {
		rin2 = rin * rin
	}
	rout := d.r + 0.5
	rout2 := rout * rout
	for y := y0; y <= y1; y++ {
		dy := float64(y) + 0.5 - py
		row := img.Pix[(y-b.Min.Y)*img.Stride:]
		for x := x0; x <= x1; x++ {
			dx := float64(x) + 0.5 - px
			d2 := dx*dx + dy*dy
			if d2 >= rout2 {
				continue
			}
			cov := uint32(0xffff)
			if d2 > rin2 {
				cov = uint32((rout - math.Sqrt(d2)) * 0xffff)
				if cov > 0xffff {
					cov = 0xffff
				}
			}
			a := d.sa * cov / 0xffff // source alpha after coverage
			ia := 0xffff - a
			o := (x - b.Min.X) * 4
			p := row[o : o+4 : o+4]
			// sr, sg, sb are premultiplied by the colour's alpha already.
			p[0] = uint8((uint32(p[0])*0x101*ia/0xffff + d.sr*cov/0xffff) >> 8)
			p[1] = uint8((uint32(p[1])*0x101*ia/0xffff + d.sg*cov/0xffff) >> 8)
			p[2] = uint8((uint32(p[2])*0x101*ia/0xffff + d.sb*cov/0xffff) >> 8)
			p[3] = uint8((uint32(p[3])*0x101*ia/0xffff + a) >> 8)
		}
	}
}

// DataRange implements plot.DataRanger.
func (d *dots) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = finiteRange(d.xs)
	ymin, ymax = finiteRange(d.ys)
	return
}

// GlyphBoxes implements plot.GlyphBoxer: only the extreme points matter for
// the padding plot.Draw computes, so four boxes do instead of one a point.
func (d *dots) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	if len(d.xs) == 0 {
		return nil
	}
	idx := map[int]bool{}
	ext := func(v []float64) {
		lo, hi := -1, -1
		for i, x := range v {
			if !finite(x) || !finite(d.xs[i]) || !finite(d.ys[i]) {
				continue
			}
			if lo < 0 || x < v[lo] {
				lo = i
			}
			if hi < 0 || x > v[hi] {
				hi = i
			}
		}
		if lo >= 0 {
			idx[lo], idx[hi] = true, true
		}
	}
	ext(d.xs)
	ext(d.ys)
	r := d.radius
	out := make([]plot.GlyphBox, 0, len(idx))
	for i := range idx {
		out = append(out, plot.GlyphBox{
			X:         p.X.Norm(d.xs[i]),
			Y:         p.Y.Norm(d.ys[i]),
			Rectangle: vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: r}},
		})
	}
	return out
}

// Thumbnail implements plot.Thumbnailer (the legend entry).
func (d *dots) Thumbnail(c *draw.Canvas) {
	pt := vg.Point{X: c.Center().X, Y: c.Center().Y}
	fill := d.fill
	fill.A = 0xff
	if d.edgeW > 0 {
		c.DrawGlyph(draw.GlyphStyle{Color: d.edge, Radius: d.radius, Shape: draw.CircleGlyph{}}, pt)
		c.DrawGlyph(draw.GlyphStyle{Color: fill, Radius: d.radius - d.edgeW, Shape: draw.CircleGlyph{}}, pt)
		return
	}
	c.DrawGlyph(draw.GlyphStyle{Color: fill, Radius: d.radius, Shape: draw.CircleGlyph{}}, pt)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// finiteRange returns the least and greatest finite values of v, or 0, 0.
func finiteRange(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if finite(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if lo > hi {
		return 0, 0
	}
	return lo, hi
}
