package feedback_test

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/tensor"
	"tandem.dev/tandem/runtime/train"
)

// identity returns a linear model whose logits are its inputs, so a row of
// log-probabilities comes out as exactly those probabilities.
func identity(k int) *nn.Linear {
	l := nn.NewLinear(k, k)
	w := make([]float32, k*k)
	for i := 0; i < k; i++ {
		w[i*k+i] = 1
	}
	l.W = autograd.Param(tensor.New(w, k, k))
	l.B = autograd.Param(tensor.Zeros(k))
	return l
}

// pool returns a dataset whose rows are the logs of the given probabilities.
func pool(proba [][]float64, labels []string) *data.Dataset {
	x := make([][]float64, len(proba))
	for i, p := range proba {
		x[i] = make([]float64, len(p))
		for c, v := range p {
			x[i][c] = math.Log(v)
		}
	}
	return data.New(data.Frame{Name: "pool", X: x, Labels: labels, Classes: []string{"a", "b", "c"}})
}

func TestUncertainWith(t *testing.T) {
	proba := [][]float64{
		{0.5, 0.3, 0.2},    // margin 0.2, top 0.5
		{0.34, 0.33, 0.33}, // margin 0.01, top 0.34, entropy ≈ max
		{0.9, 0.05, 0.05},  // confident
		{0.45, 0.45, 0.1},  // margin 0, top 0.45
	}
	ds := pool(proba, []string{"a", "", "a", ""})
	for _, test := range []struct {
		opt  feedback.UncertainOptions
		rows []int
	}{
		{feedback.UncertainOptions{}, []int{3, 1, 0, 2}},
		{feedback.UncertainOptions{Method: feedback.LeastConfidence}, []int{1, 3, 0, 2}},
		// entropy: row 0 has H = 1.030, row 3 only 0.949
		{feedback.UncertainOptions{Method: feedback.Entropy}, []int{1, 0, 3, 2}},
		{feedback.UncertainOptions{Limit: 2}, []int{3, 1}},
		{feedback.UncertainOptions{Only: true}, []int{3, 1}},
	} {
		q := feedback.UncertainWith(identity(3), ds, test.opt)
		if got := q.Rows(); !reflect.DeepEqual(got, test.rows) {
			t.Errorf("%+v: rows got: %v want: %v", test.opt, got, test.rows)
		}
	}
	q := feedback.Uncertain(identity(3), ds)
	if it := q.Items[2]; math.Abs(it.Score-0.2) > 1e-6 || it.Suggested != "a" || it.Given != "a" || math.Abs(it.Prob-0.5) > 1e-6 {
		t.Errorf("row 0: got %+v, want margin 0.2, suggested a (p 0.5), given a", it)
	}
	q = feedback.UncertainWith(identity(3), ds, feedback.UncertainOptions{Method: feedback.Entropy})
	h := -(0.5*math.Log(0.5) + 0.3*math.Log(0.3) + 0.2*math.Log(0.2))
	if got, want := q.Scores[0], 1-h/math.Log(3); math.Abs(got-want) > 1e-6 {
		t.Errorf("entropy score of row 0: got: %v want: %v", got, want)
	}
}

// Every long entry point stops with host.Interrupted once the cell is
// interrupted.
func TestInterrupt(t *testing.T) {
	for name, f := range map[string]func(){
		"Suspects":  func() { feedback.Suspects(nn.NewLinear(4, 3), data.Iris()) },
		"Uncertain": func() { feedback.Uncertain(nn.NewLinear(4, 3), data.Iris()) },
		"Explain":   func() { feedback.Explain(nn.NewLinear(4, 3), data.Iris(), 0) },
	} {
		func() {
			defer host.Reset()
			host.Interrupt()
			defer func() {
				if _, ok := recover().(host.Interrupted); !ok {
					t.Errorf("%s did not stop with host.Interrupted", name)
				}
			}()
			f()
		}()
	}
}

