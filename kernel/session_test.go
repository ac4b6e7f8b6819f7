package kernel

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"tandem.dev/tandem/stdlib"
)

func run(t *testing.T, s *Session, code string) Result {
	t.Helper()
	r := s.Execute(context.Background(), code, nil)
	if r.Err != nil {
		t.Fatalf("cell %q: %s", code, r.Err)
	}
	return r
}

func text(r Result) string {
	if r.Value == nil {
		return ""
	}
	s, _ := r.Value.Data["text/plain"].(string)
	return s
}

func TestSession_Interrupt(t *testing.T) {
	s := newTestSession(t)
	run(t, s, `
import "sync"
x := 42
hits := 0
mk := func() func() int { n := 0; return func() int { n++; return n } }
counter := mk()
once := sync.OnceFunc(func() { hits += x })
func add(a, b int) int { return a + b }`)
	for _, tc := range []struct{ name, code string }{
		{"Loop", "for {}"},
		{"LoopInFunc", "func spin() { for { } }\nspin()"},
		{"Recursion", "func deep(n int) int { if n < 0 { return 0 }; return deep(n+1) }\ndeep(0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			go func() {
				time.Sleep(100 * time.Millisecond)
				s.Interrupt()
			}()
			start := time.Now()
			r := s.Execute(context.Background(), tc.code, nil)
			if d := time.Since(start); d > time.Second {
				t.Errorf("interrupt took %v", d)
			}
			if r.Err == nil || r.Err.Kind != KindInterrupted {
				t.Fatalf("got %+v, want an Interrupted error", r.Err)
			}
			// state and callbacks survive
			if got := text(run(t, s, "add(x, counter())")); got != "43" && got != "44" && got != "45" {
				t.Errorf("after interrupt: add(x, counter()) = %q", got)
			}
			if got := text(run(t, s, "once()\nhits")); got != "42" {
				t.Errorf("compiled-held callback after interrupt: hits = %q, want 42", got)
			}
		})
	}
}

func TestSession_InterruptFallback(t *testing.T) {
	s, err := New(Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload, InterruptGrace: 100 * time.Millisecond, StuckGrace: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run(t, s, "ch := make(chan int)\ny := 7")
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.Interrupt()
	}()
	// a receive in interpreted code has no cooperative check: yaegi's
	// context cancellation stops it
	r := s.Execute(context.Background(), "<-ch", nil)
	if r.Err == nil || r.Err.Kind != KindInterrupted {
		t.Fatalf("got %+v, want Interrupted", r.Err)
	}
	if got := text(run(t, s, "y * 6")); got != "42" {
		t.Errorf("after fallback interrupt: %q", got)
	}
	// a sleeping cell wakes up on interrupt
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.Interrupt()
	}()
	start := time.Now()
	rec := &recorder{}
	r = s.Execute(context.Background(), "import \"time\"\ntime.Sleep(time.Hour)\nfmt.Println(\"not reached\")", rec)
	if rec.String() != "" {
		t.Errorf("the cell went on after the interrupt: %q", rec.String())
	}
	if r.Err == nil || r.Err.Kind != KindInterrupted || time.Since(start) > 80*time.Millisecond+DefaultInterruptGrace/2 {
		t.Fatalf("sleep: got %+v after %v, want Interrupted at once", r.Err, time.Since(start))
	}
	// a compiled call that never checks: reported as stuck
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.Interrupt()
	}()
	r = s.Execute(context.Background(), "import \"sync\"\nvar wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()", nil)
	if r.Err == nil || r.Err.Kind != KindStuck {
		t.Fatalf("got %+v, want Stuck", r.Err)
	}
	if r := s.Execute(context.Background(), "1", nil); r.Err == nil || r.Err.Kind != KindStuck {
		t.Fatalf("after stuck: got %+v, want Stuck", r.Err)
	}
}

func TestSession_InterruptContext(t *testing.T) {
	s := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r := s.Execute(ctx, "n := 0\nfor { n++ }", nil)
	if r.Err == nil || r.Err.Kind != KindInterrupted {
		t.Fatalf("got %+v, want Interrupted", r.Err)
	}
	if got := text(run(t, s, "n > 0")); got != "true" {
		t.Errorf("n > 0 = %q", got)
	}
}

// timedSink records when each Stream call arrives.
type timedSink struct {
	mu    sync.Mutex
	calls []time.Time
	text  strings.Builder
	names []string
}

