package chart_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"tandem.dev/tandem/runtime/chart"
	"tandem.dev/tandem/runtime/data"
)

func ExampleScatter() {
	ds := data.Iris()
	c := chart.Scatter(ds, "petal_length", "petal_width")
	fmt.Println(c, c.Format())
	// Output:
	// scatter "petal_width vs petal_length" (150 points) svg
}

func ExampleScatterXY() {
	x := []float64{1, 2, 3, 4}
	y := []float64{1, 4, 9, 16}
	fmt.Println(chart.ScatterXY(x, y, []string{"a", "a", "b", "b"}))
	// Output:
	// scatter (4 points)
}

func ExampleLine() {
	x := make([]float64, 100)
	y := make([]float64, 100)
	for i := range x {
		x[i] = float64(i) / 10
		y[i] = math.Sin(x[i])
	}
	c := chart.Line(x, y).With(chart.Options{Title: "sin", XLabel: "t"})
	fmt.Println(c)
	// Output:
	// line "sin" (100 points)
}

func ExampleChart_AddLine() {
	c := chart.Line(nil, []float64{3, 2, 1.5, 1.2}).AddLine("momentum", nil, []float64{3, 1.6, 1.1, 1.0})
	fmt.Println(c)
	// Output:
	// line (2 series, 8 points)
}

func ExampleChart_Save() {
	c := chart.Histogram(data.Iris().Column("sepal_length"), 0)
	path := filepath.Join(os.TempDir(), "sepal_length.svg")
	if err := c.Save(path); err != nil { // .png and .pdf too
		fmt.Println(err)
	}
	fmt.Println(c)
	// Output:
	// histogram (150 values, 9 bins)
}

func ExampleHistogram() {
	ds := data.Iris()
	fmt.Println(chart.Histogram(ds.Column("petal_length"), 20).With(chart.Options{Title: "petal length", XLabel: "cm"}))
	// Output:
	// histogram "petal length" (150 values, 20 bins)
}

func ExampleBar() {
	fmt.Println(chart.Bar([]string{"setosa", "versicolor", "virginica"}, []float64{50, 50, 50}))
	// Output:
	// bar (3 bars)
}

func ExampleBoxPlot() {
	ds := data.Iris()
	fmt.Println(chart.BoxPlot([][]float64{ds.Column("sepal_length"), ds.Column("petal_length")}, []string{"sepal", "petal"}))
	// Output:
	// boxplot (2 groups, 300 values)
}

func ExampleConfusion() {
	counts := [][]int{{50, 0, 0}, {0, 47, 3}, {0, 2, 48}}
	fmt.Println(chart.Confusion(counts, []string{"setosa", "versicolor", "virginica"}))
	// Output:
	// confusion "confusion matrix" (3 classes, 150 rows, accuracy 0.967)
}

func ExampleHeatmap() {
	corr := [][]float64{{1, 0.87}, {0.87, 1}}
	fmt.Println(chart.Heatmap(corr, []string{"length", "width"}, []string{"length", "width"}))
	// Output:
	// heatmap (2×2, 0.87 to 1)
}

// history stands in for *train.History.
type history struct{ train, val []float64 }

func (h history) TrainLoss() []float64      { return h.train }
func (h history) ValidationLoss() []float64 { return h.val }

func ExampleLoss() {
	h := history{train: []float64{1.1, 0.7, 0.5, 0.42}, val: []float64{1.2, 0.8, 0.62, 0.6}}
	fmt.Println(chart.Loss(h))
	// Output:
	// loss "loss" (4 epochs, final train loss 0.42, validation 0.6)
}

func ExampleROC() {
	fpr := []float64{0, 0, 0.5, 1}
	tpr := []float64{0, 0.5, 1, 1}
	fmt.Println(chart.ROC(fpr, tpr))
	// Output:
	// roc "ROC curve" (AUC 0.875)
}

func ExampleDecisionBoundary() {
	ds := data.Iris()
	x, y := ds.Column("petal_length"), ds.Column("petal_width")
	predict := func(px, py float64) int { // a hand-made rule
		switch {
		case px < 2.5:
			return 0
		case py < 1.75:
			return 1
		}
		return 2
	}
	fmt.Println(chart.DecisionBoundary(predict, x, y, ds.Labels(), ds.Classes()))
	// Output:
	// decision boundary "decision boundary" (150 points, 3 classes)
}

func ExampleDescent() {
	f := func(x, y float64) float64 { return x*x + 10*y*y } // J(θ)
	px, py := []float64{}, []float64{}
	x, y, lr := -2.0, 1.0, 0.08
	for range 20 {
		px, py = append(px, x), append(py, y)
		x, y = x-lr*2*x, y-lr*20*y // θ ← θ − α∇J(θ)
	}
	fmt.Println(chart.Descent(f, px, py))
	// Output:
	// descent "gradient descent" (19 steps from (-2, 1) to (-0.0728, -6.09e-05), f = 0.005305)
}

func ExampleDigitsOf() {
	fmt.Println(chart.DigitsOf(data.Digits(), 20))
	// Output:
	// digits (20 images 8×8)
}

func ExamplePairs() {
	ds := data.Iris()
	fmt.Println(chart.Pairs(ds, ds.Features()))
	// Output:
	// pairs (4 columns, 150 rows)
}

func ExampleGrid() {
	ds := data.Iris()
	c := chart.Grid([]*chart.Chart{
		chart.Histogram(ds.Column("petal_length"), 0),
		chart.Scatter(ds, "petal_length", "petal_width"),
	}, 2).With(chart.Options{Title: "petals"})
	fmt.Println(c)
	// Output:
	// grid "petals" (1×2: histogram, scatter)
}

// Options.Name names the curve a chart starts with, so every series has a
// legend entry: here "logistic (AUC 0.812)" and "tree (AUC 0.750)".
func ExampleChart_With_name() {
	fpr := []float64{0, 0.25, 0.5, 1}
	tpr := []float64{0, 0.75, 1, 1}
	c := chart.ROC(fpr, tpr).With(chart.Options{Name: "logistic"}).
		AddROC("tree", []float64{0, 0.5, 1}, []float64{0, 1, 1})
	fmt.Println(c)
	// Output:
	// roc "ROC curve" (2 series, 7 points)
}
