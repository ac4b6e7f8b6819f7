package data

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Image is one row of an image dataset (digits, Fashion-MNIST) shown as a
// grey-scale picture: it renders itself as PNG and as HTML with its label.
type Image struct {
	Key    string
	Label  string
	Width  int // pixels
	Height int
	Pixels []float64 // row-major, Width×Height
	Scale  int       // display magnification; default so the image is about 112 px wide
}

// Image returns row i (0-based position) as an image. The numeric features
// must be the pixels of a square image, row-major (64 for 8×8 digits, 784
// for 28×28 Fashion-MNIST); it panics with Error otherwise.
func (ds *Dataset) Image(i int) *Image {
	ds = ds.Snapshot()
	px := ds.Row(i)
	side := int(math.Sqrt(float64(len(px))))
	if side*side != len(px) || side == 0 {
		fail("row %d has %d features, not the pixels of a square image", i, len(px))
	}
	im := &Image{Key: ds.Keys()[i], Width: side, Height: side, Pixels: px}
	if l := ds.LabelStrings(); l != nil {
		im.Label = l[i]
	}
	return im
}

func (im *Image) scale() int {
	if im.Scale > 0 {
		return im.Scale
	}
	s := 112 / im.Width
	if s < 1 {
		s = 1
	}
	return s
}

// PNG encodes the image, dark on light, scaled between its lowest and
// highest pixel (missing pixels white), magnified by Scale.
func (im *Image) PNG() []byte {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range im.Pixels {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if !(hi > lo) {
		lo, hi = 0, 1
	}
	s := im.scale()
	g := image.NewGray(image.Rect(0, 0, im.Width*s, im.Height*s))
	for y := 0; y < im.Height; y++ {
		for x := 0; x < im.Width; x++ {
			v := im.Pixels[y*im.Width+x]
			c := uint8(255)
			if !math.IsNaN(v) {
				c = uint8(math.Round(255 * (1 - (v-lo)/(hi-lo))))
			}
			for dy := 0; dy < s; dy++ {
				for dx := 0; dx < s; dx++ {
					g.SetGray(x*s+dx, y*s+dy, color.Gray{Y: c})
				}
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, g) // writing to a bytes.Buffer cannot fail
	return b.Bytes()
}

// HTML shows the picture with its label and key under it.
func (im *Image) HTML() string {
	return fmt.Sprintf(`<figure style="display:inline-block;margin:4px;text-align:center"><img src="data:image/png;base64,%s" alt="%s" style="image-rendering:pixelated"><figcaption>%s<br><code>%s</code></figcaption></figure>`,
		base64.StdEncoding.EncodeToString(im.PNG()), html.EscapeString(im.Label), html.EscapeString(im.Label), html.EscapeString(shortKey(im.Key)))
}

func (im *Image) String() string {
	return fmt.Sprintf("image %d×%d, label %q, key %s", im.Width, im.Height, im.Label, im.Key)
}
