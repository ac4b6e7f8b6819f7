package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

// Linear is a dense layer y = x·W + B for x of shape [n, In].
// W has shape [In, Out] (the transpose of PyTorch's layout, so the forward
// pass is a plain matrix product); B has shape [Out] and may be set to nil
// for a layer without bias.
type Linear struct {
	In, Out int
	W, B    *autograd.Var
	node    *linearNode
}

type linearNode struct {
	out, x, w, b *autograd.Var
	relu         bool
	ps           [3]*autograd.Var
	back         func(*autograd.Var)
}

// NewLinear returns a dense layer initialised like PyTorch's nn.Linear:
// W and B uniform in ±1/√In (Kaiming-uniform with a = √5), drawn from the
// package generator (see Seed).
func NewLinear(in, out int) *Linear {
	if in <= 0 || out <= 0 {
		panicf("NewLinear: sizes %d → %d must be positive", in, out)
	}
	bound := float32(1 / math.Sqrt(float64(in)))
	return &Linear{
		In: in, Out: out,
		W: autograd.Param(tensor.RandUniform(nextSeed(), -bound, bound, in, out)),
		B: autograd.Param(tensor.RandUniform(nextSeed(), -bound, bound, out)),
	}
}

// Forward returns x·W + B. It panics if x is not [n, In].
func (l *Linear) Forward(x *autograd.Var) *autograd.Var { return l.forward(x, false) }

// ForwardReLU returns max(x·W + B, 0) with the bias and the ReLU fused into
// one pass (Sequential uses it for a Linear followed by a ReLU).
func (l *Linear) ForwardReLU(x *autograd.Var) *autograd.Var { return l.forward(x, true) }

func (l *Linear) forward(x *autograd.Var, relu bool) *autograd.Var {
	s := x.Value.Shape()
	if len(s) != 2 || s[1] != l.In {
		panicf("Linear(%d → %d): input shape %v, want [n %d]", l.In, l.Out, s, l.In)
	}
	n := l.node
	if n == nil || !reusable(n.out, s[0], l.Out) {
		n = &linearNode{out: autograd.Const(tensor.Zeros(s[0], l.Out))}
		n.back = n.backward
		l.node = n
	}
	n.x, n.w, n.b, n.relu = x, l.W, l.B, relu
	y := n.out.Value
	tensor.Gemm(false, false, 1, x.Value, l.W.Value, 0, y)
	switch {
	case l.B != nil && relu:
		y.AddBiasReLU(y, l.B.Value)
	case l.B != nil:
		y.AddBias(y, l.B.Value)
	case relu:
		y.ReLU(y)
	}
	ps := append(n.ps[:0], x, l.W)
	if l.B != nil {
		ps = append(ps, l.B)
	}
	n.out.Link(ps, n.back)
	return n.out
}

func (n *linearNode) backward(o *autograd.Var) {
	g := o.Grad
	if n.relu {
		// The output is max(z, 0): the gradient passes where it is positive.
		// o.Grad belongs to this node, so it is masked in place.
		gd, yd := g.Data(), o.Value.Data()
		for i, y := range yd {
			if y <= 0 {
				gd[i] = 0
			}
		}
	}
	if n.w.RequiresGrad {
		tensor.Gemm(true, false, 1, n.x.Value, g, 1, n.w.Grad)
	}
	if n.b != nil && n.b.RequiresGrad {
		n.b.Grad.AddColSums(g)
	}
	if n.x.RequiresGrad {
		tensor.Gemm(false, true, 1, g, n.w.Value, 1, n.x.Grad)
	}
}

// Parameters returns [W, B] (or [W] without bias).
func (l *Linear) Parameters() []*autograd.Var {
	if l.B == nil {
		return []*autograd.Var{l.W}
	}
	return []*autograd.Var{l.W, l.B}
}

// String describes the layer and its configuration.
func (l *Linear) String() string {
	return fmt.Sprintf("Linear(%d → %d%s)", l.In, l.Out, map[bool]string{true: ", no bias"}[l.B == nil])
}

