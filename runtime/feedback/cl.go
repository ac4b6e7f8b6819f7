package feedback

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"
)

// Error is the panic value for misuse of the package (a dataset without
// labels, probabilities that do not fit the classes, a row out of range).
// Its message starts with "feedback: ".
type Error struct{ Msg string }

func (e Error) Error() string { return e.Msg }

func fail(format string, args ...any) {
	panic(Error{"feedback: " + fmt.Sprintf(format, args...)})
}

// Joint is the confident joint of confident learning (Northcutt, Jiang and
// Chuang, "Confident Learning: Estimating Uncertainty in Dataset Labels",
// JAIR 70, 2021, §3.1): how many rows given label i are confidently of
// class j, estimated from out-of-fold predicted probabilities.
//
// A row x with given label i counts in Counts[i][j] when j is the most
// probable of the classes whose probability reaches their threshold,
// j = argmax{p̂(j|x) : p̂(j|x) ≥ Thresholds[j]}; a row with no class at its
// threshold is not counted. Thresholds[j] is the mean self-confidence of
// the rows labelled j, t_j = mean{p̂(j|x) : ỹ(x) = j} (the paper's eq. 2).
//
// Calibrated rescales every row of Counts to the number of rows given that
// label and the whole matrix to the number of labelled rows (eq. 3), rounded
// so that row totals are kept; divided by that number it estimates the
// joint distribution Q[given][true] of noisy and true labels.
type Joint struct {
	Classes    []string
	Thresholds []float64   // per class; NaN for a class no row is labelled with
	Counts     [][]int     // Counts[given][true]: rows confidently counted
	Calibrated [][]int     // Counts calibrated to the label counts (row totals = rows given each label)
	Given      []int       // rows given each label
	Rows       int         // labelled rows
	guess      []int       // per row: the confident class, or -1 (not counted, or unlabelled)
	as         map[int]int // flagged row → the class the filter flagged it as
	proba      [][]float64 // the probabilities the joint was computed from
}

// NewJoint computes the confident joint of out-of-fold probabilities
// proba[i][c] (row i, class c) and given labels (class ids; −1 = unlabelled,
// left out). classes names the classes (nil: "0", "1", …). It panics with
// Error if the lengths differ, a row does not have one probability per
// class, or a label is out of range.
//
// It follows the paper in taking, for a row with several classes above
// threshold, the most probable of those; cleanlab also does so for one
// class above threshold only when it is the argmax overall.
func NewJoint(proba [][]float64, labels []int, classes []string) *Joint {
	if len(proba) != len(labels) {
		fail("NewJoint: %d rows of probabilities but %d labels", len(proba), len(labels))
	}
	k := len(classes)
	if classes == nil {
		for _, p := range proba {
			k = max(k, len(p))
		}
		for _, y := range labels {
			k = max(k, y+1)
		}
		classes = make([]string, k)
		for i := range classes {
			classes[i] = fmt.Sprint(i)
		}
	}
	j := &Joint{Classes: classes, Thresholds: make([]float64, k), Given: make([]int, k), guess: make([]int, len(labels)), proba: proba}
	sum := make([]float64, k)
	for i, y := range labels {
		if len(proba[i]) != k {
			fail("NewJoint: row %d has %d probabilities for %d classes", i, len(proba[i]), k)
		}
		if y >= k {
			fail("NewJoint: row %d has label %d, but there are %d classes", i, y, k)
		}
		if y < 0 {
			continue
		}
		j.Given[y]++
		j.Rows++
		sum[y] += proba[i][y]
	}
	for c := range sum {
		j.Thresholds[c] = math.NaN()
		if j.Given[c] > 0 {
			j.Thresholds[c] = sum[c] / float64(j.Given[c])
		}
	}
	j.Counts = square(k)
	for i, y := range labels {
		j.guess[i] = -1
		if y < 0 {
			continue
		}
		best := -1
		for c, p := range proba[i] {
			// A class nobody is labelled with has no threshold: it cannot
			// be confidently the true class (NaN compares false). The
			// tolerance is cleanlab's, so that a row at the mean is counted
			// despite rounding.
			if p >= j.Thresholds[c]-1e-6 && (best < 0 || p > proba[i][best]) {
				best = c
			}
		}
		if best >= 0 {
			j.guess[i] = best
			j.Counts[y][best]++
		}
	}
	j.Calibrated = calibrate(j.Counts, j.Given)
	return j
}

func square(k int) [][]int {
	m := make([][]int, k)
	for i := range m {
		m[i] = make([]int, k)
	}
	return m
}

