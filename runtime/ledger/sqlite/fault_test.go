//go:build linux

package sqlite

// Fault tests. The writer runs in a child process: the test binary re-run
// with LEDGER_FAULT_HELPER set (see TestMain), which appends events and
// prints "ack <id>" on stdout after each Append returns, or "err <id> <msg>"
// when it fails. The parent kills it, fills its disk or makes its folder
// read-only, then checks that every acknowledged id is stored and that no
// failed one is.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/ledgertest"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv("LEDGER_FAULT_HELPER"); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(m.Run())
}

// helper is the child process. Its settings come from the environment:
// LEDGER_DIR (workspace), LEDGER_PREFIX (id prefix), LEDGER_WORKERS
// (goroutines appending at once), LEDGER_COUNT (events per worker; 0 = until
// killed), LEDGER_PAD (bytes of reason per event), LEDGER_FSIZE (a file size
// limit in bytes to set first, with SIGXFSZ ignored, so writes fail).
func helper(mode string) int {
	env := func(k string) int { n, _ := strconv.Atoi(os.Getenv(k)); return n }
	if lim := env("LEDGER_FSIZE"); lim > 0 {
		signal.Ignore(syscall.SIGXFSZ)
		rl := syscall.Rlimit{Cur: uint64(lim), Max: uint64(lim)}
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
			fmt.Println("fatal setrlimit:", err)
			return 2
		}
	}
	s, err := OpenWorkspace(os.Getenv("LEDGER_DIR"), Options{})
	if err != nil {
		fmt.Println("fatal open:", err)
		return 2
	}
	ctx := context.Background()
	if err := s.RegisterVersion(ctx, ledger.Version{Dataset: ledgertest.Dataset, Version: ledgertest.Version}); err != nil {
		fmt.Println("fatal register:", err)
		return 2
	}
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, format, args...) // os.Stdout is unbuffered: one write(2) per line
	}
	pad := strings.Repeat("p", env("LEDGER_PAD"))
	prefix, count, workers := os.Getenv("LEDGER_PREFIX"), env("LEDGER_COUNT"), max(env("LEDGER_WORKERS"), 1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; count == 0 || i < count; i++ {
				id := fmt.Sprintf("%s-%d-%d", prefix, w, i)
				e := ledgertest.Event(id, fmt.Sprintf("row-%d", i%1797))
				e.Reason = pad
				if _, err := s.Append(ctx, e); err != nil {
					say("err %s %s\n", id, strings.ReplaceAll(err.Error(), "\n", " "))
					if mode == "fill" {
						return
					}
					continue
				}
				say("ack %s\n", id)
			}
		}()
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		say("err close %v\n", err)
	}
	say("done\n")
	return 0
}

// child is a running helper process.
type child struct {
	cmd   *exec.Cmd
	lines *bufio.Scanner
	out   io.ReadCloser
}

func startHelper(t *testing.T, mode, dir, prefix string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LEDGER_FAULT_HELPER="+mode, "LEDGER_DIR="+dir, "LEDGER_PREFIX="+prefix)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &child{cmd: cmd, lines: bufio.NewScanner(out), out: out}
}

// result is what a helper reported.
type result struct {
	acked, failed []string
	errs          []string // the error messages of failed, same order
	done          bool
}

func (r *result) add(line string, t *testing.T) {
	switch {
	case strings.HasPrefix(line, "ack "):
		r.acked = append(r.acked, line[4:])
	case strings.HasPrefix(line, "err "):
		id, msg, _ := strings.Cut(line[4:], " ")
		r.failed = append(r.failed, id)
		r.errs = append(r.errs, msg)
	case line == "done":
		r.done = true
	default:
		t.Errorf("helper: %s", line)
	}
}

// wait reads the rest of the child's output and reaps it.
func (c *child) wait(t *testing.T, r *result) {
	t.Helper()
	for c.lines.Scan() {
		r.add(c.lines.Text(), t)
	}
	c.cmd.Wait()
}

