package widget

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Model is one widget model: a state (attribute → JSON value, or []byte for
// a binary buffer) kept in sync with every front end through its comm. The
// typed controls (IntSlider, Button, …) wrap a Model; custom widgets use
// one directly (see NewCustom).
//
// All methods are safe for concurrent use.
type Model struct {
	id     string
	seq    int64 // creation order
	mu     sync.Mutex
	state  map[string]any
	opened bool // comm_open sent (or the front end opened it)
	closed bool

	sendMu sync.Mutex // keeps this model's outgoing messages in order

	observers []observer
	custom    []func(content map[string]any)
	customMsg []func(Msg) // HandleNow given interpreted closures: queued
	now       []func(Msg)

	nowMu      sync.Mutex
	nowQueue   []Msg
	nowRunning bool
}

type observer struct {
	name string
	fn   func(value any)
}

// Msg is a custom message from the front end, as runtime code sees it.
type Msg struct {
	Content map[string]any
	Buffers [][]byte
	// From identifies the request that carried it; pass it to Reply so the
	// answer has that request as parent.
	From any
}

var modelSeq atomic.Int64

// NewModel creates a model with the given state (the _model_* and _view_*
// keys included) and opens its comm if the kernel installed one. Most code
// uses the typed controls instead.
func NewModel(state map[string]any) *Model {
	m := &Model{id: newID(), seq: modelSeq.Add(1), state: map[string]any{}}
	for k, v := range state {
		m.state[k] = v
	}
	reg.mu.Lock()
	reg.models[m.id] = m
	c := reg.comm
	if c != nil {
		m.opened = true
	}
	reg.mu.Unlock()
	if c != nil {
		m.open(c)
	}
	return m
}

func sortModels(l []*Model) []*Model {
	sort.Slice(l, func(i, j int) bool { return l[i].seq < l[j].seq })
	return l
}

func (m *Model) open(c Comm) {
	st, paths, bufs := splitBuffers(m.State())
	m.sendMu.Lock()
	defer m.sendMu.Unlock()
	c.Open(m.id, Target, map[string]any{"state": st, "buffer_paths": paths},
		map[string]any{"version": ProtocolVersion}, bufs)
}

// ID returns the model id (its comm id).
func (m *Model) ID() string { return m.id }

// Ref returns the reference other models use to name this one in their
// state ("IPY_MODEL_" + id), as HBox children do.
func (m *Model) Ref() string { return "IPY_MODEL_" + m.id }

// Get returns the value of attribute name (nil if unset).
func (m *Model) Get(name string) any {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state[name]
}

// State returns a copy of the whole state.
func (m *Model) State() map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]any, len(m.state))
	for k, v := range m.state {
		out[k] = v
	}
	return out
}

// Set changes attribute name to value, sends an update to the front ends
// and calls the observers of name (on the calling goroutine: Set is called
// from a cell or a callback) if the value changed.
func (m *Model) Set(name string, value any) {
	m.SetState(map[string]any{name: value})
}

// SetState changes several attributes at once (one update message).
func (m *Model) SetState(st map[string]any) {
	changed := m.apply(st)
	m.sendUpdate(nil, "update", st)
	for _, o := range m.observersOf(changed) {
		o.fn(st[o.name])
	}
}

// apply stores st and returns the names whose value changed.
func (m *Model) apply(st map[string]any) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var changed []string
	for k, v := range st {
		if old, ok := m.state[k]; !ok || !sameValue(old, v) {
			changed = append(changed, k)
		}
		m.state[k] = v
	}
	sort.Strings(changed)
	return changed
}

func sameValue(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	// numbers arrive from JSON as float64 but may be kept as int
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

func (m *Model) observersOf(names []string) []observer {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []observer
	for _, n := range names {
		for _, o := range m.observers {
			if o.name == n || o.name == "" {
				out = append(out, observer{n, o.fn})
			}
		}
	}
	return out
}

func (m *Model) sendUpdate(from any, method string, st map[string]any) {
	c := currentComm()
	if c == nil || !m.isOpen() {
		return
	}
	s, paths, bufs := splitBuffers(st)
	m.sendMu.Lock()
	defer m.sendMu.Unlock()
	c.Send(from, m.id, map[string]any{"method": method, "state": s, "buffer_paths": paths}, bufs)
}

func (m *Model) isOpen() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.opened && !m.closed
}

