package host

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"tandem.dev/tandem/kernel"
	"tandem.dev/tandem/kernel/jupyter"
)

// Defaults of Limits.
const (
	DefaultMaxStack  = 256 << 20
	DefaultMaxMemory = 4 << 30
)

// Exit statuses of a kernel process that stops itself.
const (
	ExitMemory = 3 // the memory watchdog stopped it
	ExitStuck  = 4 // a cell stuck in compiled code made the session unusable
)

// Limits bound the kernel process.
type Limits struct {
	// MaxStack is the per-goroutine stack limit in bytes (0 means
	// DefaultMaxStack).
	MaxStack int
	// MaxMemory is the hard memory limit in bytes: the process exits with
	// ExitMemory when its resident set or Go heap passes it. The garbage
	// collector's soft limit is set to 80% of it. 0 means the smaller of
	// DefaultMaxMemory and half the machine's memory; negative disables
	// both limits.
	MaxMemory int64
}

// Config configures Run.
type Config struct {
	// ConnectionFile selects the ZMQ transport; empty selects stdio
	// (requests on fd 0, messages out on fd 1).
	ConnectionFile string
	Limits         Limits
	// Banner is kernel_info_reply's banner ("" for the default).
	Banner  string
	Version string // implementation_version
}

// ParseSize parses a byte count with an optional K, M, G suffix (powers of
// 1024, "MiB" and "MB" alike): "512M", "4GiB", "1048576".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "IB"), "B")
	mul := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mul, t = 1<<10, t[:n-1]
		case 'M':
			mul, t = 1<<20, t[:n-1]
		case 'G':
			mul, t = 1<<30, t[:n-1]
		}
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("parse size %q: want a byte count like 512M or 4G", s)
	}
	return v * mul, nil
}

// realStderr holds the *os.File of fd 2 after os.Stderr is redirected.
var realStderr *os.File

// process is the kernel process's redirected I/O.
type process struct {
	protoIn, protoOut *os.File // the original fd 0 and 1
	stderr            *os.File // the original fd 2: logs and crash output
	stdout, errout    *capture
}

// setup applies the limits and redirects fds 0, 1 and 2.
func setup(lim Limits) (*process, error) {
	dup := func(fd int, name string) (*os.File, error) {
		nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
		if err != nil {
			return nil, fmt.Errorf("duplicate %s: %w", name, err)
		}
		return os.NewFile(uintptr(nfd), name), nil
	}
	p := &process{}
	var err error
	if p.protoIn, err = dup(0, "protocol-in"); err != nil {
		return nil, err
	}
	if p.protoOut, err = dup(1, "protocol-out"); err != nil {
		return nil, err
	}
	if p.stderr, err = dup(2, "kernel-stderr"); err != nil {
		return nil, err
	}
	// Cell code reading stdin must not eat protocol frames.
	if null, err := os.Open(os.DevNull); err == nil {
		_ = dup2(int(null.Fd()), 0)
		null.Close()
	}
	if p.stdout, err = newCapture("stdout", 1, p.stderr); err != nil {
		return nil, err
	}
	// fd 2 itself stays the kernel's log: the Go runtime writes the first
	// line of a fatal error ("fatal error: concurrent map writes") only
	// there, and the supervisor must see it. Writes through os.Stderr (and
	// children started with it) are captured.
	if p.errout, err = newCapture("stderr", -1, p.stderr); err != nil {
		return nil, err
	}
	// Keep the original *os.File of fd 2 reachable: once unreachable, its
	// finalizer would close fd 2 and crash reports would go nowhere.
	realStderr = os.Stderr
	os.Stderr = p.errout.w
	slog.SetDefault(slog.New(slog.NewTextHandler(p.stderr, nil)).WithGroup("kernel"))

	maxStack := lim.MaxStack
	if maxStack <= 0 {
		maxStack = DefaultMaxStack
	}
	debug.SetMaxStack(maxStack)
	maxMem := lim.MaxMemory
	if maxMem == 0 {
		maxMem = DefaultMaxMemory
		if total := totalMemory(); total > 0 && total/2 < maxMem {
			maxMem = total / 2
		}
	}
	if maxMem > 0 {
		debug.SetMemoryLimit(maxMem / 10 * 8)
		go watchMemory(maxMem, p.stderr)
	}
	return p, nil
}

// watchMemory exits the process when its resident set or Go heap passes
// limit: a memory bomb must kill this kernel with a message, not trigger
// the machine's OOM killer on some other process.
func watchMemory(limit int64, stderr *os.File) {
	page := int64(os.Getpagesize())
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	buf := make([]byte, 128)
	f, err := os.Open("/proc/self/statm")
	if err != nil {
		f = nil
	}
	for {
		time.Sleep(50 * time.Millisecond)
		var rss int64
		if f != nil {
			if n, err := f.ReadAt(buf, 0); n > 0 || err == io.EOF {
				fields := strings.Fields(string(buf[:n]))
				if len(fields) > 1 {
					pages, _ := strconv.ParseInt(fields[1], 10, 64)
					rss = pages * page
				}
			}
		}
		metrics.Read(samples)
		heap := int64(samples[0].Value.Uint64() + samples[1].Value.Uint64())
		if rss > limit || heap > limit {
			fmt.Fprintf(stderr, "tandem kernel: out of memory: resident %d MB, heap %d MB, limit %d MB; the kernel stops\n",
				rss>>20, heap>>20, limit>>20)
			os.Exit(ExitMemory)
		}
	}
}

