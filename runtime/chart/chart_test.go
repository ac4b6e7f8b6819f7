package chart

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/cmpimg"
)

// charts builds one chart of every kind, as the golden images show them.
var charts = []struct {
	name string
	make func() *Chart
}{
	{"line", func() *Chart {
		x := make([]float64, 200)
		y := make([]float64, 200)
		for i := range x {
			x[i] = float64(i) / 20
			y[i] = sin(x[i])
		}
		return Line(x, y).AddLine("cos", x, cosAll(x)).With(Options{Title: "waves"})
	}},
	{"scatter", func() *Chart { return Scatter(newIrisLike(50), "petal_length", "petal_width") }},
	{"scatter_dense", func() *Chart {
		return ScatterXY(normals(10000, 1), normals(10000, 2), nil).With(Options{Title: "scatter 10k"})
	}},
	{"histogram", func() *Chart { return Histogram(normals(1000, 5), 0) }},
	{"bar", func() *Chart { return Bar([]string{"setosa", "versicolor", "virginica"}, []float64{50, 47, 53}) }},
	{"boxplot", func() *Chart {
		return BoxPlot([][]float64{normals(100, 1), shift(normals(100, 2), 1), shift(normals(100, 3), -0.5)}, []string{"a", "b", "c"})
	}},
	{"confusion", func() *Chart {
		return Confusion([][]int{{50, 0, 0}, {0, 46, 4}, {0, 3, 47}}, []string{"setosa", "versicolor", "virginica"})
	}},
	{"heatmap_large", func() *Chart {
		m := make([][]float64, 60)
		for i := range m {
			m[i] = make([]float64, 60)
			for j := range m[i] {
				m[i][j] = sin(float64(i)/8) * sin(float64(j)/5)
			}
		}
		return Heatmap(m, nil, nil)
	}},
	{"loss", func() *Chart { return Loss(lossHistory(100, true)) }},
	{"roc", func() *Chart { return ROC(rocCurve(500)) }},
	{"roc_two", func() *Chart {
		f, t := rocCurve(500)
		return ROC(f, t).AddROC("chance-ish", []float64{0, 0.4, 1}, []float64{0, 0.5, 1})
	}},
	{"histogram_by", func() *Chart {
		d := newIrisLike(50)
		return HistogramBy(d.Column("petal_length"), d.LabelStrings(), 0)
	}},
	{"boundary", func() *Chart {
		x, y, l := blobs(200)
		return DecisionBoundary(linearPredict, x, y, l, []string{"negative", "positive"})
	}},
	{"descent", func() *Chart {
		px, py := bowlPath(30)
		return Descent(bowl, px, py)
	}},
	{"digits", func() *Chart { return Digits(digitImages()) }},
	{"pairs", func() *Chart {
		d := newIrisLike(50)
		d.cols["sepal_length"] = shift(normals(150, 9), 5.8)
		return Pairs(d, []string{"sepal_length", "petal_length", "petal_width"})
	}},
	{"grid", func() *Chart {
		return Grid([]*Chart{Loss(lossHistory(40, true)), Bar([]string{"a", "b"}, []float64{2, 3}), ROC(rocCurve(100))}, 2).With(Options{Title: "three charts"})
	}},
}

// TestChart_Golden compares each chart's PNG with testdata/<name>_golden.png
// (regenerate with go test -run Golden -regen, and look at the images
// before committing them).
func TestChart_Golden(t *testing.T) {
	for _, c := range charts {
		t.Run(c.name, func(t *testing.T) {
			// Tolerance: renders differ slightly between gonum/plot and font
			// versions; 0.02 still catches a missing series or a moved axis.
			cmpimg.CheckPlotApprox(func() {
				if err := c.make().Save(filepath.Join("testdata", c.name+".png")); err != nil {
					t.Fatal(err)
				}
			}, t, 0.02, c.name+".png")
		})
	}
}