// Observe calls fn with the new value whenever attribute name changes; ""
// observes every attribute. A change made by a front end calls fn on the
// session's executor, one at a time with cells (see SetScheduler); a
// change made by code calls it at once.
func (m *Model) Observe(name string, fn func(value any)) {
	m.mu.Lock()
	m.observers = append(m.observers, observer{name, fn})
	m.mu.Unlock()
}

// OnCustom calls fn for every custom message from a front end, on the
// session's executor (one at a time with cells).
func (m *Model) OnCustom(fn func(content map[string]any)) {
	m.mu.Lock()
	m.custom = append(m.custom, fn)
	m.mu.Unlock()
}

// HandleNow calls fn for every custom message from a front end as soon as
// it arrives, on a goroutine of this model's (messages in arrival order,
// one at a time), also while a cell runs. It is for compiled runtime code
// only — the review widget writes decisions to the ledger this way — and
// must never be given a closure written in a cell: interpreted code must
// not run beside a cell (use OnCustom).
//
// A closure written in a cell is recognised (the interpreter makes it with
// reflect.MakeFunc) and queued like OnCustom instead, so HandleNow is safe
// from cells too.
func (m *Model) HandleNow(fn func(Msg)) {
	if interpreted(fn) {
		m.mu.Lock()
		m.customMsg = append(m.customMsg, fn)
		m.mu.Unlock()
		return
	}
	m.mu.Lock()
	m.now = append(m.now, fn)
	m.mu.Unlock()
}

// interpreted reports whether fn was made by reflect.MakeFunc, as yaegi
// makes the functions a cell passes to compiled code.
func interpreted(fn any) bool {
	pc := reflect.ValueOf(fn).Pointer()
	f := runtime.FuncForPC(pc)
	return f != nil && strings.HasPrefix(f.Name(), "reflect.makeFuncStub")
}

// Send sends a custom message to the front ends.
func (m *Model) Send(content map[string]any, buffers [][]byte) { m.Reply(nil, content, buffers) }

// Reply sends a custom message as the answer to the request from
// (Msg.From).
func (m *Model) Reply(from any, content map[string]any, buffers [][]byte) {
	c := currentComm()
	if c == nil || !m.isOpen() {
		return
	}
	m.sendMu.Lock()
	defer m.sendMu.Unlock()
	c.Send(from, m.id, map[string]any{"method": "custom", "content": content}, buffers)
}

// Close closes the model's comm; front ends remove its views.
func (m *Model) Close() {
	m.mu.Lock()
	wasOpen := m.opened && !m.closed
	m.closed = true
	m.mu.Unlock()
	reg.mu.Lock()
	delete(reg.models, m.id)
	c := reg.comm
	reg.mu.Unlock()
	if wasOpen && c != nil {
		c.Close(m.id, map[string]any{})
	}
}

// deliver handles a comm_msg for this model.
func (m *Model) deliver(msg Message) {
	method, _ := msg.Data["method"].(string)
	switch method {
	case "update":
		st, _ := msg.Data["state"].(map[string]any)
		if st == nil {
			return
		}
		insertBuffers(st, msg.Data["buffer_paths"], msg.Buffers)
		// echo_update first (protocol 2.1): every front end, other tabs
		// included, learns the new value; the sender recognises its own
		// echo by the parent header.
		m.sendUpdate(msg.From, "echo_update", st)
		changed := m.apply(st)
		for _, o := range m.observersOf(changed) {
			fn, v := o.fn, st[o.name]
			schedule(msg.From, func() { fn(v) })
		}
		if len(changed) > 0 {
			m.runIfNoScheduler()
		}
	case "request_state":
		m.sendUpdate(msg.From, "update", m.State())
	case "custom":
		content, _ := msg.Data["content"].(map[string]any)
		m.mu.Lock()
		now := append([]func(Msg){}, m.now...)
		custom := append([]func(map[string]any){}, m.custom...)
		customMsg := append([]func(Msg){}, m.customMsg...)
		m.mu.Unlock()
		for _, fn := range customMsg {
			fn, msg := fn, Msg{Content: content, Buffers: msg.Buffers, From: msg.From}
			schedule(msg.From, func() { fn(msg) })
		}
		if len(now) > 0 {
			m.queueNow(Msg{Content: content, Buffers: msg.Buffers, From: msg.From}, now)
		}
		for _, fn := range custom {
			fn := fn
			schedule(msg.From, func() { fn(content) })
		}
		if len(custom)+len(customMsg) > 0 {
			m.runIfNoScheduler()
		}
	}
}

