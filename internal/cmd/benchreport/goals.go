package main

import (
	"fmt"
	"strings"
)

// goal is a target from the issues that a figure is checked against. A
// figure matches when its group is Group and its name contains every string
// of Contains. Exactly one of Max, Min, Ratio, Behind and PeakShare is set.
type goal struct {
	Group    string
	Contains []string
	Max      float64 // Tandem's median at most this
	Min      float64 // Tandem's median at least this
	// Ratio: Tandem at least this many times better than Anchor.
	Ratio  float64
	Anchor string
	// Behind: Tandem's median at most this far below Anchor's (accuracy
	// parity: within 1 point).
	Behind float64
	// PeakShare: Tandem's median at least this share of the highest
	// Tandem median among the figures (same group) whose names contain Peak
	// (the AVX2 and the AVX-512 FMA peaks: the machine's best counts).
	PeakShare float64
	Peak      string
	Issue     string // where the goal is set
}

// goals are the targets of issues 2–6.
var goals = []goal{
	{Group: "kernel", Contains: []string{"execute 1+1 round trip"}, Max: 1, Issue: "#2"},
	{Group: "kernel", Contains: []string{"start to ready"}, Max: 100, Issue: "#2"},
	{Group: "kernel", Contains: []string{"completion reply"}, Max: 5, Issue: "#2"},
	{Group: "kernel", Contains: []string{"interrupt"}, Max: 1000, Issue: "#2"},
	{Group: "server", Contains: []string{"execute 1+1 through the WebSocket", "median"}, Max: 2, Issue: "#3"},
	{Group: "server", Contains: []string{"page load to interactive"}, Max: 500, Issue: "#3"},
	{Group: "server", Contains: []string{"1,000-cell notebook to interactive"}, Max: 2000, Issue: "#3"},
	{Group: "runtime", Contains: []string{"MLP 784-256-10 training"}, Ratio: 1, Anchor: "pytorch", Issue: "#4"},
	{Group: "runtime", Contains: []string{"Fashion-MNIST epoch"}, Ratio: 1, Anchor: "pytorch", Issue: "#4"},
	{Group: "runtime", Contains: []string{"Fashion-MNIST test accuracy"}, Behind: 1, Anchor: "pytorch", Issue: "#4"},
	{Group: "runtime", Contains: []string{"softmax regression"}, Ratio: 2, Anchor: "pytorch", Issue: "#4"},
	{Group: "runtime", Contains: []string{"SGEMM float32 256x256x256, 1 thread"}, PeakShare: 0.5, Peak: "FMA peak", Issue: "#4"},
	{Group: "runtime", Contains: []string{"SGEMM float32 128x784x256 (MLP forward), 1 thread"}, PeakShare: 0.5, Peak: "FMA peak", Issue: "#4"},
	{Group: "plots", Contains: []string{""}, Ratio: 2, Anchor: "matplotlib", Issue: "#5"},
	{Group: "display", Contains: []string{"show a 1,000,000-row dataset"}, Max: 200, Issue: "#5"},
	{Group: "display", Contains: []string{"bytes sent for a 1,000,000-row dataset"}, Max: 100, Issue: "#5"},
	{Group: "display", Contains: []string{"overhead at 10 redraws/s"}, Max: 2, Issue: "#5"},
	{Group: "feedback", Contains: []string{"precision in the top k"}, Min: 0.88, Issue: "#6"},
	{Group: "feedback", Contains: []string{"test accuracy lost to noise recovered"}, Min: 90, Issue: "#6"},
	{Group: "feedback", Contains: []string{"durable ack", "p99"}, Max: 10, Issue: "#6"},
	{Group: "widget", Contains: []string{"durable ack, p99"}, Max: 10, Issue: "#6"},
	{Group: "scale", Contains: []string{"display a dataset of 10⁶ rows"}, Max: 200, Issue: "#5"},
}

// Check is a figure's standing against its goal.
type Check struct {
	Goal  string `json:"goal"`
	Met   bool   `json:"met"`
	Issue string `json:"issue"`
}

// checkGoals sets Figure.Goal for every figure a goal matches and Tandem
// measured.
func checkGoals(rep *Report) {
	for _, f := range rep.Figures {
		ours := f.stat("tandem")
		if ours == nil {
			continue
		}
		for _, g := range goals {
			if g.Group != f.Group || !containsAll(f.Name, g.Contains) {
				continue
			}
			var c *Check
			switch {
			case g.Max > 0:
				c = &Check{Goal: fmt.Sprintf("≤ %s %s", num(g.Max), f.Unit), Met: ours.Median <= g.Max}
			case g.Min > 0:
				c = &Check{Goal: fmt.Sprintf("≥ %s %s", num(g.Min), f.Unit), Met: ours.Median >= g.Min}
			case g.Ratio > 0:
				a := f.stat(g.Anchor)
				if a == nil {
					continue
				}
				c = &Check{Goal: fmt.Sprintf("≥ %s× %s", num(g.Ratio), g.Anchor), Met: advantage(f.Better, ours.Median, a.Median) >= g.Ratio}
			case g.Behind > 0:
				a := f.stat(g.Anchor)
				if a == nil {
					continue
				}
				c = &Check{Goal: fmt.Sprintf("within %s %s of %s", num(g.Behind), f.Unit, g.Anchor), Met: ours.Median >= a.Median-g.Behind}
			case g.PeakShare > 0:
				var peak *Figure
				for _, x := range rep.Figures {
					if x.Group == f.Group && strings.Contains(x.Name, g.Peak) && x.stat("tandem") != nil &&
						(peak == nil || x.stat("tandem").Median > peak.stat("tandem").Median) {
						peak = x
					}
				}
				if peak == nil {
					continue
				}
				p := peak.stat("tandem").Median
				c = &Check{Goal: fmt.Sprintf("≥ %.0f%% of the FMA peak (%s %s)", g.PeakShare*100, num(p), peak.Unit), Met: ours.Median >= g.PeakShare*p}
			}
			if c != nil {
				c.Issue = g.Issue
				f.Check = c
				break
			}
		}
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
