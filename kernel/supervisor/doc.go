// Package supervisor starts kernel processes and stands between them and
// the notebook server: it relays messages both ways, fans what a kernel
// sends out to every subscriber (several browser tabs may share a kernel),
// notices when a kernel dies, says so, and restarts it. It never imports
// the interpreter: it only runs `tandem kernel --stdio` (or Options.Argv)
// and speaks the Jupyter protocol to it over the jupyter.Stdio link.
//
// # API
//
//	k, err := supervisor.Start(ctx, supervisor.Options{Env: env}) // ready when it returns
//	msgs, cancel := k.Subscribe()    // every message the kernel sends (iopub, replies), in order
//	err = k.Send(msg)                // a request from a client (msg.Channel shell or control)
//	k.Interrupt()                    // interrupt_request; restart if still busy after the grace period
//	err = k.Restart(ctx)             // a fresh process, state lost; also revives a dead kernel
//	err = k.Shutdown(ctx)            // stop the process; subscriber channels are closed
//	k.State()                        // starting, idle, busy, restarting, dead, stopped
//	k.Restarts()                     // how many times the process was replaced
//	k.Session()                      // session id of the messages the supervisor itself sends
//
// Each subscriber receives every message; the server routes shell replies
// to the tab that asked by parent_header.session (Message.ParentSession).
// A subscriber that falls more than SubscriberBuffer messages behind is
// dropped: its channel is closed.
//
// # Death and restarts
//
// A kernel that exits without being asked to (os.Exit in a cell, a stack
// overflow, a concurrent map write, a panic in a goroutine, the memory
// watchdog) is noticed as soon as its pipe closes. The supervisor answers
// every request left in flight with an error reply (ename "KernelDied") and
// an idle status, publishes status "restarting" and a plain message that
// the state was lost (an error under the running cell, else a stderr
// stream), and starts a new process. After Options.MaxRestarts restarts in a
// row (a successful execute_reply ends a row) it gives up: status "dead",
// State Dead, until Restart.
//
// # Interrupts
//
// Interrupt sends interrupt_request on the control channel (kernels run in
// message mode). If the cell that was running is still running after
// Options.InterruptGrace (stuck in compiled code such as time.Sleep), the
// kernel is killed and restarted, and the cell gets an error saying so
// (ename "KernelRestarted").
package supervisor
