package chart

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

func TestDecimate(t *testing.T) {
	n := 100000
	seg := make(plotter.XYs, n)
	for i := range seg {
		seg[i] = plotter.XY{X: float64(i), Y: math.Sin(float64(i) / 500)}
	}
	seg[31337].Y = 5 // a spike must survive
	got := decimate(seg, 1000)
	if len(got) > 4000 || len(got) < 1000 {
		t.Errorf("points got: %d want: 1000..4000", len(got))
	}
	if got[0] != seg[0] || got[len(got)-1] != seg[n-1] {
		t.Errorf("ends got: %v %v want: %v %v", got[0], got[len(got)-1], seg[0], seg[n-1])
	}
	spike := false
	for i, p := range got {
		if p.Y == 5 {
			spike = true
		}
		if i > 0 && p.X < got[i-1].X {
			t.Fatalf("x not sorted at %d", i)
		}
	}
	if !spike {
		t.Errorf("the spike was dropped")
	}
	unsorted := plotter.XYs{{X: 2}, {X: 1}}
	for range 5000 {
		unsorted = append(unsorted, plotter.XY{X: 3})
	}
	if got := decimate(unsorted, 10); len(got) != len(unsorted) {
		t.Errorf("unsorted line was decimated")
	}
}

// Options.Name names the series a Line or ROC chart starts with; the legend
// (drawn as SVG text) shows it, in order with the added series.
func TestChart_WithName(t *testing.T) {
	legend := func(c *Chart) []string {
		var got []string
		for _, n := range []string{"plain", "momentum", "ROC (AUC", "logistic (AUC 0.750)", "tree (AUC"} {
			if strings.Contains(c.SVG(), ">"+n) {
				got = append(got, n)
			}
		}
		return got
	}
	fpr, tpr := []float64{0, 0.5, 1}, []float64{0, 1, 1}
	for i, test := range []struct {
		c    *Chart
		want string
	}{
		{Line(nil, []float64{3, 2, 1}), ""},
		{Line(nil, []float64{3, 2, 1}).With(Options{Name: "plain"}), "plain"},
		{Line(nil, []float64{3, 2, 1}).AddLine("momentum", nil, []float64{3, 1, 0.5}).With(Options{Name: "plain"}), "plain momentum"},
		{ROC(fpr, tpr), "ROC (AUC"},
		{ROC(fpr, tpr).With(Options{Name: "logistic"}).AddROC("tree", fpr, []float64{0, 0.2, 1}), "logistic (AUC 0.750) tree (AUC"},
	} {
		if got := strings.Join(legend(test.c), " "); got != test.want {
			t.Errorf("%d: legend got: %q want: %q", i, got, test.want)
		}
	}
	func() {
		defer func() {
			if e, ok := recover().(Error); !ok || !strings.Contains(e.Msg, "Line or ROC") {
				t.Errorf("Name on a bar chart: got %v", e)
			}
		}()
		Bar([]string{"a"}, []float64{1}).With(Options{Name: "x"})
	}()
}
