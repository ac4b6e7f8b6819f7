package main

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"

	"tandem.dev/tandem/runtime/chart"
)

// Pair is one ratio of the report: Tandem against one anchor on one figure.
type Pair struct {
	Key    string  `json:"key"` // the label in the ratio chart
	Group  string  `json:"group"`
	Figure string  `json:"figure"`
	Anchor string  `json:"anchor"`
	Ours   float64 `json:"tandem"`
	Theirs float64 `json:"anchor_median"`
	Unit   string  `json:"unit"`
	Times  float64 `json:"times_better"` // >1: Tandem wins
}

// isOurs reports whether impl is one of Tandem's own variants (tandem,
// tandem-linear, …): no ratio is taken against those.
func isOurs(impl string) bool {
	return impl == "tandem" || strings.HasPrefix(impl, "tandem-") || strings.HasPrefix(impl, "tandem ")
}

// isBaseline reports whether impl is a reference point rather than an
// anchor (the harness floor, a random review): shown in the tables, left out
// of the headline ratios.
func isBaseline(impl string) bool {
	return strings.HasPrefix(impl, "client floor") || strings.HasPrefix(impl, "random review")
}

// pairs lists every (figure, anchor) ratio, keyed by group initial and
// number for the chart.
func pairs(rep *Report) []*Pair {
	var out []*Pair
	count := map[string]int{}
	for _, f := range rep.Figures {
		ours := f.stat("tandem")
		if ours == nil {
			continue
		}
		for _, st := range f.Stats {
			if isOurs(st.Impl) || isBaseline(st.Impl) {
				continue
			}
			a := advantage(f.Better, ours.Median, st.Median)
			if a <= 0 {
				continue
			}
			initial := keyPrefix(f.Group)
			count[initial]++
			out = append(out, &Pair{Key: fmt.Sprintf("%s%d", initial, count[initial]), Group: f.Group, Figure: f.Name,
				Anchor: st.Impl, Ours: ours.Median, Theirs: st.Median, Unit: f.Unit, Times: a})
		}
	}
	return out
}

// keyPrefix is the letter of a group's keys in the ratio chart.
func keyPrefix(group string) string {
	switch group {
	case "server":
		return "N" // notebook server (S is scale)
	case "", "scale":
		return "S"
	}
	return strings.ToUpper(group[:1])
}

// ratioChart is a bar per pair: log10 of how many times better Tandem is
// (0: even; above: Tandem wins).
func ratioChart(ps []*Pair) *chart.Chart {
	labels := make([]string, len(ps))
	values := make([]float64, len(ps))
	for i, p := range ps {
		labels[i] = p.Key
		values[i] = math.Log10(p.Times)
	}
	return chart.Bar(labels, values).With(chart.Options{
		Title:  "Tandem against its anchors (same run, same machine)",
		XLabel: "figure (key in BENCHMARKS.md)",
		YLabel: "log10(times better): 1 = 10x",
		Width:  math.Max(6.4, 0.32*float64(len(ps))), Height: 4.8,
	})
}

// growthChart draws each series' median against n on log-log axes.
func growthChart(gs []*Growth) *chart.Chart {
	// An invisible one-point line starts the chart, so that every series is
	// added with its name (chart.Line's own series has no legend entry).
	c := chart.Line([]float64{gs[0].N[0]}, []float64{gs[0].Median[0]})
	for _, g := range gs {
		c.AddLine(fmt.Sprintf("%s: slope %.2f", g.Series, g.Slope), g.N, g.Median)
	}
	c.With(chart.Options{Title: "How Tandem's costs grow with the work", XLabel: "n (rows or cells)",
		YLabel: "median time (" + gs[0].Unit + ")", LogY: true, Width: 8, Height: 5.5})
	p := c.Plot()
	// Whole decades on both axes, so that log ticks are labelled.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, g := range gs {
		for _, m := range g.Median {
			lo, hi = math.Min(lo, m), math.Max(hi, m)
		}
	}
	p.Y.Min, p.Y.Max = math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
	p.X.Min, p.X.Max = math.Pow(10, math.Floor(math.Log10(p.X.Min))), math.Pow(10, math.Ceil(math.Log10(p.X.Max)))
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	p.Legend.Left = true
	return c
}
