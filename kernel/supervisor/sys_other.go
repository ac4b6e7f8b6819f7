//go:build unix && !linux

package supervisor

import "syscall"

// sysProcAttr puts a kernel in its own process group (a Ctrl-C in the
// server's terminal must not interrupt every kernel, and a kill reaches what
// the kernel started). Without Linux's Pdeathsig, a kernel whose server died
// ends when its stdin closes.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
