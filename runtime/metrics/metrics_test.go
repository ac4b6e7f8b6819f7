package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// reference is testdata/sklearn_reference.json, written by
// testdata/sklearn_reference.py (its header says how to run it).
type reference struct {
	SklearnVersion string `json:"sklearn_version"`
	Fixtures       struct {
		Y          []int       `json:"y"`
		Proba      [][]float64 `json:"proba"`
		Pred       []int       `json:"pred"`
		Accuracy   float64     `json:"accuracy"`
		Confusion  [][]int     `json:"confusion"`
		Precision  []float64   `json:"precision"`
		Recall     []float64   `json:"recall"`
		F1         []float64   `json:"f1"`
		MacroF1    float64     `json:"macro_f1"`
		WeightedF1 float64     `json:"weighted_f1"`
		LogLoss    float64     `json:"log_loss"`
		Positive   []bool      `json:"positive"`
		Score      []float64   `json:"score"`
		AUC        float64     `json:"auc"`
		AP         float64     `json:"average_precision"`
		AUCOvR     float64     `json:"auc_ovr"`
		YReg       []float64   `json:"y_reg"`
		PredReg    []float64   `json:"pred_reg"`
		MSE        float64     `json:"mse"`
		MAE        float64     `json:"mae"`
		R2         float64     `json:"r2"`
	} `json:"fixtures"`
	Parity map[string]struct {
		TrainRows         int       `json:"train_rows"`
		TestRows          int       `json:"test_rows"`
		LogregTest        float64   `json:"logreg_test_accuracy"`
		LogregTrain       float64   `json:"logreg_train_accuracy"`
		LogregTestLogLoss float64   `json:"logreg_test_log_loss"`
		MLPTestMean       float64   `json:"mlp_test_accuracy_mean"`
		MLPTestPerSeed    []float64 `json:"mlp_test_accuracy_per_seed"`
	} `json:"parity"`
}

