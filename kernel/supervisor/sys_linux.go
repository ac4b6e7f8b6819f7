package supervisor

import "syscall"

// sysProcAttr puts a kernel in its own process group (a Ctrl-C in the
// server's terminal must not interrupt every kernel, and a kill reaches what
// the kernel started) and kills it with its server (Pdeathsig).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
