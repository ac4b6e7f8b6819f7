package autograd

import (
	"fmt"
	"sync"
	"sync/atomic"

	"tandem.dev/tandem/runtime/tensor"
)

// Var is a node of the computation graph: a value, its gradient (allocated
// on the first backward pass that reaches it) and how it was made.
type Var struct {
	Value        *tensor.Tensor
	Grad         *tensor.Tensor
	RequiresGrad bool

	parents []*Var
	back    func(out *Var)
	mark    uint64
	spent   bool
}

// New returns a leaf variable over t.
func New(t *tensor.Tensor, requiresGrad bool) *Var {
	return &Var{Value: t, RequiresGrad: requiresGrad}
}

// Const returns a leaf that does not require a gradient (an input or target).
func Const(t *tensor.Tensor) *Var { return &Var{Value: t} }

// Param returns a leaf that requires a gradient (a trainable parameter).
func Param(t *tensor.Tensor) *Var { return &Var{Value: t, RequiresGrad: true} }

// IsLeaf reports whether v was created directly rather than by an operation.
func (v *Var) IsLeaf() bool { return v.back == nil }

// Shape returns the shape of v.Value.
func (v *Var) Shape() []int { return v.Value.Shape() }

// Item returns the value of a one-element v.
func (v *Var) Item() float32 { return v.Value.Item() }

// String formats v as its value, noting when it requires a gradient.
func (v *Var) String() string {
	if v == nil || v.Value == nil {
		return "autograd.Var(nil)"
	}
	s := v.Value.String()
	if v.RequiresGrad {
		return s[:len(s)-1] + ", requires_grad)"
	}
	return s
}

// ZeroGrad sets v.Grad to zero (keeping its storage).
func (v *Var) ZeroGrad() {
	if v.Grad != nil {
		v.Grad.Zero()
	}
}

// Detach returns a leaf over the same value that is cut from the graph.
func (v *Var) Detach() *Var { return &Var{Value: v.Value} }

var gradDisabled atomic.Int32

// SetGradEnabled turns graph recording on or off process-wide and returns
// the previous setting.
func SetGradEnabled(on bool) (was bool) {
	v := int32(1)
	if on {
		v = 0
	}
	return gradDisabled.Swap(v) == 0
}

// GradEnabled reports whether operations currently record the graph.
func GradEnabled() bool { return gradDisabled.Load() == 0 }

// NoGrad runs f with graph recording off (for evaluation and for manual
// parameter updates), restoring the previous setting even if f panics.
func NoGrad(f func()) {
	was := SetGradEnabled(false)
	defer SetGradEnabled(was)
	f()
}

// Link makes v the output of an operation over parents whose backward
// function back must add ∂L/∂parent (computed from out.Grad) into the Grad
// of every parent with RequiresGrad (Backward has allocated those). Link is
// the way to write a new differentiable operation, and lets a layer reuse
// one output Var, and its buffers, for every batch: parents is kept, not
// copied. With recording off, or when no parent requires a gradient, v
// becomes a constant.
func (v *Var) Link(parents []*Var, back func(out *Var)) {
	v.spent = false
	v.mark = 0
	need := false
	if GradEnabled() {
		for _, p := range parents {
			if p.RequiresGrad {
				need = true
				break
			}
		}
	}
	if !need {
		v.parents, v.back, v.RequiresGrad = nil, nil, false
		return
	}
	v.parents, v.back, v.RequiresGrad = parents, back, true
}

// Func returns a new Var holding value, computed from parents by an
// operation whose backward function is back (see Link).
func Func(value *tensor.Tensor, parents []*Var, back func(out *Var)) *Var {
	v := &Var{Value: value}
	v.Link(parents, back)
	return v
}

// Spent reports whether a Backward pass has gone through v since it was
// last linked: the graph behind it has been used, so a layer may reuse v and
// its buffers for its next output.
func (v *Var) Spent() bool { return v.spent }

var (
	generation atomic.Uint64
	orderPool  = sync.Pool{New: func() any { s := make([]*Var, 0, 64); return &s }}
)

// Backward computes the gradient of v, which must hold a single value, with
// respect to every Var it depends on that requires a gradient, adding the
// results into their Grad. It panics if v does not require a gradient.
func (v *Var) Backward() {
	if v.Value.Len() != 1 {
		panic(tensor.Error{Msg: fmt.Sprintf("autograd: Backward needs a single value, got shape %v (use BackwardWith)", v.Value.Shape())})
	}
	v.backward(nil)
}

// BackwardWith is Backward for a non-scalar v, seeded with grad = ∂L/∂v
// (same shape as v.Value).
func (v *Var) BackwardWith(grad *tensor.Tensor) {
	if !tensor.SameShape(grad, v.Value) {
		panic(tensor.Error{Msg: fmt.Sprintf("autograd: BackwardWith: gradient shape %v, value shape %v", grad.Shape(), v.Value.Shape())})
	}
	v.backward(grad)
}

func (v *Var) backward(seed *tensor.Tensor) {
	if !v.RequiresGrad {
		panic(tensor.Error{Msg: "autograd: Backward on a value that does not require a gradient (no parameter with RequiresGrad reaches it, or it was computed under NoGrad)"})
	}
	gen := generation.Add(1)
	op := orderPool.Get().(*[]*Var)
	order := topo(v, gen, (*op)[:0])
	for _, n := range order {
		if n.Grad == nil || !tensor.SameShape(n.Grad, n.Value) {
			n.Grad = tensor.Zeros(n.Value.Shape()...)
		} else if n.back != nil {
			n.Grad.Zero()
		}
	}
	if seed == nil {
		v.Grad.Data()[0] += 1
	} else {
		v.Grad.AddScaled(1, seed)
	}
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if n.back != nil {
			n.back(n)
			n.spent = true
		}
	}
	clear(order)
	*op = order[:0]
	orderPool.Put(op)
}

// topo appends the nodes reachable from v that require a gradient in
// post-order (inputs before the results that use them).
func topo(v *Var, gen uint64, order []*Var) []*Var {
	if v.mark == gen || !v.RequiresGrad {
		return order
	}
	v.mark = gen
	for _, p := range v.parents {
		order = topo(p, gen, order)
	}
	return append(order, v)
}

// HTML renders v's value as a table for notebooks, noting when it requires
// a gradient.
func (v *Var) HTML() string {
	if v == nil || v.Value == nil {
		return "<code>autograd.Var(nil)</code>"
	}
	h := v.Value.HTML()
	if v.RequiresGrad {
		h += `<div style="font-size:smaller;color:#666">requires grad</div>`
	}
	return h
}
