package metrics

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
)

func irisScaled() *data.Dataset {
	ds := data.Iris()
	return data.Standardize(ds).Apply(ds)
}

func TestCrossValidate(t *testing.T) {
	ds := irisScaled()
	newModel := func() nn.Module { return nn.NewLinear(4, 3) }
	cfg := train.Config{Epochs: 50, LR: 0.1}
	cv := CrossValidate(newModel, ds, cfg, CV{Folds: 5, Seed: 3})
	if len(cv.Proba) != 150 || len(cv.Scores) != 5 || !reflect.DeepEqual(cv.Keys, ds.Keys()) {
		t.Fatalf("shape: %d proba, %d scores", len(cv.Proba), len(cv.Scores))
	}
	for i, p := range cv.Proba {
		s := 0.0
		for _, v := range p {
			s += v
		}
		if len(p) != 3 || math.Abs(s-1) > 1e-9 {
			t.Fatalf("row %d proba %v", i, p)
		}
	}
	if a := cv.Accuracy(); a < 0.9 {
		t.Errorf("out-of-fold accuracy %v", a)
	}
	if m, _ := cv.Mean(); math.Abs(m-cv.Accuracy()) > 0.02 {
		t.Errorf("mean fold accuracy %v vs out-of-fold %v", m, cv.Accuracy())
	}
	again := CrossValidate(newModel, ds, cfg, CV{Folds: 5, Seed: 3})
	if !reflect.DeepEqual(cv.Proba, again.Proba) {
		t.Errorf("same seed, different out-of-fold probabilities")
	}
	other := CrossValidate(newModel, ds, cfg, CV{Folds: 5, Seed: 4})
	if reflect.DeepEqual(cv.Fold, other.Fold) {
		t.Errorf("seeds 3 and 4 gave the same folds")
	}
	if !strings.Contains(cv.String(), "5-fold cross-validation, 150 rows: accuracy") || cv.Confusion().Total() != 150 {
		t.Errorf("String: %s", cv)
	}
}

func TestCrossValidate_OutOfFold(t *testing.T) {
	// Random labels: a model can memorise its training folds but not
	// predict held-out rows, so out-of-fold accuracy stays near chance.
	rng := data.Rand(5)
	x := make([][]float64, 200)
	y := make([]int, 200)
	for i := range x {
		x[i] = []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		y[i] = rng.IntN(2)
	}
	ds := data.New(data.Frame{X: x, Y: y})
	newModel := func() nn.Module {
		return nn.NewSequential([]nn.Module{nn.NewLinear(3, 64), nn.NewReLU(), nn.NewLinear(64, 2)})
	}
	cfg := train.Config{Epochs: 300, Optimizer: train.Adam, LR: 0.01}
	m := newModel()
	train.Fit(m, ds, cfg)
	if a := Accuracy(y, train.Predict(m, ds)); a < 0.8 {
		t.Fatalf("the model does not memorise: training accuracy %v, so the test proves nothing", a)
	}
	cv := CrossValidate(newModel, ds, cfg, CV{Seed: 1})
	if a := cv.Accuracy(); a > 0.62 {
		t.Errorf("out-of-fold accuracy on random labels %v: rows leaked into their own fold's training", a)
	}
}

func TestCrossValidate_Regression(t *testing.T) {
	ds := data.Linear(data.Gen{N: 100, Features: 2, Noise: 0.05, Seed: 1})
	cv := CrossValidate(func() nn.Module { return nn.NewLinear(2, 1) }, ds, train.Config{Epochs: 100, Optimizer: train.Adam, LR: 0.05}, CV{Folds: 4})
	if cv.Proba != nil || len(cv.Values) != 100 || len(cv.Scores) != 4 {
		t.Fatalf("regression result: %v", cv)
	}
	if r2 := R2(cv.Targets, cv.Values); r2 < 0.95 {
		t.Errorf("out-of-fold R² %v", r2)
	}
	if !strings.Contains(cv.String(), "R²") {
		t.Errorf("String: %s", cv)
	}
}

func TestEvaluate(t *testing.T) {
	tr, te := irisScaled().Split(0.7, 1)
	nn.Seed(1)
	m := nn.NewLinear(4, 3)
	train.Fit(m, tr, train.Config{Epochs: 100, LR: 0.1, Quiet: true})
	ev := Evaluate(m, te)
	cm := Confusion(m, te)
	if ev.Rows != 45 || ev.Accuracy != cm.Accuracy() || ev.Accuracy < 0.85 || ev.AUC < 0.95 {
		t.Errorf("evaluation: %v", ev)
	}
	if !reflect.DeepEqual(ev.Confusion.Counts, cm.Counts) || !reflect.DeepEqual(cm.Classes, []string{"setosa", "versicolor", "virginica"}) {
		t.Errorf("confusion differs")
	}
	if s := ev.String(); !strings.Contains(s, "accuracy") || !strings.Contains(s, "true\\pred") || !strings.Contains(ev.HTML(), "tandem-confusion") {
		t.Errorf("render: %s", s)
	}
	defer func() {
		if e, ok := recover().(Error); !ok || !strings.Contains(e.Msg, "needs a dataset with labels") {
			t.Errorf("unlabeled: %v", e)
		}
	}()
	Confusion(m, data.New(data.Frame{X: [][]float64{{1, 2, 3, 4}}}))
}

