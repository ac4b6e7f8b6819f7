// Package host is the bridge the kernel installs into the runtime: the
// cooperative interrupt flag and the context of the running cell.
//
// The runtime never imports the kernel. Instead the kernel calls Interrupt,
// Reset and SetContext, and compiled runtime code (training loops, loaders,
// renderers) calls Check or watches Context. The cell rewriter inserts
//
//	if *host.Stop != 0 { host.Check() }
//
// at loop heads and function entries of interpreted code, so an interpreted
// `for {}` stops without cancelling yaegi's run (which would break callbacks).
//
// One kernel process hosts one session, so the state here is process-wide.
package host

import (
	"context"
	"sync"
	"sync/atomic"
)

// Interrupted is the value Check panics with when the cell was interrupted.
// The kernel recovers it at the cell boundary and reports KeyboardInterrupt.
type Interrupted struct{}

func (Interrupted) Error() string { return "interrupted" }

var stop int32

// Stop points at the interrupt flag: non-zero once Interrupt was called and
// until Reset. It is a pointer so that interpreted code reads the live value
// (an exported plain variable is read once by yaegi and never sees a change).
var Stop = &stop

var (
	mu     sync.Mutex
	ctx    = context.Background()
	cancel = func() {}
)

// Check panics with Interrupted if the running cell was interrupted.
func Check() {
	if atomic.LoadInt32(&stop) != 0 {
		panic(Interrupted{})
	}
}

// Stopped reports whether the running cell was interrupted.
func Stopped() bool { return atomic.LoadInt32(&stop) != 0 }

// Interrupt sets the flag and cancels the current cell's context.
func Interrupt() {
	atomic.StoreInt32(&stop, 1)
	mu.Lock()
	c := cancel
	mu.Unlock()
	c()
}

// Reset clears the flag and gives the next cell a fresh context. The kernel
// calls it before each execution.
func Reset() {
	mu.Lock()
	cancel()
	ctx, cancel = context.WithCancel(context.Background())
	atomic.StoreInt32(&stop, 0)
	mu.Unlock()
}

// Context returns the running cell's context: it is cancelled on Interrupt.
// Long compiled loops select on Context().Done() or call Check per step.
func Context() context.Context {
	mu.Lock()
	defer mu.Unlock()
	return ctx
}
