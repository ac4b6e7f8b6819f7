package metrics

import (
	"fmt"
	"math"
	"testing"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/optim"
	"tandem.dev/tandem/runtime/train"
)

// paritySplit is the split of testdata/sklearn_reference.py: rows whose
// index is a multiple of mod are the test rows. Features are standardized
// with statistics of the training rows.
func paritySplit(ds *data.Dataset, mod int) (tr, te *data.Dataset) {
	var a, b []int
	for i := 0; i < ds.Len(); i++ {
		if i%mod == 0 {
			b = append(b, i)
		} else {
			a = append(a, i)
		}
	}
	tr, te = ds.Select(a), ds.Select(b)
	sc := data.Standardize(tr)
	return sc.Apply(tr), sc.Apply(te)
}

var paritySets = []struct {
	name string
	ds   func() *data.Dataset
	mod  int
}{
	{"iris", data.Iris, 3},
	{"digits", data.Digits, 4},
}

// TestParity_LogisticRegression: multinomial logistic regression with
// scikit-learn's penalty (C = 1: loss summed over rows + ‖W‖²/2, i.e. the
// mean loss + ‖W‖²/(2n)) is convex, so a converged fit must match
// LogisticRegression(lbfgs) in test accuracy (within 1 point, issue 4) and
// in test log loss (within 0.5%: float32 and a finite number of steps; measured 0.01%).
func TestParity_LogisticRegression(t *testing.T) {
	ref := loadReference(t)
	for _, set := range paritySets {
		t.Run(set.name, func(t *testing.T) {
			want := ref.Parity[set.name]
			tr, te := paritySplit(set.ds(), set.mod)
			if tr.Len() != want.TrainRows || te.Len() != want.TestRows {
				t.Fatalf("split %d/%d rows, reference %d/%d", tr.Len(), te.Len(), want.TrainRows, want.TestRows)
			}
			nn.Seed(1)
			m := nn.NewLinear(tr.NumFeatures(), tr.NumClasses())
			epochs := 3000
			train.Fit(m, tr, train.Config{
				Epochs: epochs, BatchSize: -1, Optimizer: train.Adam, LR: 0.05,
				Schedule: optim.CosineLR{Base: 0.05, Min: 1e-4, Total: epochs},
				L2:       1 / float64(tr.Len()), Quiet: true,
			})
			ev := Evaluate(m, te)
			trainAcc := Accuracy(tr.Labels(), train.Predict(m, tr))
			t.Logf("%s logistic regression: test accuracy %.4f (scikit-learn %.4f), train %.4f (%.4f), test log loss %.5f (%.5f)",
				set.name, ev.Accuracy, want.LogregTest, trainAcc, want.LogregTrain, ev.LogLoss, want.LogregTestLogLoss)
			if math.Abs(ev.Accuracy-want.LogregTest) > 0.01 {
				t.Errorf("test accuracy %.4f, scikit-learn %.4f: more than 1 point apart", ev.Accuracy, want.LogregTest)
			}
			if math.Abs(trainAcc-want.LogregTrain) > 0.01 {
				t.Errorf("train accuracy %.4f, scikit-learn %.4f: more than 1 point apart", trainAcc, want.LogregTrain)
			}
			if rel := math.Abs(ev.LogLoss-want.LogregTestLogLoss) / want.LogregTestLogLoss; rel > 0.005 {
				t.Errorf("test log loss %.5f, scikit-learn %.5f: %.1f%% apart, not the same optimum", ev.LogLoss, want.LogregTestLogLoss, 100*rel)
			}
		})
	}
}

// TestParity_MLP: one hidden layer of 32 ReLU units, Adam (lr 1e-3),
// batches of 32, 200 epochs, L2 alpha 1e-4 (scikit-learn adds
// alpha/2·‖W‖²/batch to each batch's mean loss), mean test accuracy over 5
// seeds within 1 point of MLPClassifier with the same settings (issue 4).
// The initialisation differs (PyTorch's default here, Glorot there), which
// is why seeds are averaged.
func TestParity_MLP(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 10 networks for 200 epochs")
	}
	ref := loadReference(t)
	for _, set := range paritySets {
		t.Run(set.name, func(t *testing.T) {
			want := ref.Parity[set.name]
			tr, te := paritySplit(set.ds(), set.mod)
			var accs []float64
			mean := 0.0
			for seed := 0; seed < 5; seed++ {
				nn.Seed(uint64(seed))
				m := nn.NewSequential([]nn.Module{nn.NewLinear(tr.NumFeatures(), 32), nn.NewReLU(), nn.NewLinear(32, tr.NumClasses())})
				train.Fit(m, tr, train.Config{Epochs: 200, BatchSize: 32, Optimizer: train.Adam, LR: 1e-3, L2: 1e-4 / 32, Seed: int64(seed), Quiet: true})
				a := Accuracy(te.Labels(), train.Predict(m, te))
				accs = append(accs, a)
				mean += a / 5
			}
			t.Logf("%s MLP: mean test accuracy %.4f (scikit-learn %.4f), per seed %v (%v)", set.name, mean, want.MLPTestMean, fmtAll(accs), fmtAll(want.MLPTestPerSeed))
			if math.Abs(mean-want.MLPTestMean) > 0.01 {
				t.Errorf("mean test accuracy %.4f, scikit-learn %.4f: more than 1 point apart", mean, want.MLPTestMean)
			}
		})
	}
}

func fmtAll(v []float64) string {
	s := ""
	for i, x := range v {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%.4f", x)
	}
	return s
}
