package data

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Rand returns the package's seeded generator: the same seed gives the same
// sequence on every platform and Go release (PCG).
func Rand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

// strata groups row positions by class id (unlabeled rows and datasets
// without labels form one group), in position order.
func (ds *Dataset) strata() [][]int {
	s := ds.s()
	if s.t.y == nil {
		all := make([]int, len(s.rows))
		for i := range all {
			all[i] = i
		}
		return [][]int{all}
	}
	groups := make([][]int, len(s.t.classes)+1)
	for i, r := range s.rows {
		y := s.t.y[r]
		if y < 0 {
			y = len(s.t.classes)
		}
		groups[y] = append(groups[y], i)
	}
	return groups
}

// Split returns a seeded random split into a training part with about frac
// of the rows and a test part with the rest, stratified by class (each
// class is split in the same proportion). Both parts keep the original row
// order. The same data and seed always give the same split.
//
// ds remembers which keys went to the test side, so that after corrections
// are replayed ds.Train() and ds.Test() give the corrected parts.
// Split panics with Error unless 0 < frac < 1.
func (ds *Dataset) Split(frac float64, seed int64) (train, test *Dataset) {
	train, test, testKeys := ds.split2(frac, seed)
	ds.mu.Lock()
	ds.split = testKeys
	ds.mu.Unlock()
	return train, test
}

// Holdout is Split without ds remembering it: for a validation set carved
// out of training rows, so that ds.Train() and ds.Test() keep meaning the
// last Split.
func (ds *Dataset) Holdout(frac float64, seed int64) (train, held *Dataset) {
	train, held, _ = ds.split2(frac, seed)
	return train, held
}

func (ds *Dataset) split2(frac float64, seed int64) (train, test *Dataset, testKeys map[string]bool) {
	ds = ds.Snapshot()
	if !(frac > 0 && frac < 1) {
		fail("split fraction %v is not in (0, 1)", frac)
	}
	rng := Rand(seed)
	var tr, te []int
	for _, g := range ds.strata() {
		g = append([]int(nil), g...)
		rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
		n := int(math.Round(frac * float64(len(g))))
		tr = append(tr, g[:n]...)
		te = append(te, g[n:]...)
	}
	sort.Ints(tr)
	sort.Ints(te)
	keys := ds.Keys()
	testKeys = make(map[string]bool, len(te))
	for _, p := range te {
		testKeys[keys[p]] = true
	}
	return ds.Select(tr), ds.Select(te), testKeys
}

// Train returns the rows of ds (with the replayed changes) that the last
// Split put on the training side; all rows if ds was never split.
func (ds *Dataset) Train() *Dataset { return ds.side(false) }

// Test returns the rows of ds (with the replayed changes) that the last
// Split put on the test side; no rows if ds was never split.
func (ds *Dataset) Test() *Dataset { return ds.side(true) }

func (ds *Dataset) side(test bool) *Dataset {
	ds.mu.Lock()
	split := ds.split
	ds.mu.Unlock()
	s := ds.s()
	var rows []int
	for _, r := range s.rows {
		if split[s.t.keys[r]] == test {
			rows = append(rows, r)
		}
	}
	return ds.view(s.t, rows)
}

// Folds assigns each row to one of k folds (0…k-1), stratified by class and
// seeded: fold sizes differ by at most one within each class. It panics
// with Error if k < 2 or k > Len().
func (ds *Dataset) Folds(k int, seed int64) []int {
	ds = ds.Snapshot()
	if k < 2 || k > ds.Len() {
		fail("%d folds for %d rows: need 2 ≤ k ≤ rows", k, ds.Len())
	}
	rng := Rand(seed)
	fold := make([]int, ds.Len())
	next := 0
	for _, g := range ds.strata() {
		g = append([]int(nil), g...)
		rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
		for _, p := range g {
			fold[p] = next
			next = (next + 1) % k
		}
	}
	return fold
}

// Shuffle returns a view of the rows in a seeded random order.
func (ds *Dataset) Shuffle(seed int64) *Dataset {
	ds = ds.Snapshot()
	p := Rand(seed).Perm(ds.Len())
	return ds.Select(p)
}