// stored opens the workspace and returns the stored ids.
func stored(t *testing.T, dir string) map[string]bool {
	t.Helper()
	s, err := OpenWorkspace(dir, Options{})
	if err != nil {
		t.Fatalf("reopen after fault: %v", err)
	}
	defer s.Close()
	events, err := s.Events(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	ids := make(map[string]bool, len(events))
	for i, e := range events {
		if i > 0 && e.Seq <= events[i-1].Seq {
			t.Fatalf("seq out of order: %d after %d", e.Seq, events[i-1].Seq)
		}
		ids[e.ID] = true
	}
	var check string
	if err := s.db.QueryRow("PRAGMA quick_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("quick_check: %q, %v", check, err)
	}
	return ids
}

// TestFault_KillAfterAck kills the writer process with SIGKILL right after it
// acknowledged a random number of events (1-20), while its other goroutines
// are mid-append, hundreds of times over one workspace; every acknowledged
// event must be there afterwards. (SIGKILL loses the process, not the page
// cache: TestFault_PowerLoss covers losing power.)
func TestFault_KillAfterAck(t *testing.T) {
	kills := 400
	if testing.Short() {
		kills = 20
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(6, 1))
	start := time.Now()
	total := 0
	for k := range kills {
		c := startHelper(t, "append", dir, fmt.Sprintf("k%d", k), fmt.Sprintf("LEDGER_WORKERS=%d", 1+k%4))
		target := 1 + rng.IntN(20)
		var r result
		for len(r.acked) < target && c.lines.Scan() {
			r.add(c.lines.Text(), t)
		}
		if d := rng.IntN(3); d > 0 {
			time.Sleep(time.Duration(d) * 500 * time.Microsecond) // land the kill inside a commit, sometimes
		}
		c.cmd.Process.Kill()
		c.wait(t, &r) // acks printed before the kill count too
		if len(r.acked) < target {
			t.Fatalf("kill %d: helper stopped after %d acks: %v", k, len(r.acked), r.errs)
		}
		ids := stored(t, dir)
		for _, id := range r.acked {
			if !ids[id] {
				t.Fatalf("kill %d: acknowledged event %s is missing", k, id)
			}
		}
		total += len(r.acked)
	}
	t.Logf("%d kills, %d acknowledged events, all present, in %v", kills, total, time.Since(start).Round(time.Millisecond))
}

// TestFault_TwoProcesses runs two writer processes on one workspace at once:
// both must finish without error and every event must be stored once.
func TestFault_TwoProcesses(t *testing.T) {
	dir := t.TempDir()
	const each = 150 // per worker; 2 workers per process
	a := startHelper(t, "append", dir, "a", "LEDGER_WORKERS=2", fmt.Sprintf("LEDGER_COUNT=%d", each))
	b := startHelper(t, "append", dir, "b", "LEDGER_WORKERS=2", fmt.Sprintf("LEDGER_COUNT=%d", each))
	var ra, rb result
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.wait(t, &ra) }()
	go func() { defer wg.Done(); b.wait(t, &rb) }()
	wg.Wait()
	for name, r := range map[string]*result{"a": &ra, "b": &rb} {
		if !r.done || len(r.acked) != 2*each || len(r.failed) > 0 {
			t.Errorf("process %s: done %v, %d acked, %d failed (%v)", name, r.done, len(r.acked), len(r.failed), r.errs)
		}
	}
	ids := stored(t, dir)
	for _, id := range append(ra.acked, rb.acked...) {
		if !ids[id] {
			t.Errorf("acknowledged event %s is missing", id)
		}
	}
	if len(ids) != 4*each {
		t.Errorf("stored %d events want %d", len(ids), 4*each)
	}
}

// mountTmpfs mounts a tmpfs of size on dir (a real ENOSPC when it fills).
// It needs root (CAP_SYS_ADMIN); it reports false otherwise.
func mountTmpfs(t *testing.T, dir, size string) bool {
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Logf("mount tmpfs on %s: %v", dir, err)
		return false
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return true
}

func remount(t *testing.T, dir string, flags uintptr, data string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|flags, data); err != nil {
		t.Fatalf("remount %s (%s): %v", dir, data, err)
	}
}

