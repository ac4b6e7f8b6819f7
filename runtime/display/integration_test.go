package display_test

import (
	"strings"
	"testing"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/display"
	"tandem.dev/tandem/runtime/tensor"
)

// TestRender_Runtime renders the runtime's own values as a cell would show
// them: the rules are by method shape, so these pin that the shapes meet.
func TestRender_Runtime(t *testing.T) {
	ds := data.Iris()
	var _ display.Dataset = ds // *data.Dataset is a display.Dataset

	b := display.Render(display.Table(ds).Page(7))
	html, _ := b["text/html"].(string)
	if !strings.Contains(html, "rows 140–149 of 150 · page 8 of 8") || !strings.Contains(html, "virginica") {
		t.Errorf("iris page 8 got:\n%.400s", html)
	}
	if !strings.Contains(html, ">key<") || !strings.Contains(html, ">petal_width<") {
		t.Errorf("iris page lacks the key or a feature column")
	}

	tt := tensor.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b = display.Render(tt)
	if html, _ := b["text/html"].(string); !strings.Contains(html, "tensor [2 3]") && !strings.Contains(html, "<table") {
		t.Errorf("tensor html got: %.300s", html)
	}
	if _, ok := b["text/plain"].(string); !ok {
		t.Errorf("tensor has no text/plain")
	}
}