func (ts *timedSink) Stream(name, text string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.calls = append(ts.calls, time.Now())
	ts.names = append(ts.names, name)
	ts.text.WriteString(text)
}
func (ts *timedSink) Display(Bundle, string, bool) {}

func TestSession_StreamsLive(t *testing.T) {
	s := newTestSession(t)
	ts := &timedSink{}
	start := time.Now()
	r := s.Execute(context.Background(), `
import "time"
fmt.Println("first")
time.Sleep(time.Second)
fmt.Println("second")`, ts)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	end := time.Now()
	if len(ts.calls) < 2 {
		t.Fatalf("got %d stream calls, want the first line delivered before the end", len(ts.calls))
	}
	// generous margins: the machine is shared (flushes come every 50 ms)
	if first := ts.calls[0].Sub(start); first > 600*time.Millisecond {
		t.Errorf("first output arrived after %v; want it while the cell runs", first)
	}
	if end.Sub(ts.calls[0]) < 400*time.Millisecond {
		t.Errorf("first output was not live")
	}
	if got := ts.text.String(); got != "first\nsecond\n" {
		t.Errorf("got %q", got)
	}
}

func TestSession_StreamsThrottled(t *testing.T) {
	s := newTestSession(t)
	ts := &timedSink{}
	start := time.Now()
	r := s.Execute(context.Background(), `
import "time"
for i := 0; i < 3000; i++ {
	fmt.Println("line", i)
	if i%100 == 0 { time.Sleep(time.Millisecond) }
}`, ts)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	d := time.Since(start)
	max := int(d/flushEvery) + 2
	if len(ts.calls) > max {
		t.Errorf("%d flushes in %v; want at most %d (20 per second)", len(ts.calls), d, max)
	}
	if n := strings.Count(ts.text.String(), "\n"); n != 3000 {
		t.Errorf("got %d lines, want 3000", n)
	}
}

func TestSession_StreamsOrderAndKinds(t *testing.T) {
	s := newTestSession(t)
	ts := &timedSink{}
	r := s.Execute(context.Background(), `
import (
	"log"
	"os"
	"time"
)
log.SetFlags(0)
fmt.Print("a")
os.Stdout.WriteString("b")
println("c")
time.Sleep(60 * time.Millisecond)
os.Stderr.WriteString("err1\n")
time.Sleep(60 * time.Millisecond)
log.Println("err2")`, ts)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	got := ""
	for i := range ts.names {
		got += ts.names[i] + " "
	}
	if ts.text.String() != "abc\nerr1\nerr2\n" {
		t.Errorf("text %q", ts.text.String())
	}
	if got != "stdout stderr " && got != "stdout stderr stderr " {
		t.Errorf("stream names %q", got)
	}
}