// Clone returns a deep copy with its own parameters.
func (l *Linear) Clone() Module {
	c := &Linear{In: l.In, Out: l.Out, W: cloneVar(l.W), B: cloneVar(l.B)}
	return c
}

func cloneVar(v *autograd.Var) *autograd.Var {
	if v == nil {
		return nil
	}
	return autograd.New(v.Value.Clone(), v.RequiresGrad)
}

// Activation kinds of the element-wise layers.
const (
	actReLU = iota
	actLeaky
	actSigmoid
	actTanh
)

type actNode struct {
	out, x *autograd.Var
	kind   int
	slope  float32
	ps     [1]*autograd.Var
	back   func(*autograd.Var)
}

func actForward(np **actNode, x *autograd.Var, kind int, slope float32) *autograd.Var {
	n := *np
	if n == nil || !reusable(n.out, x.Value.Shape()...) {
		n = &actNode{out: autograd.Const(tensor.Zeros(x.Value.Shape()...))}
		n.back = n.backward
		*np = n
	}
	n.x, n.kind, n.slope = x, kind, slope
	y, xs := n.out.Value.Data(), x.Value.Data()
	switch kind {
	case actReLU:
		for i, v := range xs {
			y[i] = max(v, 0)
		}
	case actLeaky:
		for i, v := range xs {
			if v > 0 {
				y[i] = v
			} else {
				y[i] = slope * v
			}
		}
	case actSigmoid:
		n.out.Value.Sigmoid(x.Value)
	case actTanh:
		n.out.Value.Tanh(x.Value)
	}
	n.out.Link(append(n.ps[:0], x), n.back)
	return n.out
}

func (n *actNode) backward(o *autograd.Var) {
	g, y, xs, xg := o.Grad.Data(), o.Value.Data(), n.x.Value.Data(), n.x.Grad.Data()
	switch n.kind {
	case actReLU:
		for i, v := range xs {
			if v > 0 {
				xg[i] += g[i]
			}
		}
	case actLeaky:
		for i, v := range xs {
			if v > 0 {
				xg[i] += g[i]
			} else {
				xg[i] += n.slope * g[i]
			}
		}
	case actSigmoid:
		for i, s := range y {
			xg[i] += g[i] * s * (1 - s)
		}
	case actTanh:
		for i, t := range y {
			xg[i] += g[i] * (1 - t*t)
		}
	}
}

// ReLU is the layer max(x, 0).
type ReLU struct{ node *actNode }

// NewReLU returns a ReLU layer.
func NewReLU() *ReLU { return &ReLU{} }

// Forward returns max(x, 0).
func (r *ReLU) Forward(x *autograd.Var) *autograd.Var { return actForward(&r.node, x, actReLU, 0) }

// Parameters returns nil: ReLU has none.
func (r *ReLU) Parameters() []*autograd.Var { return nil }

// String describes the layer and its configuration.
func (r *ReLU) String() string { return "ReLU()" }

// Clone returns a new ReLU.
func (r *ReLU) Clone() Module { return &ReLU{} }

// LeakyReLU is x for x > 0 and Slope·x elsewhere.
type LeakyReLU struct {
	Slope float32
	node  *actNode
}

// NewLeakyReLU returns a LeakyReLU layer; PyTorch's default slope is 0.01.
func NewLeakyReLU(slope float32) *LeakyReLU { return &LeakyReLU{Slope: slope} }

// Forward applies the leaky ReLU.
func (r *LeakyReLU) Forward(x *autograd.Var) *autograd.Var {
	return actForward(&r.node, x, actLeaky, r.Slope)
}

// Parameters returns nil.
func (r *LeakyReLU) Parameters() []*autograd.Var { return nil }

// String describes the layer and its configuration.
func (r *LeakyReLU) String() string { return fmt.Sprintf("LeakyReLU(%g)", r.Slope) }

// Clone returns a copy.
func (r *LeakyReLU) Clone() Module { return &LeakyReLU{Slope: r.Slope} }

// Sigmoid is the layer 1/(1+e^−x).
type Sigmoid struct{ node *actNode }

// NewSigmoid returns a Sigmoid layer.
func NewSigmoid() *Sigmoid { return &Sigmoid{} }

