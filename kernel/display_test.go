package kernel

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/stdlib"
)

// fakeDisplay mimics the shape of runtime/display's sink API.
type fakeSink interface {
	Display(data, metadata map[string]any, id string, update bool)
}

type fakeSinkFunc func(data, metadata map[string]any, id string, update bool)

func (f fakeSinkFunc) Display(data, metadata map[string]any, id string, update bool) {
	f(data, metadata, id, update)
}

var fakeInstalled fakeSink

func TestSession_DisplaySink(t *testing.T) {
	syms := interp.Exports{}
	for k, v := range stdlib.Symbols {
		syms[k] = v
	}
	syms[displayPath+"/display"] = map[string]reflect.Value{
		"SetSink":  reflect.ValueOf(func(s fakeSink) { fakeInstalled = s }),
		"SinkFunc": reflect.ValueOf((*fakeSinkFunc)(nil)),
		"Show": reflect.ValueOf(func(html string) {
			fakeInstalled.Display(map[string]any{"text/html": html}, nil, "d1", false)
		}),
	}
	s, err := New(Options{Symbols: syms, Preload: stdlib.Preload})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if fakeInstalled == nil {
		t.Fatal("no display sink installed")
	}
	rec := &recorder{}
	r := s.Execute(context.Background(), "import \"tandem.dev/tandem/runtime/display\"\nfmt.Println(\"before\")\ndisplay.Show(\"<i>x</i>\")\nfmt.Println(\"after\")", rec)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(rec.displays) != 1 || rec.displays[0].Data["text/html"] != "<i>x</i>" {
		t.Fatalf("displays %+v", rec.displays)
	}
	if len(rec.streams) != 2 || rec.streams[0] != "stdout:before\n" {
		t.Errorf("streams %q: the text printed before a display must be delivered before it", rec.streams)
	}
}

// TestSession_InterruptCompiled: a compiled runtime loop that calls
// host.Check stops at its next check; the session keeps its state.
func TestSession_InterruptCompiled(t *testing.T) {
	syms := interp.Exports{}
	for k, v := range stdlib.Symbols {
		syms[k] = v
	}
	syms["tandem.dev/test/work/work"] = map[string]reflect.Value{
		"Loop": reflect.ValueOf(func() {
			for {
				host.Check()
				time.Sleep(time.Millisecond)
			}
		}),
	}
	s, err := New(Options{Symbols: syms})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run(t, s, "import \"tandem.dev/test/work\"\nkept := 5")
	go func() {
		time.Sleep(100 * time.Millisecond)
		s.Interrupt()
	}()
	start := time.Now()
	r := s.Execute(context.Background(), "work.Loop()", nil)
	if r.Err == nil || r.Err.Kind != KindInterrupted {
		t.Fatalf("got %+v, want Interrupted", r.Err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("took %v", d)
	}
	if got := text(run(t, s, "kept")); got != "5" {
		t.Errorf("kept = %q", got)
	}
}
