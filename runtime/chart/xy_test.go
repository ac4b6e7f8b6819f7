package chart

import (
	"math"
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
