// Package effect measures how well feedback.Suspects finds label errors:
// the protocol of issue 6's effectiveness benchmark, shared by the
// regression test and bench/feedback.bench.sh.
//
// Digits (1,797 rows) are split 75/25, stratified and seeded; the features
// are standardised on the training rows; 10% of the training labels are
// flipped to another class drawn uniformly (data.Dataset.FlipLabels, seeded). Suspects ranks the
// noisy training rows; precision is the share of flipped rows among the
// first k, k the number flipped. A reviewer who knows the truth then fixes
// the first 15% of the training rows in review order (and, for the
// baseline, a random 15%); the model is retrained on each version and
// recovery is the share of the test accuracy lost to the noise that the
// review won back: (fixed − noisy) / (clean − noisy).
package effect

import (
	"fmt"
	"sort"
	"time"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/metrics"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
)

// Setup is one run of the protocol.
type Setup struct {
	Seed       int64
	Noise      float64 // fraction of training labels flipped; default 0.10
	Test       float64 // fraction held out; default 0.25
	Review     float64 // fraction of training rows reviewed; default 0.15
	Model      func(features, classes int) nn.Module
	Config     train.Config     // trains the evaluation models (clean, noisy, fixed)
	Options    feedback.Options // for Suspects; Seed is set to the run's seed
	SkipRandom bool             // do not measure the random review
}

// Result is what one run measured.
type Result struct {
	TrainRows, TestRows, Flipped int
	Flagged                      int     // rows Suspects proposed
	Precision                    float64 // flipped rows among the first Flipped in review order
	ScorePrecision               float64 // the same, ranking every row by score alone
	FlaggedPrecision             float64 // flipped rows among those proposed
	Reviewed                     int
	Caught                       float64 // share of the flipped rows among the Reviewed first in review order
	Clean, Noisy, Fixed, Random  float64 // test accuracy
	Recovery, RandomRecovery     float64
	Suspects                     time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("flipped %d of %d; proposed %d (precision %.3f); precision@%d %.3f (by score alone %.3f); the first %d catch %.3f of them; test accuracy clean %.4f noisy %.4f fixed %.4f random %.4f; recovery %.2f (random %.2f); Suspects %v",
		r.Flipped, r.TrainRows, r.Flagged, r.FlaggedPrecision, r.Flipped, r.Precision, r.ScorePrecision, r.Reviewed, r.Caught, r.Clean, r.Noisy, r.Fixed, r.Random, r.Recovery, r.RandomRecovery, r.Suspects.Round(time.Millisecond))
}

// Split is the data of one run: the standardised training rows with their
// true and noisy labels, and the test rows.
type Split struct {
	Train, Test *data.Dataset // Train carries the noisy labels
	True        []int         // the true label of each training row
	Flipped     []bool        // whether each training row's label was flipped
	TrainIndex  []int         // row numbers in data.Digits() of the training rows
	TestIndex   []int
}

// MakeSplit splits, standardises and flips as the protocol says.
func MakeSplit(s Setup) *Split {
	s = defaults(s)
	all := data.Digits()
	index := map[string]int{}
	for i, k := range all.Keys() {
		index[k] = i
	}
	tr, te := all.Split(1-s.Test, s.Seed)
	sc := data.Standardize(tr)
	tr, te = sc.Apply(tr), sc.Apply(te)
	sp := &Split{Test: te, True: tr.Labels()}
	for _, k := range tr.Keys() {
		sp.TrainIndex = append(sp.TrainIndex, index[k])
	}
	for _, k := range te.Keys() {
		sp.TestIndex = append(sp.TestIndex, index[k])
	}
	noisy, flipped := tr.FlipLabels(s.Noise, s.Seed+1)
	sp.Train = noisy
	sp.Flipped = make([]bool, tr.Len())
	for _, k := range flipped {
		sp.Flipped[noisy.Index(k)] = true
	}
	return sp
}

func defaults(s Setup) Setup {
	if s.Noise == 0 {
		s.Noise = 0.10
	}
	if s.Test == 0 {
		s.Test = 0.25
	}
	if s.Review == 0 {
		s.Review = 0.15
	}
	return s
}

