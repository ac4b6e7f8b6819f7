package widget

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
)

// Comm targets and protocol versions this package speaks.
const (
	// Target is the comm target of widget models (protocol 2.1).
	Target = "jupyter.widget"
	// ControlTarget is the comm target a front end opens to fetch the
	// state of every model at once (request_states → update_states).
	ControlTarget = "jupyter.widget.control"
	// ProtocolVersion goes in the metadata of every comm_open.
	ProtocolVersion = "2.1.0"
	// ViewMIME is the MIME type that shows a widget in an output.
	ViewMIME = "application/vnd.jupyter.widget-view+json"
	// StateMIME is the MIME type of the widget state a notebook saves in
	// metadata.widgets.
	StateMIME = "application/vnd.jupyter.widget-state+json"
)

// Comm carries outgoing comm messages; the kernel installs one with
// SetComm. from is the From of the incoming message being answered (its
// messages are published with that request as parent; the front end
// matches echo_update to its own update by it), or nil.
type Comm interface {
	// Open publishes comm_open for a new model.
	Open(id, target string, data, metadata map[string]any, buffers [][]byte)
	// Send publishes comm_msg.
	Send(from any, id string, data map[string]any, buffers [][]byte)
	// Close publishes comm_close.
	Close(id string, data map[string]any)
}

// Message is an incoming comm message, handed to Deliver by the kernel.
type Message struct {
	Type    string // "comm_open", "comm_msg" or "comm_close"
	ID      string // comm id (the model id)
	Target  string // comm_open only: the target name
	Data    map[string]any
	Buffers [][]byte
	// From is the kernel's handle on the request that carried the message;
	// it comes back in Comm.Send and in the scheduler of callbacks. Opaque.
	From any
}

// registry is the process's widget state: one kernel process hosts one
// session, so it is package-level, like runtime/host.
var reg = struct {
	mu      sync.Mutex
	comm    Comm
	models  map[string]*Model
	control map[string]bool // open jupyter.widget.control comms

	pending []pendingCall
	wake    func()
}{models: map[string]*Model{}, control: map[string]bool{}}

type pendingCall struct {
	from any
	fn   func()
}

// SetComm installs the kernel's comm; nil removes it (widgets then keep
// their state in memory and send nothing, as in a headless run). Models
// created before a comm was installed are opened on it.
func SetComm(c Comm) {
	reg.mu.Lock()
	reg.comm = c
	var open []*Model
	if c != nil {
		for _, m := range reg.models {
			if !m.opened {
				m.opened = true
				open = append(open, m)
			}
		}
	}
	reg.mu.Unlock()
	for _, m := range sortModels(open) {
		m.open(c)
	}
}

func currentComm() Comm {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	return reg.comm
}

// SetScheduler installs the kernel's wake-up function. Callbacks written
// in cells (OnChange, OnClick, OnCustom) never run on the goroutine that
// delivers a message: they are queued, and wake is called (it must not
// block). The kernel then calls RunPending when no cell is running, holding
// the lock that makes cells run one at a time. Without a scheduler,
// Deliver runs them itself before it returns.
func SetScheduler(wake func()) {
	reg.mu.Lock()
	reg.wake = wake
	reg.mu.Unlock()
}

// schedule queues fn, a call into interpreted code.
func schedule(from any, fn func()) {
	reg.mu.Lock()
	reg.pending = append(reg.pending, pendingCall{from, fn})
	wake := reg.wake
	reg.mu.Unlock()
	if wake != nil {
		wake()
	}
}

// Pending reports how many callbacks are queued.
func Pending() int {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	return len(reg.pending)
}

// RunPending runs the queued callbacks in arrival order, including those
// queued while it runs, and returns how many ran. run executes one of them
// (the kernel runs it as it runs a cell, so prints, panics and interrupts
// are handled; from is the Message.From that caused it); nil runs it on
// the calling goroutine. Call it only where interpreted code may run: with
// the session's cell lock held, or from the cell itself (see Yield).
func RunPending(run func(from any, fn func())) int {
	n := 0
	for {
		reg.mu.Lock()
		if len(reg.pending) == 0 {
			reg.mu.Unlock()
			return n
		}
		c := reg.pending[0]
		reg.pending[0] = pendingCall{}
		reg.pending = reg.pending[1:]
		reg.mu.Unlock()
		n++
		if run != nil {
			run(c.from, c.fn)
		} else {
			c.fn()
		}
	}
}

