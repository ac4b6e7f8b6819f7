package chart

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Error is the panic value for misuse of the package (mismatched lengths,
// an unknown column, an empty input). Its message starts with "chart: ".
type Error struct{ Msg string }

func (e Error) Error() string { return e.Msg }

func fail(format string, args ...any) {
	panic(Error{"chart: " + fmt.Sprintf(format, args...)})
}

// Options change how a chart looks; zero fields keep the chart's defaults.
// Pass them to (*Chart).With.
type Options struct {
	Title  string
	XLabel string
	YLabel string
	// Width and Height are the figure size in inches (default 6.4 × 4.8,
	// matplotlib's).
	Width, Height float64
	// DPI is the resolution of PNG output (default 100).
	DPI int
	// LogY draws the y axis on a log scale (losses spanning decades);
	// values <= 0 cannot be shown on it.
	LogY bool
	// Name names the first series of a Line or ROC chart, the one its
	// constructor draws, in the legend (AddLine and AddROC name the
	// others); an ROC entry keeps its AUC: "logistic (AUC 0.912)". ""
	// leaves it as it is: no legend entry for Line, "ROC (AUC …)" for ROC.
	// With panics with Error for a Name on another kind of chart.
	Name string
	// Format is what the notebook gets: "svg" or "png". "" chooses by
	// density: SVG, or PNG when the chart draws more than DenseMarkers
	// markers or DenseVertices line vertices.
	Format string
}

// Density thresholds above which a chart is sent as PNG: an SVG marker costs
// about 100 bytes and 7 µs to write and more to display.
const (
	DenseMarkers  = 2000
	DenseVertices = 20000
)

const (
	defaultWidth  = 6.4
	defaultHeight = 4.8
	defaultDPI    = 100
)

// Chart is a figure that renders itself: SVG for the notebook, PNG for dense
// plots (see Options.Format), PDF, or a file by extension with Save. Its
// String is a short description. Plot gives the underlying gonum/plot Plot
// for anything the helpers do not cover.
type Chart struct {
	p         *plot.Plot
	kind      string
	desc      string
	markers   int          // markers drawn
	vertices  int          // line vertices drawn
	series    int          // line series added (for colours)
	ylo       float64      // least finite y of the lines, for LogY; NaN if none
	dotLayers []*dots      // scatter layers
	tiles     []*Chart     // a Grid's charts, row by row; nil for a single chart
	cols      int          // a Grid's columns
	cbar      *colorBar    // drawn at the right when not nil
	legend    *plot.Legend // a Grid's shared legend, at the right; or nil
	lines     []lineEntry  // the line series, in order, for Options.Name
	o         Options
}

// lineEntry is a line series' legend entry: name ("" for none) is label
// followed by suffix (an ROC curve's " (AUC …)").
type lineEntry struct {
	label, suffix string
	thumb         plot.Thumbnailer
}

func newChart(kind string) *Chart {
	p := plot.New()
	style(p)
	return &Chart{p: p, kind: kind, ylo: math.NaN(), o: Options{Width: defaultWidth, Height: defaultHeight, DPI: defaultDPI}}
}

// style applies the house defaults: readable font sizes, light grid.
func style(p *plot.Plot) {
	p.Title.TextStyle.Font = sans(14)
	p.Title.Padding = vg.Points(6)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(12)
		a.Tick.Label.Font = sans(10)
		a.Tick.Marker = cleanTicks{}
		a.LineStyle.Color = color.Gray{110}
		a.Tick.LineStyle.Color = color.Gray{110}
	}
	p.Legend.TextStyle.Font = sans(10)
	p.Legend.Top = true
	p.Legend.Padding = vg.Points(2)
}

// cleanTicks are gonum/plot's default ticks labelled with the fewest digits
// that tell them apart ("250", "0.5", not "250.00", "0.50").
type cleanTicks struct{}

func (cleanTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 6, 64)
		}
	}
	return ts
}

func addGrid(p *plot.Plot) {
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{225}
	g.Horizontal.Color = color.Gray{225}
	p.Add(g)
}

