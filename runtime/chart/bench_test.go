package chart

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchFigures are the figures of `make bench` (bench/plot.bench.sh); the
// matplotlib side draws the same ones in bench/plot_mpl.py. Each render
// builds the figure, draws it and encodes it, as a cell pays. format ""
// is the format the notebook gets (Chart.Format).
var benchFigures = []struct {
	name   string
	format string
	make   func() *Chart
}{
	{"scatter10k", "png", benchScatter10k},
	{"scatter10k", "svg", benchScatter10k},
	{"line1k", "png", benchLine1k},
	{"line1k", "svg", benchLine1k},
	{"line100k", "", func() *Chart {
		y := make([]float64, 100000)
		for i := range y {
			y[i] = math.Sin(float64(i)/1000) + 0.1*math.Sin(float64(i))
		}
		return Line(nil, y).With(Options{Title: "line 100k"})
	}},
	{"scatter-iris", "", func() *Chart { return Scatter(newIrisLike(50), "petal_length", "petal_width") }},
	{"histogram10k", "", func() *Chart { return Histogram(normals(10000, 5), 30) }},
	{"bar10", "", func() *Chart {
		return Bar([]string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}, []float64{5, 7, 3, 9, 4, 6, 8, 2, 5, 7})
	}},
	{"boxplot5x200", "", func() *Chart {
		g := make([][]float64, 5)
		for i := range g {
			g[i] = normals(200, uint64(i))
		}
		return BoxPlot(g, []string{"a", "b", "c", "d", "e"})
	}},
	{"confusion10", "", func() *Chart { return Confusion(benchConfusion(), nil) }},
	{"loss100", "", func() *Chart { return Loss(lossHistory(100, true)) }},
	{"roc", "", func() *Chart { return ROC(rocCurve(500)) }},
	{"boundary200", "", func() *Chart {
		x, y, l := blobs(200)
		return DecisionBoundary(linearPredict, x, y, l, nil)
	}},
	{"descent30", "", func() *Chart { px, py := bowlPath(30); return Descent(bowl, px, py) }},
	{"digits20", "", func() *Chart { return Digits(digitImages()) }},
	{"pairs4-iris", "", func() *Chart {
		d := newIrisLike(50)
		d.cols["sepal_length"] = normals(150, 9)
		d.cols["sepal_width"] = normals(150, 10)
		return Pairs(d, []string{"sepal_length", "sepal_width", "petal_length", "petal_width"})
	}},
}

func benchScatter10k() *Chart {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := make([]float64, 10000), make([]float64, 10000)
	for i := range x {
		x[i], y[i] = r.NormFloat64(), r.NormFloat64()
	}
	return ScatterXY(x, y, nil).With(Options{Title: "scatter 10k"})
}

func benchLine1k() *Chart {
	x, y := make([]float64, 1000), make([]float64, 1000)
	for i := range x {
		x[i] = float64(i) / 100
		y[i] = math.Sin(x[i])
	}
	return Line(x, y).With(Options{Title: "line 1k"})
}

// benchConfusion is a 10-class confusion matrix, mostly diagonal.
func benchConfusion() [][]int {
	m := make([][]int, 10)
	for i := range m {
		m[i] = make([]int, 10)
		for j := range m[i] {
			m[i][j] = (i*7 + j*3) % 5
		}
		m[i][i] = 90 + i
	}
	return m
}

func BenchmarkFigure(b *testing.B) {
	for _, f := range benchFigures {
		format := f.format
		if format == "" {
			format = f.make().Format()
		}
		b.Run(f.name+"-"+format, func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = len(f.make().render(format))
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}
