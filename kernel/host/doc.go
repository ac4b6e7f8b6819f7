// Package host runs one kernel process: it serves a jupyter.Backend (a
// kernel.Session, through NewSessionBackend) over the ZMQ transport of a
// Jupyter connection file or over the stdio link of kernel/supervisor.
//
// Run also makes the process a safe container for user code:
//
//   - max stack (debug.SetMaxStack, 256 MB) so unbounded recursion dies in
//     a few seconds instead of eating a gigabyte first;
//   - a soft memory limit (debug.SetMemoryLimit) and a watchdog that exits
//     with a plain message when resident or heap memory passes the hard
//     limit;
//   - fd 1 and os.Stderr redirected into pipes whose contents are
//     forwarded as stream messages of the running cell (compiled code and
//     os.Stdout/os.Stderr writes bypass the interpreter's own Stdout); in
//     stdio mode the protocol keeps a private copy of the original fd 1;
//   - fd 2 itself stays the kernel's log, so runtime crash reports
//     (concurrent map writes, stack overflow, goroutine panics) reach the
//     supervisor whole: the runtime writes their first line to fd 2 only;
//   - SIGINT interrupts the running cell, for clients that signal instead
//     of sending interrupt_request;
//   - a session left unusable by a cell stuck in compiled code
//     (kernel.KindStuck) ends the process with ExitStuck once the cell's
//     error is answered, so that whoever started it (kernel/supervisor, or
//     jupyter_server's restarter) starts a fresh one;
//   - with JPY_PARENT_PID naming its parent (jupyter_client sets it), the
//     kernel stops when that parent is gone.
//
// The process exits with ExitMemory when the memory watchdog stops it and
// ExitStuck as above; its stderr then says why in a line starting with
// "tandem kernel:", which kernel/supervisor quotes to the user.
//
// # Widget comms
//
// Run connects the session to runtime/widget (kernel.Comms) and takes the
// comm_open, comm_msg and comm_close requests of the shell channel out of
// the Dispatcher's queue, where they would wait for the running cell:
// they are delivered as they arrive, so the review widget's decisions are
// committed to the ledger and acknowledged while a training cell runs.
// Callbacks written in cells still run one at a time with cells (on the
// session's executor, after the running cell). Outgoing comm messages are
// published on iopub with the request that caused them as parent (the
// front end matches echo_update to its update by it).
package host

// BUG(host): writes straight to file descriptor 2 (not through os.Stderr:
// syscall.Write(2, …), the builtin println in compiled code, C libraries)
// go to the kernel's log rather than to the notebook. That is the price of
// keeping fd 2 for the Go runtime's crash reports.