// calibrate scales row i of counts to sum to given[i] (eq. 3 of the paper:
// C̃[i][j] = C[i][j] / Σ_j C[i][j] · |X_ỹ=i|), rounding so each row keeps
// its total (largest remainders first). A row with no confident count puts
// all its rows on the diagonal: with no evidence, labels are taken as right.
func calibrate(counts [][]int, given []int) [][]int {
	k := len(counts)
	out := square(k)
	for i, row := range counts {
		total := 0
		for _, c := range row {
			total += c
		}
		if total == 0 {
			out[i][i] = given[i]
			continue
		}
		type frac struct {
			j int
			r float64
		}
		fr := make([]frac, k)
		assigned := 0
		for jj, c := range row {
			v := float64(c) / float64(total) * float64(given[i])
			out[i][jj] = int(math.Floor(v))
			assigned += out[i][jj]
			fr[jj] = frac{jj, v - math.Floor(v)}
		}
		sort.SliceStable(fr, func(a, b int) bool { return fr[a].r > fr[b].r })
		for n := 0; assigned < given[i]; n++ {
			out[i][fr[n%k].j]++
			assigned++
		}
	}
	return out
}

// Noise returns the estimated joint distribution of given and true labels,
// Q[given][true] = Calibrated[given][true] / Rows (the paper's Q̂_ỹ,y*).
func (j *Joint) Noise() [][]float64 {
	q := make([][]float64, len(j.Calibrated))
	for i, row := range j.Calibrated {
		q[i] = make([]float64, len(row))
		for c, v := range row {
			if j.Rows > 0 {
				q[i][c] = float64(v) / float64(j.Rows)
			}
		}
	}
	return q
}

// Errors returns the estimated number of label errors: the off-diagonal
// sum of Calibrated.
func (j *Joint) Errors() int {
	n := 0
	for i, row := range j.Calibrated {
		for c, v := range row {
			if c != i {
				n += v
			}
		}
	}
	return n
}

// prune returns, per row, whether confident learning's "prune by noise
// rate" flags it (the paper's §3.2, PBNR; cleanlab's
// filter_by="prune_by_noise_rate"): for
// every given class i and other class c, the Calibrated[i][c] rows given
// label i with the largest margin p̂(c|x) − p̂(i|x). Each class keeps at
// least one row: when its estimated errors would take them all, each
// off-diagonal count is cut in proportion. A row already flagged for one
// class is not counted again for another, so fewer rows may come out than
// Errors says.
func (j *Joint) prune(labels []int) []bool {
	k := len(j.Classes)
	flag := make([]bool, len(labels))
	j.as = map[int]int{}
	byClass := make([][]int, k)
	for i, y := range labels {
		if y >= 0 {
			byClass[y] = append(byClass[y], i)
		}
	}
	for i := 0; i < k; i++ {
		rows := byClass[i]
		off := 0
		for c, v := range j.Calibrated[i] {
			if c != i {
				off += v
			}
		}
		limit := len(rows) - 1
		if limit <= 0 || off == 0 {
			continue
		}
		scale := 1.0
		if off > limit {
			scale = float64(limit) / float64(off)
		}
		for c := 0; c < k; c++ {
			if c == i {
				continue
			}
			n := int(math.Floor(float64(j.Calibrated[i][c]) * scale))
			if n == 0 {
				continue
			}
			cand := append([]int(nil), rows...)
			sort.SliceStable(cand, func(a, b int) bool {
				ma := j.proba[cand[a]][c] - j.proba[cand[a]][i]
				mb := j.proba[cand[b]][c] - j.proba[cand[b]][i]
				return ma > mb
			})
			for _, r := range cand[:n] {
				if !flag[r] {
					flag[r] = true
					j.as[r] = c
				}
			}
		}
	}
	return flag
}

// String renders the thresholds and the confident joint as aligned text.
func (j *Joint) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "confident joint (rows: given label, columns: confident class), %d labelled rows, about %d label errors\n", j.Rows, j.Errors())
	w := 9
	for _, c := range j.Classes {
		w = max(w, len(c)+1)
	}
	fmt.Fprintf(&b, "%-*s%*s", w, "given", 10, "threshold")
	for _, c := range j.Classes {
		fmt.Fprintf(&b, "%*s", w, c)
	}
	b.WriteByte('\n')
	for i, c := range j.Classes {
		fmt.Fprintf(&b, "%-*s%10.4f", w, c, j.Thresholds[i])
		for _, v := range j.Counts[i] {
			fmt.Fprintf(&b, "%*d", w, v)
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// HTML renders the thresholds and the confident joint as a table, the
// off-diagonal (likely mislabelled) cells shaded.
func (j *Joint) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<table class="tandem-joint"><caption>confident joint: %d labelled rows, about %d label errors</caption>`, j.Rows, j.Errors())
	b.WriteString(`<thead><tr><th>given ↓ / confident →</th><th>threshold</th>`)
	for _, c := range j.Classes {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(c))
	}
	b.WriteString("</tr></thead><tbody>")
	for i, c := range j.Classes {
		fmt.Fprintf(&b, "<tr><th>%s</th><td>%.4f</td>", html.EscapeString(c), j.Thresholds[i])
		for cc, v := range j.Counts[i] {
			style := ""
			if cc != i && v > 0 {
				style = ` style="background:#fde0dc"`
			}
			fmt.Fprintf(&b, `<td%s>%d</td>`, style, v)
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}
