package host

import (
	"log/slog"
	"sync"

	"tandem.dev/tandem/kernel"
	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/runtime/widget"
)

// commTransport delivers the comm messages of the shell channel to the
// widgets as they arrive, instead of queueing them behind a running cell
// as the Dispatcher does with shell requests: a review decision must reach
// the ledger while a training cell runs. Callbacks written in cells still
// run one at a time with cells (kernel.Comms schedules them); only compiled
// handlers (the review widget's ledger writes) run at once. Other messages
// pass through to the Dispatcher.
//
// No busy/idle status is published for an intercepted message: an "idle"
// while a cell runs would tell front ends the kernel is idle.
type commTransport struct {
	jupyter.Transport
	comms   *kernel.Comms
	session string
	log     *slog.Logger

	mu   sync.Mutex
	last *jupyter.Message // the latest execute_request: parent of messages with none
}

var _ kernel.CommPublisher = (*commTransport)(nil)

func (t *commTransport) Recv() (*jupyter.Message, error) {
	for {
		m, err := t.Transport.Recv()
		if err != nil {
			return nil, err
		}
		if m.Channel == jupyter.Shell {
			switch m.Header.MsgType {
			case "comm_open", "comm_msg", "comm_close":
				t.deliver(m)
				continue
			case "execute_request":
				t.mu.Lock()
				t.last = m
				t.mu.Unlock()
			}
		}
		return m, nil
	}
}

func (t *commTransport) deliver(m *jupyter.Message) {
	out := &msgOut{t: t, parent: m}
	if m.Header.MsgType == "comm_open" {
		var c jupyter.CommOpen
		if err := m.DecodeContent(&c); err != nil {
			t.log.Info("drop message", "msg_type", "comm_open", "err", err)
			return
		}
		if !t.comms.Deliver(widget.Message{Type: "comm_open", ID: c.CommID, Target: c.TargetName, Data: c.Data, Buffers: m.Buffers, From: out}) {
			t.log.Info("close comm", "comm_id", c.CommID, "target_name", c.TargetName, "why", "no such target")
			t.publish(m, "comm_close", jupyter.CommMsg{CommID: c.CommID, Data: map[string]any{}}, nil)
		}
		return
	}
	var c jupyter.CommMsg
	if err := m.DecodeContent(&c); err != nil {
		t.log.Info("drop message", "msg_type", m.Header.MsgType, "err", err)
		return
	}
	if !t.comms.Deliver(widget.Message{Type: m.Header.MsgType, ID: c.CommID, Data: c.Data, Buffers: m.Buffers, From: out}) {
		t.log.Info("drop message", "msg_type", m.Header.MsgType, "comm_id", c.CommID, "why", "no such comm")
	}
}

func (t *commTransport) publish(parent *jupyter.Message, msgType string, content any, buffers [][]byte) {
	if parent == nil {
		t.mu.Lock()
		parent = t.last
		t.mu.Unlock()
	}
	msg, err := jupyter.NewMessage(jupyter.IOPub, msgType, parent, t.session, content)
	if err != nil {
		t.log.Error("publish", "msg_type", msgType, "err", err)
		return
	}
	msg.Buffers = buffers
	if err := t.Send(msg); err != nil {
		t.log.Info("send", "msg_type", msgType, "err", err)
	}
}

// PublishComm implements kernel.CommPublisher.
func (t *commTransport) PublishComm(parent any, msgType string, content map[string]any, buffers [][]byte) {
	var p *jupyter.Message
	if o, ok := parent.(*msgOut); ok {
		p = o.parent
	}
	t.publish(p, msgType, content, buffers)
}

// msgOut is the output of one intercepted message: what its callbacks
// print, as iopub messages whose parent is that message.
type msgOut struct {
	t      *commTransport
	parent *jupyter.Message
}

func (o *msgOut) Stream(name, text string) {
	o.t.publish(o.parent, "stream", jupyter.Stream{Name: name, Text: text}, nil)
}

func (o *msgOut) Display(b kernel.Bundle, id string, update bool) {
	md := b.Metadata
	if md == nil {
		md = map[string]any{}
	}
	c := jupyter.DisplayData{Data: b.Data, Metadata: md}
	if id != "" {
		c.Transient = &jupyter.Transient{DisplayID: id}
	}
	t := "display_data"
	if update {
		t = "update_display_data"
	}
	o.t.publish(o.parent, t, c, nil)
}

// SessionBackend answers comm_info_request (the Dispatcher asks its
// backend) with the open widget comms, so that a front end that reconnects
// finds the live widgets; comm messages that reach the Dispatcher (when Run's
// transport does not take them first, as in-process) go to the widgets too.
var _ jupyter.CommBackend = (*SessionBackend)(nil)

// CommOpen implements jupyter.CommBackend.
func (b *SessionBackend) CommOpen(id, target string, data map[string]any, buffers [][]byte, out jupyter.Output) bool {
	return widget.Deliver(widget.Message{Type: "comm_open", ID: id, Target: target, Data: data, Buffers: buffers, From: sink{out}})
}

// CommMsg implements jupyter.CommBackend.
func (b *SessionBackend) CommMsg(id string, data map[string]any, buffers [][]byte, out jupyter.Output) {
	widget.Deliver(widget.Message{Type: "comm_msg", ID: id, Data: data, Buffers: buffers, From: sink{out}})
}

// CommClose implements jupyter.CommBackend.
func (b *SessionBackend) CommClose(id string, data map[string]any, buffers [][]byte, out jupyter.Output) {
	widget.Deliver(widget.Message{Type: "comm_close", ID: id, Data: data, Buffers: buffers, From: sink{out}})
}

// CommInfo implements jupyter.CommBackend.
func (b *SessionBackend) CommInfo(target string) map[string]string { return widget.Info(target) }
