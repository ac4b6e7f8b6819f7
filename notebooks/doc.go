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
// # Headless: tandem run and nbconvert
//
// TestRun runs each notebook as `tandem run` does (kernel/runner, one kernel
// process per notebook) and TestNBConvert through `jupyter nbconvert
// --execute` with the tandem kernelspec installed into a temporary
// JUPYTER_PATH; both compare the executed notebook's transcript with the
// same golden file. Both build the tandem binary and skip under -short;
// without nbconvert TestNBConvert skips, except under CI=true, where it
// fails. Cells tagged raises-exception (the tour and the tensors notebook
// each show an error on purpose) may fail; any other failure fails the test.
//
// # The percent-format twin
//
// _scripts/eda.go is eda.ipynb as a percent-format script (`tandem export
// --to script`), with a copy of flats.csv beside it. It lives in a folder
// the go tool ignores, since a .go file here would be read as part of this
// package. TestEDATwin checks that both files hold the same cells, and
// TestRun runs the script too, against eda's golden transcript.
package notebooks
