package host

import "golang.org/x/sys/unix"

// dup2 makes newfd a copy of oldfd (dup3 without flags: arm64 Linux has no
// dup2).
func dup2(oldfd, newfd int) error { return unix.Dup3(oldfd, newfd, 0) }

// totalMemory returns the machine's memory in bytes (0 if unknown).
func totalMemory() int64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return 0
	}
	return int64(si.Totalram) * int64(si.Unit)
}
