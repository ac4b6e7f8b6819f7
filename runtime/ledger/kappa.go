package ledger

import (
	"fmt"
	"math"
)

// ExcludedCategory is the category Kappa gives a row its annotator excluded.
const ExcludedCategory = "(excluded)"

// Agreement is Cohen's kappa between two annotators on the rows both
// reviewed.
type Agreement struct {
	A, B     string  // the two authors
	Rows     int     // rows both reviewed
	Agree    int     // rows on which their decisions are equal
	Observed float64 // p_o, the share of rows they agree on
	Expected float64 // p_e, the agreement expected by chance from each one's category shares
	// Kappa is (p_o − p_e) / (1 − p_e) (Cohen 1960, "A coefficient of
	// agreement for nominal scales"). It is NaN when Rows is 0 or p_e is 1,
	// as scikit-learn's cohen_kappa_score gives.
	Kappa float64
}

// String formats the agreement, e.g. "kappa(ann, bob) = 0.400 on 50 rows (p_o 0.700, p_e 0.500)".
func (a Agreement) String() string {
	return fmt.Sprintf("kappa(%s, %s) = %.3f on %d rows (p_o %.3f, p_e %.3f)", a.A, a.B, a.Kappa, a.Rows, a.Observed, a.Expected)
}

// Kappa computes Cohen's kappa between authors a and b over events (one
// dataset's, in ledger order). An author's decision on a row is the label of
// their last relabel in effect there, or ExcludedCategory if their last exclude or
// include in effect is an exclude; undone events do not count. Accepting a
// suggested label is a relabel whose New equals Old. Rows only one of them
// decided are left out.
func Kappa(events []Event, a, b string) Agreement {
	st := Replay(events, ReplayOptions{})
	ag := Agreement{A: a, B: b, Kappa: math.NaN()}
	countA, countB := map[string]int{}, map[string]int{}
	for _, key := range st.Keys() {
		r := st.rows[key]
		da, okA := decision(r.Applied, a)
		db, okB := decision(r.Applied, b)
		if !okA || !okB {
			continue
		}
		ag.Rows++
		countA[da]++
		countB[db]++
		if da == db {
			ag.Agree++
		}
	}
	if ag.Rows == 0 {
		return ag
	}
	n := float64(ag.Rows)
	ag.Observed = float64(ag.Agree) / n
	for c, na := range countA {
		ag.Expected += float64(na) / n * float64(countB[c]) / n
	}
	if ag.Expected < 1 {
		ag.Kappa = (ag.Observed - ag.Expected) / (1 - ag.Expected)
	}
	return ag
}

// decision returns author's decision among a row's events in effect.
func decision(applied []Event, author string) (string, bool) {
	label, hasLabel, excluded := "", false, false
	for _, e := range applied {
		if e.Author != author {
			continue
		}
		switch e.Kind {
		case Relabel:
			label, hasLabel = e.New, true
		case Exclude:
			excluded = true
		case Include:
			excluded = false
		}
	}
	if excluded {
		return ExcludedCategory, true
	}
	return label, hasLabel
}
