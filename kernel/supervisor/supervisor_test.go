package supervisor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tandem.dev/tandem/kernel/host"
	"tandem.dev/tandem/kernel/jupyter"
)

// The test binary doubles as a fake kernel process: with TANDEM_FAKE_KERNEL
// set it runs host.Run (the real process set-up: limits, fd capture, stdio
// link) around fakeBackend, whose "cells" are commands that crash the
// process in each way a real cell can.
func TestMain(m *testing.M) {
	if os.Getenv("TANDEM_FAKE_KERNEL") != "" {
		if f := os.Getenv("TANDEM_FAKE_DIE_IF"); f != "" {
			if _, err := os.Stat(f); err == nil {
				fmt.Fprintln(os.Stderr, "fatal error: fake kernel told to die at start")
				os.Exit(2)
			}
		}
		err := host.Run(context.Background(), host.Config{Limits: host.Limits{MaxMemory: 512 << 20, MaxStack: 64 << 20}},
			func() (jupyter.Backend, error) { return &fakeBackend{}, nil })
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake kernel:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type fakeBackend struct {
	count int
	stop  atomic.Bool
	sink  []byte
}

func recurse(n int) int { return recurse(n+1) + 1 }

func (f *fakeBackend) Execute(ctx context.Context, code string, out jupyter.Output) jupyter.ExecResult {
	f.stop.Store(false)
	f.count++
	cmd, arg, _ := strings.Cut(code, " ")
	switch cmd {
	case "print": // through fd 1, as compiled code writes
		fmt.Println(arg)
	case "exit":
		os.Exit(7)
	case "recurse":
		recurse(0)
	case "gopanic":
		go func() { panic("boom in a goroutine") }()
		time.Sleep(5 * time.Second)
	case "mapwrite":
		m := map[int]int{}
		for i := range 4 {
			go func() {
				for j := 0; ; j++ {
					m[j%1000+i] = j
				}
			}()
		}
		time.Sleep(10 * time.Second)
	case "membomb":
		var keep [][]byte
		for {
			b := make([]byte, 16<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			keep = append(keep, b)
		}
	case "spin": // an interpreted for {}: stops at the interrupt
		for !f.stop.Load() {
		}
		return jupyter.ExecResult{Count: f.count, Err: &jupyter.ExecError{Name: "Interrupted", Value: "interrupted"}}
	case "sleep": // stuck in compiled code: ignores the interrupt
		time.Sleep(time.Hour)
	case "spam": // many messages at once
		n, _ := strconv.Atoi(arg)
		for i := range n {
			out.Stream("stdout", strconv.Itoa(i)+"\n")
		}
	case "env":
		out.Stream("stdout", os.Getenv(arg))
	case "count":
	default:
		return jupyter.ExecResult{Count: f.count, Err: &jupyter.ExecError{Name: "CompileError", Value: "unknown command " + cmd}}
	}
	return jupyter.ExecResult{Count: f.count, Data: map[string]any{"text/plain": strconv.Itoa(f.count)}}
}

func (f *fakeBackend) Interrupt()                                  { f.stop.Store(true) }
func (f *fakeBackend) Complete(string, int) jupyter.Completion     { return jupyter.Completion{} }
func (f *fakeBackend) Inspect(string, int, int) jupyter.Inspection { return jupyter.Inspection{} }
func (f *fakeBackend) IsComplete(string) (string, string)          { return "complete", "" }

func startFake(t *testing.T, opts Options, env ...string) *Kernel {
	t.Helper()
	opts.Argv = []string{os.Args[0], "-test.run=^$"}
	opts.Env = append([]string{"TANDEM_FAKE_KERNEL=1"}, env...)
	if opts.Log == nil && !testing.Verbose() {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	k, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Shutdown(context.Background()) })
	return k
}

// tab is one subscriber, like a browser tab.
type tab struct {
	t    *testing.T
	k    *Kernel
	msgs <-chan *jupyter.Message
	sess string
}

func newTab(t *testing.T, k *Kernel) *tab {
	ch, cancel := k.Subscribe()
	t.Cleanup(cancel)
	return &tab{t: t, k: k, msgs: ch, sess: jupyter.NewID()}
}

func (c *tab) execute(code string) *jupyter.Message {
	c.t.Helper()
	m, _ := jupyter.NewMessage(jupyter.Shell, "execute_request", nil, c.sess, jupyter.ExecuteRequest{Code: code})
	if err := c.k.Send(m); err != nil {
		c.t.Fatal(err)
	}
	return m
}

// result is what a request produced.
type result struct {
	reply   jupyter.ExecuteReply
	errors  []jupyter.ErrorContent
	streams string
	data    string
	states  []string // status messages without a parent (restarting, dead, starting)
}

// wait collects the messages of req until its reply and idle status.
func (c *tab) wait(req *jupyter.Message, timeout time.Duration) result {
	c.t.Helper()
	var r result
	deadline := time.After(timeout)
	gotReply, idle := false, false
	for !gotReply || !idle {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				c.t.Fatal("subscription closed")
			}
			if m.ParentHeader == nil && m.Header.MsgType == "status" {
				var st jupyter.Status
				m.DecodeContent(&st)
				r.states = append(r.states, st.ExecutionState)
			}
			if m.ParentID() != req.Header.MsgID {
				continue
			}
			switch m.Header.MsgType {
			case "execute_reply":
				gotReply = true
				m.DecodeContent(&r.reply)
			case "error":
				var e jupyter.ErrorContent
				m.DecodeContent(&e)
				r.errors = append(r.errors, e)
			case "stream":
				var s jupyter.Stream
				m.DecodeContent(&s)
				r.streams += s.Text
			case "execute_result":
				var e jupyter.ExecuteResult
				m.DecodeContent(&e)
				r.data, _ = e.Data["text/plain"].(string)
			case "status":
				if strings.Contains(string(m.Content), `"idle"`) {
					idle = true
				}
			}
		case <-deadline:
			c.t.Fatalf("no reply and idle to %q within %s (kernel %s)", req.Content, timeout, c.k.State())
		}
	}
	return r
}