// Run sets up the process, builds the transport and serves the backend
// returned by newBackend until a shutdown_request, the end of the
// connection (stdio) or ctx. Call it once per process: it takes over fds
// 0, 1 and 2.
func Run(ctx context.Context, cfg Config, newBackend func() (jupyter.Backend, error)) error {
	p, err := setup(cfg.Limits)
	if err != nil {
		return err
	}
	// What the caller prints after Run goes to the real stderr.
	defer func() { os.Stderr = realStderr }()
	log := slog.Default()
	var tr jupyter.Transport
	if cfg.ConnectionFile != "" {
		ci, err := jupyter.ReadConnectionFile(cfg.ConnectionFile)
		if err != nil {
			return err
		}
		if tr, err = jupyter.NewZMQ(ci, log); err != nil {
			return err
		}
	} else {
		tr = jupyter.NewStdio(p.protoIn, p.protoOut, nil, log)
	}
	defer tr.Close()

	b, err := newBackend()
	if err != nil {
		return err
	}
	session := jupyter.NewID()
	if sb, ok := b.(*SessionBackend); ok {
		// Widget comms bypass the shell queue (see commTransport).
		ct := &commTransport{Transport: tr, session: session, log: log.WithGroup("comm")}
		ct.comms = kernel.NewComms(sb.S, ct)
		defer ct.comms.Close()
		tr = ct
	}
	cb := &capturing{Backend: b, p: p}
	d := &jupyter.Dispatcher{Backend: cb, Transport: tr, Session: session, Banner: cfg.Banner, ImplementationVersion: cfg.Version, Log: log}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT)
	defer signal.Stop(sig)
	go func() {
		for range sig {
			b.Interrupt()
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go watchParent(ctx, cancel)
	err = d.Serve(ctx)
	if c, ok := b.(io.Closer); ok {
		_ = c.Close()
	}
	if ctx.Err() != nil {
		err = nil // stopped from outside (the parent went away): a normal end
	}
	return err
}

// capturing forwards fd 1 and 2 to the running request's output and
// flushes them before the request completes.
type capturing struct {
	jupyter.Backend
	p  *process
	mu sync.Mutex
}

func (c *capturing) Execute(ctx context.Context, code string, out jupyter.Output) jupyter.ExecResult {
	c.p.stdout.begin(out)
	c.p.errout.begin(out)
	res := c.Backend.Execute(ctx, code, out)
	c.p.stdout.flush()
	c.p.errout.flush()
	// Output of goroutines still running after the cell goes to the
	// kernel's stderr log rather than to a finished cell.
	c.p.stdout.begin(nil)
	c.p.errout.begin(nil)
	return res
}

// CommBackend methods pass through when the wrapped backend has them.
func (c *capturing) CommOpen(id, target string, data map[string]any, buffers [][]byte, out jupyter.Output) bool {
	if cb, ok := c.Backend.(jupyter.CommBackend); ok {
		return cb.CommOpen(id, target, data, buffers, out)
	}
	return false
}

func (c *capturing) CommMsg(id string, data map[string]any, buffers [][]byte, out jupyter.Output) {
	if cb, ok := c.Backend.(jupyter.CommBackend); ok {
		cb.CommMsg(id, data, buffers, out)
	}
}

func (c *capturing) CommClose(id string, data map[string]any, buffers [][]byte, out jupyter.Output) {
	if cb, ok := c.Backend.(jupyter.CommBackend); ok {
		cb.CommClose(id, data, buffers, out)
	}
}

func (c *capturing) CommInfo(target string) map[string]string {
	if cb, ok := c.Backend.(jupyter.CommBackend); ok {
		return cb.CommInfo(target)
	}
	return nil
}

// watchParent ends the kernel when the process that started it is gone:
// jupyter_client names itself in JPY_PARENT_PID (as ipykernel's parent
// poller reads it), and a kernel must not outlive its notebook server.
func watchParent(ctx context.Context, cancel context.CancelFunc) {
	want, err := strconv.Atoi(os.Getenv("JPY_PARENT_PID"))
	if err != nil || want <= 1 || os.Getppid() != want {
		// Not set, or inherited from some other Jupyter process further up
		// (a server started from a Jupyter terminal): not ours to watch.
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != want {
				slog.Info("parent process gone; stopping", "parent", want)
				cancel()
				return
			}
		}
	}
}
