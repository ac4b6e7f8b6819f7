package nn

import (
	"fmt"
	"math"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

// ConvOptions configures Conv2D. The zero value means stride 1, no padding.
type ConvOptions struct {
	Stride  int // step between windows; 0 means 1
	Padding int // zeros added on every side
	NoBias  bool
}

// Conv2D is a 2-d convolution (cross-correlation, as in PyTorch) over
// inputs of shape [n, InChannels, height, width]. W has shape
// [OutChannels, InChannels·Kernel·Kernel] (PyTorch's weight flattened) and
// B [OutChannels]. It runs as im2col plus one matrix product.
type Conv2D struct {
	InChannels, OutChannels, Kernel int
	Stride, Padding                 int
	W, B                            *autograd.Var
	node                            *convNode
}

// NewConv2D returns a convolution with a kernel×kernel window, initialised
// like PyTorch's nn.Conv2d (uniform in ±1/√(in·kernel²)).
func NewConv2D(in, out, kernel int, opts ConvOptions) *Conv2D {
	if in <= 0 || out <= 0 || kernel <= 0 || opts.Stride < 0 || opts.Padding < 0 {
		panicf("NewConv2D: bad sizes in=%d out=%d kernel=%d %+v", in, out, kernel, opts)
	}
	s := opts.Stride
	if s == 0 {
		s = 1
	}
	fan := in * kernel * kernel
	bound := float32(1 / math.Sqrt(float64(fan)))
	c := &Conv2D{InChannels: in, OutChannels: out, Kernel: kernel, Stride: s, Padding: opts.Padding,
		W: autograd.Param(tensor.RandUniform(nextSeed(), -bound, bound, out, fan))}
	if !opts.NoBias {
		c.B = autograd.Param(tensor.RandUniform(nextSeed(), -bound, bound, out))
	}
	return c
}

// OutputSize returns the output height and width for an h×w input.
func (c *Conv2D) OutputSize(h, w int) (int, int) {
	return (h+2*c.Padding-c.Kernel)/c.Stride + 1, (w+2*c.Padding-c.Kernel)/c.Stride + 1
}

// Forward convolves x of shape [n, InChannels, h, w] into
// [n, OutChannels, oh, ow].
func (c *Conv2D) Forward(x *autograd.Var) *autograd.Var {
	s := x.Value.Shape()
	if len(s) != 4 || s[1] != c.InChannels {
		panicf("%v: input shape %v, want [n %d h w]", c, s, c.InChannels)
	}
	n, h, w := s[0], s[2], s[3]
	oh, ow := c.OutputSize(h, w)
	if oh <= 0 || ow <= 0 {
		panicf("%v: input %v is smaller than the kernel", c, s)
	}
	nd := c.node
	if nd == nil || nd.n != n || nd.h != h || nd.w != w || !reusable(nd.out, n, c.OutChannels, oh, ow) {
		pix, ckk := oh*ow, c.InChannels*c.Kernel*c.Kernel
		nd = &convNode{
			out: autograd.Const(tensor.Zeros(n, c.OutChannels, oh, ow)),
			n:   n, h: h, w: w, oh: oh, ow: ow,
			cols: tensor.Zeros(n*pix, ckk),
			y2:   tensor.Zeros(n*pix, c.OutChannels),
		}
		nd.back = nd.backward
		c.node = nd
	}
	nd.x, nd.wt, nd.b = x, c.W, c.B
	nd.k, nd.stride, nd.pad, nd.inC, nd.outC = c.Kernel, c.Stride, c.Padding, c.InChannels, c.OutChannels
	im2col(x.Value.Data(), nd.cols.Data(), n, c.InChannels, h, w, c.Kernel, c.Stride, c.Padding, oh, ow)
	tensor.Gemm(false, true, 1, nd.cols, c.W.Value, 0, nd.y2)
	if c.B != nil {
		nd.y2.AddBias(nd.y2, c.B.Value)
	}
	toNCHW(nd.out.Value.Data(), nd.y2.Data(), n, c.OutChannels, oh*ow)
	ps := append(nd.ps[:0], x, c.W)
	if c.B != nil {
		ps = append(ps, c.B)
	}
	nd.out.Link(ps, nd.back)
	return nd.out
}

// convNode is one Conv2D result with its buffers, reused batch after batch
// once a Backward pass has consumed it (see the package documentation).
type convNode struct {
	out, x, wt, b             *autograd.Var
	n, h, w, oh, ow           int
	k, stride, pad, inC, outC int
	cols, y2, g2, dcols       *tensor.Tensor
	ps                        [3]*autograd.Var
	back                      func(*autograd.Var)
}

func (nd *convNode) backward(o *autograd.Var) {
	pix, ckk := nd.oh*nd.ow, nd.inC*nd.k*nd.k
	if nd.g2 == nil {
		nd.g2 = tensor.Zeros(nd.n*pix, nd.outC)
	}
	fromNCHW(nd.g2.Data(), o.Grad.Data(), nd.n, nd.outC, pix)
	if nd.wt.RequiresGrad {
		tensor.Gemm(true, false, 1, nd.g2, nd.cols, 1, nd.wt.Grad)
	}
	if nd.b != nil && nd.b.RequiresGrad {
		nd.b.Grad.AddColSums(nd.g2)
	}
	if nd.x.RequiresGrad {
		if nd.dcols == nil {
			nd.dcols = tensor.Zeros(nd.n*pix, ckk)
		}
		tensor.Gemm(false, false, 1, nd.g2, nd.wt.Value, 0, nd.dcols)
		col2im(nd.dcols.Data(), nd.x.Grad.Data(), nd.n, nd.inC, nd.h, nd.w, nd.k, nd.stride, nd.pad, nd.oh, nd.ow)
	}
}

// im2col writes one row per output position (sample, oy, ox) holding the
// input window in (channel, ky, kx) order, zeros outside the image.
func im2col(x, cols []float32, n, ch, h, w, k, stride, pad, oh, ow int) {
	ckk := ch * k * k
	for b := 0; b < n; b++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				row := cols[((b*oh+oy)*ow+ox)*ckk:]
				j := 0
				for ci := 0; ci < ch; ci++ {
					img := x[(b*ch+ci)*h*w:]
					for ky := 0; ky < k; ky++ {
						iy := oy*stride - pad + ky
						for kx := 0; kx < k; kx++ {
							ix := ox*stride - pad + kx
							if iy >= 0 && iy < h && ix >= 0 && ix < w {
								row[j] = img[iy*w+ix]
							} else {
								row[j] = 0
							}
							j++
						}
					}
				}
			}
		}
	}
}