// Yield runs, in the calling cell, the callbacks that front-end events
// queued while the cell runs (they otherwise wait for the cell to end):
// a long cell that wants its sliders and buttons live calls it now and
// then. It returns how many ran.
func Yield() int { return RunPending(nil) }

// Deliver hands an incoming comm message to the widgets. It updates model
// state at once, answers request_state and the control comm, runs the
// immediate handlers of runtime code (see Model.HandleNow) on their own
// goroutines, and queues callbacks written in cells (see SetScheduler). It
// never blocks on a callback. For comm_open it reports whether the target
// is served here (false: the kernel answers with comm_close).
func Deliver(m Message) bool {
	switch m.Type {
	case "comm_open":
		switch m.Target {
		case ControlTarget:
			reg.mu.Lock()
			reg.control[m.ID] = true
			reg.mu.Unlock()
			return true
		case Target:
			// A front end creating a model: accepted as a plain model that
			// code can look up with Get.
			st, _ := m.Data["state"].(map[string]any)
			if st == nil {
				st = map[string]any{}
			}
			insertBuffers(st, m.Data["buffer_paths"], m.Buffers)
			mod := &Model{id: m.ID, state: st, opened: true}
			reg.mu.Lock()
			reg.models[m.ID] = mod
			reg.mu.Unlock()
			return true
		}
		return false
	case "comm_close":
		reg.mu.Lock()
		delete(reg.control, m.ID)
		mod := reg.models[m.ID]
		delete(reg.models, m.ID)
		reg.mu.Unlock()
		if mod != nil {
			mod.mu.Lock()
			mod.closed = true
			mod.mu.Unlock()
		}
		return true
	case "comm_msg":
		reg.mu.Lock()
		ctl := reg.control[m.ID]
		mod := reg.models[m.ID]
		reg.mu.Unlock()
		if ctl {
			deliverControl(m)
			return true
		}
		if mod == nil {
			return false
		}
		mod.deliver(m)
		return true
	}
	return false
}

// deliverControl answers request_states with every model's full state.
func deliverControl(m Message) {
	if method, _ := m.Data["method"].(string); method != "request_states" {
		return
	}
	c := currentComm()
	if c == nil {
		return
	}
	states := map[string]any{}
	paths := map[string]any{}
	var bufs [][]byte
	for _, mod := range Models() {
		st, ps, bs := splitBuffers(mod.State())
		// buffer paths of the control reply are rooted at the model id
		for _, p := range ps {
			paths[mod.id] = append(asList(paths[mod.id]), p)
		}
		_ = bs
		states[mod.id] = map[string]any{"model_name": st["_model_name"], "model_module": st["_model_module"],
			"model_module_version": st["_model_module_version"], "state": st}
		bufs = append(bufs, bs...)
	}
	// update_states carries buffers per model in order of buffer_paths.
	c.Send(m.From, m.ID, map[string]any{"method": "update_states", "states": states, "buffer_paths": paths}, bufs)
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// Info lists the open comms (id → target name) of target, or of every
// target when target is "": the answer to comm_info_request.
func Info(target string) map[string]string {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	out := map[string]string{}
	if target == "" || target == Target {
		for id := range reg.models {
			out[id] = Target
		}
	}
	if target == "" || target == ControlTarget {
		for id := range reg.control {
			out[id] = ControlTarget
		}
	}
	return out
}

// Get returns the open model with id, or nil.
func Get(id string) *Model {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	return reg.models[id]
}

// Models returns the open models, oldest first.
func Models() []*Model {
	reg.mu.Lock()
	l := make([]*Model, 0, len(reg.models))
	for _, m := range reg.models {
		l = append(l, m)
	}
	reg.mu.Unlock()
	return sortModels(l)
}

// Reset closes every model and forgets the queued callbacks, the comm and
// the scheduler: the state of a fresh process. Tests use it.
func Reset() {
	reg.mu.Lock()
	reg.models = map[string]*Model{}
	reg.control = map[string]bool{}
	reg.pending = nil
	reg.comm = nil
	reg.wake = nil
	reg.mu.Unlock()
}

func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}
