package kernel

import (
	"fmt"
	"sync"

	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/widget"
)

// CommPublisher publishes the comm messages widgets send. kernel/host
// implements it over the Jupyter transport: msgType is "comm_open",
// "comm_msg" or "comm_close", content the message content (comm_id,
// target_name, data, metadata), and parent the From of the incoming
// message being answered (nil: no parent request).
type CommPublisher interface {
	PublishComm(parent any, msgType string, content map[string]any, buffers [][]byte)
}

// Comms connects a Session to the widgets of runtime/widget: it installs
// the widget comm and the callback scheduler, and routes incoming comm
// messages (Deliver) and comm_info (Info).
//
// # When callbacks run
//
// Callbacks written in cells (OnChange, OnClick, …) are interpreted code,
// and the interpreter runs one thing at a time. Comms runs them on its own
// executor goroutine holding the session's cell lock: when no cell is
// running they run at once, in arrival order; while a cell runs they wait
// and run as soon as it finishes (or when the cell calls widget.Yield,
// which runs them inside the cell). Each callback runs the way a cell
// does: the interrupt flag is reset first (so a callback made before an
// interrupted cell keeps working), its prints and displays go to the
// Sink carried by the message (Message.From, if it is a Sink), a panic is
// reported on its stderr, and Interrupt stops it.
//
// Compiled handlers of runtime code (the review widget's ledger writes,
// widget.Model.HandleNow) do not wait: Deliver starts them at once, also
// while a cell runs.
type Comms struct {
	s    *Session
	pub  CommPublisher
	wake chan struct{}
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

// NewComms connects s to the widgets, publishing through pub. One kernel
// process hosts one session, so there is one Comms; Close it with the
// session.
func NewComms(s *Session, pub CommPublisher) *Comms {
	c := &Comms{s: s, pub: pub, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	widget.SetScheduler(c.poke)
	widget.SetComm(commSink{pub})
	go c.executor()
	return c
}

// Deliver hands an incoming comm message to the widgets; for comm_open it
// reports whether the target exists (false: answer with comm_close). It
// never waits for a cell.
func (c *Comms) Deliver(m widget.Message) bool { return widget.Deliver(m) }

// Info lists the open comms (id → target) of target, all if "".
func (c *Comms) Info(target string) map[string]string { return widget.Info(target) }

// Close stops the executor and disconnects the widgets.
func (c *Comms) Close() {
	c.once.Do(func() {
		close(c.quit)
		<-c.done
		widget.SetScheduler(nil)
		widget.SetComm(nil)
	})
}

func (c *Comms) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// executor runs queued callbacks under the cell lock.
func (c *Comms) executor() {
	defer close(c.done)
	for {
		select {
		case <-c.quit:
			return
		case <-c.wake:
		}
		if widget.Pending() == 0 {
			continue
		}
		c.s.mu.Lock()
		if !c.s.closed {
			widget.RunPending(c.run)
		}
		c.s.mu.Unlock()
	}
}

// run runs one callback as a cell is run; the caller holds s.mu.
func (c *Comms) run(from any, fn func()) {
	s := c.s
	sink, _ := from.(Sink)
	if sink == nil {
		sink = discard{}
	}
	select { // an interrupt sent before this callback is not for it
	case <-s.intr:
	default:
	}
	host.Reset()
	s.out.begin(sink)
	s.running.Store(true)
	done := make(chan any, 1)
	go func() {
		// a callback stopped by the interrupt check ends its goroutine
		// with runtime.Goexit: the deferred send still runs
		var p any
		defer func() { done <- p }()
		defer func() {
			if r := recover(); r != nil {
				p = r
			}
		}()
		fn()
	}()
	p := <-done
	s.running.Store(false)
	if host.Stopped() {
		s.out.write("stderr", []byte("widget callback interrupted\n"))
	} else if p != nil {
		s.out.write("stderr", []byte(fmt.Sprintf("panic in widget callback: %v\n", p)))
	}
	s.out.end()
	host.Reset()
}

// commSink adapts a CommPublisher to widget.Comm.
type commSink struct{ pub CommPublisher }

func (c commSink) Open(id, target string, data, metadata map[string]any, buffers [][]byte) {
	c.pub.PublishComm(nil, "comm_open", map[string]any{"comm_id": id, "target_name": target, "data": data, "metadata": metadata}, buffers)
}

func (c commSink) Send(from any, id string, data map[string]any, buffers [][]byte) {
	c.pub.PublishComm(from, "comm_msg", map[string]any{"comm_id": id, "data": data}, buffers)
}

func (c commSink) Close(id string, data map[string]any) {
	c.pub.PublishComm(nil, "comm_close", map[string]any{"comm_id": id, "data": data}, nil)
}