// With applies the non-zero fields of o and returns the chart.
func (c *Chart) With(o Options) *Chart {
	if o.Title != "" {
		c.p.Title.Text = o.Title
	}
	if o.XLabel != "" {
		c.p.X.Label.Text = o.XLabel
	}
	if o.YLabel != "" {
		c.p.Y.Label.Text = o.YLabel
	}
	if o.Name != "" {
		c.nameFirst(o.Name)
	}
	if o.Width > 0 {
		c.o.Width = o.Width
	}
	if o.Height > 0 {
		c.o.Height = o.Height
	}
	if o.DPI > 0 {
		c.o.DPI = o.DPI
	}
	if o.LogY {
		if c.ylo > 0 {
			c.p.Y.Min = math.Min(c.p.Y.Min, c.ylo)
			if c.p.Y.Min <= 0 {
				c.p.Y.Min = c.ylo
			}
		}
		if c.p.Y.Min <= 0 {
			fail("log y axis: the data reach %g (want > 0)", c.p.Y.Min)
		}
		c.p.Y.Scale = plot.LogScale{}
		c.p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	switch o.Format {
	case "":
	case "svg", "png":
		c.o.Format = o.Format
	default:
		fail("format %q: want \"svg\" or \"png\"", o.Format)
	}
	return c
}

// nameFirst names the first line series and rebuilds the legend from the
// line series (on a Line or ROC chart they are its only legend entries).
func (c *Chart) nameFirst(name string) {
	if (c.kind != "line" && c.kind != "roc") || len(c.lines) == 0 {
		fail("Options.Name names the first series of a Line or ROC chart, not of a %s chart", c.kind)
	}
	c.lines[0].label = name
	old := c.p.Legend
	l := plot.NewLegend()
	l.TextStyle, l.Padding, l.Top, l.Left = old.TextStyle, old.Padding, old.Top, old.Left
	l.XOffs, l.YOffs, l.ThumbnailWidth = old.XOffs, old.YOffs, old.ThumbnailWidth
	for _, e := range c.lines {
		if e.label != "" && e.thumb != nil {
			l.Add(e.label+e.suffix, e.thumb)
		}
	}
	c.p.Legend = l
}

// Plot returns the underlying gonum/plot Plot; changes to it show in the
// chart. For a Grid it is the frame that holds the figure's title.
func (c *Chart) Plot() *plot.Plot { return c.p }

// Format returns what the notebook gets for this chart: "svg" or "png".
func (c *Chart) Format() string {
	if c.o.Format != "" {
		return c.o.Format
	}
	if c.markers > DenseMarkers || c.vertices > DenseVertices {
		return "png"
	}
	return "svg"
}

// String describes the chart, e.g. `scatter "iris" (150 points)`.
func (c *Chart) String() string {
	s := c.kind
	if t := c.p.Title.Text; t != "" {
		s += fmt.Sprintf(" %q", t)
	}
	if c.desc != "" {
		s += " (" + c.desc + ")"
	}
	return s
}

func (c *Chart) size() (vg.Length, vg.Length) {
	return vg.Length(c.o.Width) * vg.Inch, vg.Length(c.o.Height) * vg.Inch
}

// SVG renders the chart as an SVG document.
func (c *Chart) SVG() string { return string(c.render("svg")) }

// PNG renders the chart as a PNG image at Options.DPI. Markers of dense
// scatter plots are rasterised directly (see raster.go).
func (c *Chart) PNG() []byte { return c.render("png") }

// PDF renders the chart as a PDF document.
func (c *Chart) PDF() []byte { return c.render("pdf") }

// Margins kept free at the right and top of every figure, so markers and
// the last tick label at the edge are not cut.
const (
	marginRight = 12 // points
	marginTop   = 6  // points
)

// draw draws the plot onto cv inside the margins.
func (c *Chart) draw(cv vg.CanvasSizer) {
	dc := draw.Crop(draw.New(cv), 0, -vg.Points(marginRight), 0, -vg.Points(marginTop))
	c.drawOn(dc)
}

// render renders the chart in a format of draw.NewFormattedCanvas ("svg",
// "pdf", "eps", "jpg", "tif", …) or as PNG (see encodePNG).
func (c *Chart) render(format string) []byte {
	w, h := c.size()
	var buf bytes.Buffer
	if format == "png" {
		cv := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(c.o.DPI))
		c.draw(cv)
		var b []byte
		var err error
		if rgba, ok := cv.Image().(*image.RGBA); ok {
			b, err = encodePNG(rgba)
		} else {
			b, err = fallbackPNG(cv.Image())
		}
		if err != nil {
			fail("render png: %v", err)
		}
		return b
	}
	cv, err := draw.NewFormattedCanvas(w, h, format)
	if err != nil {
		fail("render %s: %v", format, err)
	}
	c.draw(cv)
	buf.Grow(16 << 10)
	if _, err := cv.WriteTo(&buf); err != nil {
		fail("render %s: %v", format, err)
	}
	if format == "svg" {
		// vgsvg writes <image> without preserveAspectRatio, so browsers
		// keep the raster's aspect ratio and centre it in its rectangle
		// (SVG 1.1 §7.8 default "xMidYMid meet"): heatmaps and surfaces
		// would not fill their axes.
		return bytes.ReplaceAll(buf.Bytes(), []byte("<image "), []byte(`<image preserveAspectRatio="none" `))
	}
	return buf.Bytes()
}

// MIMEBundle returns what the notebook shows: the chart as SVG or as PNG
// (see Format), and its description as text/plain.
func (c *Chart) MIMEBundle() map[string]any {
	if c.Format() == "png" {
		return map[string]any{"image/png": base64.StdEncoding.EncodeToString(c.PNG()), "text/plain": c.String()}
	}
	return map[string]any{"image/svg+xml": c.SVG(), "text/plain": c.String()}
}

// Save writes the chart to path in the format its extension names: .png,
// .svg or .pdf (also .jpg, .jpeg, .tif, .tiff, .eps). It returns an error if
// the extension is unknown or the file cannot be written.
func (c *Chart) Save(path string) error {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	var b []byte
	switch ext {
	case "png":
		b = c.PNG()
	case "svg":
		b = []byte(c.SVG())
	case "pdf":
		b = c.PDF()
	case "jpg", "jpeg", "tif", "tiff", "eps":
		b = c.render(ext)
	default:
		return fmt.Errorf("save chart %s: unknown extension %q (want .png, .svg or .pdf)", path, filepath.Ext(path))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("save chart: %w", err)
	}
	return nil
}

// sans is Liberation Sans (embedded in gonum/plot) at size points: plots
// read better in a sans-serif face than in gonum/plot's default serif.
func sans(size float64) font.Font {
	f := font.From(plot.DefaultFont, vg.Points(size))
	f.Variant = "Sans"
	return f
}

// textStyle is a text style of the given size in points.
func textStyle(size float64, col color.Color) draw.TextStyle {
	return draw.TextStyle{
		Color:   col,
		Font:    sans(size),
		Handler: plot.DefaultTextHandler,
		XAlign:  draw.XCenter,
		YAlign:  draw.YCenter,
	}
}
