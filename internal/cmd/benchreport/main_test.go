package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const samples = `{"group":"kernel","figure":"start to ready (median)","impl":"tandem","value":150,"unit":"ms","better":"lower"}
{"group":"kernel","figure":"start to ready (median)","impl":"tandem","value":50,"unit":"ms","better":"lower"}
{"group":"kernel","figure":"start to ready (median)","impl":"tandem","value":70,"unit":"ms","better":"lower"}
{"group":"kernel","figure":"start to ready (median)","impl":"ipykernel","value":1000,"unit":"ms","better":"lower"}
{"group":"runtime","figure":"MLP 784-256-10 training, batch 128, SGD, 1 thread(s)","impl":"tandem","value":30000,"unit":"samples/s","better":"higher"}
{"group":"runtime","figure":"MLP 784-256-10 training, batch 128, SGD, 1 thread(s)","impl":"pytorch","value":40000,"unit":"samples/s","better":"higher"}
{"group":"runtime","figure":"AVX2 FMA peak, one core (the GEMM ceiling)","impl":"tandem","value":90,"unit":"GFLOP/s","better":"higher"}
{"group":"runtime","figure":"SGEMM float32 256x256x256, 1 thread(s)","impl":"tandem","value":60,"unit":"GFLOP/s","better":"higher"}
{"group":"feedback","figure":"test accuracy lost to noise recovered by reviewing 15% of training rows","impl":"tandem-linear","value":80,"unit":"%","better":"higher"}
{"group":"feedback","figure":"test accuracy lost to noise recovered by reviewing 15% of training rows","impl":"random review","value":1,"unit":"%","better":"higher"}
{"group":"scale","figure":"a 10","impl":"tandem","value":1,"unit":"ms","better":"lower","series":"s","n":10}
{"group":"scale","figure":"a 100","impl":"tandem","value":10,"unit":"ms","better":"lower","series":"s","n":100}
{"group":"scale","figure":"a 1000","impl":"tandem","value":100,"unit":"ms","better":"lower","series":"s","n":1000}
not a sample
MISSING gophernotes: unavailable
PART kernel 42
MISSING gophernotes: unavailable
PART kernel 42
`

func TestReport(t *testing.T) {
	rep, err := read(strings.NewReader(samples))
	if err != nil {
		t.Fatal(err)
	}
	analyse(rep)
	ready := rep.find("kernel", "start to ready")
	if st := ready.stat("tandem"); st.Median != 70 || st.Min != 50 || st.Max != 150 || st.Rounds != 3 {
		t.Errorf("tandem stat: %+v", st)
	}
	if ready.Check == nil || !ready.Check.Met {
		t.Errorf("start to ready 70 ms against ≤ 100 ms: %+v", ready.Check)
	}
	if c := rep.find("runtime", "MLP").Check; c == nil || c.Met {
		t.Errorf("MLP at 0.75× PyTorch against ≥ 1×: %+v", c)
	}
	if c := rep.find("runtime", "SGEMM").Check; c == nil || !c.Met || !strings.Contains(c.Goal, "50%") {
		t.Errorf("SGEMM 60 of a 90 peak against ≥ 50%%: %+v", c)
	}
	if len(rep.Missing) != 1 {
		t.Errorf("missing not deduplicated: %q", rep.Missing)
	}
	// Ratios: one per anchor; none for Tandem's own variants or baselines.
	if len(rep.Pairs) != 2 || rep.Pairs[0].Anchor != "ipykernel" || math.Abs(rep.Pairs[0].Times-1000.0/70) > 1e-9 ||
		rep.Pairs[1].Anchor != "pytorch" || rep.Pairs[1].Times != 0.75 {
		for _, p := range rep.Pairs {
			t.Logf("%+v", p)
		}
		t.Errorf("pairs wrong")
	}
	if len(rep.Growth) != 1 || math.Abs(rep.Growth[0].Slope-1) > 1e-9 || rep.Growth[0].Rate != "linear" {
		t.Errorf("growth: %+v", rep.Growth)
	}
	dir := t.TempDir()
	if err := drawCharts(rep, filepath.Join(dir, "results"), dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"results/ratios.svg", "results/growth.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, c))
		if err != nil || !strings.Contains(string(b), "<svg") {
			t.Errorf("chart %s: %v", c, err)
		}
	}
	// A report re-read from its JSON gives the same report.
	rep.Date, rep.Machine, rep.Command = "d", "m", "c"
	js, _ := json.Marshal(rep)
	path := filepath.Join(dir, "latest.json")
	os.WriteFile(path, js, 0o644)
	again, err := reread(path)
	if err != nil {
		t.Fatal(err)
	}
	analyse(again)
	again.Charts = rep.Charts
	if a, b := markdown(again), markdown(rep); a != b {
		t.Errorf("re-read report differs:\n%s\n----\n%s", a, b)
	}
	md := markdown(rep)
	for _, want := range []string{"Behind their goals", "MLP 784-256-10 training", "≥ 1× pytorch", "0.75×", "| s | tandem | 10 → 100 → 1000 |",
		"![ratios](results/ratios.svg)", "**Missing:** gophernotes: unavailable", "kernel 42 s"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestRate(t *testing.T) {
	n := []float64{1e3, 1e4, 1e5, 1e6}
	nlogn := make([]float64, len(n))
	quad := make([]float64, len(n))
	flat := []float64{2, 2.1, 1.9, 2}
	for i, x := range n {
		nlogn[i] = x * math.Log(x)
		quad[i] = x * x
	}
	for _, c := range []struct {
		y    []float64
		want string
	}{{nlogn, "n log n"}, {quad, "quadratic"}, {flat, "constant"}} {
		if r := rate(slope(n, c.y), len(n)); !strings.HasPrefix(r, c.want) {
			t.Errorf("slope %.2f: %q, want %q", slope(n, c.y), r, c.want)
		}
	}
}
