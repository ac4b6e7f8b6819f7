package feedback

import (
	"fmt"
	"math"
	"sort"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/metrics"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/tensor"
	"tandem.dev/tandem/runtime/train"
)

// Rank says how Suspects orders the rows it flags.
type Rank int

const (
	// NormalizedMargin ranks by p̂(given) − max_{c≠given} p̂(c), lowest
	// first: rows whose label the model finds much less likely than another
	// class (Northcutt et al. 2021 §4; cleanlab's "normalized_margin",
	// which maps it to [0, 1] as (margin+1)/2, as Score does).
	NormalizedMargin Rank = iota
	// SelfConfidence ranks by p̂(given), the probability of the given label,
	// lowest first.
	SelfConfidence
)

func (r Rank) String() string {
	switch r {
	case NormalizedMargin:
		return "normalized margin"
	case SelfConfidence:
		return "self-confidence"
	}
	return "Rank(?)"
}

// Filter says which rows confident learning flags (Northcutt et al. 2021,
// §3.2). Every filter leaves out rows whose given label is the model's most
// probable class, as cleanlab does.
type Filter int

const (
	// PruneByNoiseRate flags, for every given class i and other class j,
	// the n·Q̂[i][j] rows labelled i with the largest margin p̂(j) − p̂(i)
	// (the paper's PBNR; cleanlab's default).
	PruneByNoiseRate Filter = iota
	// PruneByClass flags, for every class i, the n·Σ_{j≠i} Q̂[i][j] rows
	// labelled i with the lowest self-confidence p̂(i) (PBC).
	PruneByClass
	// Both flags the rows both of the above flag (C+NR).
	Both
	// OffDiagonal flags the rows counted off the diagonal of the confident
	// joint: confidently of a class other than their label (C_confusion's
	// sibling C_ỹ,y*).
	OffDiagonal
)

func (f Filter) String() string {
	switch f {
	case PruneByNoiseRate:
		return "prune by noise rate"
	case PruneByClass:
		return "prune by class"
	case Both:
		return "prune by class and noise rate"
	case OffDiagonal:
		return "confident joint off-diagonal"
	}
	return "Filter(?)"
}

// Options holds the options of SuspectsWith. The zero value runs 5-fold
// cross-validation with seed 0 and the default training (DefaultConfig),
// flags rows by noise rate and ranks them by normalized margin.
type Options struct {
	Folds int   // cross-validation folds; default 5
	Seed  int64 // folds (stratified), each fold's initial weights and shuffling

	// Config trains each fold's model. When Epochs is 0 the whole Config is
	// replaced by DefaultConfig(ds); set Epochs to use your own.
	Config train.Config
	// Model, when set, makes each fold's fresh, untrained model (called once
	// per fold, after nn.Seed). Default: a clone of m with every layer
	// re-initialised, so no fold sees weights trained on its held-out rows.
	// Models defined in a cell cannot be cloned: pass Model for those.
	Model func() nn.Module
	// Proba, when set, holds out-of-fold probabilities computed elsewhere
	// (one row per row of ds, one column per class): nothing is trained.
	Proba [][]float64

	Rank   Rank
	Filter Filter
	Quiet  bool // show no progress while the folds train
}

// Suspects returns the rows of ds whose labels are likely wrong, most
// likely first, found by confident learning (Northcutt, Jiang and Chuang,
// "Confident Learning: Estimating Uncertainty in Dataset Labels", JAIR 70,
// 2021): every row gets out-of-fold predicted probabilities from a fresh
// copy of m trained on the other folds, per-class thresholds and the
// confident joint estimate how many rows of each label belong to each other
// class, and that many rows are flagged by noise rate and ranked by
// normalized margin. It is SuspectsWith with the zero Options; m itself is
// not changed.
//
// It panics with Error if ds has no labels, and with host.Interrupted when
// the cell is interrupted (the folds call host.Check every batch).
func Suspects(m nn.Module, ds *data.Dataset) *Queue {
	return SuspectsWith(m, ds, Options{})
}

