package feedback

import (
	"math"
	"testing"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/tensor"
)

// custom is a layer reinit does not know: a matrix and a vector.
type custom struct{ M, V *autograd.Var }

func (c *custom) Forward(x *autograd.Var) *autograd.Var { return x }
func (c *custom) Parameters() []*autograd.Var           { return []*autograd.Var{c.M, c.V} }

// Every parameter of a fold's model gets fresh values: none of the trained
// weights of the model Suspects was given may reach a fold (its held-out
// rows would leak into the out-of-fold probabilities).
func TestReinit(t *testing.T) {
	bn := nn.NewBatchNorm(8)
	m := nn.NewSequential([]nn.Module{nn.NewLinear(4, 8), bn, nn.NewReLU(), nn.NewLinear(8, 3),
		&custom{M: autograd.Param(tensor.New([]float32{9, 9, 9, 9}, 2, 2)), V: autograd.Param(tensor.New([]float32{9, 9}, 2))}})
	for _, p := range m.Parameters() {
		d := p.Value.Data()
		for i := range d {
			d[i] = 7 // "trained" values
		}
	}
	c := clone(m)
	reinit(c, data.Rand(1))
	d := clone(m)
	reinit(d, data.Rand(2))
	for i, p := range c.Parameters() {
		for j, v := range p.Value.Data() {
			if v == 7 {
				t.Fatalf("parameter %d[%d] kept its trained value", i, j)
			}
		}
	}
	l := c.(*nn.Sequential).Layers[0].(*nn.Linear)
	for _, v := range l.W.Value.Data() {
		if math.Abs(float64(v)) > 0.5 { // ±1/√4
			t.Errorf("Linear(4, 8) weight %v outside ±0.5", v)
		}
	}
	b := c.(*nn.Sequential).Layers[1].(*nn.BatchNorm)
	if b.Gamma.Value.Data()[0] != 1 || b.Beta.Value.Data()[0] != 0 || b.RunningVar.Data()[0] != 1 || b.RunningMean.Data()[0] != 0 {
		t.Errorf("BatchNorm not reset: γ %v β %v mean %v var %v", b.Gamma.Value.Data()[0], b.Beta.Value.Data()[0], b.RunningMean.Data()[0], b.RunningVar.Data()[0])
	}
	u := c.(*nn.Sequential).Layers[4].(*custom)
	if u.V.Value.Data()[0] != 0 || math.Abs(float64(u.M.Value.Data()[0])) > 1/math.Sqrt2 {
		t.Errorf("unknown layer: vector %v (want 0), matrix %v (want within ±1/√2)", u.V.Value.Data(), u.M.Value.Data())
	}
	if c.Parameters()[0].Value.Data()[0] == d.Parameters()[0].Value.Data()[0] {
		t.Errorf("two seeds gave the same initial weight")
	}
	if m.Parameters()[0].Value.Data()[0] != 7 {
		t.Errorf("reinit of a clone changed the original")
	}
}