func TestKernel_Execute(t *testing.T) {
	k := startFake(t, Options{})
	a, b := newTab(t, k), newTab(t, k)
	req := a.execute("print hello from fd 1")
	for _, tb := range []*tab{a, b} {
		r := tb.wait(req, 10*time.Second)
		if r.reply.Status != "ok" || r.streams != "hello from fd 1\n" || r.data != "1" {
			t.Errorf("got: %+v", r)
		}
	}
	if s := k.State(); s != Idle {
		t.Errorf("state: got: %s want: idle", s)
	}
}

func TestKernel_Crash(t *testing.T) {
	k := startFake(t, Options{})
	c := newTab(t, k)
	for i, test := range []struct{ code, why string }{
		{"exit", "exit status 7"},
		{"recurse", "stack"},
		{"gopanic", "panic: boom in a goroutine"},
		{"mapwrite", "concurrent map"},
		{"membomb", "out of memory"},
	} {
		t.Run(test.code, func(t *testing.T) {
			c.t = t
			c.wait(c.execute("count"), 10*time.Second) // state to lose
			start := time.Now()
			r := c.wait(c.execute(test.code), 30*time.Second)
			took := time.Since(start)
			if r.reply.Status != "error" || r.reply.Ename != "KernelDied" || len(r.errors) != 1 {
				t.Fatalf("reply: %+v", r)
			}
			if !strings.Contains(r.errors[0].Evalue, test.why) || !strings.Contains(r.errors[0].Evalue, "restarted") {
				t.Errorf("message %q: want it to say %q and that the kernel restarted", r.errors[0].Evalue, test.why)
			}
			if test.code == "exit" && took > time.Second {
				t.Errorf("death of an exiting kernel reported after %s, want < 1s", took)
			}
			// It comes back, fresh.
			r = c.wait(c.execute("count"), 30*time.Second)
			if r.reply.Status != "ok" || r.data != "1" {
				t.Errorf("after restart: %+v, want a fresh kernel (count 1)", r)
			}
			if got := k.Restarts(); got != i+1 {
				t.Errorf("restarts: got: %d want: %d", got, i+1)
			}
		})
	}
}

