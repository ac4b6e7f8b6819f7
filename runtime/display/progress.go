package display

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"tandem.dev/tandem/runtime/host"
)

// MinInterval is the least time between two redraws of a progress bar or a
// training view: at most 10 updates a second reach the notebook.
const MinInterval = 100 * time.Millisecond

// eraseLine is the ANSI "erase to end of line" sequence: a redrawn bar
// that got shorter leaves no tail of the previous one on a terminal.
const eraseLine = "\x1b[K"

// now is the clock; tests replace it.
var now = time.Now

// Bar is a progress bar made by Progress. Its methods are safe for
// concurrent use.
type Bar struct {
	mu       sync.Mutex
	n, i     int
	desc     string
	start    time.Time
	last     time.Time // last redraw
	h        *Handle
	done     bool
	stopped  bool // interrupted
	headless bool // no sink when the bar was made
	tty      bool
	w        io.Writer
}

// Progress shows a progress bar for n steps (n <= 0: unknown total) and
// returns it. Each Step, Add or Set calls host.Check, so an interrupted cell
// stops there (the bar then says "interrupted"). The bar shows the rate and,
// with a known total, the time left; it redraws at most 10 times a second,
// and always when it reaches n or Done is called.
func Progress(n int) *Bar {
	s, w, tty := current()
	b := &Bar{n: n, start: now(), headless: s == nil, tty: tty, w: w}
	b.last = b.start
	if b.headless {
		if b.tty {
			io.WriteString(w, "\r"+b.String()+eraseLine)
		}
		b.h = &Handle{id: newID()}
	} else {
		b.h = Show(b)
	}
	return b
}

// Describe sets the text shown before the bar.
func (b *Bar) Describe(s string) {
	b.mu.Lock()
	b.desc = s
	b.mu.Unlock()
}

// Step advances the bar by one.
func (b *Bar) Step() { b.Add(1) }

// Add advances the bar by k steps.
func (b *Bar) Add(k int) {
	b.mu.Lock()
	i := b.i + k
	b.mu.Unlock()
	b.Set(i)
}

// Set moves the bar to step i. Reaching n finishes the bar.
func (b *Bar) Set(i int) {
	if host.Stopped() {
		b.finish(true)
		host.Check()
	}
	b.mu.Lock()
	if b.done {
		b.i = i
		b.mu.Unlock()
		return
	}
	b.i = i
	t := now()
	final := b.n > 0 && i >= b.n
	redraw := final || t.Sub(b.last) >= MinInterval
	if redraw {
		b.last = t
	}
	b.mu.Unlock()
	if final {
		b.finish(false)
	} else if redraw {
		b.redraw(false)
	}
}

// Done finishes the bar and shows its final state. Later calls do nothing.
func (b *Bar) Done() { b.finish(false) }

func (b *Bar) finish(interrupted bool) {
	b.mu.Lock()
	if b.done {
		b.mu.Unlock()
		return
	}
	b.done = true
	b.stopped = interrupted
	b.last = now()
	b.mu.Unlock()
	b.redraw(true)
}

func (b *Bar) redraw(final bool) {
	if !b.headless {
		b.h.Update(b)
		return
	}
	switch {
	case b.tty && final:
		io.WriteString(b.w, "\r"+b.String()+eraseLine+"\n")
	case b.tty:
		io.WriteString(b.w, "\r"+b.String()+eraseLine)
	case final:
		io.WriteString(b.w, b.String()+"\n")
	}
}

// state is a consistent snapshot for rendering.
type barState struct {
	n, i          int
	desc          string
	elapsed       time.Duration
	done, stopped bool
}

func (b *Bar) snapshot() barState {
	b.mu.Lock()
	defer b.mu.Unlock()
	end := now()
	if b.done {
		end = b.last
	}
	return barState{n: b.n, i: b.i, desc: b.desc, elapsed: end.Sub(b.start), done: b.done, stopped: b.stopped}
}

// rate returns steps per second, 0 before the first step.
func (s barState) rate() float64 {
	if s.i <= 0 || s.elapsed <= 0 {
		return 0
	}
	return float64(s.i) / s.elapsed.Seconds()
}

// stats is "450/1000 [00:03<00:04, 125.30 it/s]".
func (s barState) stats() string {
	var sb strings.Builder
	if s.n > 0 {
		fmt.Fprintf(&sb, "%d/%d [%s", s.i, s.n, clock(s.elapsed))
		if r := s.rate(); r > 0 && !s.done {
			fmt.Fprintf(&sb, "<%s", clock(time.Duration(float64(s.n-s.i)/r*float64(time.Second))))
		}
	} else {
		fmt.Fprintf(&sb, "%d [%s", s.i, clock(s.elapsed))
	}
	fmt.Fprintf(&sb, ", %s]", rateText(s.rate()))
	if s.stopped {
		sb.WriteString(" interrupted")
	}
	return sb.String()
}

func (s barState) fraction() float64 {
	if s.n <= 0 {
		return 0
	}
	return math.Max(0, math.Min(1, float64(s.i)/float64(s.n)))
}

// String returns the bar as one line of text, e.g.
// "load:  45%|█████████           | 450/1000 [00:03<00:04, 125.30 it/s]".
func (b *Bar) String() string { return b.snapshot().text() }

func (s barState) text() string {
	var sb strings.Builder
	if s.desc != "" {
		sb.WriteString(s.desc + ": ")
	}
	if s.n > 0 {
		const width = 20
		f := s.fraction()
		full := int(f * width)
		fmt.Fprintf(&sb, "%3.0f%%|%s%s| ", 100*f, strings.Repeat("█", full), strings.Repeat(" ", width-full))
	}
	sb.WriteString(s.stats())
	return sb.String()
}

// HTML returns the bar as an HTML <progress> element with its figures.
func (b *Bar) HTML() string { return b.snapshot().html() }

func (s barState) html() string {
	var sb strings.Builder
	sb.WriteString(`<div style="font-family:monospace;display:flex;gap:.6em;align-items:center">`)
	if s.desc != "" {
		sb.WriteString("<span>" + html.EscapeString(s.desc) + "</span>")
	}
	color := "#0072B2"
	if s.stopped {
		color = "#D55E00"
	}
	if s.n > 0 {
		fmt.Fprintf(&sb, `<progress value="%d" max="%d" style="width:24em;accent-color:%s"></progress><span>%3.0f%%</span>`, s.i, s.n, color, 100*s.fraction())
	} else {
		fmt.Fprintf(&sb, `<progress style="width:24em;accent-color:%s"></progress>`, color)
	}
	sb.WriteString(`<span style="white-space:nowrap">` + html.EscapeString(s.stats()) + "</span></div>")
	return sb.String()
}

// clock formats d as mm:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s < 0 {
		s = 0
	}
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

func rateText(r float64) string {
	switch {
	case r == 0:
		return "? it/s"
	case r < 1:
		return fmt.Sprintf("%.2f s/it", 1/r)
	case r < 10:
		return fmt.Sprintf("%.2f it/s", r)
	case r < 100:
		return fmt.Sprintf("%.1f it/s", r)
	default:
		return fmt.Sprintf("%.0f it/s", r)
	}
}
