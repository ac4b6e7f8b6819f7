package metrics

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Error is the panic value for misuse of the package (slices of different
// lengths, a class id out of range). Its message starts with "metrics: ".
type Error struct{ Msg string }

func (e Error) Error() string { return e.Msg }

func fail(format string, args ...any) {
	panic(Error{"metrics: " + fmt.Sprintf(format, args...)})
}

func sameLen(what string, a, b int) {
	if a != b {
		fail("%s: %d true values but %d predictions", what, a, b)
	}
}

// Accuracy returns the fraction of positions where yPred equals yTrue. Rows
// with yTrue < 0 (unlabeled) are left out. It is NaN when no row counts.
func Accuracy(yTrue, yPred []int) float64 {
	sameLen("Accuracy", len(yTrue), len(yPred))
	n, ok := 0, 0
	for i, y := range yTrue {
		if y < 0 {
			continue
		}
		n++
		if yPred[i] == y {
			ok++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(ok) / float64(n)
}

// ConfusionMatrix counts predictions by true class (rows) and predicted
// class (columns). It renders itself with the counts (String, HTML).
type ConfusionMatrix struct {
	Classes []string
	Counts  [][]int // Counts[true][predicted]
}

// NewConfusion builds the confusion matrix of yPred against yTrue over the
// given classes (class names by id; nil: "0", "1", … up to the largest id).
// Rows with yTrue < 0 are left out. It panics with Error if an id is not a
// class or the lengths differ.
func NewConfusion(yTrue, yPred []int, classes []string) *ConfusionMatrix {
	sameLen("NewConfusion", len(yTrue), len(yPred))
	if classes == nil {
		k := 0
		for i := range yTrue {
			k = maxInt(k, maxInt(yTrue[i], yPred[i])+1)
		}
		for c := 0; c < k; c++ {
			classes = append(classes, strconv.Itoa(c))
		}
	}
	k := len(classes)
	m := &ConfusionMatrix{Classes: append([]string(nil), classes...), Counts: make([][]int, k)}
	for i := range m.Counts {
		m.Counts[i] = make([]int, k)
	}
	for i, y := range yTrue {
		if y < 0 {
			continue
		}
		p := yPred[i]
		if y >= k || p < 0 || p >= k {
			fail("row %d: class ids %d (true), %d (predicted) for %d classes", i, y, p, k)
		}
		m.Counts[y][p]++
	}
	return m
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// Total returns the number of rows counted.
func (m *ConfusionMatrix) Total() int {
	n := 0
	for _, row := range m.Counts {
		for _, v := range row {
			n += v
		}
	}
	return n
}

// Accuracy returns the fraction of counted rows on the diagonal.
func (m *ConfusionMatrix) Accuracy() float64 {
	ok := 0
	for c := range m.Counts {
		ok += m.Counts[c][c]
	}
	return float64(ok) / float64(m.Total())
}

// Report returns per-class and averaged precision, recall and F1.
func (m *ConfusionMatrix) Report() *Report {
	k := len(m.Classes)
	r := &Report{Accuracy: m.Accuracy()}
	total := m.Total()
	var wp, wr, wf float64
	for c := 0; c < k; c++ {
		tp := m.Counts[c][c]
		support, predicted := 0, 0
		for j := 0; j < k; j++ {
			support += m.Counts[c][j]
			predicted += m.Counts[j][c]
		}
		s := ClassScore{Class: m.Classes[c], Support: support}
		// Undefined ratios (no predictions, no support) count as 0, as
		// scikit-learn's zero_division default does (with its warning).
		s.Precision = ratio(tp, predicted)
		s.Recall = ratio(tp, support)
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		r.Classes = append(r.Classes, s)
		r.Macro.Precision += s.Precision / float64(k)
		r.Macro.Recall += s.Recall / float64(k)
		r.Macro.F1 += s.F1 / float64(k)
		w := float64(support) / float64(total)
		wp += w * s.Precision
		wr += w * s.Recall
		wf += w * s.F1
	}
	r.Macro.Class, r.Macro.Support = "macro avg", total
	r.Weighted = ClassScore{Class: "weighted avg", Precision: wp, Recall: wr, F1: wf, Support: total}
	return r
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// String renders the counts as an aligned table, true classes down,
// predicted across.
func (m *ConfusionMatrix) String() string {
	w := len("true\\pred")
	for _, c := range m.Classes {
		w = maxInt(w, len([]rune(c)))
	}
	cw := make([]int, len(m.Classes)) // per predicted-class column
	for j, c := range m.Classes {
		cw[j] = len([]rune(c))
		for i := range m.Counts {
			cw[j] = maxInt(cw[j], len(strconv.Itoa(m.Counts[i][j])))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "confusion matrix (%d rows, accuracy %.4f)\n", m.Total(), m.Accuracy())
	pad := func(s string, n int) string { return strings.Repeat(" ", maxInt(0, n-len([]rune(s)))) + s }
	b.WriteString(pad("true\\pred", w))
	for j, c := range m.Classes {
		b.WriteString("  " + pad(c, cw[j]))
	}
	for i, row := range m.Counts {
		b.WriteString("\n" + pad(m.Classes[i], w))
		for j, v := range row {
			b.WriteString("  " + pad(strconv.Itoa(v), cw[j]))
		}
	}
	return b.String()
}

// HTML renders the counts as a table whose cells are shaded by the share of
// their true class (row).
func (m *ConfusionMatrix) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table class="tandem-confusion"><caption>confusion matrix: %d rows, accuracy %.4f</caption>`, m.Total(), m.Accuracy())
	b.WriteString(`<thead><tr><th>true \ predicted</th>`)
	for _, c := range m.Classes {
		b.WriteString("<th>" + html.EscapeString(c) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for i, row := range m.Counts {
		sum := 0
		for _, v := range row {
			sum += v
		}
		b.WriteString("<tr><th>" + html.EscapeString(m.Classes[i]) + "</th>")
		for j, v := range row {
			share := ratio(v, sum)
			color := "49,130,189" // blue: correct
			if i != j {
				color = "222,45,38" // red: confusion
			}
			fmt.Fprintf(&b, `<td style="text-align:right;background:rgba(%s,%.2f)">%d</td>`, color, 0.85*share, v)
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// ClassScore is precision, recall and F1 of one class (or an average) with
// its support, the number of true rows of the class.
type ClassScore struct {
	Class                 string
	Precision, Recall, F1 float64
	Support               int
}

// Report is a classification report: per-class scores, their unweighted
// (macro) and support-weighted averages, and the accuracy.
type Report struct {
	Classes  []ClassScore
	Macro    ClassScore
	Weighted ClassScore
	Accuracy float64
}

// Classification returns the classification report of yPred against yTrue
// (see NewConfusion for classes).
func Classification(yTrue, yPred []int, classes []string) *Report {
	return NewConfusion(yTrue, yPred, classes).Report()
}

// Precision returns the per-class precision, indexed by class id.
func (r *Report) Precision() []float64 {
	return r.col(func(s ClassScore) float64 { return s.Precision })
}

// Recall returns the per-class recall, indexed by class id.
func (r *Report) Recall() []float64 { return r.col(func(s ClassScore) float64 { return s.Recall }) }

// F1 returns the per-class F1, indexed by class id.
func (r *Report) F1() []float64 { return r.col(func(s ClassScore) float64 { return s.F1 }) }

func (r *Report) col(f func(ClassScore) float64) []float64 {
	out := make([]float64, len(r.Classes))
	for i, s := range r.Classes {
		out[i] = f(s)
	}
	return out
}

func (r *Report) String() string {
	w := len("weighted avg")
	for _, s := range r.Classes {
		w = maxInt(w, len([]rune(s.Class)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%*s  precision  recall  f1-score  support\n", w, "")
	row := func(s ClassScore) {
		fmt.Fprintf(&b, "%*s  %9.4f  %6.4f  %8.4f  %7d\n", w, s.Class, s.Precision, s.Recall, s.F1, s.Support)
	}
	for _, s := range r.Classes {
		row(s)
	}
	fmt.Fprintf(&b, "\n%*s  %9s  %6s  %8.4f  %7d\n", w, "accuracy", "", "", r.Accuracy, r.Macro.Support)
	row(r.Macro)
	row(r.Weighted)
	return strings.TrimRight(b.String(), "\n")
}

// HTML renders the report as a table.
func (r *Report) HTML() string {
	var b strings.Builder
	b.WriteString(`<table class="tandem-report"><thead><tr><th></th><th>precision</th><th>recall</th><th>f1-score</th><th>support</th></tr></thead><tbody>`)
	row := func(s ClassScore) {
		fmt.Fprintf(&b, "<tr><th>%s</th><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%d</td></tr>", html.EscapeString(s.Class), s.Precision, s.Recall, s.F1, s.Support)
	}
	for _, s := range r.Classes {
		row(s)
	}
	fmt.Fprintf(&b, "<tr><th>accuracy</th><td></td><td></td><td>%.4f</td><td>%d</td></tr>", r.Accuracy, r.Macro.Support)
	row(r.Macro)
	row(r.Weighted)
	b.WriteString("</tbody></table>")
	return b.String()
}
