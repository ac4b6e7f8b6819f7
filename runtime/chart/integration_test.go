package chart_test

import (
	"strings"
	"testing"

	"tandem.dev/tandem/runtime/chart"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/display"
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/train"
)

// The runtime's types meet chart's small interfaces (contracts.md).
var (
	_ chart.Columns = (*data.Dataset)(nil)
	_ chart.Images  = (*data.Dataset)(nil)
	_ chart.History = (*train.History)(nil)
)

func TestDecisionBoundaryBatch(t *testing.T) {
	calls := 0
	c := chart.DecisionBoundaryBatch(func(xs, ys []float64) []int {
		calls++
		out := make([]int, len(xs))
		for i := range xs {
			if xs[i] > ys[i] {
				out[i] = 1
			}
		}
		return out
	}, []float64{0, 1}, []float64{1, 0}, []int{0, 1}, nil)
	if calls != 1 {
		t.Errorf("predict calls got: %d want: 1", calls)
	}
	if c.String() != `decision boundary "decision boundary" (2 points, 2 classes)` {
		t.Errorf("got: %s", c)
	}
	defer func() {
		if e, ok := recover().(chart.Error); !ok || !strings.Contains(e.Msg, "returned 1 classes for 19200 points") {
			t.Errorf("short predict: got %v", e)
		}
	}()
	chart.DecisionBoundaryBatch(func(xs, ys []float64) []int { return []int{0} }, []float64{0}, []float64{0}, []int{0}, nil)
}

// TestChart_Display pins the rendering contract: display (and the kernel,
// by the same method shapes) shows a chart as SVG, or PNG when dense.
func TestChart_Display(t *testing.T) {
	b := display.Render(chart.Line(nil, []float64{1, 3, 2}))
	if s, _ := b["image/svg+xml"].(string); !strings.Contains(s, "<svg") {
		t.Errorf("line: no SVG in %v", keys(b))
	}
	if b["text/plain"] != "line (3 points)" {
		t.Errorf("text/plain got: %v", b["text/plain"])
	}
	x := make([]float64, 5000)
	b = display.Render(chart.ScatterXY(x, x, nil))
	if _, ok := b["image/png"].(string); !ok {
		t.Errorf("dense scatter: no PNG in %v", keys(b))
	}
	if _, ok := b["image/svg+xml"]; ok {
		t.Errorf("dense scatter: sent SVG too")
	}
}

func keys(m map[string]any) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	return k
}

// TestDecisionBoundary_Interrupt checks that an interrupted cell stops
// inside the grid loop instead of finishing a slow predictor's grid.
func TestDecisionBoundary_Interrupt(t *testing.T) {
	host.Reset()
	t.Cleanup(host.Reset)
	calls := 0
	predict := func(x, y float64) int {
		calls++
		if calls == 500 {
			host.Interrupt()
		}
		return 0
	}
	defer func() {
		if _, ok := recover().(host.Interrupted); !ok {
			t.Errorf("did not stop with host.Interrupted")
		}
		if calls >= 160*120 {
			t.Errorf("predict ran %d times: the whole grid", calls)
		}
	}()
	chart.DecisionBoundary(predict, []float64{0, 1}, []float64{0, 1}, []int{0, 1}, nil)
}
