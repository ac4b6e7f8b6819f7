package kernel

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tandem.dev/tandem/stdlib"
)

// recorder is a Sink that keeps a transcript.
type recorder struct {
	mu       sync.Mutex
	b        strings.Builder
	streams  []string // "name:text" per Stream call
	displays []Bundle
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.b.WriteString(text)
	r.streams = append(r.streams, name+":"+text)
}

func (r *recorder) Display(b Bundle, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.displays = append(r.displays, b)
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.b.String()
}

func newTestSession(t testing.TB) *Session {
	t.Helper()
	s, err := New(Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// cellSep separates the cells of a .cell file.
const cellSep = "// ---- cell"

// interruptDirective in a cell makes the runner interrupt it after the
// given duration, e.g. "// interrupt-after: 100ms".
const interruptDirective = "// interrupt-after: "

func interruptAfter(c string) (time.Duration, bool) {
	for _, l := range strings.Split(c, "\n") {
		if v, ok := strings.CutPrefix(l, interruptDirective); ok {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			return d, err == nil
		}
	}
	return 0, false
}

// parseCellFile splits a .cell file into cells and its expectation, the
// comment block after the last "// Output:" or "// Error:" line.
func parseCellFile(src string) (cells []string, kind, want string) {
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	at := -1
	for i, l := range lines {
		if l == "// Output:" || l == "// Error:" {
			at = i
		}
	}
	if at < 0 {
		return nil, "", ""
	}
	kind = strings.TrimSuffix(strings.TrimPrefix(lines[at], "// "), ":")
	var w []string
	for _, l := range lines[at+1:] {
		w = append(w, strings.TrimPrefix(strings.TrimPrefix(l, "//"), " "))
	}
	want = strings.Join(w, "\n")
	var cur []string
	for _, l := range lines[:at] {
		if strings.HasPrefix(l, cellSep) {
			cells = append(cells, strings.Join(cur, "\n"))
			cur = nil
			continue
		}
		cur = append(cur, l)
	}
	cells = append(cells, strings.Join(cur, "\n"))
	return cells, kind, want
}

// TestCells runs every kernel/testdata/cells/*.cell file in a fresh
// session: the streams and displayed values of all cells, in order, must
// equal "// Output:", or the first error must equal "// Error:" (a
// trailing "..." matches any rest). A cell holding
// "// interrupt-after: 100ms" is interrupted by the runner and must stop.
func TestCells(t *testing.T) {
	files, _ := filepath.Glob("testdata/cells/*.cell")
	if len(files) == 0 {
		t.Fatal("no cell files")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".cell"), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cells, kind, want := parseCellFile(string(src))
			if kind == "" {
				t.Fatal("no // Output: or // Error: at the end")
			}
			s, err := New(Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload, RecoverGoroutines: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			rec := &recorder{}
			var gotErr string
			for _, c := range cells {
				if d, ok := interruptAfter(c); ok {
					// the runner interrupts this cell; it must stop with
					// KindInterrupted, noted in the transcript as [interrupted]
					go func() {
						time.Sleep(d)
						s.Interrupt()
					}()
					start := time.Now()
					r := s.Execute(context.Background(), c, rec)
					if r.Err == nil || r.Err.Kind != KindInterrupted {
						t.Fatalf("cell %d: got %v, want an interrupt", r.Count, r.Err)
					}
					if took := time.Since(start); took > d+time.Second {
						t.Errorf("cell %d: the interrupt took %v", r.Count, took-d)
					}
					rec.Stream("value", "[interrupted]\n")
					continue
				}
				r := s.Execute(context.Background(), c, rec)
				if r.Value != nil {
					rec.Stream("value", r.Value.Data["text/plain"].(string)+"\n")
				}
				if r.Err != nil {
					gotErr = r.Err.String()
					break
				}
			}
			switch kind {
			case "Output":
				if gotErr != "" {
					t.Fatalf("unexpected error: %s\noutput so far:\n%s", gotErr, rec)
				}
				if got := strings.TrimRight(rec.String(), "\n"); got != strings.TrimRight(want, "\n") {
					t.Errorf("got:\n%s\nwant:\n%s", got, want)
				}
			case "Error":
				if gotErr == "" {
					t.Fatalf("no error; output:\n%s", rec)
				}
				w := strings.TrimSpace(want)
				if p, ok := strings.CutSuffix(w, "..."); ok && strings.HasPrefix(gotErr, p) {
					break
				}
				if strings.TrimSpace(gotErr) != w {
					t.Errorf("got error:\n%s\nwant:\n%s", gotErr, want)
				}
			}
		})
	}
}