// Run runs the protocol once.
func Run(s Setup) Result {
	s = defaults(s)
	sp := MakeSplit(s)
	tr := sp.Train
	r := Result{TrainRows: tr.Len(), TestRows: sp.Test.Len()}
	for _, f := range sp.Flipped {
		if f {
			r.Flipped++
		}
	}
	fit := func(ds *data.Dataset) float64 {
		nn.Seed(uint64(s.Seed) + 17)
		m := s.Model(ds.NumFeatures(), ds.NumClasses())
		cfg := s.Config
		cfg.Seed, cfg.Quiet = s.Seed, true
		train.Fit(m, ds, cfg)
		return metrics.Accuracy(sp.Test.Labels(), train.Predict(m, sp.Test))
	}
	nn.Seed(uint64(s.Seed) + 17)
	m := s.Model(tr.NumFeatures(), tr.NumClasses())
	opt := s.Options
	opt.Seed, opt.Quiet = s.Seed, true
	start := time.Now()
	q := feedback.SuspectsWith(m, tr, opt)
	r.Suspects = time.Since(start)
	r.Flagged = q.Len()
	hits := 0
	for _, row := range q.Rows() {
		if sp.Flipped[row] {
			hits++
		}
	}
	if r.Flagged > 0 {
		r.FlaggedPrecision = float64(hits) / float64(r.Flagged)
	}
	rank := q.Rank()
	hits = 0
	for _, row := range rank[:r.Flipped] {
		if sp.Flipped[row] {
			hits++
		}
	}
	r.Precision = float64(hits) / float64(r.Flipped)
	byScore := make([]int, tr.Len())
	for i := range byScore {
		byScore[i] = i
	}
	sort.SliceStable(byScore, func(a, b int) bool { return q.Scores[byScore[a]] < q.Scores[byScore[b]] })
	hits = 0
	for _, row := range byScore[:r.Flipped] {
		if sp.Flipped[row] {
			hits++
		}
	}
	r.ScorePrecision = float64(hits) / float64(r.Flipped)
	r.Reviewed = int(s.Review*float64(tr.Len()) + 0.5)
	hits = 0
	for _, row := range rank[:r.Reviewed] {
		if sp.Flipped[row] {
			hits++
		}
	}
	r.Caught = float64(hits) / float64(r.Flipped)

	clean := data.New(data.Frame{Name: "digits", Features: tr.Features(), X: rowsOf(tr), Y: sp.True, Classes: tr.Classes(), Keys: tr.Keys()})
	r.Clean = fit(clean)
	r.Noisy = fit(tr)
	r.Fixed = fit(review(tr, sp, rank[:r.Reviewed]))
	if !s.SkipRandom {
		r.Random = fit(review(tr, sp, data.Rand(s.Seed + 2).Perm(tr.Len())[:r.Reviewed]))
	}
	if lost := r.Clean - r.Noisy; lost != 0 {
		r.Recovery = (r.Fixed - r.Noisy) / lost
		r.RandomRecovery = (r.Random - r.Noisy) / lost
	}
	return r
}

// review returns a copy of the noisy training set in which the given rows
// carry their true labels, as a reviewer who knows the truth would leave
// them: relabel events replayed over the noisy data, as the ledger does.
func review(tr *data.Dataset, sp *Split, rows []int) *data.Dataset {
	keys, classes := tr.Keys(), tr.Classes()
	var cs []data.Change
	for _, i := range rows {
		if sp.Flipped[i] {
			cs = append(cs, data.Change{Op: data.Relabel, Key: keys[i], Value: classes[sp.True[i]]})
		}
	}
	out := data.New(data.Frame{Name: tr.Name(), Features: tr.Features(), X: rowsOf(tr), Y: tr.Labels(), Classes: classes, Keys: keys})
	if _, err := out.Replay(cs); err != nil {
		panic(err)
	}
	return out
}

func rowsOf(ds *data.Dataset) [][]float64 {
	x := make([][]float64, ds.Len())
	for i := range x {
		x[i] = ds.Row(i)
	}
	return x
}
