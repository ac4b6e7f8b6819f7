package data_test

import (
	"fmt"
	"math"
	"os"
	"strings"

	"tandem.dev/tandem/runtime/data"
)

func ExampleLoadCSV() {
	ds := data.LoadCSV("testdata/people.csv", data.CSV{Label: "label", Key: "id"})
	fmt.Println(ds.Shape())
	fmt.Println(ds.Features(), ds.Kind("city"), ds.Classes())
	fmt.Println(ds.Report())
	// Output:
	// people: 10 rows × 2 features + 2 other columns, label "label" (2 classes)
	// [age height] categorical [no yes]
	// 10 rows, 5 columns: 4 missing, 1 invalid
	//   age (numeric): 1 missing, 0 invalid
	//   height (numeric): 0 missing, 1 invalid; e.g. line 4 "tall"
	//   note (text): 2 missing, 0 invalid
	//   label (categorical): 1 missing, 0 invalid
}

func ExampleReadCSV() {
	in := "x,y,label\n1,2,cat\n3,4,dog\n"
	ds, err := data.ReadCSV(strings.NewReader(in), data.CSV{Label: "label"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.Column("y"), ds.LabelStrings(), ds.Labels())
	// Output: [2 4] [cat dog] [0 1]
}

func ExampleIris() {
	ds := data.Iris()
	fmt.Println(ds.Shape())
	fmt.Println(ds.Classes(), ds.ClassCounts())
	// Output:
	// iris: 150 rows × 4 features, label "label" (3 classes)
	// [setosa versicolor virginica] [50 50 50]
}

func ExampleDigits() {
	ds := data.Digits()
	fmt.Println(ds.Len(), ds.NumFeatures(), ds.NumClasses())
	// Output: 1797 64 10
}

func ExampleDataset_Split() {
	ds := data.Iris()
	tr, te := ds.Split(0.8, 1) // stratified by class, seeded
	fmt.Println(tr.Len(), te.Len(), te.ClassCounts())
	// Output: 120 30 [10 10 10]
}

func ExampleDataset_Column() {
	ds := data.Iris()
	fmt.Println(ds.Column("petal_length")[:3])
	// Output: [1.4 1.4 1.3]
}

func ExampleDataset_String() {
	fmt.Println(data.Iris().Head(3))
	// Output:
	// iris: 3 rows × 4 features, label "label" (3 classes)
	// key               sepal_length  sepal_width  petal_length  petal_width  label
	// 1d7aba27fed1092a  5.1           3.5          1.4           0.2          setosa
	// caecd4759443af2c  4.9           3            1.4           0.2          setosa
	// 4a8511d2061b9e9b  4.7           3.2          1.3           0.2          setosa
}

func ExampleStandardize() {
	tr, te := data.Iris().Split(0.8, 1)
	sc := data.Standardize(tr) // fit on the training rows only
	tr, te = sc.Apply(tr), sc.Apply(te)
	fmt.Printf("train %.1f, test %.3f\n", mean(tr.Column("sepal_length"))+1, mean(te.Column("sepal_length")))
	// Output: train 1.0, test 0.105
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func ExampleMinMax() {
	ds := data.New(data.Frame{X: [][]float64{{1, 10}, {2, 20}, {5, 30}}})
	fmt.Println(data.MinMax(ds).Apply(ds).Column("x0"))
	// Output: [0 0.25 1]
}

func ExampleDataset_Batches() {
	ds := data.Iris()
	b := ds.Batches(data.Batching{Size: 64, Seed: 1})
	for b.Next() {
		fmt.Println(b.X().Shape(), len(b.Labels()))
	}
	// Output:
	// [64 4] 64
	// [64 4] 64
	// [22 4] 22
}

func ExampleDataset_OneHot() {
	ds := data.LoadCSV("testdata/people.csv", data.CSV{Label: "label", Key: "id"})
	fmt.Println(ds.OneHot().Features())
	// Output: [age height city=Lyon city=Nice city=Paris]
}

func ExampleOneHotLabels() {
	y := data.OneHotLabels([]int{0, 2}, 3)
	fmt.Println(y.Shape(), y.Data())
	// Output: [2 3] [1 0 0 0 0 1]
}

func ExampleMoons() {
	ds := data.Moons(data.Gen{N: 200, Noise: 0.1, Seed: 1})
	fmt.Println(ds.Shape())
	// Output: moons: 200 rows × 2 features, label "label" (2 classes)
}

func ExampleBlobs() {
	ds := data.Blobs(data.Gen{N: 300, Classes: 4, Features: 3, Seed: 1})
	fmt.Println(ds.Len(), ds.Features(), ds.ClassCounts())
	// Output: 300 [x0 x1 x2] [75 75 75 75]
}

func ExampleCircles() {
	ds := data.Circles(data.Gen{N: 100, Noise: 0.05, Seed: 1})
	fmt.Println(ds.Len(), ds.Classes())
	// Output: 100 [0 1]
}

func ExampleSpirals() {
	ds := data.Spirals(data.Gen{N: 300, Classes: 3, Noise: 0.2, Seed: 1})
	fmt.Println(ds.ClassCounts())
	// Output: [100 100 100]
}

func ExampleLinear() {
	g := data.Gen{N: 100, Features: 2, Noise: 0.1, Seed: 1}
	ds := data.Linear(g)
	w, b := data.LinearCoefficients(g)
	fmt.Println(ds.Target(), len(ds.Targets()), len(w))
	_ = b
	// Output: target 100 2
}

func ExampleNew() {
	ds := data.New(data.Frame{
		Name:     "xor",
		Features: []string{"a", "b"},
		X:        [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}},
		Labels:   []string{"off", "on", "on", "off"},
	})
	fmt.Println(ds.Keys(), ds.Labels())
	// Output: [xor-0 xor-1 xor-2 xor-3] [0 1 1 0]
}

func ExampleDataset_Replay() {
	ds := data.Iris()
	key := ds.Keys()[0]
	orphans, err := ds.Replay([]data.Change{
		{Op: data.Relabel, Key: key, Value: "virginica"},
		{Op: data.Exclude, Key: ds.Keys()[1]},
		{Op: data.Exclude, Key: "no-such-row"},
	})
	fmt.Println(err, orphans)
	fmt.Println(ds.Len(), ds.LabelStrings()[0])
	// Output:
	// <nil> [exclude no-such-row]
	// 149 virginica
}

func ExampleDataset_Train() {
	ds := data.Iris()
	_, te := ds.Split(0.8, 1)
	ds.Replay([]data.Change{{Op: data.Exclude, Key: te.Keys()[0]}})
	fmt.Println(ds.Train().Len(), ds.Test().Len()) // the corrected halves
	// Output: 120 29
}

func ExampleFashionMNIST() {
	// With Debian's dataset-fashion-mnist installed:
	tr, te := data.FashionMNIST(data.Fashion{Limit: 10000})
	fmt.Println(tr.Len(), te.Len(), tr.NumFeatures())
}

func ExampleReadIDX() {
	images := strings.NewReader("\x00\x00\x08\x03\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x02\x00\x33\x66\xff")
	labels := strings.NewReader("\x00\x00\x08\x01\x00\x00\x00\x01\x07")
	ds, err := data.ReadIDX(images, labels, data.IDX{Name: "tiny"})
	fmt.Println(err, ds.Features(), ds.Row(0), ds.LabelStrings())
	// Output: <nil> [p0 p1 p2 p3] [0 0.20000000298023224 0.4000000059604645 1] [7]
}

func ExampleDataset_Image() {
	ds := data.Digits()
	im := ds.Image(0) // renders as a picture in a notebook (PNG, HTML)
	fmt.Println(im)
	// Output: image 8×8, label "0", key 93153ac3de1e7dc5
}

func ExampleDataset_Folds() {
	ds := data.Iris()
	folds := ds.Folds(5, 1) // stratified: each fold has 10 rows of each class
	n := make([]int, 5)
	for _, f := range folds {
		n[f]++
	}
	fmt.Println(n)
	// Output: [30 30 30 30 30]
}

func ExampleDataset_Holdout() {
	ds := data.Iris()
	tr, te := ds.Split(0.8, 1)
	fit, val := tr.Holdout(0.75, 2) // a validation set; tr still remembers the Split
	fmt.Println(fit.Len(), val.Len(), ds.Test().Len() == te.Len())
	// Output: 90 30 true
}

func ExampleDataset_DropMissing() {
	ds := data.LoadCSV("testdata/people.csv", data.CSV{Label: "label", Key: "id"})
	clean := ds.DropMissing() // rows with a missing age, height or label are left out
	fmt.Println(ds.Len(), clean.Len(), clean.Keys())
	// Output: 10 7 [p1 p4 p6 p7 p8 p9 p10]
}

func ExampleReport() {
	ds, _ := data.ReadCSV(strings.NewReader("x,label\n1,a\nNA,b\nfive,a\n"), data.CSV{Label: "label", Kinds: map[string]data.Kind{"x": data.Numeric}})
	r := ds.Report()
	fmt.Println(r.Missing(), r.Invalid(), r.Columns[0].Examples[1])
	// Output: 1 1 {4 222b0bd51fcef7e6 five true}
}

func ExampleDataset_Describe() {
	fmt.Println(data.LoadCSV("testdata/people.csv", data.CSV{Label: "label", Key: "id"}).Describe())
	// Output:
	// people: 10 rows × 2 features + 2 other columns, label "label" (2 classes)
	// column  kind         count  missing   mean      std  min  max  values
	// age     numeric          9        1     37    8.138   25   52
	// height  numeric          9        1  1.744  0.08808  1.6  1.9
	// city    categorical     10        0                            3 distinct; top Paris (4)
	// note    text             8        2                            8 distinct; top likes tea (1)
	// classes: no 4, yes 5
}

func ExampleDataset_WriteCSV() {
	ds := data.New(data.Frame{Name: "t", X: [][]float64{{1.5, 2}, {3, math.NaN()}}, Labels: []string{"a", "b"}})
	ds.WriteCSV(os.Stdout)
	// Output:
	// key,x0,x1,label
	// t-0,1.5,2,a
	// t-1,3,,b
}

func ExampleDataset_FlipLabels() {
	noisy, flipped := data.Digits().FlipLabels(0.1, 1) // 10% wrong labels, seeded
	fmt.Println(noisy.Len(), len(flipped))
	// Output: 1797 180
}

func ExampleDataset_SelectColumns() {
	ds := data.Iris().SelectColumns([]string{"petal_length", "petal_width"})
	fmt.Println(ds.Features(), ds.NumClasses())
	// Output: [petal_length petal_width] 3
}

func ExampleDataset_Filter() {
	ds := data.Iris()
	two := ds.Filter(func(i int) bool { return ds.LabelString(i) != "setosa" })
	fmt.Println(two.Len(), two.ClassCounts())
	// Output: 100 [0 50 50]
}

func ExampleConcat() {
	a := data.New(data.Frame{Name: "old", X: [][]float64{{1}, {2}}, Labels: []string{"a", "b"}})
	b := data.New(data.Frame{Name: "new", X: [][]float64{{3}}, Labels: []string{"c"}})
	ds := data.Concat(a, b)
	fmt.Println(ds.Keys(), ds.Classes(), ds.Labels())
	// Output: [old-0 old-1 new-0] [a b c] [0 1 2]
}
