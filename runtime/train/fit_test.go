package train

import (
	"bytes"
	"math"
	"strings"
	"sync/atomic"
	"testing"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/optim"
	"tandem.dev/tandem/runtime/tensor"
)

// dense is a test model written as a user would in a cell: layers of
// x·W + b with ReLU between them, weights uniform in ±1/√in (PyTorch's
// default), seeded.
type dense struct {
	ws, bs   []*autograd.Var
	training bool
	modes    int
}

func newDense(seed uint64, sizes ...int) *dense {
	m := &dense{}
	for i := 0; i+1 < len(sizes); i++ {
		bound := float32(1 / math.Sqrt(float64(sizes[i])))
		m.ws = append(m.ws, autograd.Param(tensor.RandUniform(seed+uint64(2*i), -bound, bound, sizes[i], sizes[i+1])))
		m.bs = append(m.bs, autograd.Param(tensor.RandUniform(seed+uint64(2*i+1), -bound, bound, sizes[i+1])))
	}
	return m
}

func (m *dense) Forward(x *autograd.Var) *autograd.Var {
	for i := range m.ws {
		x = autograd.Linear(x, m.ws[i], m.bs[i])
		if i < len(m.ws)-1 {
			x = autograd.ReLU(x)
		}
	}
	return x
}

func (m *dense) Parameters() []*autograd.Var {
	var ps []*autograd.Var
	for i := range m.ws {
		ps = append(ps, m.ws[i], m.bs[i])
	}
	return ps
}

func (m *dense) SetTraining(on bool) { m.training = on; m.modes++ }

var _ nn.Module = (*dense)(nil)

func weights(m nn.Module) []float32 {
	var out []float32
	for _, p := range m.Parameters() {
		out = append(out, p.Value.Data()...)
	}
	return out
}

func TestFit_Blobs(t *testing.T) {
	for _, opt := range []Optimizer{SGD, Momentum, Adam} {
		t.Run(opt.String(), func(t *testing.T) {
			ds := data.Blobs(data.Gen{N: 300, Classes: 3, Seed: 4})
			ds = data.Standardize(ds).Apply(ds)
			m := newDense(1, 2, 3)
			h := Fit(m, ds, Config{Epochs: 30, LR: 0.05, Optimizer: opt, Validation: 0.2, Seed: 1})
			if h.Len() != 30 || h.Rows != 240 || h.ValidationRows != 60 {
				t.Fatalf("history: %s", h)
			}
			tl := h.TrainLoss()
			if !(tl[len(tl)-1] < tl[0]/2) {
				t.Errorf("loss did not fall: %v → %v", tl[0], tl[len(tl)-1])
			}
			if a := h.Last().ValidationAccuracy; a < 0.95 {
				t.Errorf("validation accuracy %v", a)
			}
			if len(h.ValidationLoss()) != 30 || len(h.TrainAccuracy()) != 30 {
				t.Errorf("columns: %d %d", len(h.ValidationLoss()), len(h.TrainAccuracy()))
			}
			if m.training {
				t.Errorf("model left in training mode")
			}
		})
	}
}

func TestFit_Deterministic(t *testing.T) {
	ds := data.Moons(data.Gen{N: 200, Noise: 0.1, Seed: 1})
	run := func() []float32 {
		m := newDense(3, 2, 8, 2)
		Fit(m, ds, Config{Epochs: 5, Seed: 9, Quiet: true})
		return weights(m)
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("weights differ at %d: %v %v", i, a[i], b[i])
		}
	}
}

// With one sample, full batch and plain SGD, one epoch is exactly
// θ ← θ − α·∇J(θ); for a linear model with MSE, ∇W = 2(xW+b−y)xᵀ.
func TestFit_SGDStep(t *testing.T) {
	ds := data.New(data.Frame{X: [][]float64{{1, 2}}, Targets: []float64{3}})
	m := newDense(5, 2, 1)
	w0 := weights(m)
	pred := float64(w0[0]*1+w0[1]*2) + float64(w0[2])
	r := 2 * (pred - 3)
	Fit(m, ds, Config{Epochs: 1, LR: 0.1, BatchSize: -1, Quiet: true})
	want := []float64{float64(w0[0]) - 0.1*r*1, float64(w0[1]) - 0.1*r*2, float64(w0[2]) - 0.1*r}
	for i, w := range weights(m) {
		if math.Abs(float64(w)-want[i]) > 1e-6 {
			t.Errorf("param %d: got %v want %v", i, w, want[i])
		}
	}
}

