package display

import (
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"tandem.dev/tandem/runtime/host"
)

// TrainingOptions configure a TrainingView. The zero value is usable.
type TrainingOptions struct {
	Epochs        int    // total epochs; 0 if unknown
	StepsPerEpoch int    // batches per epoch, for progress within an epoch; 0 if unknown
	Title         string // shown above the curve; "" for "training"
}

// TrainingView is a live display of a training run: a progress bar and the
// train (and validation) loss curve, updated in place and throttled to at
// most 10 redraws a second. Training loops call Step per batch, Epoch per
// epoch and Done at the end. Its methods are safe for concurrent use.
type TrainingView struct {
	mu        sync.Mutex
	o         TrainingOptions
	epoch     int // completed epochs
	step      int // batches in the current epoch
	steps     int // batches in all
	train     []float64
	val       []float64
	start     time.Time
	last      time.Time
	h         *Handle
	dirty     bool
	done      bool
	stopped   bool
	headless  bool
	tty       bool
	w         io.Writer
	note      string
	lastShown int // epochs shown in the last headless text line
}

// Training shows a live training view and returns it.
func Training(o TrainingOptions) *TrainingView {
	s, w, tty := current()
	t := &TrainingView{o: o, start: now(), headless: s == nil, tty: tty, w: w}
	t.last = t.start
	if t.headless {
		t.h = &Handle{id: newID()}
		if t.tty {
			io.WriteString(w, "\r"+t.String()+eraseLine)
		}
	} else {
		t.h = Show(t)
	}
	return t
}

// Step records one batch. It calls host.Check, so an interrupted cell stops
// here (the view then says "interrupted").
func (t *TrainingView) Step() {
	if host.Stopped() {
		t.finish(true)
		host.Check()
	}
	t.mu.Lock()
	t.step++
	t.steps++
	redraw := t.due()
	t.mu.Unlock()
	if redraw {
		t.redraw(false)
	}
}

// Epoch records the end of an epoch with its mean training loss and its
// validation loss (NaN when there is no validation set).
func (t *TrainingView) Epoch(trainLoss, validationLoss float64) {
	if host.Stopped() {
		t.finish(true)
		host.Check()
	}
	t.mu.Lock()
	t.epoch++
	t.step = 0
	t.train = append(t.train, trainLoss)
	t.val = append(t.val, validationLoss)
	t.dirty = true
	redraw := t.due()
	if t.o.Epochs > 0 && t.epoch >= t.o.Epochs {
		redraw = false // Done draws the final state
	}
	t.mu.Unlock()
	if redraw {
		t.redraw(false)
	}
}

// Note sets a line of text shown under the bar (e.g. "accuracy 0.93").
func (t *TrainingView) Note(s string) {
	t.mu.Lock()
	t.note = s
	t.dirty = true
	t.mu.Unlock()
}

// SetEpochs changes how many epochs the bar counts to, for a run that
// stopped early: call it before Done so the finished bar ends at 100%.
// n <= 0 leaves the count unchanged.
func (t *TrainingView) SetEpochs(n int) {
	if n <= 0 {
		return
	}
	t.mu.Lock()
	t.o.Epochs = n
	t.dirty = true
	t.mu.Unlock()
}

// Done shows the final state. Later calls do nothing.
func (t *TrainingView) Done() { t.finish(false) }

// due reports (with t.mu held) whether a redraw is allowed now, and if so
// marks it as done.
func (t *TrainingView) due() bool {
	if t.done {
		return false
	}
	n := now()
	if n.Sub(t.last) < MinInterval {
		return false
	}
	t.last = n
	t.dirty = false
	return true
}

func (t *TrainingView) finish(interrupted bool) {
	t.mu.Lock()
	if t.done {
		t.mu.Unlock()
		return
	}
	t.done, t.stopped, t.last = true, interrupted, now()
	t.mu.Unlock()
	t.redraw(true)
}

func (t *TrainingView) redraw(final bool) {
	if !t.headless {
		t.h.Update(t)
		return
	}
	switch {
	case t.tty && final:
		io.WriteString(t.w, "\r"+t.String()+eraseLine+"\n")
	case t.tty:
		io.WriteString(t.w, "\r"+t.String()+eraseLine)
	case final:
		io.WriteString(t.w, t.String()+"\n")
	}
}

// TrainLoss returns the recorded training losses, one per epoch.
func (t *TrainingView) TrainLoss() []float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]float64(nil), t.train...)
}

// ValidationLoss returns the recorded validation losses (NaN where none).
func (t *TrainingView) ValidationLoss() []float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]float64(nil), t.val...)
}

func (t *TrainingView) bar() barState {
	end := now()
	if t.done {
		end = t.last
	}
	s := barState{desc: "epoch", elapsed: end.Sub(t.start), done: t.done, stopped: t.stopped}
	if t.o.Epochs > 0 {
		s.n = t.o.Epochs
	}
	s.i = t.epoch
	return s
}

// String returns a one-line summary: epochs, losses, time.
func (t *TrainingView) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.bar()
	var sb strings.Builder
	sb.WriteString(s.text())
	if k := len(t.train); k > 0 {
		fmt.Fprintf(&sb, " loss %.4g", t.train[k-1])
		if v := t.val[k-1]; !math.IsNaN(v) {
			fmt.Fprintf(&sb, " val %.4g", v)
		}
	}
	if t.note != "" {
		sb.WriteString(" " + t.note)
	}
	return sb.String()
}

