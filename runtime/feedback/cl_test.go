package feedback

import (
	"math"
	"reflect"
	"testing"

	"tandem.dev/tandem/runtime/data"
)

// The expected values below were worked out by hand from the definitions in
// Northcutt et al. (2021): t_j = mean p̂(j|x) over rows labelled j (eq. 2),
// the confident joint (eq. 1) and its calibration (eq. 3).
func TestNewJoint(t *testing.T) {
	nan := math.NaN()
	for i, test := range []struct {
		name       string
		proba      [][]float64
		labels     []int
		thresholds []float64
		counts     [][]int
		calibrated [][]int
		flagged    []bool // prune by noise rate
	}{
		{
			name: "one flipped row",
			proba: [][]float64{
				{0.9, 0.05, 0.05}, {0.1, 0.8, 0.1}, // labelled 0; the second looks like a 1
				{0.2, 0.7, 0.1}, {0.1, 0.6, 0.3}, // labelled 1; the second is below t1
				{0.1, 0.1, 0.8}, {0.05, 0.05, 0.9}, // labelled 2; the first is below t2
			},
			labels:     []int{0, 0, 1, 1, 2, 2},
			thresholds: []float64{0.5, 0.65, 0.85},
			counts:     [][]int{{1, 1, 0}, {0, 1, 0}, {0, 0, 1}},
			calibrated: [][]int{{1, 1, 0}, {0, 2, 0}, {0, 0, 2}},
			flagged:    []bool{false, true, false, false, false, false},
		},
		{
			// Row 1 reaches only class 1's threshold although class 0 is its
			// argmax: the paper counts it as a 1 (cleanlab would say 0).
			name:       "one class at threshold, not the argmax",
			proba:      [][]float64{{0.7, 0.2, 0.1}, {0.5, 0.3, 0.2}, {0.1, 0.3, 0.6}, {0.1, 0.1, 0.8}},
			labels:     []int{0, 0, 1, 2},
			thresholds: []float64{0.6, 0.3, 0.8},
			counts:     [][]int{{1, 1, 0}, {0, 1, 0}, {0, 0, 1}},
			calibrated: [][]int{{1, 1, 0}, {0, 1, 0}, {0, 0, 1}},
			// Class 0 may lose one row: the one with the largest p1 − p0
			// (row 1), but its argmax is its label, so it is not flagged.
			flagged: []bool{false, false, false, false},
		},
		{
			name:       "two classes at threshold: the more probable",
			proba:      [][]float64{{0.4, 0.3, 0.3}, {0.3, 0.4, 0.3}, {0.2, 0.45, 0.35}},
			labels:     []int{0, 1, 2},
			thresholds: []float64{0.4, 0.4, 0.35},
			counts:     [][]int{{1, 0, 0}, {0, 1, 0}, {0, 1, 0}},
			calibrated: [][]int{{1, 0, 0}, {0, 1, 0}, {0, 1, 0}},
			// Class 2 has one row, which it keeps.
			flagged: []bool{false, false, false},
		},
		{
			name:       "a class nobody is labelled with has no threshold",
			proba:      [][]float64{{0.6, 0.4}, {0.3, 0.7}, {0.8, 0.2}},
			labels:     []int{0, 0, -1},
			thresholds: []float64{0.45, nan},
			counts:     [][]int{{1, 0}, {0, 0}},
			calibrated: [][]int{{2, 0}, {0, 0}},
			flagged:    []bool{false, false, false},
		},
		{
			name: "prune by noise rate takes the largest margins",
			proba: [][]float64{
				{0.9, 0.1}, {0.8, 0.2}, {0.3, 0.7}, {0.1, 0.9}, {0.45, 0.55}, // labelled 0
				{0.1, 0.9}, {0.2, 0.8}, {0.15, 0.85}, // labelled 1
			},
			labels: []int{0, 0, 0, 0, 0, 1, 1, 1},
			// t0 = (0.9+0.8+0.3+0.1+0.45)/5 = 0.51, t1 = (0.9+0.8+0.85)/3 = 0.85
			thresholds: []float64{0.51, 0.85},
			// rows 2 and 4 reach no threshold; row 3 is confidently a 1
			counts:     [][]int{{2, 1}, {0, 2}},
			calibrated: [][]int{{3, 2}, {0, 3}}, // 5·(2/3, 1/3) = 3.33, 1.67 → largest remainder
			// the two rows labelled 0 with the largest p1 − p0: rows 3 and 2
			flagged: []bool{false, false, true, true, false, false, false, false},
		},
	} {
		j := NewJoint(test.proba, test.labels, nil)
		for c, want := range test.thresholds {
			got := j.Thresholds[c]
			if math.IsNaN(want) != math.IsNaN(got) || (!math.IsNaN(want) && math.Abs(got-want) > 1e-12) {
				t.Errorf("%d %s: threshold %d got: %v want: %v", i, test.name, c, got, want)
			}
		}
		if !reflect.DeepEqual(j.Counts, test.counts) {
			t.Errorf("%d %s: counts got: %v want: %v", i, test.name, j.Counts, test.counts)
		}
		if !reflect.DeepEqual(j.Calibrated, test.calibrated) {
			t.Errorf("%d %s: calibrated got: %v want: %v", i, test.name, j.Calibrated, test.calibrated)
		}
		if got := j.filter(test.labels, PruneByNoiseRate); !reflect.DeepEqual(got, test.flagged) {
			t.Errorf("%d %s: flagged got: %v want: %v", i, test.name, got, test.flagged)
		}
	}
}