// col2im adds the window gradients in cols back into the image gradient.
func col2im(cols, xg []float32, n, ch, h, w, k, stride, pad, oh, ow int) {
	ckk := ch * k * k
	for b := 0; b < n; b++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				row := cols[((b*oh+oy)*ow+ox)*ckk:]
				j := 0
				for ci := 0; ci < ch; ci++ {
					img := xg[(b*ch+ci)*h*w:]
					for ky := 0; ky < k; ky++ {
						iy := oy*stride - pad + ky
						for kx := 0; kx < k; kx++ {
							ix := ox*stride - pad + kx
							if iy >= 0 && iy < h && ix >= 0 && ix < w {
								img[iy*w+ix] += row[j]
							}
							j++
						}
					}
				}
			}
		}
	}
}

// toNCHW turns [n·pix, oc] into [n, oc, pix]; fromNCHW is its inverse.
func toNCHW(dst, src []float32, n, oc, pix int) {
	for b := 0; b < n; b++ {
		for p := 0; p < pix; p++ {
			for o := 0; o < oc; o++ {
				dst[(b*oc+o)*pix+p] = src[(b*pix+p)*oc+o]
			}
		}
	}
}

func fromNCHW(dst, src []float32, n, oc, pix int) {
	for b := 0; b < n; b++ {
		for p := 0; p < pix; p++ {
			for o := 0; o < oc; o++ {
				dst[(b*pix+p)*oc+o] = src[(b*oc+o)*pix+p]
			}
		}
	}
}

// Parameters returns [W, B] (or [W] without bias).
func (c *Conv2D) Parameters() []*autograd.Var {
	if c.B == nil {
		return []*autograd.Var{c.W}
	}
	return []*autograd.Var{c.W, c.B}
}

// String describes the layer and its configuration.
func (c *Conv2D) String() string {
	return fmt.Sprintf("Conv2D(%d → %d, kernel %d, stride %d, padding %d)", c.InChannels, c.OutChannels, c.Kernel, c.Stride, c.Padding)
}

// Clone returns a deep copy.
func (c *Conv2D) Clone() Module {
	d := *c
	d.W, d.B, d.node = cloneVar(c.W), cloneVar(c.B), nil
	return &d
}

// MaxPool2D takes the maximum over Kernel×Kernel windows moved by Stride
// over inputs of shape [n, c, h, w] (no padding; partial windows dropped).
type MaxPool2D struct {
	Kernel, Stride int
	node           *poolNode
}

// NewMaxPool2D returns a max-pooling layer; stride 0 means stride = kernel.
func NewMaxPool2D(kernel, stride int) *MaxPool2D {
	if kernel <= 0 || stride < 0 {
		panicf("NewMaxPool2D: bad kernel %d or stride %d", kernel, stride)
	}
	if stride == 0 {
		stride = kernel
	}
	return &MaxPool2D{Kernel: kernel, Stride: stride}
}

