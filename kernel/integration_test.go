//go:build integration

package kernel

// Run with: go generate ./kernel/testdata/fullsyms && go test -tags integration -run Integration ./kernel
// It exercises the session against every runtime package (tables generated
// into testdata, which go build ./... ignores).

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"
	"tandem.dev/tandem/kernel/testdata/fullsyms"
	"tandem.dev/tandem/stdlib"
)

func TestIntegration_NorthStar(t *testing.T) {
	syms := interp.Exports{}
	for k, v := range stdlib.Symbols {
		syms[k] = v
	}
	for k, v := range fullsyms.Symbols {
		syms[k] = v
	}
	var pre []string
	for _, p := range []string{"fmt", "math", "strings", "sort", "time", "tandem.dev/tandem/runtime/tensor", "tandem.dev/tandem/runtime/nn",
		"tandem.dev/tandem/runtime/optim", "tandem.dev/tandem/runtime/data", "tandem.dev/tandem/runtime/train", "tandem.dev/tandem/runtime/metrics",
		"tandem.dev/tandem/runtime/feedback", "tandem.dev/tandem/runtime/chart", "tandem.dev/tandem/runtime/display"} {
		if stdlib.Has(syms, p) {
			pre = append(pre, p)
		}
	}
	s, err := New(Options{Symbols: syms, Preload: pre})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := &recorder{}
	for _, c := range []string{
		"ds := data.Iris()\nds.Len()",
		"tr, te := ds.Split(0.8, 1)\ntr.Len() + te.Len()",
		"m := nn.NewSequential([]nn.Module{nn.NewLinear(4, 16), nn.NewReLU(), nn.NewLinear(16, 3)})\nh := train.Fit(m, tr, train.Config{Epochs: 30, LR: 0.05})\nlen(h.TrainLoss())",
		"metrics.Confusion(m, te)",
		"x := tensor.New([]float32{1, 2, 3, 4}, 2, 2)\nx",
		"display.Show(display.HTML(\"<b>x</b>\"))",
		"chart.Bar([]string{\"a\", \"b\"}, []float64{1, 2})",
		"import \"os\"\ntrain.SetDefaultProgress(train.Text(os.Stdout))\ntrain.Fit(m, tr, train.Config{Epochs: 3, LR: 0.05})\n1",
		"type Layer struct{ W *tensor.Tensor }\nfunc (l *Layer) Forward(x *autograd.Var) *autograd.Var { return x }\nfunc (l *Layer) Parameters() []*autograd.Var { return nil }\nimport \"tandem.dev/tandem/runtime/autograd\"\nvar mod nn.Module = &Layer{}\nmod.Parameters() == nil",
	} {
		start := time.Now()
		r := s.Execute(context.Background(), c, rec)
		t.Logf("cell %d (%v): err=%v value=%.300v", r.Count, time.Since(start), r.Err, text(r))
		if r.Value != nil {
			var mimes []string
			for k := range r.Value.Data {
				mimes = append(mimes, k)
			}
			t.Logf("  mimes %v", mimes)
		}
	}
	t.Logf("streams: %.500s", strings.Join(rec.streams, "|"))
	t.Logf("displays: %d", len(rec.displays))
	go func() { time.Sleep(300 * time.Millisecond); s.Interrupt() }()
	start := time.Now()
	r := s.Execute(context.Background(), "h2 := train.Fit(m, tr, train.Config{Epochs: 100000, LR: 0.01})", rec)
	t.Logf("interrupt training: %v after %v", r.Err, time.Since(start))
	r = s.Execute(context.Background(), "len(train.Last().TrainLoss()) > 0", rec)
	t.Logf("after: %v %v", text(r), r.Err)
}