func TestSession_StreamsTruncated(t *testing.T) {
	s := newTestSession(t)
	ts := &timedSink{}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	// 100 MB in 1 MB prints
	r := s.Execute(context.Background(), `
import "strings"
line := strings.Repeat("x", 1<<20)
for i := 0; i < 100; i++ {
	fmt.Print(line)
}`, ts)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	out := ts.text.String()
	if len(out) > DefaultMaxOutput+200 {
		t.Errorf("delivered %d bytes, bound is %d", len(out), DefaultMaxOutput)
	}
	if !strings.Contains(out, "[output truncated: the cell wrote more than 1.0 MiB; 99.0 MiB were dropped]") {
		t.Errorf("no truncation notice at the end: %q", out[max(0, len(out)-200):])
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grow := int64(after.HeapAlloc) - int64(before.HeapAlloc); grow > 32<<20 {
		t.Errorf("heap grew by %d MB", grow>>20)
	}
	// the bound is per cell
	ts2 := &timedSink{}
	s.Execute(context.Background(), `fmt.Println("next")`, ts2)
	if ts2.text.String() != "next\n" {
		t.Errorf("next cell: %q", ts2.text.String())
	}
}

func TestSession_ErrorsNeverShowHostFiles(t *testing.T) {
	s := newTestSession(t)
	for _, code := range []string{
		"x := 1 +",
		"undefinedName",
		"func f() { var a []int; _ = a[3] }\nf()",
		"var p *struct{ A int }\np.A = 1",
		"import \"nope/nope\"",
		"type T struct{}\nT{}.Missing()",
		"x, ok := <-make(chan int)",
	} {
		r := s.Execute(context.Background(), code, nil)
		if r.Err == nil {
			t.Errorf("%q: no error", code)
			continue
		}
		msg := r.Err.String()
		for _, bad := range []string{"_.go", ".go:", "goroutine ", "yaegi/interp"} {
			if strings.Contains(msg, bad) {
				t.Errorf("%q: error mentions %q: %s", code, bad, msg)
			}
		}
		if r.Err.Cell != r.Count || r.Err.Line < 1 {
			t.Errorf("%q: error not in cell coordinates: %+v", code, r.Err)
		}
	}
}

func TestSession_Complete(t *testing.T) {
	s := newTestSession(t)
	run(t, s, `
import "strconv"
type Point struct{ X, Y int; label string }
func (p Point) Norm() int { return p.X*p.X + p.Y*p.Y }
func helper() {}
pt := Point{X: 1, Y: 2}
counter := 3
sb := &strings.Builder{}`)
	for _, tc := range []struct {
		code string
		want []string
		not  []string
	}{
		{"cou", []string{"counter"}, nil},
		{"hel", []string{"helper"}, nil},
		{"Poi", []string{"Point"}, nil},
		{"strconv.Ato", []string{"Atoi"}, nil},
		{"fmt.Sprin", []string{"Sprint", "Sprintf", "Sprintln"}, nil},
		{"pt.", []string{"X", "Y", "Norm", "label"}, []string{"Xlabel"}},
		{"sb.Wri", []string{"WriteString", "WriteByte"}, nil},
		{"__t", nil, []string{"__tl", "__tv"}},
		{"x := pri", []string{"println", "print"}, nil},
	} {
		c := s.Complete(tc.code, len(tc.code))
		for _, w := range tc.want {
			if !contains(c.Matches, w) {
				t.Errorf("Complete(%q) = %v, missing %s", tc.code, c.Matches, w)
			}
		}
		for _, w := range tc.not {
			if contains(c.Matches, w) {
				t.Errorf("Complete(%q) offers %s", tc.code, w)
			}
		}
		if c.CursorEnd != len(tc.code) || c.CursorStart > c.CursorEnd {
			t.Errorf("Complete(%q) cursor %d..%d", tc.code, c.CursorStart, c.CursorEnd)
		}
	}
}

func TestSession_Inspect(t *testing.T) {
	s := newTestSession(t)
	run(t, s, `
// Area returns the area of a w×h rectangle.
func Area(w, h float64) float64 { return w * h }
size := 12
sb := &strings.Builder{}`)
	for _, tc := range []struct {
		code string
		pos  int
		want []string
	}{
		{"Area(1, 2)", 2, []string{"func Area(w, h float64) float64", "Area returns the area"}},
		{"size", 4, []string{"var size int", "12"}},
		{"strings.ToUpper", 10, []string{"func ToUpper(s string) string", "ToUpper returns s with all Unicode letters mapped to their upper case."}},
		{"sb.WriteString", 5, []string{"func (b *Builder) WriteString(s string) (int, error)"}},
		{"fmt", 1, []string{"package fmt"}},
		{"append(x, 1)", 3, []string{"func append(slice []Type, elems ...Type) []Type", "The append built-in function appends"}},
	} {
		in := s.Inspect(tc.code, tc.pos)
		if !in.Found {
			t.Errorf("Inspect(%q): not found", tc.code)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(in.Text, w) {
				t.Errorf("Inspect(%q) = %q, want %q in it", tc.code, in.Text, w)
			}
		}
	}
	if in := s.Inspect("nothingHere", 3); in.Found {
		t.Errorf("unknown name found: %q", in.Text)
	}
}

func TestSession_IsComplete(t *testing.T) {
	s := newTestSession(t)
	for _, tc := range []struct{ code, status string }{
		{"x := 1", "complete"},
		{"for i := 0; i < 3; i++ {", "incomplete"},
		{"fmt.Println(1,", "incomplete"},
		{"s := `abc", "incomplete"},
		{"x := )", "invalid"},
		{"", "complete"},
	} {
		if st, _ := s.IsComplete(tc.code); st != tc.status {
			t.Errorf("IsComplete(%q) = %s, want %s", tc.code, st, tc.status)
		}
	}
	if _, ind := s.IsComplete("func f() {"); ind != "\t" {
		t.Errorf("indent %q", ind)
	}
}

func TestSession_PanicRecovered(t *testing.T) {
	s := newTestSession(t)
	// forms that crash yaegi's compiler must come back as errors
	for _, code := range []string{
		"v, ok := <-make(chan int)",
		"__tv := __trender",
	} {
		r := s.Execute(context.Background(), code, nil)
		if r.Err == nil {
			t.Errorf("%q: no error", code)
		}
	}
	if got := text(run(t, s, "1 + 1")); got != "2" {
		t.Errorf("session broken after crashes: %q", got)
	}
}

func TestSession_Recycle(t *testing.T) {
	s, err := New(Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload, CodeBudget: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run(t, s, `
import "strings"
type Pair struct{ A, B int }
func (p Pair) Sum() int { return p.A + p.B }
func double(n int) int { return 2 * n }
nums := []int{1, 2, 3}
label := strings.ToUpper("ok")
pair := Pair{1, 2}
pairs := []*Pair{&pair}
byName := map[string]Pair{"a": pair}
inc := func(n int) int { return n + 1 }`)
	rec := &recorder{}
	for i := 0; i < 40; i++ {
		r := s.Execute(context.Background(), "k := 1\nk++", rec)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	if s.rebuilds == 0 {
		t.Fatal("the interpreter was never recycled")
	}
	if got := text(run(t, s, "fmt.Sprint(double(len(nums)), label, inc(1), Pair{2, 3}.Sum())")); got != `"6OK2 5"` {
		t.Errorf("after recycling: %s", got)
	}
	// values of cell types survive a recycle (the types did not change)
	if got := text(run(t, s, "pair.Sum() + pairs[0].Sum() + byName[\"a\"].B")); got != "8" {
		t.Errorf("pair.Sum() after recycling = %q", got)
	}
	if strings.Contains(rec.String(), "lost") {
		t.Errorf("values were lost: %q", rec.String())
	}
}

func TestSession_CompleteWhileRunning(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "alpha := 1")
	done := make(chan Result)
	go func() { done <- s.Execute(context.Background(), "for {}", nil) }()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	c := s.Complete("alp", 3)
	in := s.Inspect("alpha", 1)
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("completion waited %v for the running cell", d)
	}
	if !contains(c.Matches, "alpha") || !in.Found {
		t.Errorf("while running: complete %v, inspect %+v", c.Matches, in)
	}
	s.Interrupt()
	if r := <-done; r.Err == nil || r.Err.Kind != KindInterrupted {
		t.Fatalf("got %+v", r.Err)
	}
}

func TestSession_SurvivesCompileErrors(t *testing.T) {
	s := newTestSession(t)
	run(t, s, "a := 40")
	for _, bad := range []string{"y := 1\nz := undefinedX", "a, b := 1", "type T struct { A UnknownT }", "func f() int { return q }", "x := ("} {
		if r := s.Execute(context.Background(), bad, nil); r.Err == nil || r.Err.Kind != KindCompile {
			t.Errorf("%q: got %+v, want a compile error", bad, r.Err)
		}
		if got := text(run(t, s, "a + 2")); got != "42" {
			t.Fatalf("after %q: a + 2 = %q", bad, got)
		}
	}
}

func TestSession_ValueTruncated(t *testing.T) {
	s, err := New(Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload, MaxOutput: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := text(run(t, s, "make([]int, 100000)"))
	if len(got) > 1100 || !strings.HasSuffix(got, "more]") {
		t.Errorf("value of %d bytes: ...%s", len(got), got[max(0, len(got)-60):])
	}
}

// TestSession_TruncationNoticeLive: the truncation notice reaches the
// client when the bound is crossed, not only when the cell ends.
func TestSession_TruncationNoticeLive(t *testing.T) {
	s := newTestSession(t)
	rec := &recorder{}
	noticed := make(chan time.Time, 1)
	start := time.Now()
	go func() {
		for time.Since(start) < 5*time.Second {
			if strings.Contains(rec.String(), "the rest of its output is dropped") {
				noticed <- time.Now()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	r := s.Execute(context.Background(), "line := strings.Repeat(\"x\", 1<<20)\nfor i := 0; i < 3; i++ { fmt.Print(line) }\ntime.Sleep(time.Second)", rec)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	select {
	case at := <-noticed:
		if d := at.Sub(start); d > 700*time.Millisecond {
			t.Errorf("notice after %v, want while the cell runs", d)
		}
	default:
		t.Fatalf("no live notice: %q", rec.String()[max(0, len(rec.String())-300):])
	}
	if !strings.Contains(rec.String(), "2.0 MiB were dropped") {
		t.Errorf("no final notice")
	}
}
