package train

import (
	"fmt"
	"html"
	"math"
	"strings"
	"time"
)

// Epoch is what one epoch of training measured. Losses are means over the
// rows; accuracies are NaN for regression, validation figures NaN without
// validation.
type Epoch struct {
	Epoch              int // 1-based
	TrainLoss          float64
	ValidationLoss     float64
	TrainAccuracy      float64 // of the training batches as they were trained
	ValidationAccuracy float64
	Duration           time.Duration
}

// History is the record of a Fit: one Epoch per completed epoch, and why
// training stopped. It renders itself (String, HTML).
type History struct {
	Epochs         []Epoch
	Stopped        string // "" after all epochs; else why: early stopping, interrupted, callback
	BestEpoch      int    // epoch with the lowest monitored loss (1-based; 0 before any)
	Rows           int    // training rows used (rows without a label or with a missing feature are left out)
	ValidationRows int
	Dropped        int      // training rows left out
	Ignored        []string // columns that are not features (categorical, text), e.g. "city (categorical)"
	Loss           string
	Optimizer      string

	stop bool
}

// Stop ends training after the current epoch; call it from Config.OnEpoch.
func (h *History) Stop() { h.stop = true }

// Len returns the number of completed epochs.
func (h *History) Len() int { return len(h.Epochs) }

// Last returns the last completed epoch (the zero Epoch before any).
func (h *History) Last() Epoch {
	if len(h.Epochs) == 0 {
		return Epoch{}
	}
	return h.Epochs[len(h.Epochs)-1]
}

func (h *History) col(f func(Epoch) float64) []float64 {
	out := make([]float64, len(h.Epochs))
	for i, e := range h.Epochs {
		out[i] = f(e)
	}
	return out
}

// TrainLoss returns the mean training loss of each epoch.
func (h *History) TrainLoss() []float64 { return h.col(func(e Epoch) float64 { return e.TrainLoss }) }

// ValidationLoss returns the validation loss of each epoch, or nil when
// training had no validation set.
func (h *History) ValidationLoss() []float64 {
	if h.ValidationRows == 0 {
		return nil
	}
	return h.col(func(e Epoch) float64 { return e.ValidationLoss })
}

// TrainAccuracy returns the training accuracy of each epoch, or nil for
// regression.
func (h *History) TrainAccuracy() []float64 {
	if len(h.Epochs) == 0 || math.IsNaN(h.Epochs[0].TrainAccuracy) {
		return nil
	}
	return h.col(func(e Epoch) float64 { return e.TrainAccuracy })
}

// ValidationAccuracy returns the validation accuracy of each epoch, or nil
// for regression or without validation.
func (h *History) ValidationAccuracy() []float64 {
	if h.ValidationRows == 0 || h.TrainAccuracy() == nil {
		return nil
	}
	return h.col(func(e Epoch) float64 { return e.ValidationAccuracy })
}

// Duration returns the total training time.
func (h *History) Duration() time.Duration {
	var d time.Duration
	for _, e := range h.Epochs {
		d += e.Duration
	}
	return d
}

func (h *History) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d epochs, %d rows", len(h.Epochs), h.Rows)
	if h.ValidationRows > 0 {
		fmt.Fprintf(&b, " + %d validation", h.ValidationRows)
	}
	fmt.Fprintf(&b, ", %s, %s", h.Loss, h.Optimizer)
	if h.Dropped > 0 {
		fmt.Fprintf(&b, ", %d rows left out (missing label or value)", h.Dropped)
	}
	if len(h.Ignored) > 0 {
		fmt.Fprintf(&b, "; not features: %s (OneHot makes features of categorical columns)", strings.Join(h.Ignored, ", "))
	}
	if h.Stopped != "" {
		fmt.Fprintf(&b, "; stopped: %s", h.Stopped)
	}
	return b.String()
}

// shownEpochs picks at most 12 epochs to show: the first, the last, the
// best and evenly spaced ones between.
func (h *History) shownEpochs() []int {
	n := len(h.Epochs)
	if n <= 12 {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	seen := map[int]bool{}
	var out []int
	for k := 0; k < 11; k++ {
		i := k * (n - 1) / 10
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	if b := h.BestEpoch - 1; b >= 0 && !seen[b] {
		out = append(out, b)
	}
	sortInts(out)
	return out
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func (h *History) columns() (head []string, rows [][]string) {
	acc := h.TrainAccuracy() != nil
	val := h.ValidationRows > 0
	head = []string{"epoch", "loss"}
	if acc {
		head = append(head, "accuracy")
	}
	if val {
		head = append(head, "val loss")
		if acc {
			head = append(head, "val accuracy")
		}
	}
	for _, i := range h.shownEpochs() {
		e := h.Epochs[i]
		mark := ""
		if e.Epoch == h.BestEpoch && (val || h.Stopped != "") {
			mark = " *"
		}
		row := []string{fmt.Sprint(e.Epoch) + mark, fmt.Sprintf("%.4f", e.TrainLoss)}
		if acc {
			row = append(row, fmt.Sprintf("%.4f", e.TrainAccuracy))
		}
		if val {
			row = append(row, fmt.Sprintf("%.4f", e.ValidationLoss))
			if acc {
				row = append(row, fmt.Sprintf("%.4f", e.ValidationAccuracy))
			}
		}
		rows = append(rows, row)
	}
	return head, rows
}

// String summarises the run and shows up to 12 epochs as a table; * marks
// the best epoch.
func (h *History) String() string {
	head, rows := h.columns()
	var b strings.Builder
	b.WriteString(h.summary())
	w := make([]int, len(head))
	for j, s := range head {
		w[j] = len(s)
	}
	for _, r := range rows {
		for j, s := range r {
			if len(s) > w[j] {
				w[j] = len(s)
			}
		}
	}
	for _, r := range append([][]string{head}, rows...) {
		b.WriteByte('\n')
		for j, s := range r {
			if j > 0 {
				b.WriteString("  ")
			}
			b.WriteString(strings.Repeat(" ", w[j]-len(s)) + s)
		}
	}
	return b.String()
}

// HTML renders the summary and the table.
func (h *History) HTML() string {
	head, rows := h.columns()
	var b strings.Builder
	b.WriteString(`<table class="tandem-history"><caption>` + html.EscapeString(h.summary()) + "</caption><thead><tr>")
	for _, s := range head {
		b.WriteString("<th>" + html.EscapeString(s) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range rows {
		b.WriteString("<tr>")
		for _, s := range r {
			b.WriteString(`<td style="text-align:right">` + html.EscapeString(s) + "</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}
