package display

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"sync"
)

// Sink receives displays. The kernel installs one at session start with
// SetSink and turns each call into a display_data message, or an
// update_display_data message when update is true. id is the display id
// ("" for none). Calls come from the goroutine running the cell or from
// goroutines it started; implementations must not block for long.
type Sink interface {
	Display(data, metadata map[string]any, id string, update bool)
}

// SinkFunc adapts a function to the Sink interface.
type SinkFunc func(data, metadata map[string]any, id string, update bool)

// Display calls f.
func (f SinkFunc) Display(data, metadata map[string]any, id string, update bool) {
	f(data, metadata, id, update)
}

var (
	mu     sync.Mutex
	sink   Sink
	output io.Writer // nil: os.Stdout as it is at the time of writing
	outTTY bool
)

// SetSink installs the sink that receives displays; nil removes it, and
// displays are then written as text to the output (see SetOutput).
func SetSink(s Sink) {
	mu.Lock()
	sink = s
	mu.Unlock()
}

// SetOutput sets where displays go as text when no sink is installed
// (os.Stdout by default; nil restores it). Progress bars redraw in place
// only on a terminal; on any other writer they print their final line.
func SetOutput(w io.Writer) {
	mu.Lock()
	defer mu.Unlock()
	output = w
	f, ok := w.(*os.File)
	outTTY = ok && isTerminal(f)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// current returns the installed sink (nil if none), the text output and
// whether that output is a terminal.
func current() (Sink, io.Writer, bool) {
	mu.Lock()
	defer mu.Unlock()
	if output == nil {
		// Read os.Stdout now, not at start-up: tests and the kernel may
		// swap it.
		return sink, os.Stdout, isTerminal(os.Stdout)
	}
	return sink, output, outTTY
}

// Handle is a shown output that can be replaced in place. A cell whose
// last expression is display.Show(v) has already shown v: the kernel shows
// nothing more for the *Handle it returns (as IPython's display returns
// None).
type Handle struct {
	id string
}

// Show displays v (rendered as Render does) and returns a handle to update
// it. Without a sink, Show writes v's text/plain and a newline to the
// output.
func Show(v any) *Handle {
	h := &Handle{id: newID()}
	h.send(Render(v), false)
	return h
}

// Update replaces the shown output with v (update_display_data with the
// same display id). Without a sink it writes v's text/plain again.
func (h *Handle) Update(v any) {
	h.send(Render(v), true)
}

// ID returns the display id of the handle.
func (h *Handle) ID() string { return h.id }

func (h *Handle) send(data map[string]any, update bool) {
	s, w, _ := current()
	if s != nil {
		s.Display(data, map[string]any{}, h.id, update)
		return
	}
	text, _ := data[MIMEText].(string)
	io.WriteString(w, text+"\n")
}

// newID returns a random display id (128 bits, hex).
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(Error{"display: read random id: " + err.Error()})
	}
	return hex.EncodeToString(b[:])
}
