package host

import (
	"os"
	"strings"
	"sync"
	"testing"

	"tandem.dev/tandem/kernel/jupyter"
)

type recorder struct {
	mu      sync.Mutex
	streams []string
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	r.streams = append(r.streams, name+":"+text)
	r.mu.Unlock()
}
func (r *recorder) Display(data, metadata map[string]any, id string, update bool) {}
func (r *recorder) Publish(msgType string, content any, buffers [][]byte)         {}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s []string
	for _, x := range r.streams {
		_, t, _ := strings.Cut(x, ":")
		s = append(s, t)
	}
	return strings.Join(s, "")
}

var _ jupyter.Output = (*recorder)(nil)

func TestCapture_Flush(t *testing.T) {
	fall, err := os.CreateTemp(t.TempDir(), "fall")
	if err != nil {
		t.Fatal(err)
	}
	c, err := newCapture("stdout", -1, fall)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	c.begin(rec)
	// Many small writes, a character split across writes, a NUL byte of the
	// program's own: all arrive, in order, before flush returns.
	var want strings.Builder
	for i := range 200 {
		s := strings.Repeat("x", i%7) + "\n"
		c.w.WriteString(s)
		want.WriteString(s)
	}
	c.w.Write([]byte("h\xc3"))
	c.w.Write([]byte("\xa9 \x00 ok\n"))
	want.WriteString("hé \x00 ok\n")
	c.flush()
	if got := rec.text(); got != want.String() {
		t.Errorf("got: %q\nwant: %q", got, want.String())
	}
	for _, s := range rec.streams {
		if !strings.HasPrefix(s, "stdout:") || strings.Contains(s, "\xc3:") {
			t.Errorf("stream %q", s)
		}
	}
	// Output past the bound is cut with one notice.
	rec2 := &recorder{}
	c.begin(rec2)
	chunk := strings.Repeat("y", 1<<20)
	for range MaxCapturedOutput>>20 + 2 {
		c.w.WriteString(chunk)
	}
	c.flush()
	got := rec2.text()
	if n := strings.Count(got, "y"); n != MaxCapturedOutput {
		t.Errorf("forwarded %d bytes, want %d", n, MaxCapturedOutput)
	}
	if !strings.Contains(got, "output truncated") {
		t.Error("no truncation notice")
	}
	// Between cells, output goes to the fallback file.
	c.begin(nil)
	c.w.WriteString("late\n")
	c.flush()
	b, _ := os.ReadFile(fall.Name())
	if string(b) != "late\n" {
		t.Errorf("fallback got %q", b)
	}
}

func TestParseSize(t *testing.T) {
	for _, test := range []struct {
		in   string
		want int64
	}{{"512M", 512 << 20}, {"4GiB", 4 << 30}, {"1048576", 1 << 20}, {"64k", 64 << 10}, {"2 G", -1}, {"x", -1}, {"-1", -1}} {
		got, err := ParseSize(test.in)
		if test.want < 0 {
			if err == nil {
				t.Errorf("ParseSize(%q): got %d, want an error", test.in, got)
			}
			continue
		}
		if err != nil || got != test.want {
			t.Errorf("ParseSize(%q): got: %d, %v want: %d", test.in, got, err, test.want)
		}
	}
}