// TestFault_DiskFull fills the disk under the ledger while four goroutines
// append: the failing appends get ErrDiskFull, every acknowledged event is
// stored and no failed one is; once space is freed the same Store appends
// again. It uses a 384 KiB tmpfs, so it needs root; the FileSizeLimit case
// below makes writes fail without root, through RLIMIT_FSIZE.
func TestFault_DiskFull(t *testing.T) {
	t.Run("Tmpfs", func(t *testing.T) {
		dir := t.TempDir()
		if !mountTmpfs(t, dir, "384k") {
			t.Skip("cannot mount a tmpfs without root; FileSizeLimit covers failing writes")
		}
		s, err := OpenWorkspace(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		s.RegisterVersion(ctx, ledger.Version{Dataset: ledgertest.Dataset, Version: ledgertest.Version})
		var mu sync.Mutex
		var acked, failed []string
		var firstErr error
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					e := ledgertest.Event(fmt.Sprintf("w%d-%d", w, i), "row-1")
					e.Reason = strings.Repeat("x", 2000)
					_, err := s.Append(ctx, e)
					mu.Lock()
					if err != nil {
						failed = append(failed, e.ID)
						if firstErr == nil {
							firstErr = err
						}
					} else {
						acked = append(acked, e.ID)
					}
					mu.Unlock()
					if err != nil {
						return
					}
				}
			}()
		}
		wg.Wait()
		t.Logf("%d acked before the disk filled; first error: %v", len(acked), firstErr)
		if !errors.Is(firstErr, ErrDiskFull) {
			t.Errorf("got %v want ErrDiskFull", firstErr)
		}
		if len(acked) == 0 {
			t.Fatal("nothing acknowledged: the tmpfs is too small for the test")
		}
		// Free space (grow the file system), then the same store goes on.
		remount(t, dir, 0, "size=16m")
		late := ledgertest.Event("after", "row-2")
		if _, err := s.Append(ctx, late); err != nil {
			t.Fatalf("append after freeing space: %v", err)
		}
		events, err := s.Events(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, e := range events {
			ids[e.ID] = true
		}
		for _, id := range acked {
			if !ids[id] {
				t.Errorf("acknowledged event %s is missing", id)
			}
		}
		for _, id := range failed {
			if ids[id] {
				t.Errorf("event %s was refused but is stored", id)
			}
		}
		if !ids["after"] {
			t.Error("event appended after freeing space is missing")
		}
	})

	t.Run("FileSizeLimit", func(t *testing.T) {
		dir := t.TempDir()
		// 256 KiB: room for the schema and a few dozen 1 KiB events.
		c := startHelper(t, "fill", dir, "f", "LEDGER_WORKERS=3", "LEDGER_PAD=1000", "LEDGER_FSIZE=262144")
		var r result
		c.wait(t, &r)
		if !r.done || len(r.failed) != 3 || len(r.acked) == 0 {
			t.Fatalf("done %v, %d acked, failed %v: %v", r.done, len(r.acked), r.failed, r.errs)
		}
		t.Logf("%d acked before the limit; error: %s", len(r.acked), r.errs[0])
		for _, msg := range r.errs {
			if !strings.Contains(msg, ErrIO.Error()) && !strings.Contains(msg, ErrDiskFull.Error()) {
				t.Errorf("error %q names neither an i/o error nor a full disk", msg)
			}
		}
		ids := stored(t, dir)
		for _, id := range r.acked {
			if !ids[id] {
				t.Errorf("acknowledged event %s is missing", id)
			}
		}
		for _, id := range r.failed {
			if ids[id] {
				t.Errorf("event %s was refused but is stored", id)
			}
		}
	})
}

// readOnly makes dir and everything in it read-only: a read-only remount of
// a tmpfs as root (root ignores file modes), chmod otherwise. It must be
// called on a dir prepared by prepareReadOnly.
func prepareReadOnly(t *testing.T) (dir string, makeRO func()) {
	dir = t.TempDir()
	if os.Geteuid() == 0 {
		if !mountTmpfs(t, dir, "4m") {
			t.Fatal("running as root but cannot mount a tmpfs to make a read-only file system")
		}
		return dir, func() { remount(t, dir, syscall.MS_RDONLY, "size=4m") }
	}
	return dir, func() {
		filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if err == nil {
				os.Chmod(p, fi.Mode().Perm()&^0o222)
			}
			return nil
		})
		t.Cleanup(func() {
			filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
				if err == nil {
					os.Chmod(p, fi.Mode().Perm()|0o200)
				}
				return nil
			})
		})
	}
}

