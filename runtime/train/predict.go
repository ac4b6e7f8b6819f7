package train

import (
	"math"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/tensor"
)

// evalBatch is how many rows Output runs through the model at once.
const evalBatch = 512

// Output returns the model's raw outputs for every row of ds, float32
// [rows, outputs], computed in evaluation mode without recording gradients,
// in batches (host.Check between them).
func Output(m nn.Module, ds *data.Dataset) *tensor.Tensor {
	setTraining(m, false)
	b := ds.Batches(data.Batching{Size: evalBatch, NoShuffle: true})
	var out []float32
	cols := 0
	was := autograd.SetGradEnabled(false)
	defer autograd.SetGradEnabled(was)
	for b.Next() {
		host.Check()
		y := m.Forward(autograd.Const(b.X())).Value
		cols = y.Shape()[len(y.Shape())-1]
		out = append(out, y.Data()...) // copied: layers reuse their output buffers
	}
	return tensor.New(out, ds.Len(), cols)
}

// PredictProba returns the predicted class probabilities of every row:
// proba[i][c] for row i and class c (softmax of the outputs; with a single
// output, [1−σ, σ]).
func PredictProba(m nn.Module, ds *data.Dataset) [][]float64 {
	return probabilities(Output(m, ds))
}

func probabilities(out *tensor.Tensor) [][]float64 {
	n, c := out.Shape()[0], out.Shape()[1]
	d := out.Data()
	proba := make([][]float64, n)
	for i := range proba {
		row := d[i*c : i*c+c]
		if c == 1 {
			p := 1 / (1 + math.Exp(-float64(row[0])))
			proba[i] = []float64{1 - p, p}
			continue
		}
		m := float64(row[0])
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		p := make([]float64, c)
		s := 0.0
		for j, v := range row {
			p[j] = math.Exp(float64(v) - m)
			s += p[j]
		}
		for j := range p {
			p[j] /= s
		}
		proba[i] = p
	}
	return proba
}

// Predict returns the predicted class id of every row (the most probable
// class).
func Predict(m nn.Module, ds *data.Dataset) []int {
	out := Output(m, ds)
	n, c := out.Shape()[0], out.Shape()[1]
	d := out.Data()
	pred := make([]int, n)
	for i := range pred {
		row := d[i*c : i*c+c]
		if c == 1 {
			if row[0] > 0 {
				pred[i] = 1
			}
			continue
		}
		for j, v := range row {
			if v > row[pred[i]] {
				pred[i] = j
			}
		}
	}
	return pred
}

// PredictValues returns the model's first output for every row, as float64:
// the prediction of a regression model.
func PredictValues(m nn.Module, ds *data.Dataset) []float64 {
	out := Output(m, ds)
	c := out.Shape()[1]
	d := out.Data()
	v := make([]float64, out.Shape()[0])
	for i := range v {
		v[i] = float64(d[i*c])
	}
	return v
}

// evaluate returns the mean loss and the accuracy (NaN for regression) of
// the model on ds.
func evaluate(m nn.Module, ds *data.Dataset, tk task, loss Loss, custom func(*autograd.Var, *data.Batches) *autograd.Var) (float64, float64) {
	return evaluateBatches(m, ds.Batches(data.Batching{Size: evalBatch, NoShuffle: true}), tk, loss, custom)
}

// evaluateBatches is evaluate over batches made once (b is Reset first), so
// that a validation set is not copied again every epoch.
func evaluateBatches(m nn.Module, b *data.Batches, tk task, loss Loss, custom func(*autograd.Var, *data.Batches) *autograd.Var) (float64, float64) {
	setTraining(m, false)
	defer setTraining(m, true)
	was := autograd.SetGradEnabled(false)
	defer autograd.SetGradEnabled(was)
	b.Reset()
	var sum float64
	correct, n := 0, 0
	for b.Next() {
		host.Check()
		out := m.Forward(autograd.Const(b.X()))
		var l *autograd.Var
		if custom != nil {
			l = custom(out, b)
		} else {
			l, _ = lossOf(out, b, tk, loss, nil)
		}
		k := len(b.Rows())
		sum += float64(l.Value.Item()) * float64(k)
		if tk.classes > 0 {
			correct += countCorrect(out.Value, b.Labels(), tk)
		}
		n += k
	}
	acc := math.NaN()
	if tk.classes > 0 {
		acc = float64(correct) / float64(n)
	}
	return sum / float64(n), acc
}
