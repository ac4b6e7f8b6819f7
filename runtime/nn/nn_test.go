package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

func randAway(r *rand.Rand, shape ...int) *tensor.Tensor {
	t := tensor.Zeros(shape...)
	for i := range t.Data() {
		v := 0.2 + r.Float32()
		if r.IntN(2) == 0 {
			v = -v
		}
		t.Data()[i] = v
	}
	return t
}

// checkModule compares the gradients of L = Σ w ⊙ m(x) with respect to x
// and every parameter of m against central differences (gonum diff/fd).
// Tolerance as in autograd's checkGrad: float32 evaluation with step 1e-2
// gives errors around 1e-5·|L|; 2e-3·max(1, |g|) is far above that and far
// below any real mistake.
func checkModule(t *testing.T, name string, m Module, x *tensor.Tensor) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, uint64(len(name))))
	xv := autograd.Param(x)
	out := m.Forward(xv)
	w := tensor.Zeros(out.Value.Shape()...)
	for i := range w.Data() {
		w.Data()[i] = float32(r.Float64()*2 - 1)
	}
	ZeroGrad(m)
	out.BackwardWith(w)
	targets := append([]*autograd.Var{xv}, m.Parameters()...)
	for k, v := range targets {
		data := v.Value.Data()
		orig := append([]float32(nil), data...)
		x0 := make([]float64, len(orig))
		for j, f := range orig {
			x0[j] = float64(f)
		}
		loss := func(p []float64) float64 {
			for j, f := range p {
				data[j] = float32(f)
			}
			o := m.Forward(autograd.Const(x))
			var s float64
			for j, f := range o.Value.Data() {
				s += float64(f) * float64(w.Data()[j])
			}
			return s
		}
		want := fd.Gradient(nil, loss, x0, &fd.Settings{Formula: fd.Central, Step: 1e-2})
		copy(data, orig)
		got := v.Grad.Data()
		for j := range want {
			if d := math.Abs(float64(got[j]) - want[j]); d > 2e-3*math.Max(1, math.Abs(want[j])) {
				t.Errorf("%s: tensor %d element %d: got: %v want: %v", name, k, j, got[j], want[j])
			}
		}
	}
}

func perm(r *rand.Rand, n int) []int { return r.Perm(n) }

// TestLinear_FusedReLU checks the fused Linear+ReLU against the unfused
// graph (autograd.ReLU is itself checked against finite differences; a
// finite-difference check of the fused layer would be unreliable where a
// pre-activation lies within one step of the kink).
func TestLinear_FusedReLU(t *testing.T) {
	Seed(7)
	l := NewLinear(5, 7)
	x := autograd.Param(tensor.RandNormal(2, 0, 1, 9, 5))
	w := tensor.RandNormal(3, 0, 1, 9, 7)
	l.ForwardReLU(x).BackwardWith(w)
	got := [][]float32{x.Grad.Data(), l.W.Grad.Data(), l.B.Grad.Data()}
	x2 := autograd.Param(x.Value)
	l2 := Clone(l).(*Linear)
	autograd.ReLU(l2.Forward(x2)).BackwardWith(w)
	want := [][]float32{x2.Grad.Data(), l2.W.Grad.Data(), l2.B.Grad.Data()}
	for k := range got {
		for i := range got[k] {
			if d := math.Abs(float64(got[k][i] - want[k][i])); d > 1e-5 {
				t.Errorf("tensor %d element %d: got: %v want: %v", k, i, got[k][i], want[k][i])
			}
		}
	}
	if !tensor.AllClose(l.ForwardReLU(autograd.Const(x.Value)).Value, tensor.ReLU(l.Forward(autograd.Const(x.Value)).Value), 0, 0) {
		t.Errorf("fused forward differs from ReLU(Linear)")
	}
}

// shared uses one Linear twice in a graph: the layer must not reuse the
// first output's storage for the second call.
type shared struct{ L *Linear }

func (s *shared) Forward(x *autograd.Var) *autograd.Var {
	return s.L.Forward(autograd.Tanh(s.L.Forward(x)))
}
func (s *shared) Parameters() []*autograd.Var { return s.L.Parameters() }

