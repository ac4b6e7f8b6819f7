package chart

import (
	"image/color"
	"math"
)

// Palette is the colour-blind-safe Okabe–Ito palette (Okabe & Ito 2008,
// "Color Universal Design", https://jfly.uni-koeln.de/color/), in the order
// series and classes take it: blue, orange, bluish green, vermillion,
// reddish purple, sky blue, yellow, black.
var Palette = []color.Color{
	color.NRGBA{0x00, 0x72, 0xB2, 0xff},
	color.NRGBA{0xE6, 0x9F, 0x00, 0xff},
	color.NRGBA{0x00, 0x9E, 0x73, 0xff},
	color.NRGBA{0xD5, 0x5E, 0x00, 0xff},
	color.NRGBA{0xCC, 0x79, 0xA7, 0xff},
	color.NRGBA{0x56, 0xB4, 0xE9, 0xff},
	color.NRGBA{0xF0, 0xE4, 0x42, 0xff},
	color.NRGBA{0x00, 0x00, 0x00, 0xff},
}

// seriesColor returns the colour of series i, cycling through Palette
// (which a cell may replace with colours of any type).
func seriesColor(i int) color.NRGBA {
	if len(Palette) == 0 {
		return color.NRGBA{0, 0, 0, 0xff}
	}
	return color.NRGBAModel.Convert(Palette[i%len(Palette)]).(color.NRGBA)
}

// withAlpha returns c with opacity a in [0, 1].
func withAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(255 * a))
	return c
}

// tint mixes c with white: f = 0 gives c, f = 1 white.
func tint(c color.NRGBA, f float64) color.NRGBA {
	mix := func(v uint8) uint8 { return uint8(math.Round(float64(v) + (255-float64(v))*f)) }
	return color.NRGBA{mix(c.R), mix(c.G), mix(c.B), 0xff}
}

// viridisAnchors are matplotlib's viridis colormap (van der Walt & Smith,
// BIDS, CC0) sampled at 0, 1/8, …, 1: perceptually uniform and readable in
// greyscale and with colour-vision deficiencies.
var viridisAnchors = [9][3]uint8{
	{0x44, 0x01, 0x54}, {0x48, 0x28, 0x78}, {0x3e, 0x49, 0x89}, {0x31, 0x68, 0x8e},
	{0x26, 0x82, 0x8e}, {0x1f, 0x9e, 0x89}, {0x35, 0xb7, 0x79}, {0x6e, 0xce, 0x58},
	{0xfd, 0xe7, 0x25},
}

// viridis returns the colour at t in [0, 1] (clamped), interpolating
// between the anchors.
func viridis(t float64) color.NRGBA {
	if math.IsNaN(t) {
		return color.NRGBA{0xdd, 0xdd, 0xdd, 0xff}
	}
	t = math.Max(0, math.Min(1, t)) * 8
	i := int(t)
	if i >= 8 {
		i = 7
	}
	f := t - float64(i)
	a, b := viridisAnchors[i], viridisAnchors[i+1]
	mix := func(k int) uint8 { return uint8(math.Round(float64(a[k])*(1-f) + float64(b[k])*f)) }
	return color.NRGBA{mix(0), mix(1), mix(2), 0xff}
}
