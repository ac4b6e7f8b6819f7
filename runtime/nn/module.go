package nn

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

// Module is a layer or a model. A Go type written in a cell that implements
// it trains like a built-in layer.
type Module interface {
	Forward(x *autograd.Var) *autograd.Var
	Parameters() []*autograd.Var
}

// Trainable is implemented by modules that behave differently in training
// and evaluation (Dropout, BatchNorm) or contain such modules.
type Trainable interface {
	SetTraining(training bool)
}

// Container is implemented by modules made of other modules (Sequential);
// Train, Eval, Summary and InitKaiming walk through it.
type Container interface {
	Children() []Module
}

// Cloner is implemented by modules that can deep-copy themselves.
type Cloner interface {
	Clone() Module
}

// Error is the panic value for misuse of the package (bad shapes, bad
// options); its message starts with "nn: ".
type Error = tensor.Error

func panicf(format string, args ...any) {
	panic(tensor.Error{Msg: "nn: " + fmt.Sprintf(format, args...)})
}

var (
	rngMu sync.Mutex
	rng   = rand.New(rand.NewPCG(0, 0x5eed))
)

// Seed resets the generator that layer constructors, initialisers and
// Dropout masks draw from.
func Seed(seed uint64) {
	rngMu.Lock()
	rng = rand.New(rand.NewPCG(seed, 0x5eed))
	rngMu.Unlock()
}

// nextSeed draws a seed for one layer's own generator.
func nextSeed() uint64 {
	rngMu.Lock()
	defer rngMu.Unlock()
	return rng.Uint64()
}

// Train puts m and everything it contains in training mode.
func Train(m Module) { setTraining(m, true) }

// Eval puts m and everything it contains in evaluation mode (Dropout off,
// BatchNorm uses its running statistics).
func Eval(m Module) { setTraining(m, false) }

func setTraining(m Module, on bool) {
	if t, ok := m.(Trainable); ok {
		t.SetTraining(on)
		return
	}
	for _, ch := range Children(m) {
		setTraining(ch, on)
	}
}

// Children returns the modules m is made of: Children() for a Container,
// otherwise the non-nil Module values in the exported fields (and slices of
// them) of the struct m points to. That is how Train, Eval, InitKaiming and
// Save reach the Dropout, BatchNorm and Linear layers inside a model type
// written in a cell. A model defined in a cell reaches this package wrapped
// by the interpreter, with the model in the wrapper's IValue field, which
// Children looks through.
func Children(m Module) []Module {
	if c, ok := m.(Container); ok {
		return c.Children()
	}
	v := unwrap(reflect.ValueOf(m))
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var out []Module
	add := func(f reflect.Value) {
		if !f.IsValid() || !f.CanInterface() {
			return
		}
		if (f.Kind() == reflect.Pointer || f.Kind() == reflect.Interface) && f.IsNil() {
			return
		}
		if c, ok := f.Interface().(Module); ok {
			out = append(out, c)
		}
	}
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() {
			continue
		}
		if f.Kind() == reflect.Slice || f.Kind() == reflect.Array {
			for j := 0; j < f.Len(); j++ {
				add(f.Index(j))
			}
			continue
		}
		add(f)
	}
	return out
}

// unwrap returns the value inside an interpreter interface wrapper (a
// struct with an IValue field, as yaegi's extract generates), or v itself.
func unwrap(v reflect.Value) reflect.Value {
	w := v
	if w.Kind() == reflect.Pointer && !w.IsNil() {
		w = w.Elem()
	}
	if w.Kind() == reflect.Struct {
		if f := w.FieldByName("IValue"); f.IsValid() && f.CanInterface() && !(f.Kind() == reflect.Interface && f.IsNil()) {
			return reflect.ValueOf(f.Interface())
		}
	}
	return v
}

// typeName returns the type of m, looking through an interpreter wrapper.
func typeName(m Module) string {
	v := unwrap(reflect.ValueOf(m))
	if !v.IsValid() {
		return fmt.Sprintf("%T", m)
	}
	return v.Type().String()
}

// NumParams returns the number of trainable values in m.
func NumParams(m Module) int {
	n := 0
	for _, p := range m.Parameters() {
		n += p.Value.Len()
	}
	return n
}

// ZeroGrad clears the gradients of m's parameters.
func ZeroGrad(m Module) {
	for _, p := range m.Parameters() {
		p.ZeroGrad()
	}
}

// reusable reports whether a layer may reuse node output v for a new
// batch of the given shape: a Backward pass has consumed it.
func reusable(v *autograd.Var, shape ...int) bool {
	return v != nil && v.Spent() && sameShape(v.Value.Shape(), shape)
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
