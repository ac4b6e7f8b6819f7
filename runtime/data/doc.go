// Package data holds in-memory datasets for notebooks: rows with stable
// keys, typed columns and a label, loaded from CSV, built in, read from
// Fashion-MNIST files or generated for teaching; with splits, scaling and
// mini-batches as tensors for training.
//
// # Loading
//
//	ds := data.LoadCSV("iris.csv", data.CSV{Label: "label"})
//	ds.Report() // missing and invalid cells, per column
//	ds := data.Iris()                            // built in: Iris, Digits
//	tr, te := data.FashionMNIST(data.Fashion{})  // Debian's dataset-fashion-mnist
//	ds := data.Moons(data.Gen{N: 200, Noise: 0.1, Seed: 1})
//
// Columns are Numeric (the features: Features, Column, X), Categorical
// (OneHot turns them into features) or Text. The label column gives the
// class names (Classes, the index is the class id), the class id of each
// row (Labels) and its name (LabelStrings). A dataset renders itself
// (String, HTML: shape and first rows); Describe summarises each column,
// Image(i) shows a row of an image set as a picture, WriteCSV writes it
// back out.
//
// # Stable keys
//
// Every row has a key (Keys): the value of a key column (CSV.Key), else a
// hash of the row's content, so that a correction made to a row follows it
// through re-sorting, reloading and splitting. Generated and Frame-built
// rows are keyed "<name>-<i>".
//
// # Preparing
//
//	tr, te := ds.Split(0.8, 1)     // stratified by class, seeded
//	sc := data.Standardize(tr)     // fit on the training rows only
//	tr, te = sc.Apply(tr), sc.Apply(te)
//	b := tr.Batches(data.Batching{Size: 32, Seed: 1})
//	for b.Next() { x, y := b.X(), b.Labels(); … }
//
// # Corrections
//
// A Dataset is a handle on an immutable version of its rows. Replay makes
// it show the base data with a list of Changes (relabel, exclude, include,
// edit, each addressed by row key) applied; the correction ledger
// (runtime/ledger) replays its events this way, and Train and Test then
// give the corrected halves of the last Split. Changes to rows that no
// longer exist come back as orphans. Replay swaps versions atomically and
// every method reads one version, so corrections may arrive while a
// training loop runs; Snapshot pins a version for code that reads a dataset
// in several calls.
//
// # Errors
//
// Misuse (an unknown column, a bad fraction) panics with Error. The
// one-value loaders for cells (LoadCSV, FashionMNIST) panic with Error too;
// ReadCSV, LoadFashionMNIST and ReadIDX return errors instead.
package data