func TestChart_Formats(t *testing.T) {
	dir := t.TempDir()
	for _, c := range charts {
		ch := c.make()
		svg := ch.SVG()
		if !strings.Contains(svg, "<svg") {
			t.Errorf("%s: SVG got: %.80q", c.name, svg)
		}
		if _, err := png.Decode(bytes.NewReader(ch.PNG())); err != nil {
			t.Errorf("%s: PNG does not decode: %v", c.name, err)
		}
		b := ch.MIMEBundle()
		if b["text/plain"] != ch.String() || ch.String() == "" {
			t.Errorf("%s: text/plain got: %v", c.name, b["text/plain"])
		}
		wantPNG := c.name == "scatter_dense"
		if _, isPNG := b["image/png"]; isPNG != wantPNG {
			t.Errorf("%s: bundle %v, want PNG: %v", c.name, keysOf(b), wantPNG)
		}
		if s, ok := b["image/png"].(string); ok {
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				t.Errorf("%s: image/png is not base64: %v", c.name, err)
			}
		}
		for _, ext := range []string{".png", ".svg", ".pdf"} {
			p := filepath.Join(dir, c.name+ext)
			if err := ch.Save(p); err != nil {
				t.Errorf("%s: Save(%s): %v", c.name, ext, err)
				continue
			}
			head, _ := os.ReadFile(p)
			magic := map[string]string{".png": "\x89PNG", ".svg": "<?xml", ".pdf": "%PDF"}[ext]
			if !bytes.HasPrefix(head, []byte(magic)) {
				t.Errorf("%s: %s starts with %.10q want: %q", c.name, ext, head, magic)
			}
		}
	}
	if err := Line(nil, []float64{1, 2}).Save(filepath.Join(dir, "x.gif")); err == nil || !strings.Contains(err.Error(), "unknown extension") {
		t.Errorf("Save(.gif) got: %v want: unknown extension", err)
	}
	if err := Line(nil, []float64{1, 2}).Save(filepath.Join(dir, "no", "such", "x.png")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Save into a missing folder got: %v want: wrapped os.ErrNotExist", err)
	}
}

// TestChart_SVGImages: rasters embedded in SVG must stretch to their
// rectangle, or browsers letterbox them (the default preserveAspectRatio).
func TestChart_SVGImages(t *testing.T) {
	for _, c := range charts {
		svg := c.make().SVG()
		if n, m := strings.Count(svg, "<image "), strings.Count(svg, `<image preserveAspectRatio="none" `); n != m {
			t.Errorf("%s: %d of %d images keep their aspect ratio", c.name, n-m, n)
		}
	}
}

func keysOf(m map[string]any) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	return k
}

func TestChart_With(t *testing.T) {
	c := Line(nil, []float64{1, 2, 3}).With(Options{Title: "t", XLabel: "epoch", YLabel: "loss", Width: 3, Height: 2, DPI: 50, Format: "png"})
	if c.Format() != "png" {
		t.Errorf("format got: %s want: png", c.Format())
	}
	img, err := png.Decode(bytes.NewReader(c.PNG()))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 150 || b.Dy() != 100 {
		t.Errorf("size got: %v want: 150×100", b.Size())
	}
	if s := c.String(); s != `line "t" (3 points)` {
		t.Errorf("String got: %q", s)
	}
	svg := c.SVG()
	for _, want := range []string{">t<", ">epoch<", ">loss<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
	mustPanic(t, "format \"gif\"", func() { c.With(Options{Format: "gif"}) })
}

func TestChart_LogY(t *testing.T) {
	c := Loss(lossHistory(50, true)).With(Options{LogY: true})
	if _, ok := c.p.Y.Scale.(plot.LogScale); !ok {
		t.Errorf("y scale got: %T want: plot.LogScale", c.p.Y.Scale)
	}
	if c.p.Y.Min <= 0 {
		t.Errorf("y min got: %g want > 0", c.p.Y.Min)
	}
	c.SVG() // renders
	mustPanic(t, "log y axis", func() { Line(nil, []float64{-1, 1}).With(Options{LogY: true}) })
}

func TestChart_Descriptions(t *testing.T) {
	for i, test := range []struct {
		c    *Chart
		want string
	}{
		{Scatter(newIrisLike(50), "petal_length", "petal_width"), `scatter "petal_width vs petal_length" (150 points)`},
		{Loss(lossHistory(10, false)), `loss "loss" (10 epochs, final train loss 0.8516)`},
		{Confusion([][]int{{5, 1}, {0, 4}}, nil), `confusion "confusion matrix" (2 classes, 10 rows, accuracy 0.900)`},
		{ROC([]float64{0, 0, 1}, []float64{0, 1, 1}), `roc "ROC curve" (AUC 1.000)`},
		{Histogram([]float64{1, 2, 2, 3, 3, 3}, 3), `histogram (6 values, 3 bins)`},
		{Digits(blankImages(120), nil), `digits (100 images 8×8 of 120)`},
	} {
		if got := test.c.String(); got != test.want {
			t.Errorf("%d: got: %q want: %q", i, got, test.want)
		}
	}
}

func TestChart_Misuse(t *testing.T) {
	for _, test := range []struct {
		name, want string
		f          func()
	}{
		{"line lengths", "2 x values but 3 y values", func() { Line([]float64{1, 2}, []float64{1, 2, 3}) }},
		{"line empty", "no values", func() { Line(nil, nil) }},
		{"scatter labels", "2 labels for 3 points", func() { ScatterXY([]float64{1, 2, 3}, []float64{1, 2, 3}, []string{"a", "b"}) }},
		{"histogram NaN", "no finite values", func() { Histogram([]float64{nan()}, 0) }},
		{"bar", "2 labels for 1 values", func() { Bar([]string{"a", "b"}, []float64{1}) }},
		{"heatmap ragged", "row 1 has 1 values", func() { Heatmap([][]float64{{1, 2}, {3}}, nil, nil) }},
		{"digits square", "not a square", func() { Digits([][]float64{{1, 2, 3}}, nil) }},
		{"loss empty", "no epochs", func() { Loss(history{}) }},
		{"descent", "2 x and 1 y", func() { Descent(bowl, []float64{1, 2}, []float64{1}) }},
		{"boundary", "2 x, 2 y and 1 labels", func() { DecisionBoundary(linearPredict, []float64{1, 2}, []float64{1, 2}, []int{0}, nil) }},
	} {
		mustPanic(t, test.want, test.f)
	}
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		e, ok := recover().(Error)
		if !ok {
			t.Errorf("%s: did not panic with chart.Error", want)
			return
		}
		if !strings.HasPrefix(e.Msg, "chart: ") || !strings.Contains(e.Msg, want) {
			t.Errorf("panic got: %q want: %q", e.Msg, want)
		}
	}()
	f()
}

