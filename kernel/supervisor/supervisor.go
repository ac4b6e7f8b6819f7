package supervisor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"tandem.dev/tandem/kernel/jupyter"
)

// State is the life-cycle state of a supervised kernel.
type State string

// The states of a Kernel.
const (
	Starting   State = "starting"
	Idle       State = "idle"
	Busy       State = "busy"
	Restarting State = "restarting"
	Dead       State = "dead"    // gave up after too many restarts in a row
	Stopped    State = "stopped" // after Shutdown
)

// Errors of Send and Restart.
var (
	// ErrDead means the kernel died too often and is not restarted
	// automatically; Restart brings it back.
	ErrDead = errors.New("kernel is dead")
	// ErrStopped means Shutdown was called.
	ErrStopped = errors.New("kernel is stopped")
)

// Defaults of Options.
const (
	DefaultMaxRestarts    = 5
	DefaultInterruptGrace = 3 * time.Second
	DefaultStartTimeout   = 30 * time.Second
	SubscriberBuffer      = 4096
)

// Options configure a supervised kernel.
type Options struct {
	// Argv is the kernel command; it must speak the stdio link on its
	// stdin and stdout. Nil means this binary with "kernel --stdio".
	Argv []string
	// Env is the kernel's whole environment. Nil means this process's
	// environment: a server must pass an explicit one to keep its token
	// out of the kernel.
	Env []string
	// Dir is the kernel's working directory ("" means this one's).
	Dir string
	// MaxRestarts caps automatic restarts in a row (0 means
	// DefaultMaxRestarts, negative means never restart).
	MaxRestarts int
	// InterruptGrace is how long a cell may keep running after an
	// interrupt before the kernel is restarted (0 means
	// DefaultInterruptGrace).
	InterruptGrace time.Duration
	// StartTimeout bounds the wait for a new process's kernel_info_reply
	// (0 means DefaultStartTimeout).
	StartTimeout time.Duration
	// Log receives the kernel's stderr lines and life-cycle events
	// (nil means slog.Default()).
	Log *slog.Logger
}

// Kernel is one supervised kernel.
type Kernel struct {
	opts    Options
	session string // session id of messages the supervisor originates
	log     *slog.Logger

	mu       sync.Mutex
	state    State
	p        *proc
	subs     map[int]chan *jupyter.Message
	nextSub  int
	inflight []*jupyter.Message // shell requests sent to p and not answered yet
	running  string             // msg_id of the shell request p is busy with
	crashes  int                // deaths since the last successful execute
	queue    []*jupyter.Message // sent while restarting
	waiters  map[string]chan *jupyter.Message
	armed    string // msg_id of the running request an interrupt is timing
	restarts int    // every restart, for tests and the server's status
}

// proc is one kernel process.
type proc struct {
	cmd     *exec.Cmd
	tr      *jupyter.Stdio
	done    chan struct{} // closed when the process has exited
	read    chan struct{} // closed when its stdout is read to the end
	err     error         // from Wait
	tail    *tail
	planned bool // stopped on purpose (restart, escalation, shutdown); guarded by Kernel.mu
}

// Start starts a kernel process and returns when it answers
// kernel_info_request.
func Start(ctx context.Context, opts Options) (*Kernel, error) {
	if opts.Argv == nil {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("start kernel: %w", err)
		}
		opts.Argv = []string{exe, "kernel", "--stdio"}
	}
	if opts.MaxRestarts == 0 {
		opts.MaxRestarts = DefaultMaxRestarts
	}
	if opts.InterruptGrace <= 0 {
		opts.InterruptGrace = DefaultInterruptGrace
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	k := &Kernel{opts: opts, session: jupyter.NewID(), log: opts.Log.WithGroup("kernel"), state: Starting,
		subs: map[int]chan *jupyter.Message{}, waiters: map[string]chan *jupyter.Message{}}
	if err := k.launch(ctx); err != nil {
		k.mu.Lock()
		k.state = Stopped
		k.mu.Unlock()
		return nil, err
	}
	return k, nil
}

// Session returns the session id of the messages the supervisor itself
// sends (kernel_info at start, interrupts, synthesized replies).
func (k *Kernel) Session() string { return k.session }

// State returns the kernel's current state.
func (k *Kernel) State() State {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.state
}

// Restarts returns how many times the kernel process was replaced.
func (k *Kernel) Restarts() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.restarts
}