func TestLayers_Gradients(t *testing.T) {
	Seed(1)
	r := rand.New(rand.NewPCG(9, 9))
	bnEval := NewBatchNorm(3)
	bnEval.RunningMean = tensor.New([]float32{0.1, -0.2, 0.3}, 3)
	bnEval.RunningVar = tensor.New([]float32{0.5, 1.5, 2}, 3)
	bnEval.SetTraining(false)
	for _, test := range []struct {
		name string
		m    Module
		x    *tensor.Tensor
	}{
		{"Linear", NewLinear(4, 3), randAway(r, 5, 4)},
		{"MLP", NewSequential([]Module{NewLinear(4, 6), NewTanh(), NewLinear(6, 3), NewSigmoid(), NewLinear(3, 2), NewSigmoid()}), randAway(r, 5, 4)},
		{"LeakyReLU", NewLeakyReLU(0.1), randAway(r, 3, 4)},
		{"Softmax", NewSoftmax(), randAway(r, 3, 4)},
		{"SharedLinear", &shared{NewLinear(3, 3)}, randAway(r, 4, 3)},
		{"Conv2D", NewConv2D(2, 3, 3, ConvOptions{}), randAway(r, 2, 2, 5, 5)},
		{"Conv2DPadStride", NewConv2D(2, 2, 3, ConvOptions{Stride: 2, Padding: 1}), randAway(r, 2, 2, 5, 6)},
		// Distinct values 0.1 apart: no finite-difference step changes a window's maximum.
		{"MaxPool2D", NewMaxPool2D(2, 0), tensor.Scale(0.1, tensor.Rows(tensor.Arange(0, 64, 1), perm(r, 64))).Reshape(2, 2, 4, 4)},
		{"MaxPool2DStride1", NewMaxPool2D(2, 1), tensor.Scale(0.1, tensor.Rows(tensor.Arange(0, 18, 1), perm(r, 18))).Reshape(1, 2, 3, 3)},
		{"CNN", NewSequential([]Module{NewConv2D(1, 2, 3, ConvOptions{Padding: 1}), NewTanh(), NewFlatten(), NewLinear(32, 3)}), randAway(r, 2, 1, 4, 4)},
		{"BatchNormTrain", NewBatchNorm(3), randAway(r, 6, 3)},
		{"BatchNorm2DTrain", NewBatchNorm(2), randAway(r, 3, 2, 2, 2)},
		{"BatchNormEval", bnEval, randAway(r, 4, 3)},
	} {
		t.Run(test.name, func(t *testing.T) { checkModule(t, test.name, test.m, test.x) })
	}
}

func TestDropout(t *testing.T) {
	Seed(2)
	d := NewDropout(0.5)
	x := autograd.Param(tensor.Ones(100, 10))
	y := d.Forward(x)
	zeros := 0
	for _, v := range y.Value.Data() {
		switch v {
		case 0:
			zeros++
		case 2:
		default:
			t.Fatalf("dropout output %v, want 0 or 2", v)
		}
	}
	if zeros < 400 || zeros > 600 {
		t.Errorf("dropped %d of 1000 at p=0.5", zeros)
	}
	autograd.Sum(y).Backward()
	for i, g := range x.Grad.Data() {
		if g != y.Value.Data()[i] { // ∂Σy/∂x = mask = y for x = 1
			t.Fatalf("grad %d: got: %v want: %v", i, g, y.Value.Data()[i])
		}
	}
	Eval(NewSequential([]Module{d}))
	if d.Forward(x) != x {
		t.Errorf("Dropout in eval mode is not the identity")
	}
}

func TestLinear_BufferReuse(t *testing.T) {
	Seed(3)
	m := NewSequential([]Module{NewLinear(4, 8), NewReLU(), NewLinear(8, 3)})
	x := autograd.Const(tensor.RandNormal(1, 0, 1, 16, 4))
	y := []int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0}
	out1 := m.Forward(x)
	CrossEntropy(out1, y).Backward()
	out2 := m.Forward(x)
	if out1 != out2 {
		t.Errorf("the output of a consumed graph was not reused")
	}
	out3 := m.Forward(x) // no Backward since out2: must not overwrite out2
	if out3 == out2 {
		t.Errorf("an output still in use was reused")
	}
	params := m.Parameters()
	allocs := testing.AllocsPerRun(20, func() {
		for _, p := range params {
			p.ZeroGrad()
		}
		o := m.Forward(x)
		o.BackwardWith(o.Value) // a loss-free backward: layers only
	})
	if allocs > 0 {
		t.Errorf("steady-state forward+backward allocates %v times, want 0", allocs)
	}
}

