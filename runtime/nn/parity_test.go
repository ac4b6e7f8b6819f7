package nn_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/optim"
	"tandem.dev/tandem/runtime/tensor"
)

// TestParity_PyTorch replays PyTorch trajectories recorded by
// testdata/torch_parity.py (the command is in its doc string): the same
// 4-8-3 MLP from the same initial weights, five full-batch steps of each
// optimizer. Losses and final weights must agree to 2e-5 (float32 with a
// different summation order: a few ulp per operation over a handful of
// dependent steps; any wrong term in an update rule is orders larger).
func TestParity_PyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_parity.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Init map[string]json.RawMessage `json:"init"`
		X    [][]float32                `json:"x"`
		Y    []int                      `json:"y"`
		Runs map[string]struct {
			Losses []float64                  `json:"losses"`
			Final  map[string]json.RawMessage `json:"final"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	// PyTorch stores a Linear weight as [out, in]; ours is [in, out].
	weight := func(m map[string]json.RawMessage, key string) *tensor.Tensor {
		var w [][]float32
		if err := json.Unmarshal(m[key], &w); err != nil {
			t.Fatal(err)
		}
		return tensor.FromRows(w).T()
	}
	bias := func(m map[string]json.RawMessage, key string) *tensor.Tensor {
		var b []float32
		if err := json.Unmarshal(m[key], &b); err != nil {
			t.Fatal(err)
		}
		return tensor.New(b)
	}
	x := autograd.Const(tensor.FromRows(ref.X))
	for _, test := range []struct {
		name string
		opt  func(ps []*autograd.Var) optim.Optimizer
	}{
		{"sgd", func(ps []*autograd.Var) optim.Optimizer { return optim.NewSGD(ps, 0.1) }},
		{"sgd_wd", func(ps []*autograd.Var) optim.Optimizer { o := optim.NewSGD(ps, 0.1); o.WeightDecay = 0.01; return o }},
		{"momentum", func(ps []*autograd.Var) optim.Optimizer { o := optim.NewSGD(ps, 0.1); o.Momentum = 0.9; return o }},
		{"nesterov", func(ps []*autograd.Var) optim.Optimizer {
			o := optim.NewSGD(ps, 0.1)
			o.Momentum, o.Nesterov = 0.9, true
			return o
		}},
		{"adam", func(ps []*autograd.Var) optim.Optimizer { return optim.NewAdam(ps, 0.01) }},
		{"adam_wd", func(ps []*autograd.Var) optim.Optimizer { o := optim.NewAdam(ps, 0.01); o.WeightDecay = 0.01; return o }},
		{"adamw", func(ps []*autograd.Var) optim.Optimizer { return optim.NewAdamW(ps, 0.01) }},
	} {
		t.Run(test.name, func(t *testing.T) {
			run, ok := ref.Runs[test.name]
			if !ok {
				t.Fatalf("no reference run %q", test.name)
			}
			l1, l2 := nn.NewLinear(4, 8), nn.NewLinear(8, 3)
			l1.W.Value.Copy(weight(ref.Init, "0.weight"))
			l1.B.Value.Copy(bias(ref.Init, "0.bias"))
			l2.W.Value.Copy(weight(ref.Init, "2.weight"))
			l2.B.Value.Copy(bias(ref.Init, "2.bias"))
			model := nn.NewSequential([]nn.Module{l1, nn.NewReLU(), l2})
			opt := test.opt(model.Parameters())
			for step, want := range run.Losses {
				opt.ZeroGrad()
				loss := nn.CrossEntropy(model.Forward(x), ref.Y)
				loss.Backward()
				opt.Step()
				if got := float64(loss.Item()); math.Abs(got-want) > 2e-5 {
					t.Errorf("step %d loss: got: %.7f want: %.7f", step, got, want)
				}
			}
			for _, p := range []struct {
				key  string
				got  *tensor.Tensor
				want *tensor.Tensor
			}{
				{"0.weight", l1.W.Value, weight(run.Final, "0.weight")},
				{"0.bias", l1.B.Value, bias(run.Final, "0.bias")},
				{"2.weight", l2.W.Value, weight(run.Final, "2.weight")},
				{"2.bias", l2.B.Value, bias(run.Final, "2.bias")},
			} {
				if !tensor.AllClose(p.got, p.want, 0, 2e-5) {
					t.Errorf("%s after 5 steps: got: %v want: %v", p.key, p.got, p.want)
				}
			}
		})
	}
}

// TestParity_PyTorchCNN replays the recorded CNN run (Conv2D with padding,
// BatchNorm over channels, ReLU, MaxPool2D, Flatten, Linear; three SGD
// steps): losses, trained weights and BatchNorm's running statistics must
// match PyTorch to float32 rounding (tolerance as in TestParity_PyTorch).
func TestParity_PyTorchCNN(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_parity.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		CNN struct {
			Init   map[string]json.RawMessage `json:"init"`
			X      [][][][]float32            `json:"x"`
			Y      []int                      `json:"y"`
			Losses []float64                  `json:"losses"`
			Final  map[string]json.RawMessage `json:"final"`
		} `json:"cnn"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	flat := func(m map[string]json.RawMessage, key string) []float32 {
		var v any
		if err := json.Unmarshal(m[key], &v); err != nil {
			t.Fatal(err)
		}
		var out []float32
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case []any:
				for _, e := range v {
					walk(e)
				}
			case float64:
				out = append(out, float32(v))
			}
		}
		walk(v)
		return out
	}
	c := ref.CNN
	var xs []float32
	for _, img := range c.X {
		for _, ch := range img {
			for _, row := range ch {
				xs = append(xs, row...)
			}
		}
	}
	x := autograd.Const(tensor.New(xs, 4, 1, 6, 6))
	conv := nn.NewConv2D(1, 2, 3, nn.ConvOptions{Padding: 1})
	bn := nn.NewBatchNorm(2)
	lin := nn.NewLinear(18, 3)
	conv.W.Value.Copy(tensor.New(flat(c.Init, "0.weight"))) // [out, in·k·k] is PyTorch's layout flattened
	conv.B.Value.Copy(tensor.New(flat(c.Init, "0.bias")))
	bn.Gamma.Value.Copy(tensor.New(flat(c.Init, "1.weight")))
	bn.Beta.Value.Copy(tensor.New(flat(c.Init, "1.bias")))
	lin.W.Value.Copy(tensor.New(flat(c.Init, "5.weight"), 3, 18).T())
	lin.B.Value.Copy(tensor.New(flat(c.Init, "5.bias")))
	model := nn.NewSequential([]nn.Module{conv, bn, nn.NewReLU(), nn.NewMaxPool2D(2, 0), nn.NewFlatten(), lin})
	opt := optim.NewSGD(model.Parameters(), 0.1)
	for step, want := range c.Losses {
		opt.ZeroGrad()
		loss := nn.CrossEntropy(model.Forward(x), c.Y)
		loss.Backward()
		opt.Step()
		if got := float64(loss.Item()); math.Abs(got-want) > 2e-5 {
			t.Errorf("step %d loss: got: %.7f want: %.7f", step, got, want)
		}
	}
	for _, p := range []struct {
		key string
		got *tensor.Tensor
	}{
		{"0.weight", conv.W.Value}, {"0.bias", conv.B.Value},
		{"1.weight", bn.Gamma.Value}, {"1.bias", bn.Beta.Value},
		{"1.running_mean", bn.RunningMean}, {"1.running_var", bn.RunningVar},
		{"5.weight", lin.W.Value.T()}, {"5.bias", lin.B.Value},
	} {
		want := tensor.New(flat(c.Final, p.key))
		if !tensor.AllClose(p.got.Reshape(-1), want, 0, 2e-5) {
			t.Errorf("%s after 3 steps: got: %v want: %v", p.key, p.got.Reshape(-1), want)
		}
	}
}
