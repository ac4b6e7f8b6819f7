package display_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/display"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/tensor"
	"tandem.dev/tandem/runtime/train"
)

// The live view is what runtime/train reports progress to.
var _ train.Progress = (*display.TrainingView)(nil)

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

// TestTable_MillionRows: the goal with a real dataset — a
// 1,000,000-row dataset displays in ≤ 200 ms with ≤ 100 KB sent.
func TestTable_MillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1,000,000-row dataset")
	}
	ds := data.Blobs(data.Gen{N: 1_000_000, Seed: 1})
	for _, v := range []any{display.Table(ds), ds} {
		start := time.Now()
		b := display.Render(v)
		took := time.Since(start)
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%T: %v, %d bytes", v, took, len(js))
		if len(js) > 100_000 {
			t.Errorf("%T: %d bytes sent, want ≤ 100,000", v, len(js))
		}
		if took > 200*time.Millisecond {
			t.Errorf("%T: %v, want ≤ 200 ms", v, took)
		}
	}
}

// TestTraining_Fit runs a real training loop into the live view, as a
// notebook cell does, and checks what the notebook receives.
func TestTraining_Fit(t *testing.T) {
	var calls []map[string]any
	display.SetSink(display.SinkFunc(func(d, m map[string]any, id string, update bool) { calls = append(calls, d) }))
	defer display.SetSink(nil)
	ds := data.Iris()
	sc := data.Standardize(ds)
	ds = sc.Apply(ds)
	nn.Seed(1)
	m := nn.NewSequential([]nn.Module{nn.NewLinear(4, 8), nn.NewReLU(), nn.NewLinear(8, 3)})
	const epochs = 30
	tv := display.Training(display.TrainingOptions{Epochs: epochs, Title: "iris"})
	h := train.Fit(m, ds, train.Config{Epochs: epochs, LR: 0.1, Validation: 0.2, Seed: 1, Progress: tv})
	if h.Len() != epochs {
		t.Fatalf("epochs got: %d want: %d", h.Len(), epochs)
	}
	final := calls[len(calls)-1]
	html, _ := final["text/html"].(string)
	for _, want := range []string{"iris", "30/30", "accuracy", "<polyline", "validation"} {
		if !strings.Contains(html, want) {
			t.Errorf("final view lacks %q", want)
		}
	}
	if got, want := len(tv.TrainLoss()), epochs; got != want {
		t.Errorf("view recorded %d epochs want: %d", got, want)
	}
	if len(calls) > 2+10*int(h.Duration().Seconds()+1) {
		t.Errorf("%d displays in %v: more than 10 a second", len(calls), h.Duration())
	}
}
