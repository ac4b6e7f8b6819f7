package host

import (
	"context"
	"fmt"
	"strings"

	"tandem.dev/tandem/kernel"
	"tandem.dev/tandem/kernel/jupyter"
)

// SessionBackend adapts a kernel.Session to jupyter.Backend.
type SessionBackend struct {
	S *kernel.Session
}

var _ jupyter.Backend = (*SessionBackend)(nil)

// NewSessionBackend returns the Backend of s.
func NewSessionBackend(s *kernel.Session) *SessionBackend { return &SessionBackend{S: s} }

// sink forwards a cell's output to a Jupyter output.
type sink struct{ out jupyter.Output }

func (s sink) Stream(name, text string) { s.out.Stream(name, text) }
func (s sink) Display(b kernel.Bundle, id string, update bool) {
	s.out.Display(b.Data, b.Metadata, id, update)
}

// Execute runs code in the session.
func (b *SessionBackend) Execute(ctx context.Context, code string, out jupyter.Output) jupyter.ExecResult {
	res := b.S.Execute(ctx, code, sink{out})
	r := jupyter.ExecResult{Count: res.Count}
	if res.Value != nil {
		r.Data, r.Metadata = res.Value.Data, res.Value.Metadata
	}
	if res.Err != nil {
		r.Err = ExecError(res.Err)
		// A stuck cell leaves the session unusable: the process ends so
		// that it is restarted.
		r.Unusable = res.Err.Kind == kernel.KindStuck
	}
	return r
}

// ExecError converts a cell error to Jupyter's ename, evalue and traceback.
// The traceback starts with the message and its place in the cell, then the
// interpreted stack, innermost first, one frame a line:
//
//	Panic: runtime error: index out of range [3] with length 3
//	  at cell [2], line 4:9
//	  in f, cell [1], line 2:5
func ExecError(e *kernel.CellError) *jupyter.ExecError {
	tb := []string{e.Kind + ": " + e.Msg}
	if e.Line > 0 {
		tb = append(tb, "  at "+place(e.Cell, e.Line, e.Col))
	}
	for _, f := range e.Stack {
		fn := f.Func
		if fn == "" {
			fn = "(cell)"
		}
		tb = append(tb, "  in "+fn+", "+place(f.Cell, f.Line, f.Col))
	}
	return &jupyter.ExecError{Name: e.Kind, Value: e.Msg, Traceback: tb}
}

func place(cell, line, col int) string {
	var b strings.Builder
	if cell > 0 {
		fmt.Fprintf(&b, "cell [%d], ", cell)
	}
	fmt.Fprintf(&b, "line %d", line)
	if col > 0 {
		fmt.Fprintf(&b, ":%d", col)
	}
	return b.String()
}

// Interrupt stops the running cell, keeping the session's state.
func (b *SessionBackend) Interrupt() { b.S.Interrupt() }

// Complete returns completions at byte offset pos.
func (b *SessionBackend) Complete(code string, pos int) jupyter.Completion {
	c := b.S.Complete(code, pos)
	return jupyter.Completion{Matches: c.Matches, Start: c.CursorStart, End: c.CursorEnd}
}

// Inspect returns the documentation of the symbol at byte offset pos.
func (b *SessionBackend) Inspect(code string, pos, detail int) jupyter.Inspection {
	in := b.S.Inspect(code, pos)
	if !in.Found {
		return jupyter.Inspection{}
	}
	return jupyter.Inspection{Found: true, Data: map[string]any{"text/plain": in.Text}}
}

// IsComplete reports whether code is complete.
func (b *SessionBackend) IsComplete(code string) (string, string) { return b.S.IsComplete(code) }

// Close releases the session.
func (b *SessionBackend) Close() error { return b.S.Close() }
