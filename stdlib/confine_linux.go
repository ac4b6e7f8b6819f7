package stdlib

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"tandem.dev/tandem/runtime/data"
)

// ConfinedEnv marks a process already confined by Confine (set in the
// re-executed process's environment).
const ConfinedEnv = "TANDEM_CONFINED"

// ErrNoLandlock is returned by Confine when the operating system has no
// Landlock (Linux before 5.13, or disabled).
var ErrNoLandlock = errors.New("landlock is not available")

// Confine puts the whole process under a Landlock domain in which files
// can be read and written only beneath dir (and ws, the workspace folder
// holding .tandem/, when not empty), a few system folders can be read
// (time zones, the built-in datasets, shared libraries), and no TCP
// connection can be opened or port bound (unless tcp: the ZMQ transport
// binds its ports after start-up); the files in readable (a Jupyter
// connection file) stay readable. It backs the restricted symbol
// table (Restricted) for compiled code, which the table cannot wrap
// ((*chart.Chart).Save, SQLite): the kernel enforces the same boundary.
//
// Landlock applies to one thread, so Confine restricts the calling thread
// and re-executes the program from it (execve keeps the domain for the
// whole new process, and no thread escapes it); it returns only on error.
// In the re-executed process ConfinedEnv is set and Confine is not called
// again.
func Confine(dir, ws string, readable []string, tcp bool) error {
	abi, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if e != 0 || int(abi) < 1 {
		return ErrNoLandlock
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("confine: %w", err)
	}
	fsAll := uint64(unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE | unix.LANDLOCK_ACCESS_FS_READ_FILE |
		unix.LANDLOCK_ACCESS_FS_READ_DIR | unix.LANDLOCK_ACCESS_FS_REMOVE_DIR | unix.LANDLOCK_ACCESS_FS_REMOVE_FILE |
		unix.LANDLOCK_ACCESS_FS_MAKE_CHAR | unix.LANDLOCK_ACCESS_FS_MAKE_DIR | unix.LANDLOCK_ACCESS_FS_MAKE_REG |
		unix.LANDLOCK_ACCESS_FS_MAKE_SOCK | unix.LANDLOCK_ACCESS_FS_MAKE_FIFO | unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK |
		unix.LANDLOCK_ACCESS_FS_MAKE_SYM)
	if abi >= 2 {
		fsAll |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	if abi >= 3 {
		fsAll |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	attr := unix.LandlockRulesetAttr{Handled_access_fs: fsAll}
	size := unsafe.Sizeof(attr.Handled_access_fs)
	if abi >= 4 && !tcp {
		attr.Handled_access_net = unix.LANDLOCK_ACCESS_NET_BIND_TCP | unix.LANDLOCK_ACCESS_NET_CONNECT_TCP
		size += unsafe.Sizeof(attr.Handled_access_net)
	}
	if abi >= 6 {
		attr.Scoped = unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | unix.LANDLOCK_SCOPE_SIGNAL
		size += unsafe.Sizeof(attr.Scoped)
	}
	fd, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), size, 0)
	if e != 0 {
		return fmt.Errorf("confine: create ruleset: %w", e)
	}
	defer unix.Close(int(fd))
	read := uint64(unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR)
	readExec := read | unix.LANDLOCK_ACCESS_FS_EXECUTE
	rw := fsAll &^ unix.LANDLOCK_ACCESS_FS_EXECUTE
	rules := []struct {
		path   string
		access uint64
		must   bool
	}{
		{dir, rw, true},
		{ws, rw, false},
		{exe, unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_EXECUTE, true},
		{os.DevNull, unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE, false},
		// the dynamic loader and libraries the executable links
		{"/lib", readExec, false}, {"/lib64", readExec, false}, {"/usr/lib", readExec, false}, {"/usr/lib64", readExec, false},
		{"/usr/share/zoneinfo", read, false}, {"/etc/localtime", unix.LANDLOCK_ACCESS_FS_READ_FILE, false},
		{data.FashionDir, read, false},
	}
	for _, p := range readable {
		rules = append(rules, struct {
			path   string
			access uint64
			must   bool
		}{p, unix.LANDLOCK_ACCESS_FS_READ_FILE, true})
	}
	for _, r := range rules {
		if r.path == "" {
			continue
		}
		p, err := filepath.EvalSymlinks(r.path)
		if err != nil {
			if r.must {
				return fmt.Errorf("confine: %w", err)
			}
			continue
		}
		f, err := unix.Open(p, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			if r.must {
				return fmt.Errorf("confine: open %s: %w", p, err)
			}
			continue
		}
		var st unix.Stat_t
		access := r.access
		if unix.Fstat(f, &st) == nil && st.Mode&unix.S_IFMT != unix.S_IFDIR {
			// rights on a file are only those that apply to files
			access &= unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE | unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_TRUNCATE
		}
		pb := unix.LandlockPathBeneathAttr{Allowed_access: access & fsAll, Parent_fd: int32(f)}
		_, _, e := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, fd, unix.LANDLOCK_RULE_PATH_BENEATH, uintptr(unsafe.Pointer(&pb)), 0, 0, 0)
		unix.Close(f)
		if e != 0 && r.must {
			return fmt.Errorf("confine: allow %s: %w", p, e)
		}
	}
	runtime.LockOSThread() // this thread restricts itself and execs; never unlocked
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("confine: no_new_privs: %w", err)
	}
	if _, _, e := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, fd, 0, 0); e != 0 {
		return fmt.Errorf("confine: restrict: %w", e)
	}
	env := append(os.Environ(), ConfinedEnv+"=1")
	return fmt.Errorf("confine: re-execute %s: %w", exe, syscall.Exec(exe, os.Args, env))
}