// Subscribe returns a channel of every message the kernel sends from now
// on, and a function that ends the subscription (and closes the channel).
func (k *Kernel) Subscribe() (<-chan *jupyter.Message, func()) {
	k.mu.Lock()
	defer k.mu.Unlock()
	ch := make(chan *jupyter.Message, SubscriberBuffer)
	id := k.nextSub
	k.nextSub++
	if k.state == Stopped {
		close(ch)
		return ch, func() {}
	}
	k.subs[id] = ch
	return ch, func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		if c, ok := k.subs[id]; ok {
			delete(k.subs, id)
			close(c)
		}
	}
}

// Send relays a client's request to the kernel. While the kernel restarts
// requests are queued and sent to the new process.
func (k *Kernel) Send(m *jupyter.Message) error {
	if m.Channel != jupyter.Shell && m.Channel != jupyter.Control && m.Channel != jupyter.Stdin {
		return fmt.Errorf("send %s: channel %q: want shell, control or stdin", m.Header.MsgType, m.Channel)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	switch k.state {
	case Dead:
		return ErrDead
	case Stopped:
		return ErrStopped
	case Restarting, Starting:
		k.queue = append(k.queue, m)
		return nil
	}
	return k.sendLocked(m)
}

func (k *Kernel) sendLocked(m *jupyter.Message) error {
	if m.Channel == jupyter.Shell && jupyter.ReplyType(m.Header.MsgType) != "" {
		k.inflight = append(k.inflight, m)
	}
	if err := k.p.tr.Send(m); err != nil {
		if m.Channel == jupyter.Shell && jupyter.ReplyType(m.Header.MsgType) != "" {
			// The process is going away: the request is in flight, and
			// its end answers it (KernelDied).
			k.log.Info("send to exiting kernel", "msg_type", m.Header.MsgType, "err", err)
			return nil
		}
		return fmt.Errorf("send %s to kernel: %w", m.Header.MsgType, err)
	}
	if m.Channel == jupyter.Control && m.Header.MsgType == "interrupt_request" {
		// A client's own interrupt escalates like Interrupt.
		k.armLocked()
	}
	return nil
}

// publishLocked fans m out to every subscriber, dropping one that is
// SubscriberBuffer messages behind.
func (k *Kernel) publishLocked(m *jupyter.Message) {
	for id, ch := range k.subs {
		select {
		case ch <- m:
		default:
			k.log.Warn("drop subscriber", "why", "too far behind", "buffer", SubscriberBuffer)
			delete(k.subs, id)
			close(ch)
		}
	}
}

// synth builds a message the supervisor originates.
func (k *Kernel) synth(ch jupyter.Channel, msgType string, parent *jupyter.Message, content any) *jupyter.Message {
	m, err := jupyter.NewMessage(ch, msgType, parent, k.session, content)
	if err != nil {
		panic(err) // contents here are plain structs: cannot fail
	}
	m.Header.Username = "tandem"
	return m
}

func (k *Kernel) statusLocked(state string) {
	k.publishLocked(k.synth(jupyter.IOPub, "status", nil, jupyter.Status{ExecutionState: state}))
}

// launch starts a process and waits for it to be ready; it is the process
// of the kernel from the moment it is spawned.
func (k *Kernel) launch(ctx context.Context) error {
	p, err := k.spawn()
	if err != nil {
		k.mu.Lock()
		if k.state == Restarting {
			// Nothing to retry with: the binary is gone or unusable.
			k.state = Dead
			k.failQueuedLocked()
			k.failInflightLocked("KernelDied", "The kernel could not be restarted ("+err.Error()+"). Restart it to try again.")
			k.statusLocked("dead")
		}
		k.mu.Unlock()
		return err
	}
	k.mu.Lock()
	stopped := k.state == Stopped
	if stopped {
		p.planned = true // Shutdown came first: this process must not live
	} else {
		k.p = p
	}
	k.mu.Unlock()
	go k.wait(p)
	if stopped {
		k.kill(p)
		return ErrStopped
	}
	if err := k.ready(ctx, p); err != nil {
		k.kill(p)
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.state == Stopped {
		// Shutdown ran while this process started; it may have stopped
		// the one before.
		p.planned = true
		k.kill(p)
		return ErrStopped
	}
	if k.p == p && (k.state == Starting || k.state == Restarting) {
		k.state = Idle
		q := k.queue
		k.queue = nil
		for _, m := range q {
			if err := k.sendLocked(m); err != nil {
				k.log.Info("send queued request", "err", err)
			}
		}
	}
	return nil
}

func (k *Kernel) spawn() (*proc, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start kernel: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("start kernel: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("start kernel: %w", err)
	}
	cmd := exec.Command(k.opts.Argv[0], k.opts.Argv[1:]...)
	cmd.Env = k.opts.Env
	cmd.Dir = k.opts.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	cmd.SysProcAttr = sysProcAttr()
	err = cmd.Start()
	inR.Close()
	outW.Close()
	errW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("start kernel %s: %w", k.opts.Argv[0], err)
	}
	p := &proc{cmd: cmd, tr: jupyter.NewStdio(outR, inW, nil, k.log), done: make(chan struct{}), read: make(chan struct{}),
		tail: &tail{}}
	go p.tail.read(errR, k.log)
	go k.read(p)
	return p, nil
}

// read relays what the kernel sends until its stdout closes.
func (k *Kernel) read(p *proc) {
	defer close(p.read)
	for {
		m, err := p.tr.Recv()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				k.log.Warn("kernel link", "err", err)
				k.kill(p)
			}
			return
		}
		k.onMessage(p, m)
	}
}

