// Package runner executes a notebook headless, the way papermill does: every
// code cell, in order, in a fresh kernel process started through
// kernel/supervisor (never in this process, so a cell that crashes its
// kernel cannot take the runner down), with the outputs written back into
// the notebook.
//
//	nb, _ := notebook.Parse(data)
//	if err := runner.InjectParameters(nb, []runner.Param{{Name: "epochs", Value: "20"}}); err != nil { … }
//	rep, err := runner.Run(ctx, nb, runner.Options{Dir: filepath.Dir(path), CellTimeout: time.Minute})
//	// err: the kernel could not be started or the run could not go on;
//	// rep.Failures: the cells that failed (compile error, panic, timeout).
//
// # Parameters
//
// InjectParameters finds the cell tagged "parameters" (metadata.tags), reads
// the Go defaults declared there (x := 5, var x = 0.1, const name = "a",
// var d time.Duration = 2 * time.Second), and inserts after it a new cell
// tagged "injected-parameters" that assigns the given values, typed like the
// defaults: int, float64, string, bool or time.Duration. A value that does
// not parse as its default's type is an error naming the parameter.
//
// # Expected errors
//
// A cell tagged "raises-exception" (RaisesExceptionTag) is meant to fail,
// as in nbclient and papermill: its error output is kept, the failure goes
// to Report.Expected instead of Report.Failures, and the run goes on. A
// timeout or a dead kernel in such a cell is still a failure.
//
// # Timeouts
//
// Options.CellTimeout bounds each cell: when it passes, the cell is
// interrupted, and the supervisor restarts the kernel if the cell does not
// stop within Options.InterruptGrace (a cell stuck in compiled code). The
// context bounds the whole run the same way.
//
// # Ledger
//
// The kernel runs in Options.Dir, the notebook's folder, so it finds the
// workspace's .tandem/ ledger there and replays it. Options.NoLedger sets
// NoLedgerEnv=1 in the kernel's environment; the kernel (runtime/data's
// ledger hook) must then neither read nor write .tandem/.
package runner