func TestScatter_Legend(t *testing.T) {
	d := newIrisLike(5)
	svg := Scatter(d, "petal_length", "petal_width").SVG()
	i, j, k := strings.Index(svg, ">setosa<"), strings.Index(svg, ">versicolor<"), strings.Index(svg, ">virginica<")
	if i < 0 || j < 0 || k < 0 {
		t.Fatalf("legend lacks a class: %d %d %d", i, j, k)
	}
	// The Okabe–Ito colours of the first three classes.
	for _, col := range []string{"fill:#0072B2", "fill:#E69F00", "fill:#009E73"} {
		if !strings.Contains(svg, col) {
			t.Errorf("svg lacks class colour %s", col)
		}
	}
}

func blankImages(n int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, 64)
	}
	return out
}

// TestChart_Edges renders degenerate inputs that must not panic, hang or
// run out of memory (a symmetric bowl once sent gonum/plot's contour loop
// excision into unbounded growth).
func TestChart_Edges(t *testing.T) {
	for _, test := range []struct {
		name string
		make func() *Chart
	}{
		{"scatter empty", func() *Chart { return ScatterXY(nil, nil, nil) }},
		{"scatter NaN", func() *Chart { return ScatterXY([]float64{1, nan()}, []float64{1, 2}, nil) }},
		{"histogram constant", func() *Chart { return Histogram([]float64{2, 2, 2}, 0) }},
		{"histogram by constant", func() *Chart { return HistogramBy([]float64{2, 2}, []string{"a", "b"}, 0) }},
		{"bar NaN", func() *Chart { return Bar([]string{"a"}, []float64{nan()}) }},
		{"line all NaN", func() *Chart { return Line(nil, []float64{nan(), nan()}) }},
		{"boxplot one", func() *Chart { return BoxPlot([][]float64{{1}}, nil) }},
		{"heatmap constant", func() *Chart { return Heatmap([][]float64{{1, 1}, {1, 1}}, nil, nil) }},
		{"heatmap NaN", func() *Chart { return Heatmap([][]float64{{nan()}}, nil, nil) }},
		{"confusion empty", func() *Chart { return Confusion([][]int{{0, 0}, {0, 0}}, nil) }},
		{"loss no validation values", func() *Chart { return Loss(history{train: []float64{1, 0.5}, val: []float64{nan(), nan()}}) }},
		{"descent symmetric", func() *Chart {
			return Descent(func(x, y float64) float64 { return x*x + y*y }, []float64{0}, []float64{0})
		}},
		{"descent flat", func() *Chart {
			return Descent(func(x, y float64) float64 { return 1 }, []float64{0, 1}, []float64{0, 1})
		}},
		{"boundary one point", func() *Chart { return DecisionBoundary(linearPredict, []float64{1}, []float64{1}, []int{0}, nil) }},
		{"digits 1×1", func() *Chart { return Digits([][]float64{{3}}, []string{"x"}) }},
	} {
		c := test.make()
		if len(c.SVG()) == 0 || len(c.PNG()) == 0 {
			t.Errorf("%s: empty output", test.name)
		}
	}
}