// wait reaps the process and handles its end.
func (k *Kernel) wait(p *proc) {
	p.err = p.cmd.Wait()
	p.tail.wait(200 * time.Millisecond)
	select {
	case <-p.read:
	case <-time.After(200 * time.Millisecond): // a grandchild holds the pipe
	}
	p.tr.Close()
	close(p.done)
	k.onExit(p)
}

func (k *Kernel) kill(p *proc) {
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		_ = p.cmd.Process.Kill()
	}
}

// ready sends kernel_info_request and waits for the reply.
func (k *Kernel) ready(ctx context.Context, p *proc) error {
	ctx, cancel := context.WithTimeout(ctx, k.opts.StartTimeout)
	defer cancel()
	req := k.synth(jupyter.Shell, "kernel_info_request", nil, nil)
	ch := make(chan *jupyter.Message, 1)
	k.mu.Lock()
	k.waiters[req.Header.MsgID] = ch
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		delete(k.waiters, req.Header.MsgID)
		k.mu.Unlock()
	}()
	if err := p.tr.Send(req); err != nil {
		select {
		case <-p.done:
			return fmt.Errorf("start kernel: it exited (%s)%s", exitString(p.err), p.tail.summary(": "))
		case <-time.After(time.Second):
		}
		return fmt.Errorf("start kernel: %w", err)
	}
	select {
	case <-ch:
		return nil
	case <-p.done:
		return fmt.Errorf("start kernel: it exited (%s)%s", exitString(p.err), p.tail.summary(": "))
	case <-ctx.Done():
		return fmt.Errorf("start kernel: no kernel_info_reply: %w", ctx.Err())
	}
}

func (k *Kernel) onMessage(p *proc, m *jupyter.Message) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.p != p {
		return // a process being replaced
	}
	parent := m.ParentID()
	if m.Channel != jupyter.IOPub {
		if ch, ok := k.waiters[parent]; ok {
			select {
			case ch <- m:
			default:
			}
			return
		}
		for i, r := range k.inflight {
			if r.Header.MsgID == parent {
				k.inflight = append(k.inflight[:i], k.inflight[i+1:]...)
				break
			}
		}
		if m.Header.MsgType == "execute_reply" && strings.Contains(string(m.Content), `"status":"ok"`) {
			k.crashes = 0
		}
	} else if m.Header.MsgType == "status" {
		var st jupyter.Status
		_ = m.DecodeContent(&st)
		switch st.ExecutionState {
		case "busy":
			if k.isInflight(parent) {
				k.running = parent
			}
		case "idle":
			if parent == k.running {
				k.running = ""
			}
		}
		if k.state == Idle || k.state == Busy {
			k.state = Idle
			if k.running != "" {
				k.state = Busy
			}
		}
	}
	k.publishLocked(m)
}

func (k *Kernel) isInflight(id string) bool {
	for _, r := range k.inflight {
		if r.Header.MsgID == id {
			return true
		}
	}
	return false
}