func loadReference(t *testing.T) *reference {
	t.Helper()
	b, err := os.ReadFile("testdata/sklearn_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// Scikit-learn computes in float64 as we do; 1e-12 allows for a different
// order of summation.
const tol = 1e-12

func close(a, b float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func closeAll(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !close(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestAgainstScikitLearn(t *testing.T) {
	f := loadReference(t).Fixtures
	if got := Accuracy(f.Y, f.Pred); !close(got, f.Accuracy) {
		t.Errorf("Accuracy: got %v want %v", got, f.Accuracy)
	}
	cm := NewConfusion(f.Y, f.Pred, []string{"a", "b", "c"})
	if !reflect.DeepEqual(cm.Counts, f.Confusion) {
		t.Errorf("confusion: got %v want %v", cm.Counts, f.Confusion)
	}
	r := cm.Report()
	for _, c := range []struct {
		name      string
		got, want []float64
	}{{"precision", r.Precision(), f.Precision}, {"recall", r.Recall(), f.Recall}, {"f1", r.F1(), f.F1}} {
		if !closeAll(c.got, c.want) {
			t.Errorf("%s: got %v want %v", c.name, c.got, c.want)
		}
	}
	if !close(r.Macro.F1, f.MacroF1) || !close(r.Weighted.F1, f.WeightedF1) {
		t.Errorf("macro/weighted F1: got %v %v want %v %v", r.Macro.F1, r.Weighted.F1, f.MacroF1, f.WeightedF1)
	}
	if got := LogLoss(f.Y, f.Proba); !close(got, f.LogLoss) {
		t.Errorf("LogLoss: got %v want %v", got, f.LogLoss)
	}
	if got := AUC(f.Positive, f.Score); !close(got, f.AUC) {
		t.Errorf("AUC: got %v want %v", got, f.AUC)
	}
	if got := PrecisionRecall(f.Positive, f.Score).AveragePrecision; !close(got, f.AP) {
		t.Errorf("average precision: got %v want %v", got, f.AP)
	}
	if got := AUCOvR(f.Y, f.Proba); !close(got, f.AUCOvR) {
		t.Errorf("AUCOvR: got %v want %v", got, f.AUCOvR)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"MSE", MSE(f.YReg, f.PredReg), f.MSE}, {"MAE", MAE(f.YReg, f.PredReg), f.MAE}, {"R2", R2(f.YReg, f.PredReg), f.R2}} {
		if !close(c.got, c.want) {
			t.Errorf("%s: got %v want %v", c.name, c.got, c.want)
		}
	}
	if got := ArgMax(f.Proba); !reflect.DeepEqual(got, f.Pred) {
		t.Errorf("ArgMax differs from numpy argmax")
	}
}

func TestROC(t *testing.T) {
	for i, test := range []struct {
		pos      []bool
		score    []float64
		fpr, tpr []float64
		auc      float64
	}{
		// Perfect ranking.
		{[]bool{true, true, false, false}, []float64{0.9, 0.8, 0.3, 0.1}, []float64{0, 0, 0, 0.5, 1}, []float64{0, 0.5, 1, 1, 1}, 1},
		// Inverted ranking.
		{[]bool{false, true}, []float64{0.9, 0.1}, []float64{0, 1, 1}, []float64{0, 0, 1}, 0},
		// All tied: one step, the diagonal.
		{[]bool{true, false, true, false}, []float64{0.5, 0.5, 0.5, 0.5}, []float64{0, 1}, []float64{0, 1}, 0.5},
	} {
		c := ROC(test.pos, test.score)
		if !closeAll(c.FPR, test.fpr) || !closeAll(c.TPR, test.tpr) || !close(c.AUC, test.auc) {
			t.Errorf("%d: got fpr %v tpr %v auc %v want %v %v %v", i, c.FPR, c.TPR, c.AUC, test.fpr, test.tpr, test.auc)
		}
		if !math.IsInf(c.Thresholds[0], 1) || !strings.Contains(c.SVG(), fmt.Sprintf("AUC %.3f<", test.auc)) {
			t.Errorf("%d: thresholds %v", i, c.Thresholds)
		}
	}
}

func panicMsg(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		e, ok := recover().(Error)
		if !ok {
			t.Fatalf("did not panic with metrics.Error")
		}
		msg = e.Msg
	}()
	f()
	return ""
}

func TestMisuse(t *testing.T) {
	for _, test := range []struct {
		name string
		f    func()
		want string
	}{
		{"Accuracy", func() { Accuracy([]int{1}, []int{1, 2}) }, "metrics: Accuracy: 1 true values but 2 predictions"},
		{"Confusion", func() { NewConfusion([]int{0, 3}, []int{0, 0}, []string{"a", "b"}) }, "row 1: class ids 3 (true), 0 (predicted) for 2 classes"},
		{"ROC", func() { ROC([]bool{true, true}, []float64{1, 2}) }, "need both positive and negative rows, have 2 and 0"},
		{"LogLoss", func() { LogLoss([]int{4}, [][]float64{{0.5, 0.5}}) }, "class 4 but 2 probabilities"},
	} {
		t.Run(test.name, func(t *testing.T) {
			if msg := panicMsg(t, test.f); !strings.Contains(msg, test.want) {
				t.Errorf("got %q want %q", msg, test.want)
			}
		})
	}
}

func TestConfusionMatrix_Render(t *testing.T) {
	cm := NewConfusion([]int{0, 0, 1, 1, 1, -1}, []int{0, 1, 1, 1, 0, 0}, []string{"cat", "dog"})
	want := "confusion matrix (5 rows, accuracy 0.6000)\n" +
		"true\\pred  cat  dog\n" +
		"      cat    1    1\n" +
		"      dog    1    2"
	if got := cm.String(); got != want {
		t.Errorf("String:\n%s\nwant:\n%s", got, want)
	}
	h := cm.HTML()
	for _, s := range []string{"<th>cat</th>", ">2</td>", "accuracy 0.6000"} {
		if !strings.Contains(h, s) {
			t.Errorf("HTML lacks %q: %s", s, h)
		}
	}
	r := cm.Report().String()
	if !strings.Contains(r, "cat     0.5000  0.5000    0.5000        2") || !strings.Contains(r, "accuracy") {
		t.Errorf("report:\n%s", r)
	}
	// Unlabeled rows are left out; an empty class scores 0 like sklearn's zero_division=0.
	if got := Accuracy([]int{-1, 1}, []int{0, 1}); got != 1 {
		t.Errorf("Accuracy with unlabeled row: %v", got)
	}
	if r := Classification([]int{0, 0}, []int{0, 0}, []string{"a", "b"}); r.Classes[1].Precision != 0 || r.Macro.F1 != 0.5 {
		t.Errorf("empty class: %+v", r)
	}
}

func TestPrecisionAtK(t *testing.T) {
	pos := []bool{true, false, true, false, true}
	score := []float64{0.9, 0.8, 0.7, 0.1, 0.2}
	for _, test := range []struct {
		k    int
		want float64
	}{{1, 1}, {2, 0.5}, {3, 2.0 / 3}, {5, 0.6}} {
		if got := PrecisionAtK(pos, score, test.k); !close(got, test.want) {
			t.Errorf("k=%d: got %v want %v", test.k, got, test.want)
		}
	}
	c := PrecisionRecall(pos, score)
	if !closeAll(c.Recall, []float64{1.0 / 3, 1.0 / 3, 2.0 / 3, 1, 1}) || c.Precision[0] != 1 || !strings.Contains(c.SVG(), "AP 0.806<") {
		t.Errorf("curve: %+v", c)
	}
}