func TestKernel_RestartCap(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "die")
	k := startFake(t, Options{}, "TANDEM_FAKE_DIE_IF="+marker)
	c := newTab(t, k)
	os.WriteFile(marker, nil, 0o600)
	r := c.wait(c.execute("exit"), 10*time.Second)
	if r.reply.Ename != "KernelDied" {
		t.Fatalf("reply: %+v", r)
	}
	// A request sent while the kernel keeps dying is answered when it is
	// given up, not left hanging.
	states := r.states
	if s := k.State(); s == Restarting {
		queued := c.execute("count")
		r := c.wait(queued, 30*time.Second)
		if r.reply.Ename != "KernelDied" {
			t.Errorf("queued request: %+v", r)
		}
		states = append(states, r.states...)
	}
	deadline := time.Now().Add(30 * time.Second)
	for k.State() != Dead && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if s := k.State(); s != Dead {
		t.Fatalf("state: got: %s want: dead", s)
	}
	if got := k.Restarts(); got != DefaultMaxRestarts {
		t.Errorf("restarts: got: %d want: %d", got, DefaultMaxRestarts)
	}
	if err := c.k.Send(c.execute0("count")); err != ErrDead {
		t.Errorf("Send to a dead kernel: got: %v want: %v", err, ErrDead)
	}
	// The subscriber saw it restart and die.
	for len(c.msgs) > 0 {
		m := <-c.msgs
		if m.Header.MsgType == "status" && m.ParentHeader == nil {
			var st jupyter.Status
			m.DecodeContent(&st)
			states = append(states, st.ExecutionState)
		}
	}
	if n := strings.Count(strings.Join(states, " "), "restarting"); n < DefaultMaxRestarts-1 || states[len(states)-1] != "dead" {
		t.Errorf("statuses: %v: want restarting ×%d then dead", states, DefaultMaxRestarts)
	}
	// A manual restart revives it.
	os.Remove(marker)
	if err := k.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := c.wait(c.execute("count"), 10*time.Second); r.reply.Status != "ok" {
		t.Errorf("after manual restart: %+v", r)
	}
}

func (c *tab) execute0(code string) *jupyter.Message {
	m, _ := jupyter.NewMessage(jupyter.Shell, "execute_request", nil, c.sess, jupyter.ExecuteRequest{Code: code})
	return m
}

func TestKernel_Interrupt(t *testing.T) {
	k := startFake(t, Options{InterruptGrace: 2 * time.Second})
	c := newTab(t, k)
	c.wait(c.execute("count"), 10*time.Second)
	req := c.execute("spin")
	time.Sleep(100 * time.Millisecond)
	if s := k.State(); s != Busy {
		t.Errorf("state while spinning: got: %s want: busy", s)
	}
	start := time.Now()
	k.Interrupt()
	r := c.wait(req, 5*time.Second)
	if took := time.Since(start); took > time.Second {
		t.Errorf("interrupt took %s, want < 1s", took)
	}
	if r.reply.Ename != "Interrupted" {
		t.Errorf("reply: %+v", r)
	}
	// State kept: the count goes on.
	if r := c.wait(c.execute("count"), 5*time.Second); r.data != "3" || k.Restarts() != 0 {
		t.Errorf("after interrupt: %+v, restarts %d: want count 3 and no restart", r, k.Restarts())
	}
}

func TestKernel_InterruptEscalation(t *testing.T) {
	k := startFake(t, Options{InterruptGrace: 500 * time.Millisecond})
	c := newTab(t, k)
	c.wait(c.execute("count"), 10*time.Second)
	req := c.execute("sleep")
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	k.Interrupt()
	r := c.wait(req, 10*time.Second)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("escalation took %s", took)
	}
	if r.reply.Ename != "KernelRestarted" || len(r.errors) != 1 || !strings.Contains(r.errors[0].Evalue, "state") {
		t.Fatalf("reply: %+v", r)
	}
	if r := c.wait(c.execute("count"), 10*time.Second); r.data != "1" || k.Restarts() != 1 {
		t.Errorf("after escalation: %+v, restarts %d: want a fresh kernel", r, k.Restarts())
	}
}