func TestSuspects_Misuse(t *testing.T) {
	for _, test := range []struct {
		name string
		f    func()
		want string
	}{
		{"no labels", func() {
			feedback.Suspects(nn.NewLinear(1, 2), data.New(data.Frame{X: [][]float64{{1}, {2}}}))
		}, "feedback: Suspects needs a dataset with labels; data has none"},
		{"probabilities of the wrong shape", func() {
			feedback.SuspectsWith(nil, data.Iris(), feedback.Options{Proba: [][]float64{{1}}})
		}, "feedback: Suspects: 1 rows of probabilities for 150 rows"},
		{"no model", func() { feedback.SuspectsWith(nil, data.Iris(), feedback.Options{}) },
			"feedback: Suspects needs a model (or Options.Model or Options.Proba)"},
		{"row out of range", func() { feedback.Explain(nn.NewLinear(4, 3), data.Iris(), 150) },
			"feedback: Explain: row 150 is out of range (the dataset has 150 rows)"},
		{"missing feature", func() {
			ds := data.New(data.Frame{X: [][]float64{{1, math.NaN()}, {2, 3}}, Labels: []string{"a", "b"}})
			feedback.Explain(nn.NewLinear(2, 2), ds, 0)
		}, "feedback: Explain: row 0 has missing features (x1); fill them or drop the row (DropMissing) first"},
	} {
		func() {
			defer func() {
				e, ok := recover().(feedback.Error)
				if !ok || e.Msg != test.want {
					t.Errorf("%s: got: %v want: %q", test.name, e, test.want)
				}
			}()
			test.f()
		}()
	}
}

// Suspects must not change the model it is given, and the same seed must
// give the same ranking.
func TestSuspects_Deterministic(t *testing.T) {
	ds := data.Iris()
	nn.Seed(3)
	m := nn.NewSequential([]nn.Module{nn.NewLinear(4, 8), nn.NewReLU(), nn.NewLinear(8, 3)})
	before := feedback.ModelVersion(m)
	a := feedback.SuspectsWith(m, ds, feedback.Options{Seed: 5, Folds: 3})
	b := feedback.SuspectsWith(m, ds, feedback.Options{Seed: 5, Folds: 3})
	if !reflect.DeepEqual(a.Scores, b.Scores) || !reflect.DeepEqual(a.Keys(), b.Keys()) {
		t.Errorf("two runs with one seed differ")
	}
	if after := feedback.ModelVersion(m); after != before {
		t.Errorf("Suspects changed the model: version %s → %s", before, after)
	}
	if a.ModelVersion != before || a.Version != ds.Hash() {
		t.Errorf("queue versions: got model %s, data %s; want %s, %s", a.ModelVersion, a.Version, before, ds.Hash())
	}
}

// countingProgress counts what a DefaultProgress is told.
type countingProgress struct{ made, steps, epochs, done int }

func (p *countingProgress) Step()              { p.steps++ }
func (p *countingProgress) Epoch(_, _ float64) { p.epochs++ }
func (p *countingProgress) Done()              { p.done++ }

// The folds of Suspects report to one progress display, closed once.
func TestSuspects_Progress(t *testing.T) {
	p := &countingProgress{}
	was := train.DefaultProgress
	defer func() { train.DefaultProgress = was }()
	train.DefaultProgress = func(epochs, steps int) train.Progress {
		p.made++
		if epochs != 3*20 {
			t.Errorf("progress over %d epochs, want 3 folds × 20", epochs)
		}
		return p
	}
	cfg := train.Config{Epochs: 20, Optimizer: train.Adam, LR: 0.01}
	feedback.SuspectsWith(nn.NewLinear(4, 3), data.Iris(), feedback.Options{Folds: 3, Config: cfg})
	if p.made != 1 || p.done != 1 || p.epochs != 60 || p.steps != 3*20*4 {
		t.Errorf("progress: made %d, done %d, %d epochs, %d steps; want 1, 1, 60, 240", p.made, p.done, p.epochs, p.steps)
	}
}

// notingProgress also takes notes and a new total, as runtime/display's
// training view may.
type notingProgress struct {
	countingProgress
	notes []string
	total int
}

func (p *notingProgress) Note(s string)   { p.notes = append(p.notes, s) }
func (p *notingProgress) SetEpochs(n int) { p.total = n }

// Folds that stop early end the display with a plain final line, and a
// display that can is told the epochs really run, so no bar is left at
// "18% 91/500".
func TestSuspects_ProgressEarlyStop(t *testing.T) {
	p := &notingProgress{}
	was := train.DefaultProgress
	defer func() { train.DefaultProgress = was }()
	train.DefaultProgress = func(epochs, steps int) train.Progress { p.made++; return p }
	cfg := train.Config{Epochs: 200, Optimizer: train.Adam, LR: 0.01, Validation: 0.2, Patience: 2}
	feedback.SuspectsWith(nn.NewLinear(4, 3), data.Iris(), feedback.Options{Folds: 3, Config: cfg})
	if p.made != 1 || p.done != 1 || p.epochs >= 600 || p.epochs == 0 {
		t.Fatalf("progress: made %d, done %d, %d epochs", p.made, p.done, p.epochs)
	}
	if len(p.notes) < 2 || !strings.HasPrefix(p.notes[0], "fold 1/3: accuracy") {
		t.Errorf("notes: %q", p.notes)
	}
	want := fmt.Sprintf("done: fold 3/3, each stopped early: %d epochs of up to 600; last fold accuracy ", p.epochs)
	if got := p.notes[len(p.notes)-1]; !strings.HasPrefix(got, want) {
		t.Errorf("final note: got %q want %q", got, want)
	}
	if p.total != p.epochs {
		t.Errorf("SetEpochs: got %d want %d", p.total, p.epochs)
	}
}

