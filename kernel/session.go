package kernel

import (
	"context"
	"errors"
)

// ErrNotImplemented is returned while the session is being built.
var ErrNotImplemented = errors.New("kernel: not implemented")

// Session is one interpreter with REPL semantics.
type Session struct{ opts Options }

// New starts a session.
func New(opts Options) (*Session, error) { return &Session{opts: opts}, nil }

// Execute runs one cell. Output goes to sink while the cell runs.
func (s *Session) Execute(ctx context.Context, code string, sink Sink) Result {
	return Result{Err: &CellError{Kind: "NotImplemented", Msg: ErrNotImplemented.Error()}}
}

// Interrupt stops the running cell, if any, keeping the session's state.
func (s *Session) Interrupt() {}

// Complete returns completions at byte offset pos of code.
func (s *Session) Complete(code string, pos int) Completion { return Completion{} }

// Inspect returns documentation of the symbol at byte offset pos of code.
func (s *Session) Inspect(code string, pos int) Inspection { return Inspection{} }

// IsComplete reports "complete", "incomplete" or "invalid" and, for
// incomplete code, the indent of the next line.
func (s *Session) IsComplete(code string) (status, indent string) { return "complete", "" }

// Close releases the interpreter.
func (s *Session) Close() error { return nil }