// SuspectsWith is Suspects with options. m may be nil when opt.Model or
// opt.Proba is set.
func SuspectsWith(m nn.Module, ds *data.Dataset, opt Options) *Queue {
	ds = ds.Snapshot()
	labels := ds.Labels()
	if labels == nil {
		fail("Suspects needs a dataset with labels; %s has none", ds.Name())
	}
	classes := ds.Classes()
	proba := opt.Proba
	if proba == nil {
		if m == nil && opt.Model == nil {
			fail("Suspects needs a model (or Options.Model or Options.Proba)")
		}
		proba = outOfFold(m, ds, opt)
	}
	if len(proba) != ds.Len() {
		fail("Suspects: %d rows of probabilities for %d rows", len(proba), ds.Len())
	}
	for i, p := range proba {
		if len(p) != len(classes) {
			fail("Suspects: row %d has %d probabilities for %d classes", i, len(p), len(classes))
		}
	}
	host.Check()
	// A row with a missing feature may get no probabilities (NaN): it is
	// left out like an unlabelled row.
	labels = append([]int(nil), labels...)
	for i, p := range proba {
		for _, v := range p {
			if math.IsNaN(v) {
				labels[i] = -1
				break
			}
		}
	}
	j := NewJoint(proba, labels, classes)
	flag := j.filter(labels, opt.Filter)
	q := &Queue{Kind: "suspects", Dataset: ds.Name(), Version: ds.Hash(), ModelVersion: ModelVersion(m), Classes: classes,
		Proba: proba, Joint: j, keys: ds.Keys(),
		Method: fmt.Sprintf("confident learning, %d-fold out-of-fold probabilities, %s, ranked by %s", folds(opt), opt.Filter, opt.Rank)}
	if opt.Proba != nil {
		q.Method = fmt.Sprintf("confident learning on given probabilities, %s, ranked by %s", opt.Filter, opt.Rank)
	}
	q.Scores = make([]float64, len(labels))
	for i, y := range labels {
		if y < 0 {
			q.Scores[i] = math.NaN()
			continue
		}
		q.Scores[i] = score(proba[i], y, opt.Rank)
	}
	keys := q.keys
	for i, y := range labels {
		if !flag[i] {
			continue
		}
		s := argmax(proba[i])
		q.Items = append(q.Items, Item{Key: keys[i], Row: i, Given: classes[y], Suggested: classes[s], Prob: proba[i][s],
			Score: q.Scores[i], Why: j.why(i, y, s)})
	}
	sort.SliceStable(q.Items, func(a, b int) bool { return q.Items[a].Score < q.Items[b].Score })
	q.thumbnails(ds)
	return q
}

func folds(opt Options) int {
	if opt.Folds == 0 {
		return 5
	}
	return opt.Folds
}

// score is the label quality of a row with given label y: lower is more
// suspect.
func score(p []float64, y int, r Rank) float64 {
	if r == SelfConfidence {
		return p[y]
	}
	other := math.Inf(-1)
	for c, v := range p {
		if c != y && v > other {
			other = v
		}
	}
	if math.IsInf(other, -1) {
		other = 0
	}
	return (p[y] - other + 1) / 2
}

func argmax(p []float64) int {
	best := 0
	for c, v := range p {
		if v > p[best] {
			best = c
		}
	}
	return best
}

// filter returns which rows are flagged.
func (j *Joint) filter(labels []int, f Filter) []bool {
	var flag []bool
	switch f {
	case PruneByNoiseRate:
		flag = j.prune(labels)
	case PruneByClass:
		flag = j.pruneByClass(labels)
	case Both:
		flag = j.prune(labels)
		pc := j.pruneByClass(labels)
		for i := range flag {
			flag[i] = flag[i] && pc[i]
		}
	case OffDiagonal:
		flag = make([]bool, len(labels))
		for i, y := range labels {
			flag[i] = y >= 0 && j.guess[i] >= 0 && j.guess[i] != y
		}
	default:
		fail("unknown Filter %d", int(f))
	}
	for i, y := range labels {
		if flag[i] && (y < 0 || argmax(j.proba[i]) == y) {
			flag[i] = false
		}
	}
	return flag
}

// pruneByClass flags, in each class i, the Σ_{c≠i} Calibrated[i][c] rows
// labelled i with the lowest self-confidence (keeping at least one).
func (j *Joint) pruneByClass(labels []int) []bool {
	flag := make([]bool, len(labels))
	for i := range j.Classes {
		var rows []int
		for r, y := range labels {
			if y == i {
				rows = append(rows, r)
			}
		}
		n := 0
		for c, v := range j.Calibrated[i] {
			if c != i {
				n += v
			}
		}
		n = min(n, len(rows)-1)
		if n <= 0 {
			continue
		}
		sort.SliceStable(rows, func(a, b int) bool { return j.proba[rows[a]][i] < j.proba[rows[b]][i] })
		for _, r := range rows[:n] {
			flag[r] = true
		}
	}
	return flag
}