// failInflightLocked answers every request left in flight by a process
// that is gone: an error under the cell, an error reply, an idle status.
// With nothing in flight the message goes out as a stderr stream.
func (k *Kernel) failInflightLocked(ename, text string) {
	for _, r := range k.inflight {
		ec := jupyter.ErrorContent{Ename: ename, Evalue: text, Traceback: []string{text}}
		if r.Header.MsgType == "execute_request" {
			k.publishLocked(k.synth(jupyter.IOPub, "error", r, ec))
		}
		ec.Status = "error"
		reply := k.synth(r.Channel, jupyter.ReplyType(r.Header.MsgType), r, ec)
		if r.Header.MsgType == "execute_request" {
			reply = k.synth(r.Channel, "execute_reply", r, jupyter.ExecuteReply{Status: "error", Ename: ename, Evalue: text, Traceback: []string{text}})
		}
		k.publishLocked(reply)
		k.publishLocked(k.synth(jupyter.IOPub, "status", r, jupyter.Status{ExecutionState: "idle"}))
	}
	if len(k.inflight) == 0 {
		k.publishLocked(k.synth(jupyter.IOPub, "stream", nil, jupyter.Stream{Name: "stderr", Text: text + "\n"}))
	}
	k.inflight = nil
	k.running = ""
}

// failQueuedLocked moves the requests queued for a process that will not
// come to the in-flight list, so that failInflightLocked answers them.
func (k *Kernel) failQueuedLocked() {
	for _, m := range k.queue {
		if m.Channel == jupyter.Shell && jupyter.ReplyType(m.Header.MsgType) != "" {
			k.inflight = append(k.inflight, m)
		}
	}
	k.queue = nil
}

// onExit handles the end of a process.
func (k *Kernel) onExit(p *proc) {
	k.mu.Lock()
	if k.p != p || p.planned || k.state == Stopped || k.state == Starting {
		// Stopped on purpose, or the first start (Start reports it).
		k.mu.Unlock()
		return
	}
	k.crashes++
	why := exitString(p.err) + p.tail.summary(": ")
	if h := hint(why); h != "" {
		why += "; " + h
	}
	k.log.Warn("kernel died", "why", why, "in_a_row", k.crashes)
	if k.opts.MaxRestarts < 0 || k.crashes > k.opts.MaxRestarts {
		text := fmt.Sprintf("The kernel died (%s). It died %d times in a row, so it is not restarted again, and its state (variables, definitions, imports) is lost. Restart the kernel to go on.", why, k.crashes)
		k.failQueuedLocked()
		k.failInflightLocked("KernelDied", text)
		k.state = Dead
		k.statusLocked("dead")
		k.mu.Unlock()
		return
	}
	text := fmt.Sprintf("The kernel died (%s) and was restarted: its state (variables, definitions, imports) is lost. Run the cells again to rebuild it.", why)
	k.failInflightLocked("KernelDied", text)
	k.state = Restarting
	k.statusLocked("restarting")
	k.restarts++
	k.mu.Unlock()
	go func() {
		// A process that dies during start-up goes through onExit again.
		if err := k.launch(context.Background()); err != nil {
			k.log.Warn("restart kernel", "err", err)
		}
	}()
}

// Interrupt asks the kernel to stop the running cell (interrupt_request on
// control). If that cell is still running after Options.InterruptGrace, the
// kernel is restarted and the cell gets an error saying so. An
// interrupt_request a client sends through Send is timed the same way.
func (k *Kernel) Interrupt() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.state != Idle && k.state != Busy {
		return
	}
	if err := k.p.tr.Send(k.synth(jupyter.Control, "interrupt_request", nil, nil)); err != nil {
		k.log.Info("interrupt", "err", err)
	}
	k.armLocked()
}

// armLocked starts the grace period of an interrupt: if the cell running
// now still runs when it ends, the kernel is restarted. Further interrupts
// of the same cell do not push the deadline back.
func (k *Kernel) armLocked() {
	p, running := k.p, k.running
	if running == "" || k.armed == running {
		return
	}
	k.armed = running
	time.AfterFunc(k.opts.InterruptGrace, func() {
		k.mu.Lock()
		if k.p != p || k.running != running || k.state == Stopped {
			k.mu.Unlock()
			return
		}
		text := fmt.Sprintf("The cell did not stop within %s of the interrupt (it is stuck in compiled code), so the kernel was restarted: its state (variables, definitions, imports) is lost.", k.opts.InterruptGrace)
		k.log.Warn("interrupt escalated to restart")
		k.replaceLocked("KernelRestarted", text)
		k.mu.Unlock()
		k.kill(p)
		<-p.done
		if err := k.launch(context.Background()); err != nil {
			k.log.Warn("restart kernel", "err", err)
		}
	})
}

