package ledger_test

import (
	"fmt"
	"math"
	"testing"

	"tandem.dev/tandem/runtime/ledger"
)

// TestKappa checks the textbook example on Wikipedia's "Cohen's kappa" page:
// 50 proposals, both yes 20, A yes B no 5, A no B yes 10, both no 15:
// p_o = 0.7, p_e = 0.5, kappa = 0.4.
func TestKappa(t *testing.T) {
	var events []ledger.Event
	add := func(n int, a, b string) {
		for range n {
			k := fmt.Sprintf("r%d", len(events)/2)
			events = append(events, ev(fmt.Sprintf("a%d ann human relabel %s %s", len(events), k, a)))
			events = append(events, ev(fmt.Sprintf("b%d bob human relabel %s %s", len(events), k, b)))
		}
	}
	add(20, "yes", "yes")
	add(5, "yes", "no")
	add(10, "no", "yes")
	add(15, "no", "no")
	// Rows only one of them reviewed, and decisions by others, do not count.
	events = append(events, evs("x1 ann human relabel only-ann yes", "x2 cy human relabel r0 no")...)
	got := ledger.Kappa(events, "ann", "bob")
	if got.Rows != 50 || got.Agree != 35 || math.Abs(got.Observed-0.7) > 1e-12 || math.Abs(got.Expected-0.5) > 1e-12 || math.Abs(got.Kappa-0.4) > 1e-12 {
		t.Errorf("got %+v want 50 rows, p_o 0.7, p_e 0.5, kappa 0.4", got)
	}
	if want := "kappa(ann, bob) = 0.400 on 50 rows (p_o 0.700, p_e 0.500)"; got.String() != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestKappa_Decisions(t *testing.T) {
	for _, test := range []struct {
		name   string
		events []ledger.Event
		rows   int
		kappa  float64 // NaN for undefined
	}{
		{"None", nil, 0, math.NaN()},
		{"OneCategory", evs("a1 ann human relabel r1 x", "b1 bob human relabel r1 x"), 1, math.NaN()},
		{"Perfect", evs("a1 ann human relabel r1 x", "b1 bob human relabel r1 x", "a2 ann human relabel r2 y", "b2 bob human relabel r2 y"), 2, 1},
		// ann's exclusion of r2 is her decision there; bob relabels it.
		{"Exclusion", evs("a1 ann human relabel r1 x", "b1 bob human relabel r1 x", "a2 ann human exclude r2", "b2 bob human relabel r2 y"), 2, 1.0 / 3}, // p_o 1/2, p_e 1/4
		// ann undid her decision on r2: only r1 counts.
		{"Undone", evs("a1 ann human relabel r1 x", "b1 bob human relabel r1 x", "a2 ann human relabel r2 y", "b2 bob human relabel r2 z", "u1 ann human undo r2 a2"), 1, math.NaN()},
		// ann changed her mind on r2: her last decision counts.
		{"Changed", evs("a1 ann human relabel r1 x", "b1 bob human relabel r1 x", "a2 ann human relabel r2 z", "b2 bob human relabel r2 y", "a3 ann human relabel r2 y"), 2, 1},
	} {
		got := ledger.Kappa(test.events, "ann", "bob")
		if got.Rows != test.rows || !(math.Abs(got.Kappa-test.kappa) < 1e-12 || math.IsNaN(got.Kappa) && math.IsNaN(test.kappa)) {
			t.Errorf("%s: got %+v want %d rows, kappa %v", test.name, got, test.rows, test.kappa)
		}
	}
}