// why says in words why row i (given label y, most probable class s) was
// flagged.
func (j *Joint) why(i, y, s int) string {
	p := j.proba[i]
	g, c := j.Classes[y], j.Classes[s]
	if j.guess[i] == s {
		return fmt.Sprintf("p(%s) = %.2f reaches %s's threshold %.2f; its label %s has %.2f (rows labelled %s average %.2f)",
			c, p[s], c, j.Thresholds[s], g, p[y], g, j.Thresholds[y])
	}
	as, ok := j.as[i]
	if !ok {
		as = s
	}
	a := j.Classes[as]
	return fmt.Sprintf("one of the %d rows labelled %s that look most like %s (p %.2f); the model says %s %.2f against %.2f for %s",
		j.Calibrated[y][as], g, a, p[as], c, p[s], p[y], g)
}

// DefaultConfig is how Suspects trains each fold's model when
// Options.Config has no Epochs: Adam (learning rate 0.003) with batches of
// 32 and L2 1e-3.
//
// With 500 or more rows per fold it holds out a tenth of the fold's
// training rows (stratified) and stops when their loss has not improved for
// a while, keeping the best weights: up to 100 epochs a fold with a
// patience of 8 for a few thousand rows, fewer for more rows, so that a
// fold sees about 300,000 rows in all (at least 10 epochs, patience 3).
// With fewer than 500 rows, where a tenth is too few to judge by, it trains
// a fixed number of epochs, about 1,500 steps (50 to 300 epochs).
//
// The progress display Suspects shows counts the epochs of all folds (500
// for 5 folds of up to 100), says which fold is training, and ends with a
// line such as "done: fold 5/5, each stopped early: 91 epochs of up to
// 500".
//
// Early stopping and the L2 matter more than the exact numbers: a model
// trained until it memorises the noisy labels is over-confident on
// held-out rows too, and confident learning needs probabilities it can
// compare. (Chosen on digits with 10% flipped labels over 7 seeds with a
// 64-128-10 MLP: precision in the top k 0.87–0.96 against 0.83–0.94 with
// learning rate 0.01 and L2 1e-4.) A nil ds gives the setting for digits.
func DefaultConfig(ds *data.Dataset) train.Config {
	cfg := train.Config{Epochs: 100, BatchSize: 32, Optimizer: train.Adam, LR: 0.003, L2: 1e-3,
		Validation: 0.1, Patience: 8, RestoreBest: true}
	if ds == nil {
		return cfg
	}
	rows := ds.Len() * 4 / 5
	if rows < 500 {
		steps := max((rows+31)/32, 1)
		cfg.Epochs = min(max((1500+steps-1)/steps, 50), 300)
		cfg.Validation, cfg.Patience, cfg.RestoreBest = 0, 0, false
		return cfg
	}
	cfg.Epochs = min(max(300000/rows, 10), 100)
	cfg.Patience = max(cfg.Epochs/12, 3)
	return cfg
}

// outOfFold trains a fresh model per fold and returns the out-of-fold
// probabilities.
func outOfFold(m nn.Module, ds *data.Dataset, opt Options) [][]float64 {
	cfg := opt.Config
	if cfg.Epochs == 0 {
		cfg = DefaultConfig(ds)
	}
	cfg.Seed = opt.Seed
	k := folds(opt)
	newModel := opt.Model
	if newModel == nil {
		fold := 0
		newModel = func() nn.Module {
			c := clone(m)
			reinit(c, data.Rand(opt.Seed*7919+int64(fold)))
			fold++
			return c
		}
	}
	if cfg.Progress == nil && !opt.Quiet && !cfg.Quiet && train.DefaultProgress != nil {
		rows := ds.Len() * (k - 1) / k
		rows -= int(float64(rows) * cfg.Validation)
		bs := cfg.BatchSize
		if bs <= 0 {
			bs = 32
			if cfg.BatchSize < 0 {
				bs = rows
			}
		}
		p := train.DefaultProgress(k*cfg.Epochs, (rows+bs-1)/max(bs, 1))
		f := &folded{p: p, folds: k, epochs: cfg.Epochs}
		defer f.finish()
		cfg.Progress = f
	}
	cv := metrics.CrossValidate(newModel, ds, cfg, metrics.CV{Folds: k, Seed: opt.Seed})
	return cv.Proba
}

// clone is nn.Clone, turning its refusal (a model type defined in a cell)
// into advice on what to pass instead.
func clone(m nn.Module) (c nn.Module) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(nn.Error); ok {
				fail("Suspects trains a fresh copy of the model per fold, but %s; pass Options.Model, a func that builds a fresh model", e.Msg)
			}
			panic(r)
		}
	}()
	return nn.Clone(m)
}

