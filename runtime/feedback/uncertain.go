package feedback

import (
	"fmt"
	"math"
	"sort"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
)

// Uncertainty says how Uncertain measures how unsure the model is of a row
// (Settles, "Active Learning Literature Survey", 2009, §3.1). Each gives a
// score where lower means less sure.
type Uncertainty int

const (
	// Margin is p̂₁ − p̂₂, the gap between the two most probable classes
	// (Scheffer et al. 2001): 0 when the model cannot choose between two.
	Margin Uncertainty = iota
	// Entropy scores 1 − H(p̂)/log K, with H the entropy of the predicted
	// distribution over K classes: 0 when every class is equally likely.
	Entropy
	// LeastConfidence scores p̂_max, the probability of the most probable
	// class (Lewis and Gale 1994).
	LeastConfidence
)

func (u Uncertainty) String() string {
	switch u {
	case Margin:
		return "margin"
	case Entropy:
		return "entropy"
	case LeastConfidence:
		return "least confidence"
	}
	return "Uncertainty(?)"
}

// UncertainOptions holds the options of UncertainWith. The zero value ranks
// every row by margin.
type UncertainOptions struct {
	Method Uncertainty
	Limit  int  // rows proposed, least sure first; 0 = every row
	Only   bool // only rows without a label (the pool of an active-learning loop)
}

// Uncertain returns the rows of ds that model m is least sure of, least
// sure first, ranked by the margin between its two most probable classes:
// for active learning, the rows whose labels would teach the model most.
// ds may be unlabelled (a pool of new rows); m is used as it is, not
// retrained. It is UncertainWith with the zero options. It calls host.Check
// between batches, so an interrupt stops it.
func Uncertain(m nn.Module, ds *data.Dataset) *Queue {
	return UncertainWith(m, ds, UncertainOptions{})
}

// UncertainWith is Uncertain with options. It panics with Error if the
// model's output does not give at least two class probabilities.
func UncertainWith(m nn.Module, ds *data.Dataset, opt UncertainOptions) *Queue {
	ds = ds.Snapshot()
	proba := train.PredictProba(m, ds)
	classes := ds.Classes()
	if len(proba) > 0 {
		k := len(proba[0])
		if k < 2 {
			fail("Uncertain needs class probabilities; the model gives %d", k)
		}
		if classes != nil && len(classes) != k {
			fail("Uncertain: the model gives %d probabilities for %d classes", k, len(classes))
		}
		if classes == nil {
			classes = make([]string, k)
			for c := range classes {
				classes[c] = fmt.Sprint(c)
			}
		}
	}
	host.Check()
	labels, keys := ds.Labels(), ds.Keys()
	q := &Queue{Kind: "uncertain", Dataset: ds.Name(), Version: ds.Hash(), ModelVersion: ModelVersion(m), Classes: classes,
		Proba: proba, Scores: make([]float64, ds.Len()), keys: keys,
		Method: fmt.Sprintf("ranked by %s, least sure first", opt.Method)}
	var rows []int
	for i, p := range proba {
		q.Scores[i] = certainty(p, opt.Method)
		if opt.Only && labels != nil && labels[i] >= 0 {
			continue
		}
		if math.IsNaN(q.Scores[i]) { // a missing feature: nothing to say
			continue
		}
		rows = append(rows, i)
	}
	sort.SliceStable(rows, func(a, b int) bool { return q.Scores[rows[a]] < q.Scores[rows[b]] })
	if opt.Limit > 0 && len(rows) > opt.Limit {
		rows = rows[:opt.Limit]
	}
	for _, i := range rows {
		p := proba[i]
		a, b := top2(p)
		it := Item{Key: keys[i], Row: i, Suggested: classes[a], Prob: p[a], Score: q.Scores[i]}
		if labels != nil && labels[i] >= 0 {
			it.Given = classes[labels[i]]
		}
		switch opt.Method {
		case Entropy:
			it.Why = fmt.Sprintf("entropy %.2f of at most %.2f; %s %.2f, %s %.2f", entropy(p), math.Log(float64(len(p))), classes[a], p[a], classes[b], p[b])
		case LeastConfidence:
			it.Why = fmt.Sprintf("its most probable class %s has only %.2f", classes[a], p[a])
		default:
			it.Why = fmt.Sprintf("%s %.2f against %s %.2f: margin %.2f", classes[a], p[a], classes[b], p[b], p[a]-p[b])
		}
		q.Items = append(q.Items, it)
	}
	q.thumbnails(ds)
	return q
}

// certainty is the score of a row under u: lower is less sure.
func certainty(p []float64, u Uncertainty) float64 {
	a, b := top2(p)
	switch u {
	case Margin:
		return p[a] - p[b]
	case Entropy:
		return 1 - entropy(p)/math.Log(float64(len(p)))
	case LeastConfidence:
		return p[a]
	}
	fail("unknown Uncertainty %d", int(u))
	return 0
}

func entropy(p []float64) float64 {
	h := 0.0
	for _, v := range p {
		if v > 0 {
			h -= v * math.Log(v)
		}
	}
	return h
}

// top2 returns the most and the second most probable classes.
func top2(p []float64) (int, int) {
	a, b := 0, 1
	if p[b] > p[a] {
		a, b = b, a
	}
	for c := 2; c < len(p); c++ {
		switch {
		case p[c] > p[a]:
			a, b = c, a
		case p[c] > p[b]:
			b = c
		}
	}
	return a, b
}