// xorNet is a model written the way a cell would write it.
type xorNet struct {
	Hidden, Out *Linear
}

func (n *xorNet) Forward(x *autograd.Var) *autograd.Var {
	return n.Out.Forward(autograd.Tanh(n.Hidden.Forward(x)))
}
func (n *xorNet) Parameters() []*autograd.Var {
	return append(n.Hidden.Parameters(), n.Out.Parameters()...)
}

func TestCustomModule_TrainsAndClones(t *testing.T) {
	Seed(4)
	net := &xorNet{NewLinear(2, 8), NewLinear(8, 2)}
	x := autograd.Const(tensor.New([]float32{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2))
	y := []int{0, 1, 1, 0}
	var loss float32
	for i := 0; i < 2000; i++ {
		ZeroGrad(net)
		l := CrossEntropy(net.Forward(x), y)
		l.Backward()
		for _, p := range net.Parameters() {
			p.Value.AddScaled(-0.5, p.Grad)
		}
		loss = l.Item()
	}
	if loss > 0.05 {
		t.Errorf("XOR loss after training: %v, want < 0.05", loss)
	}
	pred := tensor.ArgMaxAxis(net.Forward(x).Value, 1)
	for i := range y {
		if pred[i] != y[i] {
			t.Errorf("XOR prediction %d: got: %d want: %d", i, pred[i], y[i])
		}
	}
	c := Clone(net).(*xorNet)
	if c.Hidden == net.Hidden || c.Hidden.W == net.Hidden.W || !tensor.Equal(c.Hidden.W.Value, net.Hidden.W.Value) {
		t.Errorf("Clone did not deep-copy the layers")
	}
	if NumParams(net) != 2*8+8+8*2+2 {
		t.Errorf("NumParams: got: %d want: %d", NumParams(net), 42)
	}
}

func TestSaveLoad(t *testing.T) {
	Seed(5)
	m := NewSequential([]Module{NewLinear(3, 4), NewBatchNorm(4), NewReLU(), NewLinear(4, 2)})
	m.Forward(autograd.Const(tensor.RandNormal(1, 0, 1, 8, 3))) // move the running stats
	path := filepath.Join(t.TempDir(), "m.params")
	if err := Save(m, path); err != nil {
		t.Fatal(err)
	}
	Seed(6)
	m2 := NewSequential([]Module{NewLinear(3, 4), NewBatchNorm(4), NewReLU(), NewLinear(4, 2)})
	if err := Load(m2, path); err != nil {
		t.Fatal(err)
	}
	s1, s2 := stateOf(m), stateOf(m2)
	for i := range s1 {
		if !tensor.Equal(s1[i], s2[i]) {
			t.Errorf("tensor %d differs after Load", i)
		}
	}
	bad := NewSequential([]Module{NewLinear(3, 5), NewBatchNorm(5), NewReLU(), NewLinear(5, 2)})
	if err := Load(bad, path); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "[3 4]") {
		t.Errorf("Load into a different architecture: got: %v, want ErrFormat naming the shapes", err)
	}
}

func TestSummary(t *testing.T) {
	m := NewSequential([]Module{NewLinear(784, 256), NewReLU(), NewLinear(256, 10)})
	s := Summarize(m)
	if s.Params != 784*256+256+256*10+10 || len(s.Rows) != 3 {
		t.Fatalf("Summarize: params %d rows %d", s.Params, len(s.Rows))
	}
	txt := s.String()
	for _, want := range []string{"Linear(784 → 256)", "[784 256] [256]", "200960", "total trainable parameters: 203530"} {
		if !strings.Contains(txt, want) {
			t.Errorf("summary lacks %q:\n%s", want, txt)
		}
	}
	if !strings.Contains(m.HTML(), "<table") {
		t.Errorf("HTML summary has no table")
	}
}

