package metrics

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// LogLoss returns the mean negative log-likelihood of the true classes
// under the predicted probabilities (proba[i][c] for row i, class c), with
// probabilities clipped to [1e-15, 1−1e-15] and each row renormalised, as
// scikit-learn's log_loss. Rows with yTrue < 0 are left out.
func LogLoss(yTrue []int, proba [][]float64) float64 {
	sameLen("LogLoss", len(yTrue), len(proba))
	const eps = 1e-15
	sum, n := 0.0, 0
	for i, y := range yTrue {
		if y < 0 {
			continue
		}
		row := proba[i]
		if y >= len(row) {
			fail("LogLoss: row %d: class %d but %d probabilities", i, y, len(row))
		}
		z := 0.0
		for _, p := range row {
			z += clip(p, eps)
		}
		sum -= math.Log(clip(row[y], eps) / z)
		n++
	}
	return sum / float64(n)
}

func clip(p, eps float64) float64 { return math.Min(math.Max(p, eps), 1-eps) }

// ArgMax returns the class with the highest probability in each row (the
// first on ties).
func ArgMax(proba [][]float64) []int {
	out := make([]int, len(proba))
	for i, row := range proba {
		best := 0
		for c, p := range row {
			if p > row[best] {
				best = c
			}
		}
		out[i] = best
	}
	return out
}

// ROCCurve is a receiver operating characteristic: the false and true
// positive rates at each distinct score threshold, from the highest
// threshold (nothing positive) down, and the area under it.
type ROCCurve struct {
	FPR, TPR   []float64
	Thresholds []float64 // Thresholds[0] is +Inf
	AUC        float64
}

// ROC computes the ROC curve of scores (higher = more positive) against
// positive, whether each row's true class is the positive one. It panics
// with Error if the lengths differ or either class is absent.
func ROC(positive []bool, scores []float64) *ROCCurve {
	sameLen("ROC", len(positive), len(scores))
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	P, N := 0, 0
	for _, p := range positive {
		if p {
			P++
		} else {
			N++
		}
	}
	if P == 0 || N == 0 {
		fail("ROC: need both positive and negative rows, have %d and %d", P, N)
	}
	c := &ROCCurve{FPR: []float64{0}, TPR: []float64{0}, Thresholds: []float64{math.Inf(1)}}
	tp, fp := 0, 0
	for k, i := range idx {
		if positive[i] {
			tp++
		} else {
			fp++
		}
		if k+1 < len(idx) && scores[idx[k+1]] == scores[i] {
			continue // ties form one step
		}
		c.FPR = append(c.FPR, float64(fp)/float64(N))
		c.TPR = append(c.TPR, float64(tp)/float64(P))
		c.Thresholds = append(c.Thresholds, scores[i])
	}
	for k := 1; k < len(c.FPR); k++ { // trapezoids
		c.AUC += (c.FPR[k] - c.FPR[k-1]) * (c.TPR[k] + c.TPR[k-1]) / 2
	}
	return c
}

// AUC returns the area under the ROC curve of scores against positive.
func AUC(positive []bool, scores []float64) float64 { return ROC(positive, scores).AUC }

// AUCOvR returns the one-vs-rest ROC AUC of multi-class probabilities,
// averaged over the classes present with equal weight (scikit-learn's
// roc_auc_score with multi_class="ovr", average="macro").
func AUCOvR(yTrue []int, proba [][]float64) float64 {
	sameLen("AUCOvR", len(yTrue), len(proba))
	if len(proba) == 0 {
		return math.NaN()
	}
	k := len(proba[0])
	sum, n := 0.0, 0
	for c := 0; c < k; c++ {
		pos := make([]bool, len(yTrue))
		s := make([]float64, len(yTrue))
		np := 0
		for i, y := range yTrue {
			pos[i] = y == c
			if pos[i] {
				np++
			}
			s[i] = proba[i][c]
		}
		if np == 0 || np == len(yTrue) {
			continue
		}
		sum += AUC(pos, s)
		n++
	}
	return sum / float64(n)
}

func (c *ROCCurve) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ROC curve, %d points, AUC %.4f", len(c.FPR), c.AUC)
	return b.String()
}

// SVG draws the curve with the chance diagonal, 240×240 px.
func (c *ROCCurve) SVG() string {
	const s = 240.0
	var pts []string
	for i := range c.FPR {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", 20+c.FPR[i]*(s-40), s-20-c.TPR[i]*(s-40)))
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%[1]g" height="%[1]g" viewBox="0 0 %[1]g %[1]g">`+
		`<rect x="20" y="20" width="%[2]g" height="%[2]g" fill="none" stroke="#999"/>`+
		`<line x1="20" y1="%[3]g" x2="%[3]g" y2="20" stroke="#bbb" stroke-dasharray="4 3"/>`+
		`<polyline fill="none" stroke="#3182bd" stroke-width="2" points="%[4]s"/>`+
		`<text x="%[5]g" y="%[6]g" font-family="sans-serif" font-size="12" text-anchor="end">AUC %.3[7]f</text>`+
		`<text x="%[5]g" y="14" font-family="sans-serif" font-size="10" text-anchor="end">TPR ↑ FPR →</text></svg>`,
		s, s-40, s-20, strings.Join(pts, " "), s-24, s-26, c.AUC)
}