// replaceLocked marks the current process as stopped on purpose and tells
// subscribers the kernel restarts.
func (k *Kernel) replaceLocked(ename, text string) {
	k.p.planned = true
	if text != "" || len(k.inflight) > 0 {
		if text == "" {
			text = "The kernel was restarted: its state is lost."
		}
		k.failInflightLocked(ename, text)
	}
	k.state = Restarting
	k.statusLocked("restarting")
	k.restarts++
}

// Restart replaces the kernel process with a new one (all state is lost)
// and returns when the new one is ready. It also revives a dead kernel.
func (k *Kernel) Restart(ctx context.Context) error {
	k.mu.Lock()
	if k.state == Stopped {
		k.mu.Unlock()
		return ErrStopped
	}
	old := k.p
	k.replaceLocked("KernelRestarted", "")
	k.crashes = 0
	k.mu.Unlock()
	k.stop(old, 500*time.Millisecond)
	return k.launch(ctx)
}

// stop asks p to shut down and kills it if it has not exited after grace.
func (k *Kernel) stop(p *proc, grace time.Duration) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.tr.Send(k.synth(jupyter.Control, "shutdown_request", nil, jupyter.ShutdownRequest{}))
	select {
	case <-p.done:
	case <-time.After(grace):
		k.kill(p)
		<-p.done
	}
}

// Shutdown stops the kernel process and closes every subscriber channel.
func (k *Kernel) Shutdown(ctx context.Context) error {
	k.mu.Lock()
	if k.state == Stopped {
		k.mu.Unlock()
		return nil
	}
	p := k.p
	k.state = Stopped
	if p != nil {
		p.planned = true
	}
	k.mu.Unlock()
	if p != nil {
		grace := time.Second
		if d, ok := ctx.Deadline(); ok && time.Until(d) < grace {
			grace = max(0, time.Until(d))
		}
		k.stop(p, grace)
	}
	k.mu.Lock()
	for id, ch := range k.subs {
		delete(k.subs, id)
		close(ch)
	}
	k.mu.Unlock()
	return nil
}

// hint says in plain words what usually causes a crash report.
func hint(why string) string {
	switch {
	case strings.Contains(why, "stack overflow"), strings.Contains(why, "stack exceeds"):
		return "probably a recursion without end"
	case strings.Contains(why, "concurrent map"):
		return "a map was used from several goroutines without a lock (sync.Mutex)"
	case strings.Contains(why, "out of memory"):
		return "the cell used more memory than the kernel may"
	case strings.Contains(why, "panic:"):
		return "a goroutine the cell started panicked; recover() inside that goroutine prevents this"
	case strings.Contains(why, "signal killed"):
		return "it was killed from outside, maybe by the system for lack of memory"
	}
	return ""
}

func exitString(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "killed by signal " + ws.Signal().String()
		}
		return fmt.Sprintf("exit status %d", ee.ExitCode())
	}
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// tail keeps the lines of a kernel's stderr that say why it died, and logs
// every line.
type tail struct {
	mu   sync.Mutex
	key  []string // at most 3 lines, first ones first
	done chan struct{}
}

// crashPrefixes start the lines of a crash report that say what happened
// (Go's "fatal error:", "panic:", the stack limit, the memory watchdog).
var crashPrefixes = []string{"fatal error:", "panic:", "runtime: goroutine stack exceeds", "tandem kernel:", "runtime: out of memory"}

func (t *tail) read(r io.ReadCloser, log *slog.Logger) {
	t.mu.Lock()
	t.done = make(chan struct{})
	t.mu.Unlock()
	defer close(t.done)
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		log.Info("stderr", "line", line)
		for _, p := range crashPrefixes {
			if strings.HasPrefix(line, p) {
				t.mu.Lock()
				if len(t.key) < 3 && !slices.Contains(t.key, line) {
					t.key = append(t.key, line)
				}
				t.mu.Unlock()
				break
			}
		}
	}
}

// wait waits (at most d) until stderr has been read to its end.
func (t *tail) wait(d time.Duration) {
	t.mu.Lock()
	done := t.done
	t.mu.Unlock()
	if done == nil {
		return
	}
	select {
	case <-done:
	case <-time.After(d):
	}
}

// summary returns the lines that say why the kernel died, prefixed by sep;
// "" if there are none.
func (t *tail) summary(sep string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.key) == 0 {
		return ""
	}
	return sep + strings.Join(t.key, "; ")
}
