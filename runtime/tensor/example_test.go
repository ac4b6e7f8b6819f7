package tensor_test

import (
	"fmt"

	"tandem.dev/tandem/runtime/tensor"
)

func ExampleNew() {
	a := tensor.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(a)
	fmt.Println(a.Shape(), a.Len(), a.At(1, 2))
	// Output:
	// tensor([[1., 2., 3.],
	//         [4., 5., 6.]])
	// [2 3] 6 6
}

func ExampleZeros() {
	fmt.Println(tensor.Zeros(2, 2))
	fmt.Println(tensor.Ones(3))
	fmt.Println(tensor.Full(0.5, 2))
	// Output:
	// tensor([[0., 0.],
	//         [0., 0.]])
	// tensor([1., 1., 1.])
	// tensor([0.5000, 0.5000])
}

func ExampleArange() {
	fmt.Println(tensor.Arange(0, 1, 0.25))
	fmt.Println(tensor.Linspace(-1, 1, 5))
	// Output:
	// tensor([0.0000, 0.2500, 0.5000, 0.7500])
	// tensor([-1.0000, -0.5000,  0.0000,  0.5000,  1.0000])
}

func ExampleRandNormal() {
	// The same seed gives the same values on every machine.
	a := tensor.RandNormal(42, 0, 1, 2, 3)
	b := tensor.RandNormal(42, 0, 1, 2, 3)
	fmt.Println(tensor.Equal(a, b), a.Shape())
	u := tensor.RandUniform(1, -1, 1, 1000)
	fmt.Println(tensor.Min(u) >= -1, tensor.Max(u) < 1)
	// Output:
	// true [2 3]
	// true true
}

func ExampleTensor_Reshape() {
	a := tensor.Arange(0, 6, 1)
	fmt.Println(a.Reshape(2, -1))
	// Output:
	// tensor([[0., 1., 2.],
	//         [3., 4., 5.]])
}

func ExampleTranspose() {
	a := tensor.Arange(0, 6, 1).Reshape(2, 3)
	fmt.Println(a.T())
	// Output:
	// tensor([[0., 3.],
	//         [1., 4.],
	//         [2., 5.]])
}

func ExampleRows() {
	x := tensor.Arange(0, 8, 1).Reshape(4, 2)
	fmt.Println(tensor.Rows(x, []int{3, 0}))
	fmt.Println(tensor.Cols(x, []int{1}))
	fmt.Println(x.Slice(1, 3))
	// Output:
	// tensor([[6., 7.],
	//         [0., 1.]])
	// tensor([[1.],
	//         [3.],
	//         [5.],
	//         [7.]])
	// tensor([[2., 3.],
	//         [4., 5.]])
}

func ExampleConcat() {
	a := tensor.Ones(1, 2)
	b := tensor.Zeros(1, 2)
	fmt.Println(tensor.Concat([]*tensor.Tensor{a, b}, 0))
	fmt.Println(tensor.Stack([]*tensor.Tensor{a.Row(0), b.Row(0)}, 1))
	// Output:
	// tensor([[1., 1.],
	//         [0., 0.]])
	// tensor([[1., 0.],
	//         [1., 0.]])
}

func ExampleAdd() {
	x := tensor.New([]float32{1, 2, 3, 4}, 2, 2)
	bias := tensor.New([]float32{10, 20}, 2)
	fmt.Println(tensor.Add(x, bias)) // bias broadcast over the rows
	fmt.Println(tensor.Mul(x, tensor.Scalar(2)))
	// Output:
	// tensor([[11., 22.],
	//         [13., 24.]])
	// tensor([[2., 4.],
	//         [6., 8.]])
}

func ExampleTensor_Add() {
	// Methods write into their receiver, like gonum's mat.Dense.
	x := tensor.New([]float32{1, 2}, 2)
	x.Add(x, tensor.Ones(2))
	fmt.Println(x)
	// Output:
	// tensor([2., 3.])
}

func ExampleSumAxis() {
	x := tensor.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(tensor.SumAxis(x, 0))
	fmt.Println(tensor.MeanAxis(x, 1))
	fmt.Println(tensor.Sum(x), tensor.Mean(x), tensor.Max(x))
	// Output:
	// tensor([5., 7., 9.])
	// tensor([2., 5.])
	// 21 3.5 6
}

func ExampleArgMaxAxis() {
	logits := tensor.New([]float32{0.1, 2, -1, 3, 0, 0}, 2, 3)
	fmt.Println(tensor.ArgMaxAxis(logits, 1))
	// Output:
	// [1 0]
}

