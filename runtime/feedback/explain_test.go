package feedback_test

import (
	"math"
	"strings"
	"testing"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/tensor"
)

// For a linear model gradient × input is exact: feature f adds
// (w_f,a − w_f,b)·x_f to the logit gap between classes a and b.
func TestExplain_Linear(t *testing.T) {
	l := nn.NewLinear(3, 2)
	// W is [in, out]: column 0 is class "x", column 1 class "y".
	l.W = autograd.Param(tensor.New([]float32{2, 0, 0, 1, 1, 3}, 3, 2))
	l.B = autograd.Param(tensor.New([]float32{0.5, 0}, 2))
	ds := data.New(data.Frame{Name: "lin", Features: []string{"f0", "f1", "f2"},
		X: [][]float64{{1, 0, 0}, {0, 1, 0}, {3, 1, -1}, {0, 0, 1}}, Labels: []string{"x", "y", "x", "y"}})
	e := feedback.ExplainWith(l, ds, 2, feedback.ExplainOptions{NoImportance: true})
	// logits of row 2: x = 2·3 + 0 + 1·(−1) + 0.5 = 5.5, y = 0 + 1 + 3·(−1) = −2
	if e.Predicted != "x" || e.RunnerUp != "y" {
		t.Fatalf("predicted %s over %s, want x over y", e.Predicted, e.RunnerUp)
	}
	// The mean row is (1, 0.5, 0): logits 2.5 and 0.5, a gap of 2.
	want := map[string]float64{"f0": (2 - 0) * (3 - 1), "f1": (0 - 1) * (1 - 0.5), "f2": (1 - 3) * (-1 - 0)}
	sum := 0.0
	for _, c := range e.Contributions {
		if math.Abs(c.Amount-want[c.Feature]) > 1e-5 {
			t.Errorf("%s: got: %v want: %v", c.Feature, c.Amount, want[c.Feature])
		}
		sum += c.Amount
	}
	if gap := (5.5 - (-2.0)) - 2; math.Abs(sum-gap) > 1e-5 {
		t.Errorf("sum of contributions: got: %v want the gap over the mean row's, %v", sum, gap)
	}
	if e.Contributions[0].Feature != "f0" {
		t.Errorf("strongest feature: got %s want f0", e.Contributions[0].Feature)
	}
	for _, p := range l.Parameters() {
		if p.Grad != nil {
			for _, g := range p.Grad.Data() {
				if g != 0 {
					t.Fatalf("Explain left gradients in the model")
				}
			}
		}
	}
	// Neighbours of row 2 over standardised features (population standard
	// deviations √1.5, 0.5, √0.5): row 1 at √(9/1.5 + 0 + 1/0.5) = √8,
	// row 0 at √(4/1.5 + 1/0.25 + 1/0.5) = √(26/3).
	nb := e.Neighbors
	if len(nb) != 3 || nb[0].Key != "lin-1" || nb[0].Label != "y" || math.Abs(nb[0].Distance-math.Sqrt(8)) > 1e-9 ||
		nb[1].Key != "lin-0" || math.Abs(nb[1].Distance-math.Sqrt(26.0/3)) > 1e-9 {
		t.Errorf("neighbours: got %+v", nb)
	}
}

// A model that only looks at feature "a" loses accuracy when "a" is
// shuffled and none when "b" is.
func TestExplain_Importance(t *testing.T) {
	var x [][]float64
	var y []string
	rng := data.Rand(1)
	for i := 0; i < 200; i++ {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x = append(x, []float64{a, b})
		if a > 0 {
			y = append(y, "pos")
		} else {
			y = append(y, "neg")
		}
	}
	ds := data.New(data.Frame{Name: "imp", Features: []string{"a", "b"}, X: x, Labels: y})
	l := nn.NewLinear(2, 2) // classes sorted: neg, pos
	l.W = autograd.Param(tensor.New([]float32{-5, 5, 0, 0}, 2, 2))
	l.B = autograd.Param(tensor.Zeros(2))
	e := feedback.Explain(l, ds, 0)
	if e.Baseline != 1 {
		t.Errorf("baseline accuracy: got %v want 1", e.Baseline)
	}
	if e.Importance[0].Feature != "a" || e.Importance[0].Mean < 0.3 {
		t.Errorf("importance of a: got %+v, want the first with a drop of about 0.5", e.Importance[0])
	}
	if e.Importance[1].Feature != "b" || e.Importance[1].Mean != 0 || e.Importance[1].Std != 0 {
		t.Errorf("importance of b: got %+v want exactly 0", e.Importance[1])
	}
	if !strings.Contains(e.String(), "features the model relies on") || !strings.Contains(e.HTML(), "<table>") {
		t.Errorf("rendering lacks the importance table")
	}
}

func TestExplain_ImageRendering(t *testing.T) {
	ds := data.Digits().Head(50)
	m := nn.NewLinear(64, 10)
	e := feedback.ExplainWith(m, ds, 3, feedback.ExplainOptions{NoImportance: true})
	if h := e.HTML(); strings.Count(h, "<svg") != 2 {
		t.Errorf("an 8×8 row should render the pixels and the contributions as two SVG maps")
	}
}