func TestFit_Regression(t *testing.T) {
	g := data.Gen{N: 200, Features: 2, Noise: 0.01, Seed: 2}
	ds := data.Linear(g)
	m := newDense(1, 2, 1)
	h := Fit(m, ds, Config{Epochs: 200, LR: 0.05, Optimizer: Adam, Quiet: true})
	if h.Loss != "MSE" || h.TrainAccuracy() != nil {
		t.Errorf("regression history: %s", h)
	}
	w, b := data.LinearCoefficients(g)
	got := weights(m)
	if math.Abs(float64(got[0])-w[0]) > 0.02 || math.Abs(float64(got[1])-w[1]) > 0.02 || math.Abs(float64(got[2])-b) > 0.02 {
		t.Errorf("fitted %v, true w %v b %v", got, w, b)
	}
	if p := PredictValues(m, ds); len(p) != 200 || math.Abs(p[0]-ds.Targets()[0]) > 0.05 {
		t.Errorf("PredictValues: %v vs %v", p[0], ds.Targets()[0])
	}
}

func TestFit_Binary(t *testing.T) {
	ds := data.Blobs(data.Gen{N: 100, Classes: 2, Seed: 3})
	ds = data.Standardize(ds).Apply(ds)
	m := newDense(1, 2, 1) // one output: sigmoid cross-entropy
	h := Fit(m, ds, Config{Epochs: 50, LR: 0.1, Quiet: true})
	if h.Last().TrainAccuracy < 0.95 {
		t.Errorf("binary accuracy: %s", h)
	}
	p := PredictProba(m, ds)
	if len(p[0]) != 2 || math.Abs(p[0][0]+p[0][1]-1) > 1e-12 {
		t.Errorf("binary proba: %v", p[0])
	}
}

func TestFit_EarlyStopping(t *testing.T) {
	ds := data.Moons(data.Gen{N: 100, Noise: 0.3, Seed: 1})
	m := newDense(1, 2, 64, 2)
	h := Fit(m, ds, Config{Epochs: 500, LR: 0.05, Optimizer: Adam, Validation: 0.3, Patience: 5, RestoreBest: true, Seed: 2, Quiet: true})
	if h.Len() == 500 || !strings.Contains(h.Stopped, "early stopping") {
		t.Fatalf("did not stop early: %d epochs, %q", h.Len(), h.Stopped)
	}
	if h.Len()-h.BestEpoch != 5 {
		t.Errorf("stopped at %d, best %d, patience 5", h.Len(), h.BestEpoch)
	}
	// The restored weights give the best epoch's validation loss.
	_, held := ds.DropMissing().Holdout(0.7, 2)
	loss, _ := evaluate(m, held, task{classes: 2}, CrossEntropy, nil)
	if best := h.Epochs[h.BestEpoch-1].ValidationLoss; math.Abs(loss-best) > 1e-6 {
		t.Errorf("restored weights: validation loss %v, best epoch had %v", loss, best)
	}
}

func TestFit_Callback(t *testing.T) {
	ds := data.Iris()
	var seen []int
	h := Fit(newDense(1, 4, 3), ds, Config{Epochs: 50, Quiet: true, OnEpoch: func(h *History) {
		seen = append(seen, h.Last().Epoch)
		if h.Len() == 3 {
			h.Stop()
		}
	}})
	if h.Len() != 3 || len(seen) != 3 || !strings.Contains(h.Stopped, "callback") {
		t.Errorf("callback stop: %d epochs, seen %v, %q", h.Len(), seen, h.Stopped)
	}
}

// fakeProgress records what Fit reports.
type fakeProgress struct {
	steps, epochs, done int
	losses              []float64
	onStep              func(n int)
}

func (p *fakeProgress) Step() {
	p.steps++
	if p.onStep != nil {
		p.onStep(p.steps)
	}
}
func (p *fakeProgress) Epoch(tl, vl float64) { p.epochs++; p.losses = append(p.losses, tl) }
func (p *fakeProgress) Done()                { p.done++ }