func ExampleMatMul() {
	a := tensor.New([]float32{1, 2, 3, 4}, 2, 2)
	b := tensor.New([]float32{5, 6, 7, 8}, 2, 2)
	fmt.Println(tensor.MatMul(a, b))
	// Output:
	// tensor([[19., 22.],
	//         [43., 50.]])
}

func ExampleGemm() {
	// c = aᵀ·b without forming aᵀ: the weight gradient of a dense layer.
	a := tensor.New([]float32{1, 2, 3, 4}, 2, 2)
	b := tensor.New([]float32{1, 0, 0, 1}, 2, 2)
	c := tensor.Zeros(2, 2)
	tensor.Gemm(true, false, 1, a, b, 0, c)
	fmt.Println(c)
	// Output:
	// tensor([[1., 3.],
	//         [2., 4.]])
}

func ExampleSoftmax() {
	x := tensor.New([]float32{1, 2, 3}, 1, 3)
	fmt.Println(tensor.Softmax(x, -1))
	fmt.Println(tensor.LogSoftmax(x, -1))
	// Output:
	// tensor([[0.0900, 0.2447, 0.6652]])
	// tensor([[-2.4076, -1.4076, -0.4076]])
}

func ExampleWhere() {
	x := tensor.New([]float32{-2, -1, 0, 1, 2}, 5)
	mask := tensor.Gt(x, tensor.Scalar(0))
	fmt.Println(mask)
	fmt.Println(tensor.Where(mask, x, tensor.Scalar(0)))
	// Output:
	// tensor([0., 0., 0., 1., 1.])
	// tensor([0., 0., 0., 1., 2.])
}

func ExampleTensor_String() {
	big := tensor.Arange(0, 10000, 1).Reshape(100, 100)
	fmt.Println(big)
	// Output:
	// tensor([[   0.,    1.,    2., ...,   97.,   98.,   99.],
	//         [ 100.,  101.,  102., ...,  197.,  198.,  199.],
	//         [ 200.,  201.,  202., ...,  297.,  298.,  299.],
	//         ...,
	//         [9700., 9701., 9702., ..., 9797., 9798., 9799.],
	//         [9800., 9801., 9802., ..., 9897., 9898., 9899.],
	//         [9900., 9901., 9902., ..., 9997., 9998., 9999.]])
}

func ExampleTensor_Dense() {
	// float64 conversions for gonum mat, stat and plots.
	a := tensor.New([]float32{1, 2, 3, 4}, 2, 2)
	d := a.Dense()
	r, c := d.Dims()
	fmt.Println(r, c, d.At(1, 0), a.Col(1))
	fmt.Println(tensor.FromDense(d))
	// Output:
	// 2 2 3 [2 4]
	// tensor([[1., 2.],
	//         [3., 4.]])
}

func ExampleError() {
	defer func() {
		fmt.Println(recover())
	}()
	tensor.Add(tensor.Zeros(2, 3), tensor.Zeros(4))
	// Output:
	// tensor: Add: shapes [2 3] and [4] do not broadcast
}

func ExampleFromRows() {
	x := tensor.FromRows([][]float32{{1, 2}, {3, 4}, {5, 6}})
	fmt.Println(x.Shape(), tensor.Narrow(x, 0, 1, 3))
	fmt.Println(tensor.Index(x, 1, []int{1, 1, 0}))
	// Output:
	// [3 2] tensor([[3., 4.],
	//         [5., 6.]])
	// tensor([[2., 2., 1.],
	//         [4., 4., 3.],
	//         [6., 6., 5.]])
}

func ExampleScalar() {
	s := tensor.Scalar(2.5)
	fmt.Println(s, s.Item(), s.NDim())
	// Output:
	// tensor(2.5000) 2.5 0
}

func ExampleTensor_RowsInto() {
	// Fill a reused mini-batch buffer without allocating.
	data := tensor.Arange(0, 10, 1).Reshape(5, 2)
	batch := tensor.Zeros(2, 2)
	batch.RowsInto(data, []int{4, 1})
	fmt.Println(batch)
	// Output:
	// tensor([[8., 9.],
	//         [2., 3.]])
}

func ExampleMaskedSelect() {
	x := tensor.New([]float32{3, -1, 4, -1, 5, -9}, 2, 3)
	fmt.Println(tensor.MaskedSelect(x, tensor.Gt(x, tensor.Scalar(0))))
	fmt.Println(tensor.MaskedFill(x, tensor.Lt(x, tensor.Scalar(0)), 0))
	// Output:
	// tensor([3., 4., 5.])
	// tensor([[3., 0., 4.],
	//         [0., 5., 0.]])
}