// HTML returns the progress bar with the loss curve as inline SVG.
func (t *TrainingView) HTML() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.bar()
	var sb strings.Builder
	title := t.o.Title
	if title == "" {
		title = "training"
	}
	sb.WriteString(`<div style="font-family:sans-serif">`)
	sb.WriteString(`<div style="font-weight:600;margin-bottom:.2em">` + html.EscapeString(title) + `</div>`)
	sb.WriteString(s.html())
	if t.o.StepsPerEpoch > 0 && !t.done {
		fmt.Fprintf(&sb, `<div style="font-family:monospace;font-size:90%%">batch %d/%d</div>`, t.step, t.o.StepsPerEpoch)
	}
	if k := len(t.train); k > 0 {
		fmt.Fprintf(&sb, `<div style="font-family:monospace">loss %.4g`, t.train[k-1])
		if v := t.val[k-1]; !math.IsNaN(v) {
			fmt.Fprintf(&sb, ` · validation %.4g`, v)
		}
		sb.WriteString(`</div>`)
	}
	if t.note != "" {
		sb.WriteString(`<div style="font-family:monospace">` + html.EscapeString(t.note) + `</div>`)
	}
	lossSVG(&sb, t.train, t.val, t.o.Epochs)
	sb.WriteString(`</div>`)
	return sb.String()
}

// Okabe–Ito colours (Okabe & Ito 2008, "Color Universal Design").
const (
	colorBlue   = "#0072B2"
	colorOrange = "#E69F00"
)

// niceStep returns the least of 1, 2, 5 × 10^k that is at least x.
func niceStep(x float64) float64 {
	if x <= 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// lossSVG writes a compact SVG line chart of the loss curves: at most
// maxCurvePoints points a curve, so a redraw costs microseconds.
func lossSVG(sb *strings.Builder, train, val []float64, epochs int) {
	const (
		w, h           = 480.0, 220.0
		left, right    = 52.0, 12.0
		top, bottom    = 10.0, 30.0
		maxCurvePoints = 400
	)
	n := len(train)
	if n == 0 {
		return
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range [][]float64{train, val} {
		for _, v := range c {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		return
	}
	if hi == lo {
		hi, lo = hi+0.5, lo-0.5
	}
	lo = math.Min(lo, 0)
	if lo < 0 && train[0] >= 0 { // losses are usually >= 0: start the axis at 0
		lo = 0
	}
	xmax := float64(epochs)
	if xmax < float64(n) {
		xmax = float64(n)
	}
	if xmax < 2 {
		xmax = 2
	}
	px := func(i int) float64 { return left + (w-left-right)*float64(i)/(xmax-1) }
	py := func(v float64) float64 { return top + (h-top-bottom)*(1-(v-lo)/(hi-lo)) }
	fmt.Fprintf(sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="sans-serif" font-size="11">`, w, h, w, h)
	fmt.Fprintf(sb, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#999"/>`, left, top, w-left-right, h-top-bottom)
	// Round the top up to a nice step so the ticks are round numbers
	// (py reads hi when called).
	step := niceStep((hi - lo) / 4)
	hi = lo + step*math.Ceil((hi-lo)/step-1e-9)
	for k := 0; lo+float64(k)*step <= hi+step/2; k++ {
		v := lo + float64(k)*step
		y := py(v)
		fmt.Fprintf(sb, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#eee"/><text x="%g" y="%.1f" text-anchor="end">%s</text>`,
			left+1, w-right-1, y, y, left-4, y+4, strconv.FormatFloat(v, 'g', 4, 64))
	}
	// Epoch ticks at 1 and at multiples of a nice step.
	xstep := niceStep((xmax - 1) / 5)
	ticks := []float64{1}
	for e := xstep; e <= xmax+1e-9; e += xstep {
		if e > 1 {
			ticks = append(ticks, e)
		}
	}
	for _, e := range ticks {
		fmt.Fprintf(sb, `<text x="%.1f" y="%g" text-anchor="middle">%d</text>`, left+(w-left-right)*(e-1)/(xmax-1), h-bottom+14, int(e))
	}
	fmt.Fprintf(sb, `<text x="%g" y="%g" text-anchor="middle">epoch</text>`, (left+w-right)/2, h-4)
	curve := func(c []float64, color, dash string) {
		step := 1
		if len(c) > maxCurvePoints {
			step = (len(c) + maxCurvePoints - 1) / maxCurvePoints
		}
		sb.WriteString(`<polyline fill="none" stroke="` + color + `" stroke-width="1.8"` + dash + ` points="`)
		first := true
		for i := 0; i < len(c); i += step {
			if i+step >= len(c) {
				i = len(c) - 1
			}
			if math.IsNaN(c[i]) || math.IsInf(c[i], 0) {
				continue
			}
			if !first {
				sb.WriteByte(' ')
			}
			first = false
			fmt.Fprintf(sb, "%.1f,%.1f", px(i), py(c[i]))
		}
		sb.WriteString(`"/>`)
	}
	curve(train, colorBlue, "")
	hasVal := false
	for _, v := range val {
		if !math.IsNaN(v) {
			hasVal = true
			break
		}
	}
	if hasVal {
		curve(val, colorOrange, ` stroke-dasharray="5 3"`)
	}
	// legend
	lx := w - right - 110
	fmt.Fprintf(sb, `<line x1="%g" x2="%g" y1="%g" y2="%g" stroke="%s" stroke-width="1.8"/><text x="%g" y="%g">train</text>`, lx, lx+18, top+12, top+12, colorBlue, lx+22, top+16)
	if hasVal {
		fmt.Fprintf(sb, `<line x1="%g" x2="%g" y1="%g" y2="%g" stroke="%s" stroke-width="1.8" stroke-dasharray="5 3"/><text x="%g" y="%g">validation</text>`, lx, lx+18, top+27, top+27, colorOrange, lx+22, top+31)
	}
	sb.WriteString(`</svg>`)
}
