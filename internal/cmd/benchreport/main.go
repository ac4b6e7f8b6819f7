// Command benchreport turns benchmark samples into bench/results/latest.json
// and BENCHMARKS.md.
//
// Each line of standard input that starts with '{' is one sample:
//
//	{"group":"kernel","figure":"execute 1+1 round trip","impl":"tandem","value":0.41,"unit":"ms","better":"lower"}
//
// Other lines are passed through to standard error. Samples of the same
// figure and implementation are rounds; the report gives min / median / max
// and, for every anchor, the ratio of medians (how many times better Tandem
// is: >1 means Tandem wins, whichever direction is better).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tandem.dev/tandem/runtime/chart"
)

// Sample is one measurement.
type Sample struct {
	Group  string  `json:"group"`
	Figure string  `json:"figure"`
	Impl   string  `json:"impl"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Better string  `json:"better"` // "lower" or "higher"
	Note   string  `json:"note,omitempty"`
	// Series and N mark a figure that is one size of a growth series (see
	// Growth): the report fits the series' growth rate.
	Series string  `json:"series,omitempty"`
	N      float64 `json:"n,omitempty"`
}

// Stat summarises the rounds of one figure for one implementation.
type Stat struct {
	Impl   string    `json:"impl"`
	Min    float64   `json:"min"`
	Median float64   `json:"median"`
	Max    float64   `json:"max"`
	Rounds int       `json:"rounds"`
	Values []float64 `json:"values"`
	Note   string    `json:"note,omitempty"`
}

// Figure is one row of the report.
type Figure struct {
	Group  string  `json:"group"`
	Name   string  `json:"figure"`
	Unit   string  `json:"unit"`
	Better string  `json:"better"`
	Stats  []*Stat `json:"stats"` // tandem first, then anchors by name
	Series string  `json:"series,omitempty"`
	N      float64 `json:"n,omitempty"`
	Check  *Check  `json:"goal,omitempty"` // the issue's goal for it, if any
}

// stat returns the rounds of impl, or nil.
func (f *Figure) stat(impl string) *Stat {
	for _, st := range f.Stats {
		if st.Impl == impl {
			return st
		}
	}
	return nil
}

// Report is what latest.json holds.
type Report struct {
	Date    string    `json:"date"`
	Machine string    `json:"machine"`
	Command string    `json:"command"`
	Figures []*Figure `json:"figures"`
	Pairs   []*Pair   `json:"ratios"`
	Growth  []*Growth `json:"growth,omitempty"`
	Charts  []string  `json:"charts,omitempty"`
	Missing []string  `json:"missing,omitempty"`
	Parts   []Part    `json:"parts,omitempty"`
}

// Part is one bench/*.bench.sh script and how long it ran (bench/run.sh
// writes "PART name seconds" lines).
type Part struct {
	Name    string `json:"name"`
	Seconds int    `json:"seconds"`
}

// find returns the first figure of group whose name contains part.
func (rep *Report) find(group, part string) *Figure {
	for _, f := range rep.Figures {
		if f.Group == group && strings.Contains(f.Name, part) {
			return f
		}
	}
	return nil
}

func main() {
	jsonOut := flag.String("json", "bench/results/latest.json", "where to write the JSON report")
	mdOut := flag.String("md", "BENCHMARKS.md", "where to write the Markdown report")
	charts := flag.String("charts", "bench/results", "folder for the charts (SVG), linked from the Markdown report; empty: none")
	machine := flag.String("machine", "", "description of the machine")
	command := flag.String("command", "make bench", "the command that produced the samples")
	from := flag.String("from", "", "re-render an earlier JSON report (its samples, date, machine and command) instead of reading samples")
	flag.Parse()
	var rep *Report
	var err error
	if *from != "" {
		rep, err = reread(*from)
	} else {
		rep, err = read(os.Stdin)
		if rep != nil {
			rep.Date = time.Now().UTC().Format("2006-01-02 15:04 UTC")
			rep.Machine = *machine
			rep.Command = *command
		}
	}
	if err != nil {
		fatal(err)
	}
	analyse(rep)
	if *charts != "" {
		if err := drawCharts(rep, *charts, filepath.Dir(*mdOut)); err != nil {
			fatal(err)
		}
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.MkdirAll(filepath.Dir(*jsonOut), 0o755); err != nil {
		fatal(err)
	}
	if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
		fatal(err)
	}
	md := markdown(rep)
	if err := os.WriteFile(*mdOut, []byte(md), 0o644); err != nil {
		fatal(err)
	}
	fmt.Print(md)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "benchreport:", err)
	os.Exit(1)
}

// analyse adds the goals, ratios and growth rates to a report read from
// samples.
func analyse(rep *Report) {
	checkGoals(rep)
	rep.Pairs = pairs(rep)
	rep.Growth = growths(rep)
}

// drawCharts renders the ratio chart and the growth chart with runtime/chart
// into dir as SVG and records their paths relative to mdDir.
func drawCharts(rep *Report, dir, mdDir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	save := func(name string, c *chart.Chart) error {
		path := filepath.Join(dir, name)
		if err := c.Save(path); err != nil {
			return err
		}
		rel, err := filepath.Rel(mdDir, path)
		if err != nil {
			rel = path
		}
		rep.Charts = append(rep.Charts, filepath.ToSlash(rel))
		return nil
	}
	if len(rep.Pairs) > 0 {
		if err := save("ratios.svg", ratioChart(rep.Pairs)); err != nil {
			return err
		}
	}
	var gs []*Growth
	for _, g := range rep.Growth {
		if g.Impl == "tandem" && len(g.N) >= 2 && (len(gs) == 0 || g.Unit == gs[0].Unit) {
			gs = append(gs, g)
		}
	}
	if len(gs) > 0 {
		if err := save("growth.svg", growthChart(gs)); err != nil {
			return err
		}
	}
	return nil
}

// reread rebuilds a report from an earlier JSON report: its samples go
// through read again, so goals, ratios, growth and charts are recomputed.
func reread(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var old Report
	if err := json.Unmarshal(b, &old); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var lines strings.Builder
	for _, f := range old.Figures {
		for _, st := range f.Stats {
			for _, v := range st.Values {
				s, _ := json.Marshal(Sample{Group: f.Group, Figure: f.Name, Impl: st.Impl, Value: v, Unit: f.Unit, Better: f.Better,
					Note: st.Note, Series: f.Series, N: f.N})
				lines.Write(append(s, '\n'))
			}
		}
	}
	for _, m := range old.Missing {
		lines.WriteString("MISSING " + m + "\n")
	}
	for _, p := range old.Parts {
		fmt.Fprintf(&lines, "PART %s %d\n", p.Name, p.Seconds)
	}
	rep, err := read(strings.NewReader(lines.String()))
	if err != nil {
		return nil, err
	}
	rep.Date, rep.Machine, rep.Command = old.Date, old.Machine, old.Command
	return rep, nil
}

func read(r io.Reader) (*Report, error) {
	rep := &Report{}
	index := map[string]*Figure{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "MISSING ") {
			m := strings.TrimPrefix(line, "MISSING ")
			if !slices.Contains(rep.Missing, m) {
				rep.Missing = append(rep.Missing, m)
			}
			continue
		}
		if f := strings.Fields(line); len(f) == 3 && f[0] == "PART" {
			if sec, err := strconv.Atoi(f[2]); err == nil {
				rep.Parts = append(rep.Parts, Part{f[1], sec})
				continue
			}
		}
		if !strings.HasPrefix(line, "{") {
			fmt.Fprintln(os.Stderr, line)
			continue
		}
		var s Sample
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			return nil, fmt.Errorf("decode sample %q: %w", line, err)
		}
		key := s.Group + "\x00" + s.Figure
		f := index[key]
		if f == nil {
			f = &Figure{Group: s.Group, Name: s.Figure, Unit: s.Unit, Better: s.Better, Series: s.Series, N: s.N}
			index[key] = f
			rep.Figures = append(rep.Figures, f)
		}
		var st *Stat
		for _, x := range f.Stats {
			if x.Impl == s.Impl {
				st = x
			}
		}
		if st == nil {
			st = &Stat{Impl: s.Impl}
			f.Stats = append(f.Stats, st)
		}
		st.Values = append(st.Values, s.Value)
		if s.Note != "" {
			st.Note = s.Note
		}
	}
	// Groups in the order of the issues, whatever order the parts ran in.
	sort.SliceStable(rep.Figures, func(i, j int) bool { return groupRank(rep.Figures[i].Group) < groupRank(rep.Figures[j].Group) })
	for _, f := range rep.Figures {
		for _, st := range f.Stats {
			v := append([]float64(nil), st.Values...)
			sort.Float64s(v)
			st.Min, st.Max, st.Rounds = v[0], v[len(v)-1], len(v)
			if n := len(v); n%2 == 1 {
				st.Median = v[n/2]
			} else {
				st.Median = (v[n/2-1] + v[n/2]) / 2
			}
		}
		sort.SliceStable(f.Stats, func(i, j int) bool {
			return f.Stats[i].Impl == "tandem" && f.Stats[j].Impl != "tandem"
		})
	}
	return rep, sc.Err()
}

// groups is the order of the report's sections; other groups follow.
var groups = []string{"kernel", "server", "runtime", "plots", "display", "feedback", "widget", "scale"}

func groupRank(g string) int {
	for i, x := range groups {
		if x == g {
			return i
		}
	}
	return len(groups)
}

// advantage is how many times better a is than b (>1: a wins).
func advantage(better string, a, b float64) float64 {
	if a <= 0 || b <= 0 { // no meaningful ratio (e.g. a negative recovery)
		return 0
	}
	if better == "higher" {
		return a / b
	}
	return b / a
}

func markdown(rep *Report) string {
	var w strings.Builder
	fmt.Fprintf(&w, "# Benchmarks\n\nGenerated by `%s` on %s. To reproduce: `make bench-deps` (installs the anchors), then `make bench` "+
		"(or `make bench-quick`, one short round); the samples are in bench/results/latest.json.\n\n", rep.Command, rep.Date)
	if rep.Machine != "" {
		fmt.Fprintf(&w, "Machine: %s. The host is shared with other work: compare the ratios measured in one run, not absolute times across runs.\n\n", rep.Machine)
	}
	w.WriteString("Each figure: min / median / max over the rounds, measured alternately with its anchors in the same run. " +
		"\"×\" is how many times better Tandem's median is than the anchor's (above 1: Tandem wins, whichever direction is better). " +
		"Goals are the targets set in the issues (#2 kernel, #3 server, #4 runtime, #5 plots and display, #6 human in the loop).\n")
	if len(rep.Parts) > 0 {
		var ps []string
		total := 0
		for _, p := range rep.Parts {
			ps = append(ps, fmt.Sprintf("%s %d s", p.Name, p.Seconds))
			total += p.Seconds
		}
		fmt.Fprintf(&w, "\nParts (bench/*.bench.sh) and their run time: %s; %d s in all.\n", strings.Join(ps, ", "), total)
	}
	if len(rep.Missing) > 0 {
		w.WriteString("\n**Missing:** " + strings.Join(rep.Missing, "; ") + "\n")
	}

	if len(rep.Pairs) > 0 {
		w.WriteString("\n## Headline ratios\n\n| key | figure | anchor | Tandem | anchor | × |\n|---|---|---|---:|---:|---:|\n")
		for _, p := range rep.Pairs {
			fmt.Fprintf(&w, "| %s | %s: %s | %s | %s | %s | %s %s |\n", p.Key, p.Group, p.Figure, p.Anchor,
				num(p.Ours), num(p.Theirs), times(p.Times), mark(p.Times >= 1))
		}
	}
	for _, c := range rep.Charts {
		fmt.Fprintf(&w, "\n![%s](%s)\n", strings.TrimSuffix(filepath.Base(c), filepath.Ext(c)), c)
	}

	var behind, met []*Figure
	for _, f := range rep.Figures {
		if f.Check == nil {
			continue
		}
		if f.Check.Met {
			met = append(met, f)
		} else {
			behind = append(behind, f)
		}
	}
	if len(behind)+len(met) > 0 {
		fmt.Fprintf(&w, "\n## Goals\n\n%d of %d figures with a goal meet it.\n", len(met), len(met)+len(behind))
		if len(behind) > 0 {
			w.WriteString("\nBehind their goals:\n\n")
			for _, f := range behind {
				fmt.Fprintf(&w, "- %s: %s — Tandem %s %s, goal %s (%s)\n", f.Group, f.Name, num(f.stat("tandem").Median), f.Unit, f.Check.Goal, f.Check.Issue)
			}
		}
	}

	if len(rep.Growth) > 0 {
		w.WriteString("\n## Growth with the work\n\nThe slope of log(median) against log(n), least squares over the sizes measured: " +
			"0 constant, 1 linear, about 1.1 n log n over these ranges, 2 quadratic.\n\n" +
			"| series | implementation | n | median | slope | growth | slope of the last step |\n|---|---|---|---|---:|---|---:|\n")
		for _, g := range rep.Growth {
			var ns, ms []string
			for i := range g.N {
				ns = append(ns, fmt.Sprintf("%.0f", g.N[i]))
				ms = append(ms, num(g.Median[i]))
			}
			fmt.Fprintf(&w, "| %s | %s | %s | %s %s | %.2f | %s | %.2f |\n", g.Series, g.Impl, strings.Join(ns, " → "), strings.Join(ms, " → "), g.Unit, g.Slope, g.Rate, g.LastSlope)
		}
	}

	group := ""
	for _, f := range rep.Figures {
		if f.Group != group {
			group = f.Group
			fmt.Fprintf(&w, "\n## %s\n\n| figure | implementation | min | median | max | unit | × | goal |\n|---|---|---:|---:|---:|---|---:|---|\n", group)
		}
		ours := f.stat("tandem")
		for i, st := range f.Stats {
			ratio := ""
			if ours != nil && !isOurs(st.Impl) {
				ratio = times(advantage(f.Better, ours.Median, st.Median))
			}
			name := st.Impl
			if st.Note != "" {
				name += " (" + st.Note + ")"
			}
			g := ""
			if f.Check != nil && st == ours {
				g = f.Check.Goal + " " + mark(f.Check.Met)
			}
			fig := f.Name
			if i > 0 {
				fig = "″"
			}
			fmt.Fprintf(&w, "| %s | %s | %s | %s | %s | %s (%s is better) | %s | %s |\n",
				fig, name, num(st.Min), num(st.Median), num(st.Max), f.Unit, f.Better, ratio, g)
		}
	}
	return w.String()
}

func times(a float64) string {
	if a == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a)
}

func mark(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌"
}

func num(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}