// Forward pools x of shape [n, c, h, w].
func (m *MaxPool2D) Forward(x *autograd.Var) *autograd.Var {
	s := x.Value.Shape()
	if len(s) != 4 || s[2] < m.Kernel || s[3] < m.Kernel {
		panicf("%v: input shape %v, want [n c h w] with h, w ≥ %d", m, s, m.Kernel)
	}
	n, ch, h, w := s[0], s[1], s[2], s[3]
	oh, ow := (h-m.Kernel)/m.Stride+1, (w-m.Kernel)/m.Stride+1
	nd := m.node
	if nd == nil || !reusable(nd.out, n, ch, oh, ow) {
		nd = &poolNode{out: autograd.Const(tensor.Zeros(n, ch, oh, ow)), arg: make([]int32, n*ch*oh*ow)}
		nd.back = nd.backward
		m.node = nd
	}
	nd.x = x
	xs, ys, arg := x.Value.Data(), nd.out.Value.Data(), nd.arg
	for p := 0; p < n*ch; p++ {
		img := xs[p*h*w : (p+1)*h*w]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				best, bi := float32(math.Inf(-1)), 0
				for ky := 0; ky < m.Kernel; ky++ {
					for kx := 0; kx < m.Kernel; kx++ {
						i := (oy*m.Stride+ky)*w + ox*m.Stride + kx
						if v := img[i]; v > best {
							best, bi = v, i
						}
					}
				}
				o := (p*oh+oy)*ow + ox
				ys[o] = best
				arg[o] = int32(p*h*w + bi)
			}
		}
	}
	nd.out.Link(append(nd.ps[:0], x), nd.back)
	return nd.out
}

// poolNode is one MaxPool2D result: the output and where each maximum was.
type poolNode struct {
	out, x *autograd.Var
	arg    []int32
	ps     [1]*autograd.Var
	back   func(*autograd.Var)
}

func (nd *poolNode) backward(o *autograd.Var) {
	g, xg := o.Grad.Data(), nd.x.Grad.Data()
	for i, a := range nd.arg {
		xg[a] += g[i]
	}
}

// Parameters returns nil.
func (m *MaxPool2D) Parameters() []*autograd.Var { return nil }

// String describes the layer and its configuration.
func (m *MaxPool2D) String() string {
	return fmt.Sprintf("MaxPool2D(kernel %d, stride %d)", m.Kernel, m.Stride)
}

// Clone returns a copy.
func (m *MaxPool2D) Clone() Module { return &MaxPool2D{Kernel: m.Kernel, Stride: m.Stride} }

// BatchNorm normalises each feature (axis 1) over the batch and any
// spatial axes (Ioffe & Szegedy, "Batch Normalization", ICML 2015), then
// scales by Gamma and shifts by Beta. It works on [n, features] and
// [n, channels, h, w]. In training it uses batch statistics and updates the
// running ones (RunningMean, RunningVar, exponential average with Momentum,
// unbiased variance, as PyTorch); in evaluation it uses the running ones.
type BatchNorm struct {
	Features      int
	Momentum, Eps float32
	Gamma, Beta   *autograd.Var
	RunningMean   *tensor.Tensor
	RunningVar    *tensor.Tensor
	training      bool
	node          *bnNode
}

// NewBatchNorm returns a batch-norm layer in training mode with PyTorch's
// defaults: momentum 0.1, eps 1e-5, Gamma 1, Beta 0.
func NewBatchNorm(features int) *BatchNorm {
	return &BatchNorm{
		Features: features, Momentum: 0.1, Eps: 1e-5,
		Gamma:       autograd.Param(tensor.Ones(features)),
		Beta:        autograd.Param(tensor.Zeros(features)),
		RunningMean: tensor.Zeros(features),
		RunningVar:  tensor.Ones(features),
		training:    true,
	}
}

// SetTraining switches between batch and running statistics.
func (b *BatchNorm) SetTraining(on bool) { b.training = on }

