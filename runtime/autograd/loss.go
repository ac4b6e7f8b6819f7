package autograd

import (
	"fmt"
	"math"
	"sync"

	"tandem.dev/tandem/runtime/tensor"
)

// SoftmaxCrossEntropy returns the mean over rows of −log softmax(logits)[target]
// for logits of shape [n, classes] and one class index per row (PyTorch's
// F.cross_entropy with class-index targets), fused: the softmax is computed
// once and the gradient is (softmax − onehot)/n. It panics with the shapes
// if targets does not have one entry per row or an index is out of range.
func SoftmaxCrossEntropy(logits *Var, targets []int) *Var {
	shape := logits.Value.Shape()
	if len(shape) != 2 || shape[0] != len(targets) {
		panic(tensor.Error{Msg: fmt.Sprintf("autograd: SoftmaxCrossEntropy: logits %v and %d targets", shape, len(targets))})
	}
	node := ceNodeFor(logits)
	node.out.Value.Data()[0] = tensor.SoftmaxCrossEntropy(logits.Value, targets, node.grad)
	node.out.Link(append(node.ps[:0], logits), node.back)
	return node.out
}

// ceNode is one cross-entropy result. In a training loop the logits Var is
// the same from batch to batch (layers reuse their outputs), and the node
// of the previous batch is reused once Backward has consumed it, so the
// steady state allocates nothing; see nn's package documentation.
type ceNode struct {
	out, logits *Var
	grad        *tensor.Tensor // (softmax − onehot)/n: the whole backward pass
	ps          [1]*Var
	back        func(*Var)
}

func (n *ceNode) backward(o *Var) {
	n.logits.Grad.AddScaled(o.Grad.Data()[0], n.grad)
}

var (
	ceMu   sync.Mutex
	ceLast *ceNode
)

func ceNodeFor(logits *Var) *ceNode {
	ceMu.Lock()
	defer ceMu.Unlock()
	if n := ceLast; n != nil && n.logits == logits && n.out.Spent() && tensor.SameShape(n.grad, logits.Value) {
		return n
	}
	n := &ceNode{out: Const(tensor.Scalar(0)), logits: logits, grad: tensor.Zeros(logits.Value.Shape()...)}
	n.back = n.backward
	ceLast = n
	return n
}

// MSE returns the mean of (pred − target)² over all elements.
func MSE(pred *Var, target *tensor.Tensor) *Var {
	if !tensor.SameShape(pred.Value, target) {
		panic(tensor.Error{Msg: fmt.Sprintf("autograd: MSE: prediction %v and target %v differ", pred.Value.Shape(), target.Shape())})
	}
	p, t := pred.Value.Data(), target.Data()
	var s float64
	for i, v := range p {
		d := float64(v - t[i])
		s += d * d
	}
	n := float32(len(p))
	return Func(tensor.Scalar(float32(s/float64(n))), vars(pred), func(o *Var) {
		k := 2 * o.Grad.Data()[0] / n
		g := pred.Grad.Data()
		for i, v := range p {
			g[i] += k * (v - t[i])
		}
	})
}

// BCE returns the mean binary cross-entropy −[t·log p + (1−t)·log(1−p)] of
// probabilities p against targets in [0, 1]. As in PyTorch, each log is
// clamped at −100 so p of exactly 0 or 1 gives a finite loss.
func BCE(prob *Var, target *tensor.Tensor) *Var {
	if !tensor.SameShape(prob.Value, target) {
		panic(tensor.Error{Msg: fmt.Sprintf("autograd: BCE: prediction %v and target %v differ", prob.Value.Shape(), target.Shape())})
	}
	p, t := prob.Value.Data(), target.Data()
	var s float64
	for i, v := range p {
		lp := math.Max(math.Log(float64(v)), -100)
		lq := math.Max(math.Log(1-float64(v)), -100)
		s -= float64(t[i])*lp + (1-float64(t[i]))*lq
	}
	n := float32(len(p))
	return Func(tensor.Scalar(float32(s/float64(n))), vars(prob), func(o *Var) {
		k := o.Grad.Data()[0] / n
		g := prob.Grad.Data()
		const eps = 1e-12 // PyTorch clamps the denominator the same way
		for i, v := range p {
			g[i] += k * (v - t[i]) / float32(math.Max(float64(v)*(1-float64(v)), eps))
		}
	})
}

// BCEWithLogits returns BCE(sigmoid(z), target), computed stably as
// max(z,0) − z·t + log(1+e^−|z|); the gradient is (sigmoid(z) − t)/n.
func BCEWithLogits(z *Var, target *tensor.Tensor) *Var {
	if !tensor.SameShape(z.Value, target) {
		panic(tensor.Error{Msg: fmt.Sprintf("autograd: BCEWithLogits: logits %v and target %v differ", z.Value.Shape(), target.Shape())})
	}
	x, t := z.Value.Data(), target.Data()
	var s float64
	for i, v := range x {
		f := float64(v)
		s += math.Max(f, 0) - f*float64(t[i]) + math.Log1p(math.Exp(-math.Abs(f)))
	}
	n := float32(len(x))
	return Func(tensor.Scalar(float32(s/float64(n))), vars(z), func(o *Var) {
		k := o.Grad.Data()[0] / n
		g := z.Grad.Data()
		for i, v := range x {
			sg := 1 / (1 + math.Exp(-float64(v)))
			g[i] += k * (float32(sg) - t[i])
		}
	})
}