// MSE returns the mean squared error of pred against y.
func MSE(y, pred []float64) float64 {
	sameLen("MSE", len(y), len(pred))
	s := 0.0
	for i := range y {
		d := pred[i] - y[i]
		s += d * d
	}
	return s / float64(len(y))
}

// MAE returns the mean absolute error of pred against y.
func MAE(y, pred []float64) float64 {
	sameLen("MAE", len(y), len(pred))
	s := 0.0
	for i := range y {
		s += math.Abs(pred[i] - y[i])
	}
	return s / float64(len(y))
}

// R2 returns the coefficient of determination 1 − SS_res/SS_tot: 1 for a
// perfect fit, 0 for predicting the mean, negative for worse. It is NaN
// when y is constant.
func R2(y, pred []float64) float64 {
	sameLen("R2", len(y), len(pred))
	m := 0.0
	for _, v := range y {
		m += v
	}
	m /= float64(len(y))
	var res, tot float64
	for i := range y {
		res += (y[i] - pred[i]) * (y[i] - pred[i])
		tot += (y[i] - m) * (y[i] - m)
	}
	if tot == 0 {
		return math.NaN()
	}
	return 1 - res/tot
}

// PRCurve is a precision-recall curve: precision and recall at each
// distinct score threshold, from the highest threshold down, and the
// average precision.
type PRCurve struct {
	Precision, Recall []float64
	Thresholds        []float64
	// AveragePrecision is Σ (Rₙ − Rₙ₋₁)·Pₙ over the thresholds, scikit-learn's
	// average_precision_score (no interpolation).
	AveragePrecision float64
}

// PrecisionRecall computes the precision-recall curve of scores (higher =
// more positive) against positive. It panics with Error if the lengths
// differ or no row is positive.
func PrecisionRecall(positive []bool, scores []float64) *PRCurve {
	sameLen("PrecisionRecall", len(positive), len(scores))
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	P := 0
	for _, p := range positive {
		if p {
			P++
		}
	}
	if P == 0 {
		fail("PrecisionRecall: no positive rows")
	}
	c := &PRCurve{}
	tp, prevRecall := 0, 0.0
	for k, i := range idx {
		if positive[i] {
			tp++
		}
		if k+1 < len(idx) && scores[idx[k+1]] == scores[i] {
			continue
		}
		prec := float64(tp) / float64(k+1)
		rec := float64(tp) / float64(P)
		c.Precision = append(c.Precision, prec)
		c.Recall = append(c.Recall, rec)
		c.Thresholds = append(c.Thresholds, scores[i])
		c.AveragePrecision += (rec - prevRecall) * prec
		prevRecall = rec
	}
	return c
}

// SVG draws the curve (recall across, precision up), 240×240 px.
func (c *PRCurve) SVG() string {
	const s = 240.0
	var pts []string
	for i := range c.Recall {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", 20+c.Recall[i]*(s-40), s-20-c.Precision[i]*(s-40)))
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%[1]g" height="%[1]g" viewBox="0 0 %[1]g %[1]g">`+
		`<rect x="20" y="20" width="%[2]g" height="%[2]g" fill="none" stroke="#999"/>`+
		`<polyline fill="none" stroke="#e6550d" stroke-width="2" points="%[3]s"/>`+
		`<text x="%[4]g" y="%[5]g" font-family="sans-serif" font-size="12" text-anchor="end">AP %.3[6]f</text>`+
		`<text x="%[4]g" y="14" font-family="sans-serif" font-size="10" text-anchor="end">precision ↑ recall →</text></svg>`,
		s, s-40, strings.Join(pts, " "), s-24, s-26, c.AveragePrecision)
}

func (c *PRCurve) String() string {
	return fmt.Sprintf("precision-recall curve, %d points, average precision %.4f", len(c.Precision), c.AveragePrecision)
}

// PrecisionAtK returns the fraction of positives among the k rows with the
// highest scores (ties broken by row order), e.g. how many of the k rows a
// label-error finder ranks first really have wrong labels.
func PrecisionAtK(positive []bool, scores []float64, k int) float64 {
	sameLen("PrecisionAtK", len(positive), len(scores))
	if k <= 0 || k > len(scores) {
		fail("PrecisionAtK: k = %d for %d rows", k, len(scores))
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	hit := 0
	for _, i := range idx[:k] {
		if positive[i] {
			hit++
		}
	}
	return float64(hit) / float64(k)
}
