package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func TestEncodePNG(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 37, 23))
	for y := range 23 {
		for x := range 37 {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 7), uint8(y * 11), uint8(x * y), 0xff})
		}
	}
	for i, test := range []struct {
		name   string
		img    *image.RGBA
		opaque bool
	}{
		{"opaque", img, true},
		{"transparent", func() *image.RGBA {
			c := image.NewRGBA(img.Bounds())
			copy(c.Pix, img.Pix)
			c.SetRGBA(3, 4, color.RGBA{0, 0, 0, 128}) // exact through un-premultiplying
			return c
		}(), false},
	} {
		b, err := encodePNG(test.img)
		if err != nil {
			t.Fatalf("%d %s: %v", i, test.name, err)
		}
		got, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%d %s: decode: %v", i, test.name, err)
		}
		for y := range 23 {
			for x := range 37 {
				r1, g1, b1, a1 := got.At(x, y).RGBA()
				r2, g2, b2, a2 := test.img.At(x, y).RGBA()
				if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
					t.Fatalf("%d %s: pixel (%d,%d) got: %v want: %v", i, test.name, x, y, got.At(x, y), test.img.At(x, y))
				}
			}
		}
	}
}
