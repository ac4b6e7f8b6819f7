package chart

import (
	"bytes"
	"image/png"
	"os"
	"testing"

	"gonum.org/v1/plot/cmpimg"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// vectorOnly hides the vgimg canvas from dots, forcing the glyph path.
type vectorOnly struct{ vg.CanvasSizer }

// TestDots_Stamp checks that PNG rendering takes the direct raster path and
// that it draws what gonum/plot's glyph path draws, within a small tolerance
// (anti-aliasing differs at the disc edges).
func TestDots_Stamp(t *testing.T) {
	c := ScatterXY(normals(3000, 1), normals(3000, 2), nil)
	before := stamped.Load()
	fast := c.PNG()
	if got := stamped.Load() - before; got != 3000 {
		t.Errorf("stamped markers got: %d want: 3000", got)
	}
	w, h := c.size()
	cv := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(c.o.DPI))
	dc := draw.Crop(draw.New(vectorOnly{cv}), 0, -vg.Points(marginRight), 0, -vg.Points(marginTop))
	before = stamped.Load()
	c.p.Draw(dc)
	if stamped.Load() != before {
		t.Fatalf("vector path stamped markers")
	}
	var slow bytes.Buffer
	if err := png.Encode(&slow, cv.Image()); err != nil {
		t.Fatal(err)
	}
	if testing.Verbose() {
		os.WriteFile("/tmp/fast.png", fast, 0o644)
		os.WriteFile("/tmp/slow.png", slow.Bytes(), 0o644)
	}
	// Measured: the anti-aliased edges differ by at most 0.08 of full scale
	// in a channel (8-bit 20/255); a marker moved by one pixel differs by ~1.
	ok, err := cmpimg.EqualApprox("png", fast, slow.Bytes(), 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Errorf("stamped markers differ from gonum/plot's glyphs by more than 0.1")
	}
}