func TestCalibrate(t *testing.T) {
	for i, test := range []struct {
		counts [][]int
		given  []int
		want   [][]int
	}{
		{[][]int{{1, 1, 1}, {0, 3, 0}, {0, 0, 0}}, []int{4, 3, 2}, [][]int{{2, 1, 1}, {0, 3, 0}, {0, 0, 2}}},
		{[][]int{{3, 1}, {1, 1}}, []int{8, 5}, [][]int{{6, 2}, {3, 2}}}, // 2.5, 2.5 → first gets the remainder
		{[][]int{{0, 0}, {0, 2}}, []int{3, 2}, [][]int{{3, 0}, {0, 2}}},
	} {
		if got := calibrate(test.counts, test.given); !reflect.DeepEqual(got, test.want) {
			t.Errorf("%d: got: %v want: %v", i, got, test.want)
		}
	}
}

func TestScore(t *testing.T) {
	for i, test := range []struct {
		p    []float64
		y    int
		r    Rank
		want float64
	}{
		{[]float64{0.1, 0.8, 0.1}, 0, NormalizedMargin, 0.15}, // (0.1 − 0.8 + 1)/2
		{[]float64{0.1, 0.8, 0.1}, 1, NormalizedMargin, 0.85}, // (0.8 − 0.1 + 1)/2
		{[]float64{0.1, 0.8, 0.1}, 0, SelfConfidence, 0.1},
		{[]float64{0.5, 0.5}, 1, NormalizedMargin, 0.5},
	} {
		if got := score(test.p, test.y, test.r); math.Abs(got-test.want) > 1e-12 {
			t.Errorf("%d: got: %v want: %v", i, got, test.want)
		}
	}
}

func TestJoint_Filters(t *testing.T) {
	proba := [][]float64{
		{0.9, 0.1}, {0.8, 0.2}, {0.3, 0.7}, {0.1, 0.9}, {0.45, 0.55},
		{0.1, 0.9}, {0.2, 0.8}, {0.15, 0.85},
	}
	labels := []int{0, 0, 0, 0, 0, 1, 1, 1}
	j := NewJoint(proba, labels, []string{"a", "b"})
	for _, test := range []struct {
		f    Filter
		want []bool
	}{
		// prune by class: the 2 rows labelled 0 with the lowest p0 (rows 3, 2)
		{PruneByClass, []bool{false, false, true, true, false, false, false, false}},
		{Both, []bool{false, false, true, true, false, false, false, false}},
		// off-diagonal: only row 3 is confidently a b
		{OffDiagonal, []bool{false, false, false, true, false, false, false, false}},
	} {
		if got := j.filter(labels, test.f); !reflect.DeepEqual(got, test.want) {
			t.Errorf("%v: got: %v want: %v", test.f, got, test.want)
		}
	}
	if got, want := j.Errors(), 2; got != want {
		t.Errorf("Errors got: %d want: %d", got, want)
	}
	q := j.Noise()
	if got, want := q[0][1], 2.0/8; math.Abs(got-want) > 1e-12 {
		t.Errorf("Noise[0][1] got: %v want: %v", got, want)
	}
}

func TestDefaultConfig(t *testing.T) {
	rows := func(n int) [][]float64 { return make([][]float64, n) }
	for _, test := range []struct {
		n, epochs, patience int
		validation          float64
	}{
		{150, 300, 0, 0},    // 120 rows per fold: 4 steps an epoch, capped at 300 epochs
		{600, 100, 0, 0},    // 480 rows: 15 steps an epoch, 1,500 steps in 100 epochs
		{1350, 100, 8, 0.1}, // digits: 1,080 rows
		{10000, 37, 3, 0.1}, // 8,000 rows: 300,000 / 8,000
		{60000, 10, 3, 0.1}, // Fashion-MNIST
	} {
		x := rows(test.n)
		for i := range x {
			x[i] = []float64{float64(i)}
		}
		ds := data.New(data.Frame{X: x})
		cfg := DefaultConfig(ds)
		if cfg.Epochs != test.epochs || cfg.Patience != test.patience || cfg.Validation != test.validation {
			t.Errorf("%d rows: got %d epochs, patience %d, validation %v; want %d, %d, %v", test.n, cfg.Epochs, cfg.Patience, cfg.Validation, test.epochs, test.patience, test.validation)
		}
	}
}
