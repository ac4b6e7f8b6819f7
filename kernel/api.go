// Package kernel is the domain of a notebook session: one yaegi interpreter,
// cells in, results and display messages out. Adapters live below it:
// kernel/host serves a Session over a Jupyter transport, kernel/server is the
// notebook server (which never imports this package: it talks to kernel
// processes through kernel/supervisor).
package kernel

import (
	"time"

	"github.com/traefik/yaegi/interp"
)

// Options configure a Session.
type Options struct {
	// Symbols are the compiled packages cells may use (stdlib.Symbols from
	// cmd/tandem and tests). Nil means yaegi's standard library only.
	Symbols interp.Exports
	// Preload lists import paths usable in a cell with no import line.
	Preload []string
	// Refused maps import paths a policy took out of Symbols to the reason,
	// which a cell importing one is told (stdlib.Refused under
	// `--restricted`).
	Refused map[string]string
	// Dir is the working directory of cell code ("" = current directory).
	// The kernel process hosts one session, so New changes the process's
	// working directory.
	Dir string
	// MaxOutput bounds what one cell may write to stdout and stderr
	// together, in bytes; past it output is dropped with a notice
	// (0 = DefaultMaxOutput).
	MaxOutput int
	// InterruptGrace is how long an interrupted cell gets to stop
	// cooperatively before yaegi's context is cancelled
	// (0 = DefaultInterruptGrace).
	InterruptGrace time.Duration
	// StuckGrace is how long a cancelled cell gets before Execute gives up
	// and reports KindStuck (0 = DefaultStuckGrace).
	StuckGrace time.Duration
	// CodeBudget is how many bytes of source one interpreter compiles
	// before the session recycles it (0 = DefaultCodeBudget).
	CodeBudget int
	// RecoverGoroutines reports a panic in a goroutine a cell started
	// (`go func(){…}()`, `go f()`) on stderr and keeps the kernel running.
	// Off, such a panic kills the kernel process, which the supervisor
	// detects and restarts.
	RecoverGoroutines bool
}

// Bundle is a MIME bundle: MIME type → value (a string, or JSON-able value
// for application/json and widget views), plus metadata.
type Bundle struct {
	Data     map[string]any
	Metadata map[string]any
}

// Sink receives what a cell produces while it runs. Calls come from the
// goroutine running the cell or from goroutines it started, serialised by
// the session; implementations must not block for long.
type Sink interface {
	// Stream delivers text written to stdout or stderr ("stdout"/"stderr").
	Stream(name, text string)
	// Display shows a bundle; id is a display id ("" for none); update
	// replaces the output with that id (update_display_data).
	Display(b Bundle, id string, update bool)
}

// Frame is one interpreted stack frame in cell coordinates.
type Frame struct {
	Func string
	Cell int // execution count of the cell that defined the code
	Line int // 1-based line within the cell
	Col  int // 1-based column, in bytes; 0 if unknown
}

// CellError is a failure of user code: a compile error, a panic, an
// interrupt. It is a result, not a kernel failure.
type CellError struct {
	Kind string // one of the Kind constants (KindCompile, KindPanic, KindInterrupted, KindStuck, …)
	Cell int    // execution count of the failing cell
	Line int    // 1-based line within the cell; 0 if unknown
	Col  int    // 1-based column in bytes; 0 if unknown
	Msg  string // the message; for a panic, the panic value (without "panic: ")
	// Stack is the interpreted call stack, innermost first: for each
	// function defined in a cell, where it was (the failing statement for
	// the innermost, the call of the next for the others when that call is
	// unambiguous, else its declaration line), ending with the cell's top
	// level (Func ""). Empty when the cell failed at its top level.
	Stack []Frame
}

// Result is the outcome of executing a cell.
type Result struct {
	Count int        // execution count given to this cell
	Value *Bundle    // the rendered final expression, nil if none
	Err   *CellError // nil on success
}

// Completion is the answer to a completion request.
type Completion struct {
	Matches     []string
	CursorStart int // byte offset into the code
	CursorEnd   int // byte offset into the code
}

// Inspection is the answer to an inspect request.
type Inspection struct {
	Found bool
	Text  string // signature and doc comment, plain text
}
