package train_test

import (
	"fmt"
	"os"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
)

func ExampleFit() {
	ds := data.Iris()
	tr, te := ds.Split(0.8, 1)
	sc := data.Standardize(tr)
	tr, te = sc.Apply(tr), sc.Apply(te)
	nn.Seed(1)
	m := nn.NewSequential([]nn.Module{nn.NewLinear(4, 16), nn.NewReLU(), nn.NewLinear(16, 3)})
	h := train.Fit(m, tr, train.Config{Epochs: 200, LR: 0.05, Quiet: true})
	fmt.Println(h.Len(), h.TrainLoss()[199] < h.TrainLoss()[0])
	fmt.Println(train.Predict(m, te)[:5], te.Labels()[:5])
	// Output:
	// 200 true
	// [0 0 0 0 0] [0 0 0 0 0]
}

func ExampleFit_validation() {
	ds := data.Moons(data.Gen{N: 400, Noise: 0.2, Seed: 1})
	nn.Seed(2)
	m := nn.NewSequential([]nn.Module{nn.NewLinear(2, 32), nn.NewReLU(), nn.NewLinear(32, 2)})
	h := train.Fit(m, ds, train.Config{
		Epochs: 500, Optimizer: train.Adam, LR: 0.01,
		Validation: 0.25, Patience: 20, RestoreBest: true, Seed: 1, Quiet: true,
	})
	fmt.Println(h.Len() < 500, h.Epochs[h.BestEpoch-1].ValidationAccuracy > 0.9)
	// Output: true true
}

func ExampleFit_callback() {
	nn.Seed(1)
	m := nn.NewLinear(4, 3)
	train.Fit(m, data.Iris(), train.Config{Epochs: 100, Quiet: true, OnEpoch: func(h *train.History) {
		if h.Last().TrainAccuracy > 0.8 {
			fmt.Println("good enough after epoch", h.Len())
			h.Stop()
		}
	}})
	// Output: good enough after epoch 40
}

func ExampleFit_regression() {
	ds := data.Linear(data.Gen{N: 200, Features: 1, Noise: 0.1, Seed: 1})
	nn.Seed(1)
	m := nn.NewLinear(1, 1)
	h := train.Fit(m, ds, train.Config{Epochs: 100, Optimizer: train.Adam, LR: 0.05, Quiet: true})
	fmt.Printf("%s, final loss %.2f\n", h.Loss, h.Last().TrainLoss)
	// Output: MSE, final loss 0.01
}

func ExampleText() {
	train.SetDefaultProgress(train.Text(os.Stdout))
	defer train.SetDefaultProgress(nil)
	nn.Seed(1)
	train.Fit(nn.NewLinear(4, 3), data.Iris(), train.Config{Epochs: 3, LR: 0.1})
	// Output:
	// epoch 1/3  loss 1.6829
	// epoch 2/3  loss 1.3146
	// epoch 3/3  loss 0.9765
}

func ExampleHistory_String() {
	nn.Seed(1)
	h := train.Fit(nn.NewLinear(4, 3), data.Iris(), train.Config{Epochs: 3, LR: 0.1, Quiet: true})
	fmt.Println(h)
	// Output:
	// 3 epochs, 150 rows, cross-entropy, SGD lr 0.1
	// epoch    loss  accuracy
	//     1  1.6829    0.3267
	//     2  1.3146    0.4933
	//     3  0.9765    0.5933
}

func ExamplePredictProba() {
	nn.Seed(1)
	m := nn.NewLinear(4, 3)
	ds := data.Iris()
	train.Fit(m, ds, train.Config{Epochs: 50, LR: 0.1, Quiet: true})
	p := train.PredictProba(m, ds)
	fmt.Printf("%.1f\n", p[0])
	// Output: [1.0 0.0 0.0]
}

// A loss written in a cell: mean absolute error for regression.
func ExampleConfig_lossFunc() {
	ds := data.Linear(data.Gen{N: 100, Seed: 3})
	nn.Seed(1)
	m := nn.NewLinear(1, 1)
	mae := func(out *autograd.Var, b *data.Batches) *autograd.Var {
		d := autograd.Sub(out, autograd.Const(b.Target()))
		return autograd.Mean(autograd.Sqrt(autograd.AddScalar(autograd.Square(d), 1e-8)))
	}
	h := train.Fit(m, ds, train.Config{Epochs: 200, Optimizer: train.Adam, LR: 0.05, LossFunc: mae, Quiet: true})
	fmt.Println(h.Loss, h.Last().TrainLoss < 0.05)
	// Output: custom loss true
}

func ExamplePredict() {
	ds := data.Blobs(data.Gen{N: 90, Classes: 3, Seed: 1})
	ds = data.Standardize(ds).Apply(ds)
	nn.Seed(1)
	m := nn.NewLinear(2, 3)
	train.Fit(m, ds, train.Config{Epochs: 30, LR: 0.05, Quiet: true})
	pred := train.Predict(m, ds)
	right := 0
	for i, y := range ds.Labels() {
		if pred[i] == y {
			right++
		}
	}
	fmt.Println(right, "of", ds.Len())
	// Output: 90 of 90
}

func ExampleOutput() {
	nn.Seed(1)
	m := nn.NewLinear(4, 3)
	out := train.Output(m, data.Iris()) // raw outputs (logits), float32
	fmt.Println(out.Shape())
	// Output: [150 3]
}

func ExampleLast() {
	// After an interrupt Fit panics (the kernel shows KeyboardInterrupt);
	// the history so far is still there.
	nn.Seed(1)
	train.Fit(nn.NewLinear(4, 3), data.Iris(), train.Config{Epochs: 2, Quiet: true})
	fmt.Println(train.Last().Len())
	// Output: 2
}