// Forward applies the logistic function.
func (s *Sigmoid) Forward(x *autograd.Var) *autograd.Var {
	return actForward(&s.node, x, actSigmoid, 0)
}

// Parameters returns nil.
func (s *Sigmoid) Parameters() []*autograd.Var { return nil }

// String describes the layer and its configuration.
func (s *Sigmoid) String() string { return "Sigmoid()" }

// Clone returns a new Sigmoid.
func (s *Sigmoid) Clone() Module { return &Sigmoid{} }

// Tanh is the layer tanh(x).
type Tanh struct{ node *actNode }

// NewTanh returns a Tanh layer.
func NewTanh() *Tanh { return &Tanh{} }

// Forward applies tanh.
func (t *Tanh) Forward(x *autograd.Var) *autograd.Var { return actForward(&t.node, x, actTanh, 0) }

// Parameters returns nil.
func (t *Tanh) Parameters() []*autograd.Var { return nil }

// String describes the layer and its configuration.
func (t *Tanh) String() string { return "Tanh()" }

// Clone returns a new Tanh.
func (t *Tanh) Clone() Module { return &Tanh{} }

// Softmax turns each row of scores into probabilities (softmax along the
// last axis). For training a classifier, feed logits to CrossEntropy
// instead: it fuses the softmax and is stabler.
type Softmax struct{}

// NewSoftmax returns a Softmax layer.
func NewSoftmax() *Softmax { return &Softmax{} }

// Forward returns softmax(x) along the last axis.
func (s *Softmax) Forward(x *autograd.Var) *autograd.Var { return autograd.Softmax(x, -1) }

// Parameters returns nil.
func (s *Softmax) Parameters() []*autograd.Var { return nil }

// String describes the layer and its configuration.
func (s *Softmax) String() string { return "Softmax(axis=-1)" }

// Clone returns a new Softmax.
func (s *Softmax) Clone() Module { return &Softmax{} }

// Flatten reshapes [n, …] into [n, rest], e.g. after convolutions.
type Flatten struct{ node *flatNode }

// flatNode is a Flatten result: a view of its input's storage, reused while
// the input tensor is the same (a layer's reused output).
type flatNode struct {
	out, x *autograd.Var
	src    *tensor.Tensor
	ps     [1]*autograd.Var
	back   func(*autograd.Var)
}

func (nd *flatNode) backward(o *autograd.Var) {
	g, xg := o.Grad.Data(), nd.x.Grad.Data()
	for i, v := range g {
		xg[i] += v
	}
}

// NewFlatten returns a Flatten layer.
func NewFlatten() *Flatten { return &Flatten{} }

// Forward returns x reshaped to [n, rest].
func (f *Flatten) Forward(x *autograd.Var) *autograd.Var {
	s := x.Value.Shape()
	if len(s) == 0 {
		panicf("Flatten: scalar input")
	}
	nd := f.node
	if nd == nil || nd.src != x.Value || !reusable(nd.out, s[0], x.Value.Len()/max(s[0], 1)) {
		nd = &flatNode{out: autograd.Const(x.Value.Reshape(s[0], -1)), src: x.Value}
		nd.back = nd.backward
		f.node = nd
	}
	nd.x = x
	nd.out.Link(append(nd.ps[:0], x), nd.back)
	return nd.out
}

// Parameters returns nil.
func (f *Flatten) Parameters() []*autograd.Var { return nil }

// String describes the layer and its configuration.
func (f *Flatten) String() string { return "Flatten()" }

// Clone returns a new Flatten.
func (f *Flatten) Clone() Module { return &Flatten{} }

// Dropout zeroes each input with probability P during training and scales
// the rest by 1/(1−P) (inverted dropout, Srivastava et al., JMLR 15, 2014);
// in evaluation mode it is the identity.
type Dropout struct {
	P        float32
	training bool
	rng      *rand.Rand
	node     *dropNode
}

type dropNode struct {
	out, x *autograd.Var
	mask   []float32
	ps     [1]*autograd.Var
	back   func(*autograd.Var)
}