// TestFault_ReadOnly opens a ledger whose file and folder cannot be written:
// Open fails with a clear error, so nothing can be acknowledged.
func TestFault_ReadOnly(t *testing.T) {
	t.Run("ExistingLedger", func(t *testing.T) {
		dir, makeRO := prepareReadOnly(t)
		s, err := OpenWorkspace(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.RegisterVersion(context.Background(), ledger.Version{Dataset: ledgertest.Dataset, Version: ledgertest.Version})
		if _, err := s.Append(context.Background(), ledgertest.Event("e1", "row-1")); err != nil {
			t.Fatal(err)
		}
		s.Close()
		makeRO()
		s, err = OpenWorkspace(dir, Options{})
		if err == nil {
			_, aerr := s.Append(context.Background(), ledgertest.Event("e2", "row-1"))
			s.Close()
			t.Fatalf("opened a read-only ledger; append: %v", aerr)
		}
		t.Log(err)
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("got %v want ErrReadOnly", err)
		}
	})
	t.Run("ReadOnlyFile", func(t *testing.T) {
		// The file is read-only, its folder is not: SQLite could fall back
		// to opening it read-only; Open must refuse instead.
		dir := t.TempDir()
		s, err := OpenWorkspace(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		path := filepath.Join(dir, Dir, File)
		if os.Geteuid() == 0 {
			if err := syscall.Mount(path, path, "", syscall.MS_BIND, ""); err != nil {
				t.Fatalf("bind mount: %v", err)
			}
			t.Cleanup(func() { syscall.Unmount(path, syscall.MNT_DETACH) })
			if err := syscall.Mount(path, path, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
				t.Fatalf("read-only bind mount: %v", err)
			}
		} else {
			os.Chmod(path, 0o444)
		}
		s, err = OpenWorkspace(dir, Options{})
		if err == nil {
			s.Close()
			t.Fatal("opened a read-only ledger file")
		}
		t.Log(err)
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("got %v want ErrReadOnly", err)
		}
	})
	t.Run("NewWorkspace", func(t *testing.T) {
		dir, makeRO := prepareReadOnly(t)
		makeRO()
		_, err := OpenWorkspace(dir, Options{})
		t.Log(err)
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("got %v want ErrReadOnly", err)
		}
	})
}

// TestFault_LockHeld holds the write lock from another connection (as a
// stuck process would) longer than BusyTimeout: Append fails with ErrBusy
// and stores nothing; once the lock is released the retry is stored.
func TestFault_LockHeld(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenWorkspace(dir, Options{BusyTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.RegisterVersion(ctx, ledger.Version{Dataset: ledgertest.Dataset, Version: ledgertest.Version})
	other, err := OpenWorkspace(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	e := ledgertest.Event("e1", "row-1")
	start := time.Now()
	_, err = s.Append(ctx, e)
	t.Logf("after %v: %v", time.Since(start).Round(time.Millisecond), err)
	if !errors.Is(err, ErrBusy) {
		t.Errorf("got %v want ErrBusy", err)
	}
	tx.Rollback()
	if got, _ := s.Events(ctx, ""); len(got) != 0 {
		t.Fatalf("refused event stored: %+v", got)
	}
	if ack, err := s.Append(ctx, e); err != nil || ack.Duplicate {
		t.Errorf("retry after the lock was released: %+v, %v", ack, err)
	}
}

// TestFault_PowerLoss simulates losing power right after acknowledgements:
// the ledger lives on an ext4 file system in a loop-mounted image file; the
// writer process is killed after a random number of acks and the image is
// copied at once, before the kernel writes back anything that was not
// fsynced, so the copy holds what a disk would after a power cut. The copy,
// mounted (ext4 replays its journal) and opened, must hold every
// acknowledged event. An Append that acked before its commit was fsynced
// (synchronous=NORMAL) fails this test; kill -9 alone cannot tell. It needs
// root, mount, and mkfs.ext4 (e2fsprogs).
func TestFault_PowerLoss(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a loop device; TestFault_KillAfterAck covers process crashes")
	}
	rounds := 12
	if testing.Short() {
		rounds = 3
	}
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	tmp := t.TempDir()
	img, snap := filepath.Join(tmp, "disk.img"), filepath.Join(tmp, "snap.img")
	mnt, mnt2 := filepath.Join(tmp, "mnt"), filepath.Join(tmp, "mnt2")
	os.Mkdir(mnt, 0o755)
	os.Mkdir(mnt2, 0o755)
	if err := os.Truncate(img, 0); err != nil {
		f, _ := os.Create(img)
		f.Close()
	}
	os.Truncate(img, 24<<20)
	run("mkfs.ext4", "-q", "-F", img)
	run("mount", "-o", "loop", img, mnt)
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	rng := rand.New(rand.NewPCG(9, 9))
	total := 0
	for k := range rounds {
		c := startHelper(t, "append", mnt, fmt.Sprintf("p%d", k), "LEDGER_WORKERS=2")
		target := 5 + rng.IntN(40)
		var r result
		for len(r.acked) < target && c.lines.Scan() {
			r.add(c.lines.Text(), t)
		}
		c.cmd.Process.Kill()
		c.wait(t, &r)
		copyFile(t, img, snap) // the power cut
		run("mount", "-o", "loop", snap, mnt2)
		ids := stored(t, mnt2)
		run("umount", mnt2)
		for _, id := range r.acked {
			if !ids[id] {
				t.Fatalf("round %d: acknowledged event %s lost in the power cut (%d of %d acks stored)", k, id, len(ids), len(r.acked))
			}
		}
		total += len(r.acked)
	}
	t.Logf("%d power cuts, %d acknowledged events, all present", rounds, total)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
