package metrics

import (
	"fmt"
	"html"
	"math"
	"strings"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
)

func labeled(what string, ds *data.Dataset) []int {
	y := ds.Labels()
	if y == nil {
		fail("%s needs a dataset with labels; %s has none", what, ds.Name())
	}
	return y
}

// Confusion returns the confusion matrix of model m's predictions on ds.
// It panics with Error if ds has no labels.
func Confusion(m nn.Module, ds *data.Dataset) *ConfusionMatrix {
	ds = ds.Snapshot()
	y := labeled("Confusion", ds)
	return NewConfusion(y, train.Predict(m, ds), ds.Classes())
}

// Evaluation is how a model does on a dataset. For a classifier: accuracy,
// log loss, AUC, the classification report and the confusion matrix; for
// a regression model (a dataset with a target): MSE, MAE and R², the
// classification fields NaN and nil. It renders itself.
type Evaluation struct {
	Dataset   string
	Rows      int
	Accuracy  float64
	LogLoss   float64
	AUC       float64 // one-vs-rest macro ROC AUC (binary: the AUC); NaN if a class is absent
	Report    *Report
	Confusion *ConfusionMatrix

	MSE, MAE, R2 float64 // regression; NaN for a classifier
}

// Evaluate measures model m on ds: a classifier if ds has labels, a
// regression model if it has a target. It panics with Error if ds has
// neither.
func Evaluate(m nn.Module, ds *data.Dataset) *Evaluation {
	ds = ds.Snapshot()
	if t := ds.Targets(); t != nil {
		p := train.PredictValues(m, ds)
		return &Evaluation{Dataset: ds.Name(), Rows: ds.Len(), Accuracy: math.NaN(), LogLoss: math.NaN(), AUC: math.NaN(),
			MSE: MSE(t, p), MAE: MAE(t, p), R2: R2(t, p)}
	}
	y := labeled("Evaluate", ds)
	proba := train.PredictProba(m, ds)
	pred := ArgMax(proba)
	cm := NewConfusion(y, pred, ds.Classes())
	e := &Evaluation{Dataset: ds.Name(), Rows: cm.Total(), Accuracy: cm.Accuracy(), LogLoss: LogLoss(y, proba), Report: cm.Report(), Confusion: cm, AUC: math.NaN(),
		MSE: math.NaN(), MAE: math.NaN(), R2: math.NaN()}
	present := 0
	for _, n := range ds.ClassCounts() {
		if n > 0 {
			present++
		}
	}
	if present == ds.NumClasses() && present >= 2 {
		e.AUC = aucOf(y, proba)
	}
	return e
}

func aucOf(y []int, proba [][]float64) float64 {
	if len(proba) > 0 && len(proba[0]) == 2 {
		pos := make([]bool, len(y))
		s := make([]float64, len(y))
		for i := range y {
			pos[i], s[i] = y[i] == 1, proba[i][1]
		}
		return AUC(pos, s)
	}
	return AUCOvR(y, proba)
}

func (e *Evaluation) String() string {
	if e.Confusion == nil {
		return fmt.Sprintf("%s: %d rows, MSE %.4g, MAE %.4g, R² %.4f", e.Dataset, e.Rows, e.MSE, e.MAE, e.R2)
	}
	return fmt.Sprintf("%s: %d rows, accuracy %.4f, log loss %.4f, AUC %.4f\n\n%s\n\n%s", e.Dataset, e.Rows, e.Accuracy, e.LogLoss, e.AUC, e.Report, e.Confusion)
}

// HTML renders the figures, the report and the confusion matrix side by side.
func (e *Evaluation) HTML() string {
	if e.Confusion == nil {
		return "<p>" + html.EscapeString(e.String()) + "</p>"
	}
	return fmt.Sprintf(`<div class="tandem-evaluation"><p><b>%s</b>: %d rows, accuracy <b>%.4f</b>, log loss %.4f, AUC %.4f</p>`+
		`<div style="display:flex;gap:2em;align-items:flex-start">%s%s</div></div>`,
		html.EscapeString(e.Dataset), e.Rows, e.Accuracy, e.LogLoss, e.AUC, e.Report.HTML(), e.Confusion.HTML())
}

// CV holds the options of CrossValidate. The zero value is 5 folds, seed 0.
type CV struct {
	Folds int   // default 5
	Seed  int64 // fold assignment (stratified) and nn.Seed for each fold's model
	// Standardize fits a data.Standardize scaler on each fold's training
	// rows and applies it to them and to the held-out fold, so no statistic
	// of a held-out row leaks into its model.
	Standardize bool
}

// CrossValidation holds out-of-fold predictions: for every row, what a
// model trained without that row's fold predicted for it. Rows are in the
// order of the dataset; Keys identify them.
type CrossValidation struct {
	Keys    []string
	Classes []string    // nil for regression
	Labels  []int       // true class ids (classification)
	Targets []float64   // true values (regression)
	Fold    []int       // fold of each row, 0-based
	Proba   [][]float64 // out-of-fold class probabilities (classification)
	Values  []float64   // out-of-fold predictions (regression)
	Scores  []float64   // per fold: accuracy, or R² for regression
}