func TestFit_Progress(t *testing.T) {
	ds := data.Iris()
	p := &fakeProgress{}
	h := Fit(newDense(1, 4, 3), ds, Config{Epochs: 4, BatchSize: 50, Progress: p})
	if p.steps != 12 || p.epochs != 4 || p.done != 1 || p.losses[3] != h.TrainLoss()[3] {
		t.Errorf("progress: %+v", p)
	}
	// DefaultProgress is used unless Quiet.
	var made atomic.Int32
	DefaultProgress = func(epochs, steps int) Progress {
		made.Add(1)
		if epochs != 2 || steps != 5 {
			t.Errorf("DefaultProgress(%d, %d), want (2, 5)", epochs, steps)
		}
		return &fakeProgress{}
	}
	defer func() { DefaultProgress = nil }()
	Fit(newDense(1, 4, 3), ds, Config{Epochs: 2})
	Fit(newDense(1, 4, 3), ds, Config{Epochs: 2, Quiet: true})
	if made.Load() != 1 {
		t.Errorf("DefaultProgress made %d times, want 1", made.Load())
	}
	var buf bytes.Buffer
	DefaultProgress = Text(&buf)
	Fit(newDense(1, 4, 3), ds, Config{Epochs: 40, Validation: 0.2})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 21 || !strings.HasPrefix(lines[0], "epoch  1/40  loss ") || !strings.Contains(lines[20], "epoch 40/40") || !strings.Contains(lines[0], "validation") {
		t.Errorf("text progress, %d lines:\n%s", len(lines), buf.String())
	}
}

func TestFit_Interrupt(t *testing.T) {
	defer host.Reset()
	ds := data.Digits()
	m := newDense(1, 64, 10)
	var atInterrupt []float32
	p := &fakeProgress{onStep: func(n int) {
		if n == 7 {
			host.Interrupt()
			atInterrupt = weights(m)
		}
	}}
	func() {
		defer func() {
			if _, ok := recover().(host.Interrupted); !ok {
				t.Fatalf("Fit did not panic with host.Interrupted")
			}
		}()
		Fit(m, ds, Config{Epochs: 100, Progress: p})
		t.Fatalf("Fit returned after an interrupt")
	}()
	if p.steps != 7 || p.done != 1 {
		t.Errorf("ran %d steps after the interrupt at 7; Done called %d times", p.steps, p.done)
	}
	got := weights(m)
	for i := range got {
		if got[i] != atInterrupt[i] {
			t.Fatalf("weights changed after the interrupt")
		}
	}
	if h := Last(); h == nil || h.Stopped != "interrupted" || h.Len() != 0 {
		t.Errorf("Last: %v", h)
	}
	if m.training {
		t.Errorf("model left in training mode")
	}

	// From another goroutine, as the kernel does.
	host.Reset()
	started := make(chan bool)
	p2 := &fakeProgress{onStep: func(n int) {
		if n == 1 {
			close(started)
		}
	}}
	go func() { <-started; host.Interrupt() }()
	func() {
		defer func() { recover() }()
		Fit(newDense(1, 64, 10), ds, Config{Epochs: 1000, Progress: p2})
	}()
	if p2.epochs >= 1000 {
		t.Errorf("interrupt from a goroutine did not stop training")
	}
}

func TestFit_Misuse(t *testing.T) {
	unlabeled := data.New(data.Frame{X: [][]float64{{1}, {2}}})
	for _, test := range []struct {
		name string
		f    func()
		want string
	}{
		{"NoLabel", func() { Fit(newDense(1, 1, 2), unlabeled, Config{Quiet: true}) }, "has no label or target column"},
		{"Outputs", func() { Fit(newDense(1, 4, 2), data.Iris(), Config{Quiet: true}) }, "the model has 2 outputs for 3 classes"},
		{"Regression", func() { Fit(newDense(1, 1, 3), data.Linear(data.Gen{}), Config{Quiet: true}) }, "3 outputs for one regression target"},
		{"CE", func() { Fit(newDense(1, 1, 1), data.Linear(data.Gen{}), Config{Loss: CrossEntropy, Quiet: true}) }, "cross-entropy needs class labels"},
		{"Validation", func() { Fit(newDense(1, 4, 3), data.Iris(), Config{Validation: 1, Quiet: true}) }, "validation fraction 1"},
	} {
		t.Run(test.name, func(t *testing.T) {
			defer func() {
				e, ok := recover().(Error)
				if !ok || !strings.Contains(e.Msg, test.want) {
					t.Errorf("got %v want %q", e, test.want)
				}
			}()
			test.f()
		})
	}
}

func TestFit_DropsUnlabeled(t *testing.T) {
	ds := data.New(data.Frame{X: [][]float64{{0}, {1}, {math.NaN()}, {3}}, Labels: []string{"a", "b", "a", ""}})
	h := Fit(newDense(1, 1, 2), ds, Config{Epochs: 1, Quiet: true})
	if h.Rows != 2 || h.Dropped != 2 {
		t.Errorf("rows %d dropped %d", h.Rows, h.Dropped)
	}
}

