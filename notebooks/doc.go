// Package notebooks holds Tandem's example notebooks (the .ipynb files in
// this folder, which `make run` serves) and the tests that run them.
//
// # Goldens
//
// `go test ./notebooks` runs every notebook top to bottom in a fresh
// kernel session and compares a transcript of its outputs with
// testdata/<name>.golden: one block per code cell, stream lines, the text
// form of each result, and images by reference (PNG against
// testdata/<name>_<cell>_<k>_golden.png with cmpimg.EqualApprox, SVG by a
// hash of its text with coordinates rounded). Durations, addresses and
// temporary paths are replaced by placeholders. Then the test moves the
// notebooks' sliders as a browser would (a comm "update") and checks that
// the callbacks written in the cells fill the output widgets. After a
// deliberate change,
//
//	go test ./notebooks -run Golden -update
//
// rewrites the goldens; inspect the diff before committing it.
//
// # nbconvert
//
// TestNBConvert builds bin/tandem, installs its kernelspec into a temporary
// JUPYTER_PATH and runs each notebook through `jupyter nbconvert --execute`.
// Without nbconvert it skips, except under CI=true, where it fails.
//
// # The percent-format twin
//
// _scripts/eda.go is eda.ipynb as a percent-format script (`tandem export
// --to script`), with a copy of flats.csv beside it. It lives in a folder
// the go tool ignores, since a .go file here would be read as part of this
// package. TestEDATwin checks that both files hold the same cells.
package notebooks
