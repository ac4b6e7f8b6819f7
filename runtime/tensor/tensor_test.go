package tensor

import (
	"math"
	"strings"
	"testing"
)

func mustPanic(t *testing.T, name string, want []string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		e, ok := r.(Error)
		if !ok {
			t.Fatalf("%s: panic value %#v, want tensor.Error", name, r)
		}
		for _, w := range want {
			if !strings.Contains(e.Msg, w) {
				t.Errorf("%s: message %q does not contain %q", name, e.Msg, w)
			}
		}
		if !strings.HasPrefix(e.Msg, "tensor: ") {
			t.Errorf("%s: message %q does not start with the package name", name, e.Msg)
		}
	}()
	f()
}

func TestTensor_Broadcast(t *testing.T) {
	for i, test := range []struct {
		a, b *Tensor
		op   func(a, b *Tensor) *Tensor
		want *Tensor
	}{
		{New([]float32{1, 2, 3, 4}, 2, 2), New([]float32{10, 20}, 2), Add, New([]float32{11, 22, 13, 24}, 2, 2)},
		{New([]float32{1, 2}, 2, 1), New([]float32{10, 20, 30}, 1, 3), Add, New([]float32{11, 21, 31, 12, 22, 32}, 2, 3)},
		{New([]float32{1, 2, 3}, 3), Scalar(2), Mul, New([]float32{2, 4, 6}, 3)},
		{Scalar(1), New([]float32{1, 2, 4}, 3), Div, New([]float32{1, 0.5, 0.25}, 3)},
		{New([]float32{5, 6, 7, 8}, 2, 2), New([]float32{1, 2}, 2, 1), Sub, New([]float32{4, 5, 5, 6}, 2, 2)},
		{Arange(0, 8, 1).Reshape(2, 2, 2), New([]float32{1, -1}, 2), Mul, New([]float32{0, -1, 2, -3, 4, -5, 6, -7}, 2, 2, 2)},
		{Arange(0, 8, 1).Reshape(2, 2, 2), New([]float32{100, 200}, 2, 1, 1), Add, New([]float32{100, 101, 102, 103, 204, 205, 206, 207}, 2, 2, 2)},
		{New([]float32{1, 5, 3}, 3), New([]float32{2, 2, 3}, 3), Maximum, New([]float32{2, 5, 3}, 3)},
		{New([]float32{1, 5, 3}, 3), Scalar(3), Gt, New([]float32{0, 1, 0}, 3)},
		{New([]float32{1, 5, 3}, 3), Scalar(3), Eq, New([]float32{0, 0, 1}, 3)},
		{New([]float32{1, 5, 3}, 3), Scalar(3), Le, New([]float32{1, 0, 1}, 3)},
	} {
		got := test.op(test.a, test.b)
		if !Equal(got, test.want) {
			t.Errorf("test %d: got: %v want: %v", i, got, test.want)
		}
	}
	mustPanic(t, "Add", []string{"[2 3]", "[4]"}, func() { Add(Zeros(2, 3), Zeros(4)) })
	mustPanic(t, "MatMul", []string{"[2 3]", "[4 5]"}, func() { MatMul(Zeros(2, 3), Zeros(4, 5)) })
	mustPanic(t, "Reshape", []string{"[2 3]", "[4]"}, func() { Zeros(2, 3).Reshape(4) })
	mustPanic(t, "axis", []string{"axis 2", "[2 3]"}, func() { SumAxis(Zeros(2, 3), 2) })
}

func TestTensor_Reductions(t *testing.T) {
	a := New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	for i, test := range []struct {
		got, want *Tensor
	}{
		{SumAxis(a, 0), New([]float32{5, 7, 9}, 3)},
		{SumAxis(a, 1), New([]float32{6, 15}, 2)},
		{SumAxis(a, -1), New([]float32{6, 15}, 2)},
		{MeanAxis(a, 0), New([]float32{2.5, 3.5, 4.5}, 3)},
		{VarAxis(a, 1), New([]float32{2.0 / 3, 2.0 / 3}, 2)},
		{MaxAxis(a, 0), New([]float32{4, 5, 6}, 3)},
		{MinAxis(a, 1), New([]float32{1, 4}, 2)},
		{SumAxis(Arange(0, 24, 1).Reshape(2, 3, 4), 1), New([]float32{12, 15, 18, 21, 48, 51, 54, 57}, 2, 4)},
	} {
		if !AllClose(test.got, test.want, 1e-6, 1e-6) {
			t.Errorf("test %d: got: %v want: %v", i, test.got, test.want)
		}
	}
	if got := ArgMaxAxis(New([]float32{1, 9, 3, 7, 2, 8}, 2, 3), 1); got[0] != 1 || got[1] != 2 {
		t.Errorf("ArgMaxAxis: got: %v want: [1 2]", got)
	}
	if got := ArgMaxAxis(New([]float32{1, 9, 3, 7, 2, 8}, 2, 3), 0); got[0] != 1 || got[1] != 0 || got[2] != 1 {
		t.Errorf("ArgMaxAxis axis 0: got: %v want: [1 0 1]", got)
	}
	if Sum(a) != 21 || Mean(a) != 3.5 || Max(a) != 6 || Min(a) != 1 || ArgMax(a) != 5 {
		t.Errorf("full reductions: %v %v %v %v %v", Sum(a), Mean(a), Max(a), Min(a), ArgMax(a))
	}
	if v := Var(a); math.Abs(float64(v)-35.0/12) > 1e-6 {
		t.Errorf("Var: got: %v want: %v", v, 35.0/12)
	}
}