// A model Suspects cannot clone gets advice; Options.Model builds fresh
// ones instead.
func TestSuspects_Model(t *testing.T) {
	made := 0
	q := feedback.SuspectsWith(nil, data.Iris(), feedback.Options{Folds: 3, Model: func() nn.Module {
		made++
		return nn.NewLinear(4, 3)
	}})
	if made != 3 || len(q.Scores) != 150 {
		t.Errorf("Options.Model called %d times (want 3), %d scores (want 150)", made, len(q.Scores))
	}
}

type valueModel struct{}

func (valueModel) Forward(x *autograd.Var) *autograd.Var { return x }
func (valueModel) Parameters() []*autograd.Var           { return nil }

func TestSuspects_CloneAdvice(t *testing.T) {
	defer func() {
		e, ok := recover().(feedback.Error)
		want := "feedback: Suspects trains a fresh copy of the model per fold, but nn: Clone: feedback_test.valueModel is not a pointer to a struct and does not implement Cloner; pass Options.Model, a func that builds a fresh model"
		if !ok || e.Msg != want {
			t.Errorf("got: %v\nwant: %s", e, want)
		}
	}()
	feedback.SuspectsWith(valueModel{}, data.Iris(), feedback.Options{Folds: 2})
}

// Rows of an image dataset are shown as pictures in the HTML table.
func TestQueue_HTMLImages(t *testing.T) {
	ds := data.Digits().Head(200)
	q := feedback.UncertainWith(nn.NewLinear(64, 10), ds, feedback.UncertainOptions{Limit: 25})
	h := q.HTML()
	if got := strings.Count(h, `<img src="data:image/png;base64,`); got != 20 {
		t.Errorf("%d pictures in the table, want 20 (the rows shown)", got)
	}
	if !strings.Contains(h, "… 5 more") || !strings.Contains(q.String(), "… 5 more") {
		t.Errorf("the rows not shown are not counted")
	}
}

// Unlabelled rows get out-of-fold probabilities but no score, and are never
// proposed.
func TestSuspects_Unlabelled(t *testing.T) {
	ds := data.Iris()
	keys := ds.Keys()
	var cs []data.Change
	for i := 0; i < 150; i += 10 {
		cs = append(cs, data.Change{Op: data.Relabel, Key: keys[i], Value: ""})
	}
	cs = append(cs, data.Change{Op: data.Relabel, Key: keys[1], Value: "virginica"})
	if _, err := ds.Replay(cs); err != nil {
		t.Fatal(err)
	}
	q := feedback.SuspectsWith(nn.NewLinear(4, 3), ds, feedback.Options{Folds: 3})
	for i := 0; i < 150; i += 10 {
		if !math.IsNaN(q.Scores[i]) || len(q.Proba[i]) != 3 {
			t.Errorf("unlabelled row %d: score %v, %d probabilities", i, q.Scores[i], len(q.Proba[i]))
		}
		if _, ok := q.Find(keys[i]); ok {
			t.Errorf("unlabelled row %d proposed", i)
		}
	}
	if len(q.Rank()) != 135 {
		t.Errorf("Rank has %d rows, want the 135 labelled", len(q.Rank()))
	}
	if it, ok := q.Find(keys[1]); !ok || it.Suggested != "setosa" {
		t.Errorf("the relabelled setosa: got %+v, %v", it, ok)
	}
}

// A row whose probabilities are missing (NaN, from a missing feature) is
// left out like an unlabelled one.
func TestSuspects_MissingProbabilities(t *testing.T) {
	proba := [][]float64{{0.9, 0.1}, {math.NaN(), math.NaN()}, {0.2, 0.8}, {0.3, 0.7}}
	ds := data.New(data.Frame{Name: "toy", X: [][]float64{{0}, {1}, {2}, {3}}, Labels: []string{"a", "a", "a", "b"}})
	q := feedback.SuspectsWith(nil, ds, feedback.Options{Proba: proba})
	if !math.IsNaN(q.Scores[1]) || q.Joint.Rows != 3 {
		t.Errorf("row 1: score %v, %d rows in the joint; want NaN and 3", q.Scores[1], q.Joint.Rows)
	}
	if got := q.Keys(); !reflect.DeepEqual(got, []string{"toy-2"}) {
		t.Errorf("proposed %v, want [toy-2]", got)
	}
}
