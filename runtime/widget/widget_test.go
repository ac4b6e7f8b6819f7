package widget_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/widget"
)

// sent is one outgoing message recorded by fakeComm.
type sent struct {
	Kind    string // open, msg, close
	From    any
	ID      string
	Data    map[string]any
	Meta    map[string]any
	Buffers [][]byte
}

type fakeComm struct {
	mu  sync.Mutex
	out []sent
}

func (f *fakeComm) Open(id, target string, data, meta map[string]any, bufs [][]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.out = append(f.out, sent{Kind: "open", ID: id, Data: data, Meta: meta, Buffers: bufs})
}
func (f *fakeComm) Send(from any, id string, data map[string]any, bufs [][]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.out = append(f.out, sent{Kind: "msg", From: from, ID: id, Data: data, Buffers: bufs})
}
func (f *fakeComm) Close(id string, data map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.out = append(f.out, sent{Kind: "close", ID: id, Data: data})
}

func (f *fakeComm) take() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.out
	f.out = nil
	return o
}

func setup(t *testing.T) *fakeComm {
	t.Helper()
	widget.Reset()
	c := &fakeComm{}
	widget.SetComm(c)
	t.Cleanup(widget.Reset)
	return c
}

func TestModel_Open(t *testing.T) {
	c := setup(t)
	s := widget.NewIntSlider(widget.SliderOptions{Description: "k", Max: 10, Value: 3})
	out := c.take()
	if len(out) != 3 {
		t.Fatalf("got %d messages want 3 (layout, style, slider)", len(out))
	}
	byID := map[string]map[string]any{}
	for _, m := range out {
		if m.Kind != "open" || m.Meta["version"] != "2.1.0" {
			t.Fatalf("got %+v want comm_open with version 2.1.0", m)
		}
		byID[m.ID] = m.Data["state"].(map[string]any)
	}
	st := byID[s.Model().ID()]
	for k, want := range map[string]any{"_model_name": "IntSliderModel", "_view_name": "IntSliderView",
		"_model_module": "@jupyter-widgets/controls", "_model_module_version": "2.0.0", "value": 3, "max": 10} {
		if st[k] != want {
			t.Errorf("%s: got %v want %v", k, st[k], want)
		}
	}
	for _, ref := range []string{"layout", "style"} {
		id := st[ref].(string)[len("IPY_MODEL_"):]
		if byID[id] == nil {
			t.Errorf("%s names %s, which was not opened", ref, id)
		}
	}
	if byID[st["style"].(string)[10:]]["_model_name"] != "SliderStyleModel" {
		t.Errorf("style model: got %v", byID[st["style"].(string)[10:]])
	}
	b := s.MIMEBundle()[widget.ViewMIME].(map[string]any)
	if b["model_id"] != s.Model().ID() || b["version_major"] != 2 {
		t.Errorf("view bundle: got %v", b)
	}
}

func TestModel_Update(t *testing.T) {
	c := setup(t)
	s := widget.NewIntSlider(widget.SliderOptions{})
	var got []int
	s.OnChange(func(v int) { got = append(got, v) })
	c.take()

	t.Run("EchoAndCallback", func(t *testing.T) {
		widget.Deliver(widget.Message{Type: "comm_msg", ID: s.Model().ID(), From: "req-1",
			Data: map[string]any{"method": "update", "state": map[string]any{"value": 7.0}, "buffer_paths": []any{}}})
		out := c.take()
		if len(out) != 1 || out[0].Data["method"] != "echo_update" || out[0].From != "req-1" {
			t.Fatalf("got %+v want one echo_update with the request as parent", out)
		}
		if s.Value() != 7 || !reflect.DeepEqual(got, []int{7}) {
			t.Errorf("got value %d, callbacks %v want 7, [7]", s.Value(), got)
		}
	})
	t.Run("RequestState", func(t *testing.T) {
		widget.Deliver(widget.Message{Type: "comm_msg", ID: s.Model().ID(), From: "req-2", Data: map[string]any{"method": "request_state"}})
		out := c.take()
		if len(out) != 1 || out[0].Data["method"] != "update" {
			t.Fatalf("got %+v want one update", out)
		}
		if st := out[0].Data["state"].(map[string]any); st["_model_name"] != "IntSliderModel" || st["value"] != 7.0 {
			t.Errorf("got state %v want the full state", st)
		}
	})
	t.Run("SetFromCode", func(t *testing.T) {
		s.SetValue(9)
		out := c.take()
		if len(out) != 1 || out[0].Data["method"] != "update" || out[0].Data["state"].(map[string]any)["value"] != 9 {
			t.Fatalf("got %+v want update value 9", out)
		}
		if !reflect.DeepEqual(got, []int{7, 9}) {
			t.Errorf("callbacks: got %v want [7 9]", got)
		}
	})
}