// CrossValidate trains one model per fold, each made by newModel and
// trained with cfg on the other folds, and predicts the held-out fold, so
// every row gets a prediction from a model that never saw it. Folds are
// stratified by class and seeded; before each newModel call nn.Seed is set
// from cv.Seed and the fold, so the whole run is deterministic. One
// progress display (train.DefaultProgress unless cfg.Quiet or
// cfg.Progress is set) follows the epochs of all folds. Rows without a
// label or with a missing feature are left out of training, and get their
// out-of-fold prediction all the same.
func CrossValidate(newModel func() nn.Module, ds *data.Dataset, cfg train.Config, cv CV) *CrossValidation {
	ds = ds.Snapshot()
	k := cv.Folds
	if k == 0 {
		k = 5
	}
	folds := ds.Folds(k, cv.Seed)
	r := &CrossValidation{Keys: ds.Keys(), Fold: folds, Labels: ds.Labels(), Targets: ds.Targets()}
	regression := r.Targets != nil
	if !regression {
		labeled("CrossValidate", ds)
		r.Classes = ds.Classes()
		r.Proba = make([][]float64, ds.Len())
	} else {
		r.Labels = nil
		r.Values = make([]float64, ds.Len())
	}
	// One progress display for the whole run (k × epochs), not one per fold.
	var prog train.Progress
	if cfg.Progress == nil && !cfg.Quiet && train.DefaultProgress != nil {
		e := cfg.Epochs
		if e <= 0 {
			e = 10
		}
		rows := ds.Len() * (k - 1) / k
		rows -= int(float64(rows) * cfg.Validation)
		bs := cfg.BatchSize
		if bs == 0 {
			bs = 32
		}
		if bs < 0 || bs > rows {
			bs = rows
		}
		steps := 0
		if bs > 0 {
			steps = (rows + bs - 1) / bs
		}
		prog = train.DefaultProgress(k*e, steps)
		cfg.Progress = foldProgress{prog}
	}
	if prog != nil {
		defer prog.Done()
	}
	for f := 0; f < k; f++ {
		var in, out []int
		for i, g := range folds {
			if g == f {
				out = append(out, i)
			} else {
				in = append(in, i)
			}
		}
		nn.Seed(uint64(cv.Seed)*1000003 + uint64(f))
		m := newModel()
		fit, held := ds.Select(in), ds.Select(out)
		if cv.Standardize {
			sc := data.Standardize(fit)
			fit, held = sc.Apply(fit), sc.Apply(held)
		}
		train.Fit(m, fit, cfg)
		if regression {
			v := train.PredictValues(m, held)
			var y []float64
			for j, i := range out {
				r.Values[i] = v[j]
				y = append(y, r.Targets[i])
			}
			r.Scores = append(r.Scores, R2(y, v))
			continue
		}
		p := train.PredictProba(m, held)
		if len(p) > 0 && len(p[0]) != len(r.Classes) {
			fail("CrossValidate: the model gives %d probabilities for %d classes", len(p[0]), len(r.Classes))
		}
		var y []int
		for j, i := range out {
			r.Proba[i] = p[j]
			y = append(y, r.Labels[i])
		}
		r.Scores = append(r.Scores, Accuracy(y, ArgMax(p)))
	}
	return r
}

// foldProgress forwards a fold's progress to the run's display but keeps it
// open at the end of the fold.
type foldProgress struct{ p train.Progress }

func (f foldProgress) Step()                { f.p.Step() }
func (f foldProgress) Epoch(tl, vl float64) { f.p.Epoch(tl, vl) }
func (f foldProgress) Done()                {}

// Note forwards the epoch's accuracy line to displays that show one.
func (f foldProgress) Note(s string) {
	if n, ok := f.p.(interface{ Note(string) }); ok {
		n.Note(s)
	}
}

// Predicted returns the out-of-fold predicted class of each row.
func (r *CrossValidation) Predicted() []int { return ArgMax(r.Proba) }

// Accuracy returns the out-of-fold accuracy over all labeled rows.
func (r *CrossValidation) Accuracy() float64 { return Accuracy(r.Labels, r.Predicted()) }

// LogLoss returns the out-of-fold log loss over all labeled rows.
func (r *CrossValidation) LogLoss() float64 { return LogLoss(r.Labels, r.Proba) }

// Mean returns the mean and the standard deviation of the per-fold scores.
func (r *CrossValidation) Mean() (mean, std float64) {
	for _, s := range r.Scores {
		mean += s
	}
	mean /= float64(len(r.Scores))
	for _, s := range r.Scores {
		std += (s - mean) * (s - mean)
	}
	return mean, math.Sqrt(std / float64(len(r.Scores)))
}

// Confusion returns the confusion matrix of the out-of-fold predictions.
func (r *CrossValidation) Confusion() *ConfusionMatrix {
	return NewConfusion(r.Labels, r.Predicted(), r.Classes)
}

func (r *CrossValidation) String() string {
	mean, std := r.Mean()
	what := "accuracy"
	if r.Classes == nil {
		what = "R²"
	}
	scores := make([]string, len(r.Scores))
	for i, s := range r.Scores {
		scores[i] = fmt.Sprintf("%.4f", s)
	}
	s := fmt.Sprintf("%d-fold cross-validation, %d rows: %s %.4f ± %.4f (folds %s)", len(r.Scores), len(r.Keys), what, mean, std, strings.Join(scores, " "))
	if r.Classes != nil {
		s += fmt.Sprintf("; out-of-fold accuracy %.4f, log loss %.4f", r.Accuracy(), r.LogLoss())
	}
	return s
}

// HTML renders the summary line.
func (r *CrossValidation) HTML() string { return "<p>" + html.EscapeString(r.String()) + "</p>" }

func predictProba(m nn.Module, ds *data.Dataset) [][]float64 { return train.PredictProba(m, ds) }
