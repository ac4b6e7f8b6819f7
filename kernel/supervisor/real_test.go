package supervisor

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"tandem.dev/tandem/internal/testbin"
)

// tandemBinary is the tandem binary, built once per test process.
func tandemBinary(t *testing.T) string { return testbin.Tandem(t) }

// startReal starts `tandem kernel --stdio` with a 1 GB memory limit and
// checks that it evaluates 1+1.
func startReal(t *testing.T, opts Options) (*Kernel, *tab) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the tandem binary")
	}
	bin := tandemBinary(t)
	opts.Argv = []string{bin, "kernel", "--stdio", "--max-memory", "1G"}
	opts.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}
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
	c := newTab(t, k)
	r := c.wait(c.execute("1+1"), 30*time.Second)
	if r.data != "2" {
		t.Fatalf("1+1: %+v", r)
	}
	return k, c
}

// TestReal_Crash: each way a cell can take its process down kills only
// that kernel, the cell says so, and the next cell runs in a fresh kernel.
func TestReal_Crash(t *testing.T) {
	k, c := startReal(t, Options{})
	for _, test := range []struct{ name, code, why string }{
		{"os.Exit", "import \"os\"\nos.Exit(3)", ""},
		{"recursion", "func f(n int) int { return f(n+1) + 1 }\nf(0)", "stack"},
		{"goroutine panic", "go func() { panic(\"boom in a goroutine\") }()\ntime.Sleep(5 * time.Second)", "boom in a goroutine"},
		{"concurrent map write", "m := map[int]int{}\nfor i := 0; i < 4; i++ {\n\tgo func() {\n\t\tfor j := 0; ; j++ {\n\t\t\tm[j%100] = j\n\t\t}\n\t}()\n}\ntime.Sleep(10 * time.Second)", "concurrent map"},
		{"memory bomb", "var keep [][]byte\nfor {\n\tb := make([]byte, 64<<20)\n\tfor i := 0; i < len(b); i += 4096 {\n\t\tb[i] = 1\n\t}\n\tkeep = append(keep, b)\n}", "memory"},
	} {
		t.Run(test.name, func(t *testing.T) {
			c.t = t
			c.wait(c.execute("kept := 1"), 30*time.Second)
			before := k.Restarts()
			r := c.wait(c.execute(test.code), 60*time.Second)
			if r.reply.Status != "error" {
				t.Fatalf("reply: %+v", r)
			}
			if test.name == "os.Exit" && r.reply.Ename != "KernelDied" {
				// Under yaegi's default symbols os.Exit panics instead of
				// exiting: that is fine too, as long as the kernel and its
				// state live on.
				t.Logf("os.Exit did not exit: %s: %s", r.reply.Ename, r.reply.Evalue)
				if r := c.wait(c.execute("kept"), 30*time.Second); r.data != "1" {
					t.Errorf("state after os.Exit: %+v", r)
				}
			} else {
				if r.reply.Ename != "KernelDied" || !strings.Contains(r.reply.Evalue, test.why) {
					t.Errorf("reply: %s: %s: want KernelDied saying %q", r.reply.Ename, r.reply.Evalue, test.why)
				}
				if k.Restarts() != before+1 {
					t.Errorf("restarts: got: %d want: %d", k.Restarts(), before+1)
				}
			}
			r = c.wait(c.execute("2*21"), 30*time.Second)
			if r.data != "42" {
				t.Errorf("next cell: %+v", r)
			}
		})
	}
}

// TestReal_Interrupt: an interpreted for {} stops within 1 s and the
// session's variables survive.
func TestReal_Interrupt(t *testing.T) {
	k, c := startReal(t, Options{})
	// An interrupt while idle must not hit the next cell.
	k.Interrupt()
	time.Sleep(50 * time.Millisecond)
	if r := c.wait(c.execute("x := 40"), 30*time.Second); r.reply.Status != "ok" {
		t.Fatalf("cell after an idle interrupt: %+v", r)
	}
	req := c.execute("for {}")
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	k.Interrupt()
	r := c.wait(req, 10*time.Second)
	if took := time.Since(start); took > time.Second {
		t.Errorf("interrupt took %s, want < 1s", took)
	}
	if r.reply.Status != "error" || k.Restarts() != 0 {
		t.Errorf("reply: %+v, restarts %d", r, k.Restarts())
	}
	if r := c.wait(c.execute("x + 2"), 10*time.Second); r.data != "42" {
		t.Errorf("after interrupt: %+v", r)
	}
}

// TestReal_InterruptEscalation: a cell stuck in compiled code
// (sync.WaitGroup.Wait) is not stopped by the interrupt; after the grace
// period the kernel restarts and the cell says that state was lost.
func TestReal_InterruptEscalation(t *testing.T) {
	k, c := startReal(t, Options{InterruptGrace: time.Second})
	c.wait(c.execute("x := 40"), 30*time.Second)
	// sync.WaitGroup.Wait is compiled code the interpreter cannot stop.
	req := c.execute("import \"sync\"\nvar wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()")
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	k.Interrupt()
	r := c.wait(req, 10*time.Second)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("escalation took %s", took)
	}
	if r.reply.Ename != "KernelRestarted" || !strings.Contains(r.reply.Evalue, "state") {
		t.Errorf("reply: %+v", r)
	}
	if r := c.wait(c.execute("1+1"), 30*time.Second); r.data != "2" || k.Restarts() != 1 {
		t.Errorf("after escalation: %+v, restarts %d", r, k.Restarts())
	}
}