// runIfNoScheduler runs queued callbacks at once when no kernel installed
// a scheduler (tests, programs using the package directly).
func (m *Model) runIfNoScheduler() {
	reg.mu.Lock()
	wake := reg.wake
	reg.mu.Unlock()
	if wake == nil {
		RunPending(nil)
	}
}

func (m *Model) queueNow(msg Msg, fns []func(Msg)) {
	m.nowMu.Lock()
	m.nowQueue = append(m.nowQueue, msg)
	if m.nowRunning {
		m.nowMu.Unlock()
		return
	}
	m.nowRunning = true
	m.nowMu.Unlock()
	go func() {
		for {
			m.nowMu.Lock()
			if len(m.nowQueue) == 0 {
				m.nowRunning = false
				m.nowMu.Unlock()
				return
			}
			next := m.nowQueue[0]
			m.nowQueue = m.nowQueue[1:]
			m.nowMu.Unlock()
			for _, fn := range fns {
				func() {
					defer func() {
						if p := recover(); p != nil {
							m.Reply(next.From, map[string]any{"type": "error", "message": fmt.Sprintf("widget: handler failed: %v", p)}, nil)
						}
					}()
					fn(next)
				}()
			}
		}
	}()
}

// Idle waits until the immediate handlers (HandleNow) have handled every
// message delivered so far. Tests and benchmarks use it.
func (m *Model) Idle() {
	for {
		m.nowMu.Lock()
		busy := m.nowRunning
		m.nowMu.Unlock()
		if !busy {
			return
		}
		waitABit()
	}
}

// MIMEBundle shows the model in an output: the widget view for front ends
// with widgets, a plain-text line for the others.
func (m *Model) MIMEBundle() map[string]any {
	return map[string]any{
		ViewMIME:     map[string]any{"version_major": 2, "version_minor": 0, "model_id": m.id}, // as ipywidgets 8 writes it
		"text/plain": m.String(),
	}
}

// String names the model and its value, if it has one.
func (m *Model) String() string {
	name, _ := m.Get("_model_name").(string)
	name = strings.TrimSuffix(name, "Model")
	if v, ok := m.State()["value"]; ok {
		return fmt.Sprintf("%s(value=%v)", name, v)
	}
	return name + "()"
}

// splitBuffers moves the []byte values of st (at any depth) out into
// buffers, as protocol 2 sends them: a list item becomes null, a map key is
// removed; paths name where each was.
func splitBuffers(st map[string]any) (map[string]any, []any, [][]byte) {
	paths := []any{}
	var bufs [][]byte
	var walk func(v any, path []any) any
	walk = func(v any, path []any) any {
		switch x := v.(type) {
		case []byte:
			paths = append(paths, append([]any(nil), path...))
			bufs = append(bufs, x)
			return nil
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				if b, ok := e.([]byte); ok {
					paths = append(paths, append(append([]any(nil), path...), k))
					bufs = append(bufs, b)
					continue
				}
				out[k] = walk(e, append(path, k))
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e, append(path, i))
			}
			return out
		}
		return v
	}
	out := walk(st, nil).(map[string]any)
	return out, paths, bufs
}

// insertBuffers puts buffers back into st at paths (the inverse of
// splitBuffers). Malformed paths are ignored.
func insertBuffers(st map[string]any, paths any, bufs [][]byte) {
	ps, _ := paths.([]any)
	for i, p := range ps {
		if i >= len(bufs) {
			return
		}
		path, _ := p.([]any)
		if len(path) == 0 {
			continue
		}
		var cur any = st
		for j, k := range path {
			last := j == len(path)-1
			switch c := cur.(type) {
			case map[string]any:
				key, _ := k.(string)
				if last {
					c[key] = bufs[i]
				} else {
					cur = c[key]
				}
			case []any:
				f, ok := k.(float64)
				n := int(f)
				if !ok {
					if in, ok2 := k.(int); ok2 {
						n = in
					} else {
						cur = nil
						continue
					}
				}
				if n < 0 || n >= len(c) {
					cur = nil
					continue
				}
				if last {
					c[n] = bufs[i]
				} else {
					cur = c[n]
				}
			default:
				cur = nil
			}
		}
	}
}