// TestDeliver_Queued: with a scheduler installed, a callback never runs
// inside Deliver; it waits for RunPending (the kernel's executor).
func TestDeliver_Queued(t *testing.T) {
	setup(t)
	woken := 0
	widget.SetScheduler(func() { woken++ })
	b := widget.NewButton("go")
	clicks := 0
	b.OnClick(func() { clicks++ })
	for i := 0; i < 3; i++ {
		widget.Deliver(widget.Message{Type: "comm_msg", ID: b.Model().ID(), Data: map[string]any{"method": "custom", "content": map[string]any{"event": "click"}}})
	}
	if clicks != 0 || widget.Pending() != 3 || woken != 3 {
		t.Fatalf("got clicks %d, pending %d, woken %d want 0, 3, 3", clicks, widget.Pending(), woken)
	}
	var froms []any
	n := widget.RunPending(func(from any, fn func()) { froms = append(froms, from); fn() })
	if n != 3 || clicks != 3 || widget.Pending() != 0 {
		t.Errorf("got ran %d, clicks %d, pending %d want 3, 3, 0", n, clicks, widget.Pending())
	}
	if widget.Yield() != 0 {
		t.Errorf("Yield ran callbacks from an empty queue")
	}
}

// TestModel_HandleNow: compiled handlers run while interpreted callbacks
// wait for the cell to end.
func TestModel_HandleNow(t *testing.T) {
	c := setup(t)
	widget.SetScheduler(func() {}) // a cell is running: nothing drains the queue
	m := widget.NewCustom(widget.CustomOptions{ESM: "export default {render(){}}"})
	c.take()
	var mu sync.Mutex
	var seen []float64
	m.HandleNow(func(msg widget.Msg) {
		mu.Lock()
		seen = append(seen, msg.Content["n"].(float64))
		mu.Unlock()
		m.Reply(msg.From, map[string]any{"type": "ack", "n": msg.Content["n"]}, nil)
	})
	interp := 0
	m.OnCustom(func(map[string]any) { interp++ })
	for i := 0; i < 50; i++ {
		widget.Deliver(widget.Message{Type: "comm_msg", ID: m.ID(), From: i, Data: map[string]any{"method": "custom", "content": map[string]any{"n": float64(i)}}})
	}
	m.Idle()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 50 || interp != 0 {
		t.Fatalf("got %d handled now, %d interpreted want 50, 0", len(seen), interp)
	}
	for i, n := range seen {
		if n != float64(i) {
			t.Fatalf("got order %v want arrival order", seen)
		}
	}
	out := c.take()
	if len(out) != 50 || out[49].Data["content"].(map[string]any)["n"] != 49.0 || out[49].From != 49 {
		t.Errorf("got %d replies, last %+v", len(out), out[len(out)-1])
	}
}

func TestBuffers(t *testing.T) {
	c := setup(t)
	m := widget.NewCustom(widget.CustomOptions{State: map[string]any{"img": []byte{1, 2}, "nested": map[string]any{"xs": []any{1, []byte{3}}}}})
	out := c.take()[0]
	if len(out.Buffers) != 2 {
		t.Fatalf("got %d buffers want 2", len(out.Buffers))
	}
	if _, ok := out.Data["state"].(map[string]any)["img"]; ok {
		t.Errorf("a buffer stayed in the JSON state")
	}
	paths := out.Data["buffer_paths"].([]any)
	// Deliver them back as a front end would: paths decoded from JSON.
	var jpaths []any
	for _, p := range paths {
		var q []any
		for _, e := range p.([]any) {
			if i, ok := e.(int); ok {
				q = append(q, float64(i))
			} else {
				q = append(q, e)
			}
		}
		jpaths = append(jpaths, q)
	}
	st := out.Data["state"].(map[string]any)
	widget.Deliver(widget.Message{Type: "comm_msg", ID: m.ID(), Data: map[string]any{"method": "update", "state": st, "buffer_paths": jpaths}, Buffers: out.Buffers})
	if got := m.Get("img"); !reflect.DeepEqual(got, []byte{1, 2}) {
		t.Errorf("img: got %v want [1 2]", got)
	}
	xs := m.Get("nested").(map[string]any)["xs"].([]any)
	if !reflect.DeepEqual(xs[1], []byte{3}) {
		t.Errorf("nested: got %v want [3] at xs[1]", xs)
	}
}