// NewDropout returns a Dropout layer in training mode. It panics unless
// 0 ≤ p < 1.
func NewDropout(p float32) *Dropout {
	if p < 0 || p >= 1 {
		panicf("NewDropout: probability %v not in [0, 1)", p)
	}
	return &Dropout{P: p, training: true, rng: rand.New(rand.NewPCG(nextSeed(), 1))}
}

// SetTraining switches between training (dropping) and evaluation (identity).
func (d *Dropout) SetTraining(on bool) { d.training = on }

// Forward applies the dropout mask in training mode.
func (d *Dropout) Forward(x *autograd.Var) *autograd.Var {
	if !d.training || d.P == 0 {
		return x
	}
	if d.rng == nil {
		d.rng = rand.New(rand.NewPCG(nextSeed(), 1))
	}
	n := d.node
	if n == nil || !reusable(n.out, x.Value.Shape()...) {
		n = &dropNode{out: autograd.Const(tensor.Zeros(x.Value.Shape()...)), mask: make([]float32, x.Value.Len())}
		n.back = n.backward
		d.node = n
	}
	n.x = x
	keep := 1 / (1 - d.P)
	y, xs := n.out.Value.Data(), x.Value.Data()
	for i, v := range xs {
		if d.rng.Float32() < d.P {
			n.mask[i] = 0
		} else {
			n.mask[i] = keep
		}
		y[i] = v * n.mask[i]
	}
	n.out.Link(append(n.ps[:0], x), n.back)
	return n.out
}

func (n *dropNode) backward(o *autograd.Var) {
	g, xg := o.Grad.Data(), n.x.Grad.Data()
	for i, m := range n.mask {
		xg[i] += g[i] * m
	}
}

// Parameters returns nil.
func (d *Dropout) Parameters() []*autograd.Var { return nil }

// String describes the layer and its configuration.
func (d *Dropout) String() string { return fmt.Sprintf("Dropout(p=%g)", d.P) }

// Clone returns a copy with its own generator.
func (d *Dropout) Clone() Module {
	return &Dropout{P: d.P, training: d.training, rng: rand.New(rand.NewPCG(nextSeed(), 1))}
}

// Sequential applies its layers in order. A Linear directly followed by a
// ReLU runs as one fused layer.
type Sequential struct {
	Layers []Module
}

// NewSequential returns a model applying layers in order.
func NewSequential(layers []Module) *Sequential {
	return &Sequential{Layers: append([]Module(nil), layers...)}
}

// Add appends a layer and returns s, so calls chain.
func (s *Sequential) Add(m Module) *Sequential {
	s.Layers = append(s.Layers, m)
	return s
}

// Forward applies the layers in order.
func (s *Sequential) Forward(x *autograd.Var) *autograd.Var {
	for i := 0; i < len(s.Layers); i++ {
		if l, ok := s.Layers[i].(*Linear); ok && i+1 < len(s.Layers) {
			if _, ok := s.Layers[i+1].(*ReLU); ok {
				x = l.ForwardReLU(x)
				i++
				continue
			}
		}
		x = s.Layers[i].Forward(x)
	}
	return x
}

// Parameters returns the parameters of all layers, in order.
func (s *Sequential) Parameters() []*autograd.Var {
	var ps []*autograd.Var
	for _, l := range s.Layers {
		ps = append(ps, l.Parameters()...)
	}
	return ps
}

// Children returns the layers.
func (s *Sequential) Children() []Module { return s.Layers }

// SetTraining sets the mode of every layer.
func (s *Sequential) SetTraining(on bool) {
	for _, l := range s.Layers {
		setTraining(l, on)
	}
}

// String returns the summary table of the model.
func (s *Sequential) String() string { return Summarize(s).String() }

// HTML renders the summary table.
func (s *Sequential) HTML() string { return Summarize(s).HTML() }

// Clone returns a deep copy of every layer.
func (s *Sequential) Clone() Module {
	c := &Sequential{Layers: make([]Module, len(s.Layers))}
	for i, l := range s.Layers {
		c.Layers[i] = Clone(l)
	}
	return c
}
