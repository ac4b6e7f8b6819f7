// Package host runs one kernel process: it serves a jupyter.Backend (a
// kernel.Session, through NewSessionBackend) over the ZMQ transport of a
// Jupyter connection file or over the stdio link of kernel/supervisor.
//
// Run also makes the process a safe container for user code:
//
//   - max stack (debug.SetMaxStack) so unbounded recursion dies in a second
//     or two instead of eating a gigabyte first;
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
//     of sending interrupt_request.
package host

// BUG(host): writes straight to file descriptor 2 (not through os.Stderr:
// syscall.Write(2, …), the builtin println in compiled code, C libraries)
// go to the kernel's log rather than to the notebook. That is the price of
// keeping fd 2 for the Go runtime's crash reports.