func TestControl_RequestStates(t *testing.T) {
	c := setup(t)
	widget.NewCheckbox("ok", true)
	c.take()
	if !widget.Deliver(widget.Message{Type: "comm_open", ID: "ctl", Target: widget.ControlTarget}) {
		t.Fatal("control target refused")
	}
	widget.Deliver(widget.Message{Type: "comm_msg", ID: "ctl", Data: map[string]any{"method": "request_states"}})
	out := c.take()
	if len(out) != 1 || out[0].Data["method"] != "update_states" {
		t.Fatalf("got %+v want update_states", out)
	}
	if n := len(out[0].Data["states"].(map[string]any)); n != 3 {
		t.Errorf("got %d states want 3 (checkbox, layout, style)", n)
	}
	if info := widget.Info(""); len(info) != 4 || info["ctl"] != widget.ControlTarget {
		t.Errorf("Info: got %v", info)
	}
	if widget.Deliver(widget.Message{Type: "comm_open", ID: "x", Target: "nope"}) {
		t.Error("unknown target accepted")
	}
}

func TestSetComm_OpensEarlierModels(t *testing.T) {
	widget.Reset()
	t.Cleanup(widget.Reset)
	tx := widget.NewText("name", "ann")
	c := &fakeComm{}
	widget.SetComm(c)
	out := c.take()
	if len(out) != 3 || out[2].ID != tx.Model().ID() {
		t.Fatalf("got %+v want the three models opened in creation order", out)
	}
}

func TestChoice(t *testing.T) {
	setup(t)
	d := widget.NewDropdown("kind", []string{"a", "b", "c"}, "b")
	if d.Value() != "b" || d.Index() != 1 {
		t.Fatalf("got %q %d want b 1", d.Value(), d.Index())
	}
	var got string
	d.OnChange(func(v string) { got = v })
	widget.Deliver(widget.Message{Type: "comm_msg", ID: d.Model().ID(), Data: map[string]any{"method": "update", "state": map[string]any{"index": 2.0}}})
	if got != "c" {
		t.Errorf("got %q want c", got)
	}
	defer func() {
		if p := recover(); p == nil {
			t.Error("SetValue of an unknown option did not panic")
		}
	}()
	d.SetValue("z")
}

func TestOutput(t *testing.T) {
	setup(t)
	o := widget.NewOutput()
	o.Print("hi\n")
	o.Show(map[string]any{"text/html": "<b>x</b>"})
	outs := o.Model().Get("outputs").([]any)
	if len(outs) != 2 || outs[0].(map[string]any)["text"] != "hi\n" {
		t.Fatalf("got %v", outs)
	}
	o.Clear()
	if len(o.Model().Get("outputs").([]any)) != 0 {
		t.Error("Clear left outputs")
	}
	if o.Model().Get("_model_module") != "@jupyter-widgets/output" || o.Model().Get("_model_module_version") != "1.0.0" {
		t.Errorf("output module: got %v", o.Model().State())
	}
}

func ExampleNewIntSlider() {
	s := widget.NewIntSlider(widget.SliderOptions{Description: "k", Max: 10, Value: 3})
	s.OnChange(func(v int) { fmt.Println("k =", v) })
	s.SetValue(5)
	fmt.Println(s.Value())
	// Output:
	// k = 5
	// 5
}

func ExampleButton_OnClick() {
	b := widget.NewButton("Train")
	b.OnClick(func() { fmt.Println("clicked") })
	// what the kernel does when the browser sends a click:
	widget.Deliver(widget.Message{Type: "comm_msg", ID: b.Model().ID(),
		Data: map[string]any{"method": "custom", "content": map[string]any{"event": "click"}}})
	// Output: clicked
}

func ExampleNewHBox() {
	a, b := widget.NewButton("a"), widget.NewButton("b")
	box := widget.NewHBox([]widget.Widget{a, b})
	fmt.Println(len(box.Model().Get("children").([]any)), box.Model().Get("_model_name"))
	// Output: 2 HBoxModel
}

var _ = time.Second

// TestModel_HandleNowInterpreted: a function made by reflect.MakeFunc (as
// the interpreter makes a cell's closures) given to HandleNow is queued for
// the executor like OnCustom, never run beside a cell.
func TestModel_HandleNowInterpreted(t *testing.T) {
	setup(t)
	widget.SetScheduler(func() {})
	m := widget.NewCustom(widget.CustomOptions{})
	ran := 0
	fn := reflect.MakeFunc(reflect.TypeOf(func(widget.Msg) {}), func([]reflect.Value) []reflect.Value { ran++; return nil }).Interface().(func(widget.Msg))
	m.HandleNow(fn)
	widget.Deliver(widget.Message{Type: "comm_msg", ID: m.ID(), Data: map[string]any{"method": "custom", "content": map[string]any{}}})
	m.Idle()
	if ran != 0 || widget.Pending() != 1 {
		t.Fatalf("got ran %d, pending %d want 0, 1", ran, widget.Pending())
	}
	widget.RunPending(nil)
	if ran != 1 {
		t.Errorf("got ran %d after RunPending want 1", ran)
	}
}