// withState is a model type like one written in a cell, holding layers
// with train/eval behaviour and buffers in exported fields.
type withState struct {
	L    *Linear
	BN   *BatchNorm
	Drop *Dropout
	More []Module
}

func (m *withState) Forward(x *autograd.Var) *autograd.Var {
	return m.Drop.Forward(m.BN.Forward(m.L.Forward(x)))
}
func (m *withState) Parameters() []*autograd.Var {
	return append(m.L.Parameters(), m.BN.Parameters()...)
}

func TestChildren_CustomModel(t *testing.T) {
	m := &withState{L: NewLinear(2, 3), BN: NewBatchNorm(3), Drop: NewDropout(0.5), More: []Module{NewReLU()}}
	if got := len(Children(m)); got != 4 {
		t.Errorf("Children: got: %d want: 4", got)
	}
	Eval(m)
	if m.BN.training || m.Drop.training {
		t.Errorf("Eval did not reach the layers of a custom model")
	}
	if got := len(buffers(m)); got != 2 {
		t.Errorf("buffers: got: %d want: 2 (BatchNorm running stats)", got)
	}
	InitXavier(m)
	if tensor.Sum(tensor.Abs(m.L.B.Value)) != 0 {
		t.Errorf("InitXavier did not reach the Linear of a custom model")
	}
}

// TestCNN_LearnsBars trains a small CNN on 8×8 images of a horizontal or a
// vertical bar at random positions (digits-sized inputs): it must separate
// them, which needs the convolution, pooling and their gradients to work
// together.
func TestCNN_LearnsBars(t *testing.T) {
	Seed(11)
	r := rand.New(rand.NewPCG(1, 2))
	const n = 64
	x := tensor.Zeros(n, 1, 8, 8)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		y[i] = i % 2
		p := r.IntN(8)
		for q := 0; q < 8; q++ {
			if y[i] == 0 {
				x.Set(1, i, 0, p, q)
			} else {
				x.Set(1, i, 0, q, p)
			}
		}
	}
	cnn := NewSequential([]Module{
		NewConv2D(1, 4, 3, ConvOptions{Padding: 1}), NewReLU(),
		NewMaxPool2D(2, 0), NewFlatten(), NewLinear(4*4*4, 2),
	})
	params := cnn.Parameters()
	xv := autograd.Const(x)
	var loss float32
	for step := 0; step < 300; step++ {
		for _, p := range params {
			p.ZeroGrad()
		}
		l := CrossEntropy(cnn.Forward(xv), y)
		l.Backward()
		for _, p := range params {
			p.Value.AddScaled(-0.1, p.Grad)
		}
		loss = l.Item()
	}
	pred := tensor.ArgMaxAxis(cnn.Forward(xv).Value, 1)
	correct := 0
	for i := range y {
		if pred[i] == y[i] {
			correct++
		}
	}
	allocs := testing.AllocsPerRun(10, func() {
		for _, p := range params {
			p.ZeroGrad()
		}
		CrossEntropy(cnn.Forward(xv), y).Backward()
	})
	if allocs > 0 {
		t.Errorf("steady-state CNN step allocates %v times, want 0", allocs)
	}
	if correct < n || loss > 0.1 {
		t.Errorf("CNN on bars: %d/%d correct, loss %v", correct, n, loss)
	}
}

func TestRead_Corrupt(t *testing.T) {
	Seed(12)
	m := NewSequential([]Module{NewLinear(3, 2)})
	var buf strings.Builder
	if err := Write(m, &buf); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	before := m.Parameters()[0].Value.Clone()
	for i, data := range []string{"", "TANDEMNN", "NOTMAGIC\x01\x02\x00\x00\x00", good[:len(good)-3], good[:len(fileMagic)+6]} {
		err := Read(m, strings.NewReader(data))
		if err == nil {
			t.Errorf("case %d: Read of %d corrupt bytes succeeded", i, len(data))
		}
		if !tensor.Equal(m.Parameters()[0].Value, before) {
			t.Errorf("case %d: a failed Read changed the model", i)
		}
	}
	if err := Read(m, strings.NewReader(good)); err != nil {
		t.Errorf("Read of the written bytes: %v", err)
	}
}