func TestKernel_Shutdown(t *testing.T) {
	k := startFake(t, Options{})
	ch, _ := k.Subscribe()
	if err := k.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range ch {
	}
	if s := k.State(); s != Stopped {
		t.Errorf("state: %s", s)
	}
	m, _ := jupyter.NewMessage(jupyter.Shell, "kernel_info_request", nil, "x", nil)
	if err := k.Send(m); err != ErrStopped {
		t.Errorf("Send after Shutdown: got: %v want: %v", err, ErrStopped)
	}
	_ = json.Valid
}

// A client's own interrupt_request (sent through Send on control) is timed
// like Interrupt: the stuck cell escalates to a restart.
func TestKernel_ClientInterruptEscalates(t *testing.T) {
	k := startFake(t, Options{InterruptGrace: 300 * time.Millisecond})
	c := newTab(t, k)
	req := c.execute("sleep")
	time.Sleep(100 * time.Millisecond)
	m, _ := jupyter.NewMessage(jupyter.Control, "interrupt_request", nil, c.sess, nil)
	if err := k.Send(m); err != nil {
		t.Fatal(err)
	}
	r := c.wait(req, 10*time.Second)
	if r.reply.Ename != "KernelRestarted" {
		t.Fatalf("reply: %+v", r)
	}
}

// BenchmarkKernel_RoundTrip measures the notebook server's path: an
// execute_request through the supervisor and the stdio link to a kernel
// process (the fake backend answers at once) until its idle status.
func BenchmarkKernel_RoundTrip(b *testing.B) {
	t := &testing.T{}
	k := startFake(t, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer k.Shutdown(context.Background())
	ch, cancel := k.Subscribe()
	defer cancel()
	for b.Loop() {
		m, _ := jupyter.NewMessage(jupyter.Shell, "execute_request", nil, "bench", jupyter.ExecuteRequest{Code: "count"})
		if err := k.Send(m); err != nil {
			b.Fatal(err)
		}
		for r := range ch {
			if r.ParentID() == m.Header.MsgID && r.Header.MsgType == "status" && strings.Contains(string(r.Content), "idle") {
				break
			}
		}
	}
}

// The kernel gets exactly the environment it is given: the server keeps its
// token out of it that way.
func TestKernel_Env(t *testing.T) {
	t.Setenv("TANDEM_TEST_SECRET", "s3cret")
	k := startFake(t, Options{}, "VISIBLE=yes")
	c := newTab(t, k)
	if r := c.wait(c.execute("env VISIBLE"), 10*time.Second); r.streams != "yes" {
		t.Errorf("VISIBLE: got %q", r.streams)
	}
	if r := c.wait(c.execute("env TANDEM_TEST_SECRET"), 10*time.Second); r.streams != "" {
		t.Errorf("the parent's TANDEM_TEST_SECRET leaked into the kernel: %q", r.streams)
	}
}

// A subscriber that stops reading is dropped (its channel closed); the
// others get every message.
func TestKernel_SlowSubscriber(t *testing.T) {
	k := startFake(t, Options{})
	slow, _ := k.Subscribe()
	c := newTab(t, k)
	r := c.wait(c.execute(fmt.Sprintf("spam %d", SubscriberBuffer+100)), 30*time.Second)
	if n := strings.Count(r.streams, "\n"); n != SubscriberBuffer+100 {
		t.Errorf("reading subscriber got %d stream lines, want %d", n, SubscriberBuffer+100)
	}
	n := 0
	for range slow {
		n++
	}
	if n != SubscriberBuffer {
		t.Errorf("slow subscriber got %d messages before being dropped, want %d", n, SubscriberBuffer)
	}
}

// Restart while a cell runs: the cell gets an error reply saying the state
// was lost, and the next cell runs in a fresh process.
func TestKernel_RestartWhileBusy(t *testing.T) {
	k := startFake(t, Options{})
	c := newTab(t, k)
	c.wait(c.execute("count"), 10*time.Second)
	req := c.execute("sleep")
	time.Sleep(100 * time.Millisecond)
	if err := k.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := c.wait(req, 10*time.Second)
	if r.reply.Ename != "KernelRestarted" || len(r.errors) != 1 {
		t.Errorf("running cell: %+v", r)
	}
	if r := c.wait(c.execute("count"), 10*time.Second); r.data != "1" || k.State() != Idle {
		t.Errorf("after restart: %+v, state %s", r, k.State())
	}
}
