package kernel

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"

	"tandem.dev/tandem/runtime/widget"
	"tandem.dev/tandem/stdlib"
)

// commOut records a callback's output (it is the Message.From, so the
// callback prints into it) and the comm messages published.
type commOut struct {
	mu   sync.Mutex
	text strings.Builder
	pub  []string
}

func (c *commOut) Stream(name, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.text.WriteString(text)
}
func (c *commOut) Display(Bundle, string, bool) {}
func (c *commOut) PublishComm(parent any, msgType string, content map[string]any, buffers [][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pub = append(c.pub, msgType)
}
func (c *commOut) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.text.String()
}

// waitFor polls until f holds or 5 s pass.
func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(2 * time.Millisecond) {
		if f() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// widgetSymbols adds the parts of runtime/widget the tests use to the
// standard symbols (stdlib generates the full table once the integrator
// adds runtime/widget to its go:generate line).
func widgetSymbols() interp.Exports {
	syms := interp.Exports{}
	for k, v := range stdlib.Symbols {
		syms[k] = v
	}
	syms["tandem.dev/tandem/runtime/widget/widget"] = map[string]reflect.Value{
		"NewButton": reflect.ValueOf(widget.NewButton),
		"Button":    reflect.ValueOf((*widget.Button)(nil)),
		"Yield":     reflect.ValueOf(widget.Yield),
	}
	return syms
}

func commSession(t *testing.T) (*Session, *Comms, *commOut) {
	t.Helper()
	widget.Reset()
	s, err := New(Options{Symbols: widgetSymbols(), InterruptGrace: 200 * time.Millisecond, StuckGrace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	out := &commOut{}
	c := NewComms(s, out)
	t.Cleanup(func() { c.Close(); s.Close(); widget.Reset() })
	mustRun(t, s, `import (
	"fmt"
	"time"
	"tandem.dev/tandem/runtime/widget"
)`)
	mustRun(t, s, `b := widget.NewButton("go")
clicks := 0
b.OnClick(func() { clicks++; fmt.Println("click", clicks) })`)
	return s, c, out
}

func mustRun(t *testing.T, s *Session, code string) Result {
	t.Helper()
	r := s.Execute(context.Background(), code, nil)
	if r.Err != nil {
		t.Fatalf("cell %q: %s", code, r.Err)
	}
	return r
}

func click(s *Session, c *Comms, from any) {
	id := ""
	for _, m := range widget.Models() {
		if m.Get("_model_name") == "ButtonModel" && m.Get("description") == "go" {
			id = m.ID()
		}
	}
	c.Deliver(widget.Message{Type: "comm_msg", ID: id, From: from,
		Data: map[string]any{"method": "custom", "content": map[string]any{"event": "click"}}})
}

func value(t *testing.T, s *Session, expr string) string {
	t.Helper()
	r := mustRun(t, s, expr)
	if r.Value == nil {
		return ""
	}
	v, _ := r.Value.Data["text/plain"].(string)
	return v
}

func TestComms_Callback(t *testing.T) {
	s, c, out := commSession(t)
	if n := strings.Count(strings.Join(out.pub, " "), "comm_open"); n != 3 {
		t.Errorf("got %d comm_open want 3 (button, layout, style): %v", n, out.pub)
	}
	click(s, c, out)
	waitFor(t, "the click callback", func() bool { return strings.Contains(out.String(), "click 1") })
	if got := value(t, s, "clicks"); got != "1" {
		t.Errorf("clicks: got %s want 1", got)
	}
	if info := c.Info(widget.Target); len(info) != 3 {
		t.Errorf("comm_info: got %v", info)
	}
}

// TestComms_QueuedWhileCellRuns: a click during a cell runs after it.
func TestComms_QueuedWhileCellRuns(t *testing.T) {
	s, c, out := commSession(t)
	done := make(chan Result, 1)
	go func() {
		done <- s.Execute(context.Background(), "for i := 0; i < 40; i++ { time.Sleep(5 * time.Millisecond) }\nclicks", nil)
	}()
	time.Sleep(30 * time.Millisecond)
	click(s, c, out)
	time.Sleep(50 * time.Millisecond)
	if strings.Contains(out.String(), "click") {
		t.Fatal("a callback ran while a cell was running")
	}
	r := <-done
	if r.Err != nil || r.Value.Data["text/plain"] != "0" {
		t.Fatalf("cell: got %+v want clicks 0 (the callback waits)", r)
	}
	waitFor(t, "the queued callback", func() bool { return strings.Contains(out.String(), "click 1") })
}

// TestComms_Yield: a cell that yields runs the callbacks in itself.
func TestComms_Yield(t *testing.T) {
	s, c, out := commSession(t)
	go func() {
		for i := 0; i < 3; i++ {
			time.Sleep(20 * time.Millisecond)
			click(s, c, out)
		}
	}()
	r := s.Execute(context.Background(), "for clicks < 3 { widget.Yield(); time.Sleep(2 * time.Millisecond) }\nclicks", nil)
	if r.Err != nil || r.Value.Data["text/plain"] != "3" {
		t.Fatalf("got %+v want the cell to see 3 clicks", r)
	}
}

// TestComms_AfterInterrupt: a callback made before an interrupted cell
// keeps working.
func TestComms_AfterInterrupt(t *testing.T) {
	s, c, out := commSession(t)
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.Interrupt()
	}()
	r := s.Execute(context.Background(), "n := 0\nfor { n++ }", nil)
	if r.Err == nil || r.Err.Kind != KindInterrupted {
		t.Fatalf("got %+v want an interrupted cell", r.Err)
	}
	click(s, c, out)
	waitFor(t, "the callback after the interrupt", func() bool { return strings.Contains(out.String(), "click 1") })
	if got := value(t, s, "clicks"); got != "1" {
		t.Errorf("clicks: got %s want 1", got)
	}
}

// TestComms_InterruptCallback: a callback stuck in a loop is interrupted
// like a cell, and the session goes on.
func TestComms_InterruptCallback(t *testing.T) {
	s, c, out := commSession(t)
	mustRun(t, s, `spin := widget.NewButton("spin")
spin.OnClick(func() { fmt.Println("spinning"); for { clicks++ } })`)
	var id string
	for _, m := range widget.Models() {
		if m.Get("description") == "spin" {
			id = m.ID()
		}
	}
	c.Deliver(widget.Message{Type: "comm_msg", ID: id, From: out, Data: map[string]any{"method": "custom", "content": map[string]any{"event": "click"}}})
	waitFor(t, "the spinning callback", func() bool { return strings.Contains(out.String(), "spinning") })
	s.Interrupt()
	waitFor(t, "the interrupt notice", func() bool { return strings.Contains(out.String(), "interrupted") })
	if got := value(t, s, "1+1"); got != "2" {
		t.Errorf("after an interrupted callback: got %q want 2", got)
	}
}

func TestComms_Panic(t *testing.T) {
	s, c, out := commSession(t)
	mustRun(t, s, `bad := widget.NewButton("bad")
bad.OnClick(func() { var m map[string]int; m["x"] = 1 })`)
	var id string
	for _, m := range widget.Models() {
		if m.Get("description") == "bad" {
			id = m.ID()
		}
	}
	c.Deliver(widget.Message{Type: "comm_msg", ID: id, From: out, Data: map[string]any{"method": "custom", "content": map[string]any{"event": "click"}}})
	waitFor(t, "the panic report", func() bool { return strings.Contains(out.String(), "panic in widget callback") })
	c.Deliver(widget.Message{Type: "comm_msg", ID: id, From: out, Data: map[string]any{"method": "custom", "content": map[string]any{"event": "click"}}})
	waitFor(t, "the second panic report", func() bool { return strings.Count(out.String(), "panic in widget callback") == 2 })
	click(s, c, out)
	waitFor(t, "a callback after the panic: "+out.String(), func() bool { return strings.Contains(out.String(), "click 1") })
}
