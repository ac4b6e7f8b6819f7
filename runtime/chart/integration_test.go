package chart_test

import (
	"strings"
	"testing"

	"tandem.dev/tandem/runtime/chart"
	"tandem.dev/tandem/runtime/display"
	"tandem.dev/tandem/runtime/host"
)

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
