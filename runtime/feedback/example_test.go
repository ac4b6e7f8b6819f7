package feedback_test

import (
	"fmt"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
)

// Two iris flowers get the wrong species; Suspects finds both among the
// rows it proposes, by training a fresh copy of the model on each of five
// folds and applying confident learning to the held-out predictions.
func ExampleSuspects() {
	ds := data.Iris()
	keys := ds.Keys()
	ds.Replay([]data.Change{
		{Op: data.Relabel, Key: keys[0], Value: "virginica"}, // a setosa
		{Op: data.Relabel, Key: keys[120], Value: "setosa"},  // a virginica
	})
	m := nn.NewSequential([]nn.Module{nn.NewLinear(4, 16), nn.NewReLU(), nn.NewLinear(16, 3)})
	sus := feedback.Suspects(m, ds)
	for _, k := range []string{keys[0], keys[120]} {
		it, ok := sus.Find(k)
		fmt.Println(ok, it.Given, "→", it.Suggested)
	}
	// Output:
	// true virginica → setosa
	// true setosa → virginica
}

// Options change the folds, the seed, the training of each fold's model,
// how rows are flagged and how they are ranked.
func ExampleSuspectsWith() {
	ds := data.Iris()
	keys := ds.Keys()
	ds.Replay([]data.Change{{Op: data.Relabel, Key: keys[60], Value: "setosa"}}) // a versicolor
	m := nn.NewLinear(4, 3)
	sus := feedback.SuspectsWith(m, ds, feedback.Options{Folds: 3, Seed: 7, Rank: feedback.SelfConfidence})
	fmt.Println(sus.Items[0].Key == keys[60], sus.Items[0].Suggested)
	// Output: true versicolor
}

// Code that has out-of-fold probabilities from elsewhere can run confident
// learning on them alone.
func ExampleNewJoint() {
	proba := [][]float64{{0.9, 0.1}, {0.8, 0.2}, {0.1, 0.9}, {0.2, 0.8}, {0.15, 0.85}}
	labels := []int{0, 0, 0, 1, 1} // the third row looks like a "b"
	fmt.Println(feedback.NewJoint(proba, labels, []string{"a", "b"}))
	// Output:
	// confident joint (rows: given label, columns: confident class), 5 labelled rows, about 1 label errors
	// given     threshold        a        b
	// a            0.6000        2        1
	// b            0.8250        0        1
}

// The rows a model is least sure of are the ones worth labelling next.
func ExampleUncertain() {
	tr, pool := data.Moons(data.Gen{N: 200, Noise: 0.2, Seed: 1}).Split(0.5, 1)
	m := nn.NewSequential([]nn.Module{nn.NewLinear(2, 16), nn.NewReLU(), nn.NewLinear(16, 2)})
	train.Fit(m, tr, train.Config{Epochs: 50, Optimizer: train.Adam, LR: 0.01, Quiet: true})
	unsure := feedback.UncertainWith(m, pool, feedback.UncertainOptions{Limit: 5})
	fmt.Println(unsure.Len(), unsure.Items[0].Score < 0.5, unsure.Items[0].Score <= unsure.Items[4].Score)
	// Output: 5 true true
}

// Explain shows why the model predicts what it does for one row: the
// features that push it towards its prediction, the nearest rows and
// their labels, and the features the model relies on overall.
func ExampleExplain() {
	ds := data.Iris()
	nn.Seed(1)
	m := nn.NewLinear(4, 3)
	train.Fit(m, ds, train.Config{Epochs: 100, Optimizer: train.Adam, LR: 0.05, Quiet: true})
	e := feedback.Explain(m, ds, 0)
	fmt.Println(e.Predicted, e.Neighbors[0].Label, e.Importance[0].Feature)
	// Output: setosa setosa petal_length
}

// Every decision a person makes in a review can record which model
// prompted it: the version changes with every training step.
func ExampleModelVersion() {
	nn.Seed(1)
	m := nn.NewLinear(4, 3)
	v1 := feedback.ModelVersion(m)
	train.Fit(m, data.Iris(), train.Config{Epochs: 1, Quiet: true})
	v2 := feedback.ModelVersion(m)
	fmt.Println(v1 != v2, v1[:7])
	// Output: true Linear@
}

// Rank orders every labelled row by its score, for a review that goes on
// past the rows confident learning proposed; Top keeps the first few.
func ExampleQueue_Rank() {
	proba := [][]float64{{0.9, 0.1}, {0.6, 0.4}, {0.2, 0.8}, {0.3, 0.7}}
	ds := data.New(data.Frame{Name: "toy", X: [][]float64{{0}, {1}, {2}, {3}}, Labels: []string{"a", "a", "a", "b"}})
	sus := feedback.SuspectsWith(nil, ds, feedback.Options{Proba: proba})
	fmt.Println(sus.Rank(), sus.Keys())
	fmt.Printf("%.2f\n", sus.Scores)
	// Output:
	// [2 1 3 0] [toy-2]
	// [0.90 0.60 0.20 0.70]
}

// ExplainWith can skip permutation importance, which measures the whole
// model, to explain one row quickly.
func ExampleExplainWith() {
	ds := data.Iris()
	nn.Seed(1)
	m := nn.NewLinear(4, 3)
	train.Fit(m, ds, train.Config{Epochs: 100, Optimizer: train.Adam, LR: 0.05, Quiet: true})
	e := feedback.ExplainWith(m, ds, 100, feedback.ExplainOptions{NoImportance: true, Neighbors: 3})
	fmt.Println(e.Predicted, len(e.Neighbors), e.Importance == nil)
	// Output: virginica 3 true
}