// folded forwards the progress of every fold's Fit to one display, keeps
// it open between folds, and says which fold is training. Its total is
// every fold's epoch budget (folds × Config.Epochs); folds that stop early
// leave it short, so finish ends it with a plain final line
// ("done: fold 5/5, stopped early at epoch 91 of up to 500") and, for a
// display that can, sets its total to the epochs run (SetEpochs(int)).
type folded struct {
	p      train.Progress
	folds  int    // k
	epochs int    // each fold's budget, Config.Epochs
	fold   int    // folds finished
	run    int    // epochs run, all folds
	inFold int    // epochs run in the current fold
	early  int    // folds that stopped before their budget
	last   string // the last epoch's note from Fit (accuracy)
}

func (f *folded) Step() { f.p.Step() }
func (f *folded) Epoch(tl, vl float64) {
	f.run++
	f.inFold++
	f.p.Epoch(tl, vl)
}

// Done ends one fold's Fit (not the display).
func (f *folded) Done() {
	if f.inFold < f.epochs {
		f.early++
	}
	f.fold++
	f.inFold = 0
}

func (f *folded) Note(s string) {
	f.last = s
	noter(f.p, fmt.Sprintf("fold %d/%d: %s", min(f.fold+1, f.folds), f.folds, s))
}

// finish writes the final state and closes the display.
func (f *folded) finish() {
	sum := f.summary()
	if f.last != "" {
		sum += "; last fold " + f.last
	}
	noter(f.p, sum)
	if s, ok := f.p.(interface{ SetEpochs(int) }); ok && f.run < f.folds*f.epochs {
		s.SetEpochs(f.run)
	}
	f.p.Done()
}

func (f *folded) summary() string {
	switch {
	case f.fold < f.folds:
		return fmt.Sprintf("stopped in fold %d/%d after %d epochs in all", f.fold+1, f.folds, f.run)
	case f.early == 0:
		return fmt.Sprintf("done: fold %d/%d, %d epochs each", f.folds, f.folds, f.epochs)
	case f.early == f.folds:
		return fmt.Sprintf("done: fold %d/%d, each stopped early: %d epochs of up to %d", f.folds, f.folds, f.run, f.folds*f.epochs)
	}
	return fmt.Sprintf("done: fold %d/%d, %d stopped early: %d epochs of up to %d", f.folds, f.folds, f.early, f.run, f.folds*f.epochs)
}

func noter(p train.Progress, s string) {
	if n, ok := p.(interface{ Note(string) }); ok {
		n.Note(s)
	}
}

// reinit gives every parameter of m fresh initial values drawn from rng:
// Linear and Conv2D as PyTorch initialises them (uniform in ±1/√fan-in for
// weights and biases), BatchNorm back to γ = 1, β = 0 and unit running
// statistics, any other parameter of two or more dimensions uniform in
// ±1/√(its first dimension) and any other vector to zero.
func reinit(m nn.Module, rng interface{ Float64() float64 }) {
	done := map[*autograd.Var]bool{}
	uniform := func(v *autograd.Var, bound float64) {
		if v == nil {
			return
		}
		d := v.Value.Data()
		for i := range d {
			d[i] = float32((2*rng.Float64() - 1) * bound)
		}
		done[v] = true
	}
	fill := func(t *tensor.Tensor, x float32) {
		if t == nil {
			return
		}
		d := t.Data()
		for i := range d {
			d[i] = x
		}
	}
	var walk func(m nn.Module)
	walk = func(m nn.Module) {
		switch l := m.(type) {
		case *nn.Linear:
			b := 1 / math.Sqrt(float64(l.In))
			uniform(l.W, b)
			uniform(l.B, b)
		case *nn.Conv2D:
			b := 1 / math.Sqrt(float64(l.InChannels*l.Kernel*l.Kernel))
			uniform(l.W, b)
			uniform(l.B, b)
		case *nn.BatchNorm:
			fill(l.Gamma.Value, 1)
			fill(l.Beta.Value, 0)
			fill(l.RunningMean, 0)
			fill(l.RunningVar, 1)
			done[l.Gamma], done[l.Beta] = true, true
		}
		for _, c := range nn.Children(m) {
			walk(c)
		}
	}
	walk(m)
	for _, p := range m.Parameters() {
		if done[p] {
			continue
		}
		if s := p.Value.Shape(); len(s) >= 2 {
			uniform(p, 1/math.Sqrt(float64(s[0])))
		} else {
			fill(p.Value, 0)
			done[p] = true
		}
	}
}