func TestHistory_Render(t *testing.T) {
	h := Fit(newDense(1, 4, 3), data.Iris(), Config{Epochs: 30, Validation: 0.2, Quiet: true, Seed: 1})
	s := h.String()
	lines := strings.Split(s, "\n")
	if !strings.HasPrefix(lines[0], "30 epochs, 120 rows + 30 validation, cross-entropy, SGD lr 0.01") {
		t.Errorf("summary: %q", lines[0])
	}
	if !strings.Contains(lines[1], "epoch    loss  accuracy  val loss  val accuracy") || len(lines) < 12 || len(lines) > 14 {
		t.Errorf("table:\n%s", s)
	}
	if !strings.Contains(h.HTML(), "<th>val accuracy</th>") {
		t.Errorf("HTML: %s", h.HTML())
	}
	if len(h.ValidationLoss()) != 30 {
		t.Errorf("ValidationLoss")
	}
	if h2 := Fit(newDense(1, 4, 3), data.Iris(), Config{Epochs: 1, Quiet: true}); h2.ValidationLoss() != nil {
		t.Errorf("ValidationLoss without validation: %v", h2.ValidationLoss())
	}
}

func TestPredict(t *testing.T) {
	ds := data.Iris()
	m := newDense(1, 4, 3)
	out := Output(m, ds)
	if s := out.Shape(); s[0] != 150 || s[1] != 3 {
		t.Fatalf("Output shape %v", s)
	}
	pred := Predict(m, ds)
	proba := PredictProba(m, ds)
	for i := range pred {
		best := 0
		sum := 0.0
		for c, p := range proba[i] {
			sum += p
			if p > proba[i][best] {
				best = c
			}
		}
		if best != pred[i] || math.Abs(sum-1) > 1e-12 {
			t.Fatalf("row %d: pred %d proba %v", i, pred[i], proba[i])
		}
	}
	if !autograd.GradEnabled() {
		t.Errorf("Output left gradients disabled")
	}
}

func TestFit_Schedule(t *testing.T) {
	ds := data.Iris()
	m := newDense(1, 4, 3)
	var after1 []float32
	// StepLR with Gamma 0: the base rate in epoch 0, zero from epoch 1 on.
	Fit(m, ds, Config{Epochs: 3, Quiet: true, Schedule: optim.StepLR{Base: 0.1, StepSize: 1, Gamma: 0}, OnEpoch: func(h *History) {
		if h.Len() == 1 {
			after1 = weights(m)
		}
	}})
	for i, w := range weights(m) {
		if w != after1[i] {
			t.Fatalf("weights changed with learning rate 0")
		}
	}
	// ClipNorm bounds the step: one SGD step of at most LR·ClipNorm.
	m = newDense(1, 4, 3)
	w0 := weights(m)
	Fit(m, ds, Config{Epochs: 1, BatchSize: -1, LR: 1, ClipNorm: 0.001, Quiet: true})
	d := 0.0
	for i, w := range weights(m) {
		d += float64(w-w0[i]) * float64(w-w0[i])
	}
	if math.Sqrt(d) > 0.001*1.0001 {
		t.Errorf("step norm %v with ClipNorm 0.001", math.Sqrt(d))
	}
}

func irisForTest() *data.Dataset { return data.Iris() }

func TestFit_IgnoredColumns(t *testing.T) {
	ds, err := data.ReadCSV(strings.NewReader("x,color,label\n1,red,a\n2,red,b\n3,blue,a\n4,blue,b\n"), data.CSV{Label: "label"})
	if err != nil {
		t.Fatal(err)
	}
	h := Fit(newDense(1, 1, 2), ds, Config{Epochs: 1, Quiet: true})
	if len(h.Ignored) != 1 || h.Ignored[0] != "color (categorical)" || !strings.Contains(h.String(), "not features: color (categorical)") {
		t.Errorf("ignored: %v\n%s", h.Ignored, h)
	}
	h = Fit(newDense(1, 3, 2), ds.OneHot(), Config{Epochs: 1, Quiet: true})
	if len(h.Ignored) != 0 {
		t.Errorf("after OneHot: %v", h.Ignored)
	}
}

func TestFit_Diverges(t *testing.T) {
	ds := data.Linear(data.Gen{N: 50, Features: 2})
	h := Fit(newDense(1, 2, 1), ds, Config{Epochs: 100, LR: 1e6, Quiet: true})
	if h.Len() == 100 || !strings.Contains(h.Stopped, "the learning rate (1e+06) may be too high") {
		t.Errorf("divergence: %d epochs, %q", h.Len(), h.Stopped)
	}
}
