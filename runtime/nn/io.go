package nn

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/tensor"
)

// Stateful is implemented by modules with state that is not trained but
// must be saved, such as BatchNorm's running statistics.
type Stateful interface {
	Buffers() []*tensor.Tensor
}

// Buffers returns the running mean and variance.
func (b *BatchNorm) Buffers() []*tensor.Tensor { return []*tensor.Tensor{b.RunningMean, b.RunningVar} }

// Buffers returns the buffers of all layers, in order.
func (s *Sequential) Buffers() []*tensor.Tensor { return buffers(s) }

func buffers(m Module) []*tensor.Tensor {
	if _, seq := m.(*Sequential); !seq {
		if s, ok := m.(Stateful); ok {
			return s.Buffers()
		}
	}
	var bs []*tensor.Tensor
	for _, c := range Children(m) {
		bs = append(bs, buffers(c)...)
	}
	return bs
}

// fileMagic starts every parameter file; the version is its last byte.
const fileMagic = "TANDEMNN\x01"

// ErrFormat is returned (wrapped) by Load for a file that is not a Tandem
// parameter file or does not match the model.
var ErrFormat = errors.New("nn: parameter file does not match")

// Save writes m's parameters and buffers to path: a small binary file
// (magic, count, then each tensor's rank, shape and little-endian float32
// values) that Load reads back into a model of the same architecture.
func Save(m Module, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("save parameters: %w", err)
	}
	w := bufio.NewWriter(f)
	if err := Write(m, w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("save parameters: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save parameters: %w", err)
	}
	return nil
}

// Load reads parameters saved by Save into m, which must have the same
// architecture; it returns an error wrapping ErrFormat naming the first
// tensor whose shape differs, and changes nothing in that case.
func Load(m Module, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("load parameters: %w", err)
	}
	defer f.Close()
	return Read(m, bufio.NewReader(f))
}

func stateOf(m Module) []*tensor.Tensor {
	var ts []*tensor.Tensor
	for _, p := range m.Parameters() {
		ts = append(ts, p.Value)
	}
	return append(ts, buffers(m)...)
}

// Write writes m's parameters and buffers to w in Save's format.
func Write(m Module, w io.Writer) error {
	ts := stateOf(m)
	buf := []byte(fileMagic)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(ts)))
	for _, t := range ts {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(t.NDim()))
		for _, d := range t.Shape() {
			buf = binary.LittleEndian.AppendUint32(buf, uint32(d))
		}
		for _, v := range t.Data() {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("write parameters: %w", err)
		}
		buf = buf[:0]
	}
	if len(ts) == 0 {
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("write parameters: %w", err)
		}
	}
	return nil
}

// Read reads parameters in Save's format from r into m.
func Read(m Module, r io.Reader) error {
	ts := stateOf(m)
	head := make([]byte, len(fileMagic)+4)
	if _, err := io.ReadFull(r, head); err != nil {
		return fmt.Errorf("read parameters: %w", err)
	}
	if string(head[:len(fileMagic)]) != fileMagic {
		return fmt.Errorf("read parameters: bad magic: %w", ErrFormat)
	}
	if n := int(binary.LittleEndian.Uint32(head[len(fileMagic):])); n != len(ts) {
		return fmt.Errorf("read parameters: file has %d tensors, model %d: %w", n, len(ts), ErrFormat)
	}
	vals := make([][]float32, len(ts))
	u := make([]byte, 4)
	for i, t := range ts {
		if _, err := io.ReadFull(r, u); err != nil {
			return fmt.Errorf("read parameters: %w", err)
		}
		rank := int(binary.LittleEndian.Uint32(u))
		shape := make([]int, rank)
		if rank > 8 {
			return fmt.Errorf("read parameters: tensor %d has rank %d: %w", i, rank, ErrFormat)
		}
		for d := range shape {
			if _, err := io.ReadFull(r, u); err != nil {
				return fmt.Errorf("read parameters: %w", err)
			}
			shape[d] = int(binary.LittleEndian.Uint32(u))
		}
		if !reflect.DeepEqual(shape, append([]int{}, t.Shape()...)) {
			return fmt.Errorf("read parameters: tensor %d has shape %v in the file, %v in the model: %w", i, shape, t.Shape(), ErrFormat)
		}
		raw := make([]byte, 4*t.Len())
		if _, err := io.ReadFull(r, raw); err != nil {
			return fmt.Errorf("read parameters: %w", err)
		}
		v := make([]float32, t.Len())
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
		}
		vals[i] = v
	}
	for i, t := range ts {
		copy(t.Data(), vals[i])
	}
	return nil
}

// BUG(numeric): Clone cannot copy a model type defined in a cell: the
// interpreter's interface wrapper binds its methods to the original value.

// Clone returns a deep copy of m with its own parameters. Built-in layers
// implement Cloner; for another type, Clone copies the struct m points to
// and deep-copies its exported *autograd.Var, Module and []Module fields,
// and panics if the copy would still share a parameter with m (keep
// parameters in exported fields, or implement Cloner).
func Clone(m Module) Module {
	if c, ok := m.(Cloner); ok {
		return c.Clone()
	}
	rv := reflect.ValueOf(m)
	if unwrap(rv) != rv {
		panicf("Clone: %s is defined in a cell; build a second model instead, or copy the parameters with Save and Load", typeName(m))
	}
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panicf("Clone: %T is not a pointer to a struct and does not implement Cloner", m)
	}
	cp := reflect.New(rv.Elem().Type())
	cp.Elem().Set(rv.Elem())
	varType := reflect.TypeOf((*autograd.Var)(nil))
	modType := reflect.TypeOf((*Module)(nil)).Elem()
	st := cp.Elem()
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		if !f.CanSet() {
			continue
		}
		switch {
		case f.Type() == varType && !f.IsNil():
			f.Set(reflect.ValueOf(cloneVar(f.Interface().(*autograd.Var))))
		case f.Kind() == reflect.Slice && f.Type().Elem() == varType && !f.IsNil():
			s := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
			for j := 0; j < f.Len(); j++ {
				s.Index(j).Set(reflect.ValueOf(cloneVar(f.Index(j).Interface().(*autograd.Var))))
			}
			f.Set(s)
		case f.Type().Implements(modType) && !(f.Kind() == reflect.Interface && f.IsNil()) && !(f.Kind() == reflect.Pointer && f.IsNil()):
			f.Set(reflect.ValueOf(Clone(f.Interface().(Module))))
		case f.Kind() == reflect.Slice && f.Type().Elem().Implements(modType) && !f.IsNil():
			s := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
			for j := 0; j < f.Len(); j++ {
				s.Index(j).Set(reflect.ValueOf(Clone(f.Index(j).Interface().(Module))))
			}
			f.Set(s)
		}
	}
	c := cp.Interface().(Module)
	orig := map[*autograd.Var]bool{}
	for _, p := range m.Parameters() {
		orig[p] = true
	}
	for _, p := range c.Parameters() {
		if orig[p] {
			panicf("Clone: the copy of %T still shares a parameter; keep parameters in exported fields or implement Clone() Module", m)
		}
	}
	return c
}
