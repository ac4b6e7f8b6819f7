package metrics_test

import (
	"fmt"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/metrics"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
)

func ExampleAccuracy() {
	fmt.Println(metrics.Accuracy([]int{0, 1, 1, 2}, []int{0, 1, 2, 2}))
	// Output: 0.75
}

func ExampleNewConfusion() {
	cm := metrics.NewConfusion([]int{0, 0, 1, 1, 1}, []int{0, 1, 1, 1, 0}, []string{"cat", "dog"})
	fmt.Println(cm)
	// Output:
	// confusion matrix (5 rows, accuracy 0.6000)
	// true\pred  cat  dog
	//       cat    1    1
	//       dog    1    2
}

func ExampleClassification() {
	r := metrics.Classification([]int{0, 0, 1, 1, 1}, []int{0, 1, 1, 1, 0}, []string{"cat", "dog"})
	fmt.Println(r)
	// Output:
	//               precision  recall  f1-score  support
	//          cat     0.5000  0.5000    0.5000        2
	//          dog     0.6667  0.6667    0.6667        3
	//
	//     accuracy                       0.6000        5
	//    macro avg     0.5833  0.5833    0.5833        5
	// weighted avg     0.6000  0.6000    0.6000        5
}

func ExampleLogLoss() {
	fmt.Printf("%.4f\n", metrics.LogLoss([]int{0, 1}, [][]float64{{0.9, 0.1}, {0.2, 0.8}}))
	// Output: 0.1643
}

func ExampleROC() {
	c := metrics.ROC([]bool{true, false, true, false}, []float64{0.9, 0.8, 0.7, 0.1})
	fmt.Println(c.FPR, c.TPR, c.AUC)
	// Output: [0 0 0.5 0.5 1] [0 0.5 0.5 1 1] 0.75
}

func ExampleR2() {
	y := []float64{1, 2, 3, 4}
	fmt.Println(metrics.MSE(y, []float64{1, 2, 3, 5}), metrics.MAE(y, []float64{1, 2, 3, 5}), metrics.R2(y, []float64{1, 2, 3, 5}))
	// Output: 0.25 0.25 0.8
}

func ExampleConfusion() {
	ds := data.Iris()
	ds = data.Standardize(ds).Apply(ds)
	tr, te := ds.Split(0.8, 1)
	nn.Seed(1)
	m := nn.NewSequential([]nn.Module{nn.NewLinear(4, 16), nn.NewReLU(), nn.NewLinear(16, 3)})
	train.Fit(m, tr, train.Config{Epochs: 100, LR: 0.05, Quiet: true})
	fmt.Println(metrics.Confusion(m, te))
	// Output:
	// confusion matrix (30 rows, accuracy 0.9333)
	//  true\pred  setosa  versicolor  virginica
	//     setosa      10           0          0
	// versicolor       0           8          2
	//  virginica       0           0         10
}

func ExampleEvaluate() {
	tr, te := data.Iris().Split(0.8, 1)
	sc := data.Standardize(tr)
	nn.Seed(1)
	m := nn.NewLinear(4, 3)
	train.Fit(m, sc.Apply(tr), train.Config{Epochs: 100, LR: 0.1, Quiet: true})
	ev := metrics.Evaluate(m, sc.Apply(te))
	fmt.Printf("accuracy %.2f, macro F1 %.2f\n", ev.Accuracy, ev.Report.Macro.F1)
	// Output: accuracy 0.97, macro F1 0.97
}

func ExampleCrossValidate() {
	ds := data.Iris()
	ds = data.Standardize(ds).Apply(ds)
	newModel := func() nn.Module { return nn.NewLinear(4, 3) }
	cv := metrics.CrossValidate(newModel, ds, train.Config{Epochs: 50, LR: 0.1}, metrics.CV{Folds: 5, Seed: 1})
	fmt.Println(len(cv.Proba), len(cv.Proba[0]), cv.Accuracy() > 0.9)
	// Output: 150 3 true
}

func ExampleCompare() {
	tr, te := data.Iris().Split(0.7, 2)
	sc := data.Standardize(tr)
	tr, te = sc.Apply(tr), sc.Apply(te)
	nn.Seed(1)
	before := nn.NewLinear(4, 3)
	train.Fit(before, tr, train.Config{Epochs: 1, LR: 0.01, Quiet: true})
	after := nn.Clone(before)
	train.Fit(after, tr, train.Config{Epochs: 200, LR: 0.1, Quiet: true})
	c := metrics.Compare(before, after, te)
	fmt.Println(c.Fixed() > c.Broken(), c.After.Accuracy > c.Before.Accuracy)
	// Output: true true
}

func ExamplePrecisionAtK() {
	// Of the 2 rows a finder ranks as most suspect, 1 really is wrong.
	wrong := []bool{false, true, false, true}
	suspicion := []float64{0.9, 0.8, 0.3, 0.1}
	fmt.Println(metrics.PrecisionAtK(wrong, suspicion, 2))
	// Output: 0.5
}
