package data

import (
	"bytes"
	_ "embed"
)

// The built-in sets; see builtin/README.md for their sources and licences.
var (
	//go:embed builtin/iris.csv
	irisCSV []byte
	//go:embed builtin/digits.csv
	digitsCSV []byte
)

// Iris returns Fisher's iris data: 150 flowers, 4 features (sepal and petal
// length and width, in cm), 3 classes (setosa, versicolor, virginica).
// Source: R. A. Fisher (1936), via the UCI Machine Learning Repository
// (CC BY 4.0) as distributed with scikit-learn (BSD-3-Clause).
func Iris() *Dataset { return builtin(irisCSV, "iris") }

// Digits returns the optical handwritten digits data: 1,797 images of 8×8
// pixels (features p00…p63, pixel counts 0–16, row-major), 10 classes
// "0"…"9". Source: E. Alpaydin, C. Kaynak (1998), UCI Machine Learning
// Repository (CC BY 4.0), the copy distributed with scikit-learn.
func Digits() *Dataset { return builtin(digitsCSV, "digits") }

func builtin(b []byte, name string) *Dataset {
	ds, err := ReadCSV(bytes.NewReader(b), CSV{Label: "label", Name: name})
	if err != nil {
		panic(Error{"data: built-in " + name + ": " + err.Error()})
	}
	ds.s().t.report = nil
	return ds
}