func TestCompare(t *testing.T) {
	tr, te := irisScaled().Split(0.7, 2)
	nn.Seed(1)
	weak := nn.NewLinear(4, 3)
	train.Fit(weak, tr, train.Config{Epochs: 1, LR: 0.01, Quiet: true})
	strong := nn.Clone(weak)
	train.Fit(strong, tr, train.Config{Epochs: 200, LR: 0.1, Quiet: true})
	c := Compare(weak, strong, te)
	if c.After.Accuracy <= c.Before.Accuracy || c.Fixed() == 0 {
		t.Fatalf("comparison: %s", c)
	}
	// The flips account exactly for the change in correct predictions.
	if d := c.Fixed() - c.Broken(); d != int(math.Round((c.After.Accuracy-c.Before.Accuracy)*float64(te.Len()))) {
		t.Errorf("fixed − broken = %d, accuracy change %v on %d rows", d, c.After.Accuracy-c.Before.Accuracy, te.Len())
	}
	pb, pa := train.Predict(weak, te), train.Predict(strong, te)
	for _, f := range c.Flips {
		if pb[f.Row] == pa[f.Row] || te.Keys()[f.Row] != f.Key {
			t.Errorf("flip %+v is not a changed prediction", f)
		}
	}
	if !c.Flips[0].Fixed() || !strings.Contains(c.String(), "fixed") || !strings.Contains(c.HTML(), "<td>fixed</td>") {
		t.Errorf("render:\n%s", c)
	}
}

func TestEvaluate_Regression(t *testing.T) {
	ds := data.Linear(data.Gen{N: 100, Features: 2, Noise: 0.1, Seed: 1})
	nn.Seed(1)
	m := nn.NewLinear(2, 1)
	train.Fit(m, ds, train.Config{Epochs: 200, Optimizer: train.Adam, LR: 0.05, Quiet: true})
	ev := Evaluate(m, ds)
	if ev.Confusion != nil || !math.IsNaN(ev.Accuracy) || ev.R2 < 0.95 || math.Abs(ev.MSE-0.01) > 0.005 {
		t.Errorf("regression evaluation: %v", ev)
	}
	if !strings.Contains(ev.String(), "R² 0.9") || !strings.Contains(ev.HTML(), "MSE") {
		t.Errorf("render: %s", ev)
	}
}

func TestCrossValidate_Standardize(t *testing.T) {
	ds := data.Digits() // pixel counts 0–16: raw features train poorly with SGD
	newModel := func() nn.Module { return nn.NewLinear(64, 10) }
	cfg := train.Config{Epochs: 10, LR: 0.05}
	raw := CrossValidate(newModel, ds, cfg, CV{Seed: 1})
	std := CrossValidate(newModel, ds, cfg, CV{Seed: 1, Standardize: true})
	if !(std.Accuracy() > 0.9) {
		t.Errorf("standardized folds: out-of-fold accuracy %v (raw %v)", std.Accuracy(), raw.Accuracy())
	}
	if !reflect.DeepEqual(raw.Fold, std.Fold) {
		t.Errorf("folds differ")
	}
}

type countProgress struct{ steps, epochs, done int }

func (p *countProgress) Step()                { p.steps++ }
func (p *countProgress) Epoch(tl, vl float64) { p.epochs++ }
func (p *countProgress) Done()                { p.done++ }

func TestCrossValidate_Progress(t *testing.T) {
	p := &countProgress{}
	made := 0
	train.SetDefaultProgress(func(epochs, steps int) train.Progress {
		made++
		if epochs != 3*4 || steps != 4 {
			t.Errorf("one display for %d epochs of %d steps, want 12 of 4", epochs, steps)
		}
		return p
	})
	defer train.SetDefaultProgress(nil)
	CrossValidate(func() nn.Module { return nn.NewLinear(4, 3) }, irisScaled(), train.Config{Epochs: 4}, CV{Folds: 3})
	if made != 1 || p.epochs != 12 || p.done != 1 || p.steps != 3*4*4 {
		t.Errorf("made %d, progress %+v", made, p)
	}
	CrossValidate(func() nn.Module { return nn.NewLinear(4, 3) }, irisScaled(), train.Config{Epochs: 4, Quiet: true}, CV{Folds: 3})
	if made != 1 {
		t.Errorf("Quiet made a display")
	}
}
