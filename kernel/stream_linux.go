//go:build linux

package kernel

import (
	"os"

	"golang.org/x/sys/unix"
)

// unread reports whether a pipe holds bytes its reader has not read yet
// (TIOCINQ, Linux's FIONREAD); true when it cannot tell.
func unread(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return true
	}
	n := 1
	if cerr := rc.Control(func(fd uintptr) {
		if v, err := unix.IoctlGetInt(int(fd), unix.TIOCINQ); err == nil {
			n = v
		}
	}); cerr != nil {
		return true
	}
	return n > 0
}