func TestTensor_Shape(t *testing.T) {
	a := Arange(0, 6, 1).Reshape(2, 3)
	for i, test := range []struct {
		got, want *Tensor
	}{
		{a.T(), New([]float32{0, 3, 1, 4, 2, 5}, 3, 2)},
		{Transpose(Arange(0, 24, 1).Reshape(2, 3, 4), 2, 0, 1).Slice(0, 1), New([]float32{0, 4, 8, 12, 16, 20}, 1, 2, 3)},
		{a.Slice(1, 2), New([]float32{3, 4, 5}, 1, 3)},
		{a.Row(0), New([]float32{0, 1, 2}, 3)},
		{Rows(a, []int{1, 0, 1}), New([]float32{3, 4, 5, 0, 1, 2, 3, 4, 5}, 3, 3)},
		{Cols(a, []int{2, 0}), New([]float32{2, 0, 5, 3}, 2, 2)},
		{Narrow(a, 1, 1, 3), New([]float32{1, 2, 4, 5}, 2, 2)},
		{Concat([]*Tensor{a, a.Slice(0, 1)}, 0), New([]float32{0, 1, 2, 3, 4, 5, 0, 1, 2}, 3, 3)},
		{Concat([]*Tensor{a, Cols(a, []int{0})}, 1), New([]float32{0, 1, 2, 0, 3, 4, 5, 3}, 2, 4)},
		{Stack([]*Tensor{a.Row(0), a.Row(1)}, 1), New([]float32{0, 3, 1, 4, 2, 5}, 3, 2)},
		{a.Reshape(-1, 2), New([]float32{0, 1, 2, 3, 4, 5}, 3, 2)},
		{Linspace(0, 1, 5), New([]float32{0, 0.25, 0.5, 0.75, 1}, 5)},
		{Where(Gt(a, Scalar(2)), a, Scalar(-1)), New([]float32{-1, -1, -1, 3, 4, 5}, 2, 3)},
		{FromDense(a.Dense()), a},
		{MatMul(New([]float32{1, 2}, 2), New([]float32{3, 4, 5, 6}, 2, 2)), New([]float32{13, 16}, 2)},
		{Softmax(New([]float32{0, 0, 1000, 1000}, 2, 2), 1), New([]float32{0.5, 0.5, 0.5, 0.5}, 2, 2)},
		{LogSoftmax(New([]float32{0, 0}, 1, 2), 1), New([]float32{-float32(math.Ln2), -float32(math.Ln2)}, 1, 2)},
	} {
		if !AllClose(test.got, test.want, 1e-6, 1e-6) {
			t.Errorf("test %d: got: %v want: %v", i, test.got, test.want)
		}
	}
	if !Equal(RandNormal(7, 0, 1, 3, 4), RandNormal(7, 0, 1, 3, 4)) || Equal(RandNormal(7, 0, 1, 4), RandNormal(8, 0, 1, 4)) {
		t.Errorf("RandNormal is not determined by its seed")
	}
	u := RandUniform(1, -2, 3, 1000)
	if Min(u) < -2 || Max(u) >= 3 || math.Abs(float64(Mean(u))-0.5) > 0.2 {
		t.Errorf("RandUniform range or mean off: min %v max %v mean %v", Min(u), Max(u), Mean(u))
	}
}

func TestTensor_String(t *testing.T) {
	for i, test := range []struct {
		t    *Tensor
		want string
	}{
		{New([]float32{1, -2.5, 3, 4.25}, 2, 2), "tensor([[ 1.0000, -2.5000],\n        [ 3.0000,  4.2500]])"},
		{Arange(0, 3, 1), "tensor([0., 1., 2.])"},
		{Scalar(2), "tensor(2.)"},
		{New([]float32{1e-5, 1}, 2), "tensor([1.0000e-05, 1.0000e+00])"},
		{Arange(0, 2000, 1), "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.])"},
	} {
		if got := test.t.String(); got != test.want {
			t.Errorf("test %d: got:\n%s\nwant:\n%s", i, got, test.want)
		}
	}
	h := Arange(0, 1000, 1).Reshape(50, 20).HTML()
	if !strings.Contains(h, "<table") || !strings.Contains(h, "[50 20]") || !strings.Contains(h, "⋮") {
		t.Errorf("HTML lacks table, shape or elision: %.200s", h)
	}
}

func TestExpf(t *testing.T) {
	// Against math.Exp over the whole useful range; 4 ulp (2^-21 relative)
	// is the budget for Cephes' polynomial plus float32 rounding.
	worst := 0.0
	for x := -87.0; x < 88.7; x += 0.00731 {
		got := float64(expf(float32(x)))
		want := math.Exp(float64(float32(x)))
		if rel := math.Abs(got-want) / want; rel > worst {
			worst = rel
		}
	}
	if worst > 4.8e-7 {
		t.Errorf("expf worst relative error %g > 4.8e-7", worst)
	}
	if !math.IsInf(float64(expf(100)), 1) || expf(-100) != 0 || expf(0) != 1 {
		t.Errorf("expf edges: %v %v %v", expf(100), expf(-100), expf(0))
	}
}

func TestTensor_AddScaled(t *testing.T) {
	// Every length around the 32- and 8-wide blocks of the assembly loop.
	for n := 0; n < 80; n++ {
		x := Arange(0, float32(n), 1)
		y := Ones(n)
		y.AddScaled(-2, x)
		for i, v := range y.Data() {
			if want := 1 - 2*float32(i); v != want {
				t.Fatalf("n=%d element %d: got: %v want: %v", n, i, v, want)
			}
		}
	}
}

func TestTensor_ZeroValue(t *testing.T) {
	var z Tensor
	var nilT *Tensor
	if z.String() != "tensor([])" || nilT.String() != "tensor(nil)" || z.Len() != 0 {
		t.Errorf("zero value: %q %q %d", z.String(), nilT.String(), z.Len())
	}
	_ = z.HTML()
	_ = nilT.HTML()
}