// Forward normalises x.
func (b *BatchNorm) Forward(x *autograd.Var) *autograd.Var {
	s := x.Value.Shape()
	if len(s) < 2 || s[1] != b.Features {
		panicf("%v: input shape %v, want [n %d …]", b, s, b.Features)
	}
	inner := 1
	for _, d := range s[2:] {
		inner *= d
	}
	n, C := s[0], s[1]
	m := n * inner
	nd := b.node
	if nd == nil || len(nd.mean) != C || !reusable(nd.out, s...) {
		nd = &bnNode{out: autograd.Const(tensor.Zeros(s...)), xhat: make([]float32, x.Value.Len()),
			mean: make([]float32, C), invstd: make([]float32, C)}
		nd.back = nd.backward
		b.node = nd
	}
	nd.x, nd.gamma, nd.beta, nd.training = x, b.Gamma, b.Beta, b.training
	nd.n, nd.C, nd.inner = n, C, inner
	xs, mean, invstd := x.Value.Data(), nd.mean, nd.invstd
	at := func(o, c, i int) int { return (o*C+c)*inner + i }
	if b.training {
		if m < 2 {
			panicf("%v: training needs more than one value per feature, got input %v", b, s)
		}
		for c := 0; c < C; c++ {
			var sum, sq float64
			for o := 0; o < n; o++ {
				for i := 0; i < inner; i++ {
					v := float64(xs[at(o, c, i)])
					sum += v
					sq += v * v
				}
			}
			mu := sum / float64(m)
			v := math.Max(sq/float64(m)-mu*mu, 0)
			mean[c] = float32(mu)
			invstd[c] = float32(1 / math.Sqrt(v+float64(b.Eps)))
			rm, rv := b.RunningMean.Data(), b.RunningVar.Data()
			rm[c] = (1-b.Momentum)*rm[c] + b.Momentum*float32(mu)
			rv[c] = (1-b.Momentum)*rv[c] + b.Momentum*float32(v*float64(m)/float64(m-1))
		}
	} else {
		for c := 0; c < C; c++ {
			mean[c] = b.RunningMean.Data()[c]
			invstd[c] = float32(1 / math.Sqrt(float64(b.RunningVar.Data()[c]+b.Eps)))
		}
	}
	xh, ys, gm, bt := nd.xhat, nd.out.Value.Data(), b.Gamma.Value.Data(), b.Beta.Value.Data()
	for o := 0; o < n; o++ {
		for c := 0; c < C; c++ {
			for i := 0; i < inner; i++ {
				j := at(o, c, i)
				xh[j] = (xs[j] - mean[c]) * invstd[c]
				ys[j] = gm[c]*xh[j] + bt[c]
			}
		}
	}
	nd.out.Link(append(nd.ps[:0], x, b.Gamma, b.Beta), nd.back)
	return nd.out
}

// bnNode is one BatchNorm result with the statistics its gradient needs.
type bnNode struct {
	out, x, gamma, beta *autograd.Var
	xhat, mean, invstd  []float32
	n, C, inner         int
	training            bool
	ps                  [3]*autograd.Var
	back                func(*autograd.Var)
}

func (nd *bnNode) backward(ov *autograd.Var) {
	n, C, inner := nd.n, nd.C, nd.inner
	m := n * inner
	at := func(o, c, i int) int { return (o*C+c)*inner + i }
	g, xh, gm := ov.Grad.Data(), nd.xhat, nd.gamma.Value.Data()
	for c := 0; c < C; c++ {
		var sg, sgx float64
		for o := 0; o < n; o++ {
			for i := 0; i < inner; i++ {
				j := at(o, c, i)
				sg += float64(g[j])
				sgx += float64(g[j] * xh[j])
			}
		}
		if nd.gamma.RequiresGrad {
			nd.gamma.Grad.Data()[c] += float32(sgx)
		}
		if nd.beta.RequiresGrad {
			nd.beta.Grad.Data()[c] += float32(sg)
		}
		if !nd.x.RequiresGrad {
			continue
		}
		xg := nd.x.Grad.Data()
		k := gm[c] * nd.invstd[c]
		if !nd.training {
			for o := 0; o < n; o++ {
				for i := 0; i < inner; i++ {
					j := at(o, c, i)
					xg[j] += k * g[j]
				}
			}
			continue
		}
		// dx = γ/σ · (g − mean(g) − x̂·mean(g·x̂))
		mg, mgx := float32(sg/float64(m)), float32(sgx/float64(m))
		for o := 0; o < n; o++ {
			for i := 0; i < inner; i++ {
				j := at(o, c, i)
				xg[j] += k * (g[j] - mg - xh[j]*mgx)
			}
		}
	}
}

// Parameters returns [Gamma, Beta].
func (b *BatchNorm) Parameters() []*autograd.Var { return []*autograd.Var{b.Gamma, b.Beta} }

// String describes the layer and its configuration.
func (b *BatchNorm) String() string { return fmt.Sprintf("BatchNorm(%d)", b.Features) }

// Clone returns a deep copy, running statistics included.
func (b *BatchNorm) Clone() Module {
	c := *b
	c.node = nil
	c.Gamma, c.Beta = cloneVar(b.Gamma), cloneVar(b.Beta)
	c.RunningMean, c.RunningVar = b.RunningMean.Clone(), b.RunningVar.Clone()
	return &c
}
