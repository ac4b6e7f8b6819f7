package nn

import (
	"math"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

// Kaiming returns a tensor of the given shape drawn from N(0, 2/fanIn), the
// initialisation of He et al., "Delving Deep into Rectifiers", ICCV 2015,
// for layers followed by a ReLU. It draws from the package generator.
func Kaiming(fanIn int, shape ...int) *tensor.Tensor {
	return tensor.RandNormal(nextSeed(), 0, float32(math.Sqrt(2/float64(fanIn))), shape...)
}

// Xavier returns a tensor drawn uniformly from ±√(6/(fanIn+fanOut)), the
// initialisation of Glorot & Bengio, AISTATS 2010, for tanh/sigmoid layers.
func Xavier(fanIn, fanOut int, shape ...int) *tensor.Tensor {
	b := float32(math.Sqrt(6 / float64(fanIn+fanOut)))
	return tensor.RandUniform(nextSeed(), -b, b, shape...)
}

// InitKaiming re-initialises every Linear and Conv2D in m (found through
// Children) with Kaiming-normal weights and zero biases.
func InitKaiming(m Module) { initWeights(m, false) }

// InitXavier re-initialises every Linear and Conv2D in m with
// Xavier-uniform weights and zero biases.
func InitXavier(m Module) { initWeights(m, true) }

func initWeights(m Module, xavier bool) {
	set := func(w, b *autograd.Var, fanIn, fanOut int) {
		var t *tensor.Tensor
		if xavier {
			t = Xavier(fanIn, fanOut, w.Value.Shape()...)
		} else {
			t = Kaiming(fanIn, w.Value.Shape()...)
		}
		w.Value.Copy(t)
		if b != nil {
			b.Value.Zero()
		}
	}
	switch l := m.(type) {
	case *Linear:
		set(l.W, l.B, l.In, l.Out)
	case *Conv2D:
		k2 := l.Kernel * l.Kernel
		set(l.W, l.B, l.InChannels*k2, l.OutChannels*k2)
	default:
		for _, c := range Children(m) {
			initWeights(c, xavier)
		}
	}
}
