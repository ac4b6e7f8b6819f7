package jupyter

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Backend is the language side of a kernel, in plain types: kernel/host
// adapts kernel.Session to it. Positions are byte offsets into code. The
// Dispatcher calls Execute, Complete, Inspect, IsComplete and the comm
// methods from one goroutine, in request order; Interrupt comes from another
// goroutine while Execute runs.
type Backend interface {
	// Execute runs code. Output produced while it runs goes to out.
	Execute(ctx context.Context, code string, out Output) ExecResult
	// Interrupt stops the running Execute, if any, keeping the state.
	Interrupt()
	// Complete returns completions at byte offset pos of code.
	Complete(code string, pos int) Completion
	// Inspect documents the symbol at byte offset pos of code; detail is
	// Jupyter's detail_level (0 or 1).
	Inspect(code string, pos, detail int) Inspection
	// IsComplete reports "complete", "incomplete", "invalid" or "unknown"
	// and, for incomplete code, the indent of the next line.
	IsComplete(code string) (status, indent string)
}

// CommBackend is implemented by backends that handle comms (widgets). A
// Backend without it answers comm_open with comm_close, as the protocol asks
// for an unknown target.
type CommBackend interface {
	// CommOpen opens comm id for target; it reports false if there is no
	// such target. out publishes on iopub under the comm_open message.
	CommOpen(id, target string, data map[string]any, buffers [][]byte, out Output) bool
	// CommMsg delivers a comm_msg.
	CommMsg(id string, data map[string]any, buffers [][]byte, out Output)
	// CommClose delivers a comm_close.
	CommClose(id string, data map[string]any, buffers [][]byte, out Output)
	// CommInfo lists the open comms (id → target name), of target only if
	// target is not "".
	CommInfo(target string) map[string]string
}

// Output receives what a request produces; each call publishes one iopub
// message whose parent is the request. It is safe for concurrent use.
type Output interface {
	// Stream publishes text on "stdout" or "stderr".
	Stream(name, text string)
	// Display publishes display_data, or update_display_data when update is
	// set; id is the display id ("" for none).
	Display(data, metadata map[string]any, id string, update bool)
	// Publish sends any other iopub message (comm_msg, comm_open, …).
	Publish(msgType string, content any, buffers [][]byte)
}

// ExecResult is the outcome of Backend.Execute.
type ExecResult struct {
	Count    int            // execution count of the cell; 0 keeps the Dispatcher's own
	Data     map[string]any // MIME bundle of the final expression; nil if none
	Metadata map[string]any
	Err      *ExecError // nil on success
	// Unusable means the backend cannot run anything any more (a cell is
	// stuck in compiled code): Serve ends with ErrUnusable once this
	// request is answered, so that the process exits and whoever started it
	// restarts it.
	Unusable bool
}

// ErrUnusable is returned by Serve after the Backend reported itself
// unusable (ExecResult.Unusable).
var ErrUnusable = errors.New("kernel backend unusable")

// ExecError is a failed execution, as Jupyter shows it.
type ExecError struct {
	Name      string   // ename, e.g. "CompileError", "Panic", "KeyboardInterrupt"
	Value     string   // evalue: the message
	Traceback []string // lines shown to the user
}

// Completion is the answer of Backend.Complete.
type Completion struct {
	Matches    []string
	Start, End int // byte offsets into the code
	Metadata   map[string]any
}

// Inspection is the answer of Backend.Inspect.
type Inspection struct {
	Found bool
	Data  map[string]any // MIME bundle, e.g. {"text/plain": "func Println(a ...any) …"}
}

// Transport moves messages between a kernel and its clients. Recv returns
// requests from the shell, control and stdin channels, with Channel set; it
// drops (and logs) what cannot be decoded and returns an error only when the
// transport is finished (io.EOF when the peer closed it). Send routes a
// message by its Channel and is safe for concurrent use.
type Transport interface {
	Recv() (*Message, error)
	Send(m *Message) error
	Close() error
}

// Dispatcher serves Jupyter requests arriving on a Transport with a Backend.
// Shell requests run one at a time in arrival order; control requests
// (interrupt, shutdown, kernel_info) are answered at once, also while a cell
// runs. Every request is bracketed by iopub status busy and idle.
type Dispatcher struct {
	Backend   Backend
	Transport Transport
	// Session is the session id in headers of messages the kernel sends
	// ("" means a new random id).
	Session string
	// Banner is kernel_info_reply's banner.
	Banner string
	// Implementation and ImplementationVersion name the kernel
	// (default "tandem" and "dev").
	Implementation, ImplementationVersion string
	// Log receives one line per dropped or rejected message; nil means
	// slog.Default().
	Log *slog.Logger

	once     sync.Once
	mu       sync.Mutex
	queue    []*Message // shell requests waiting for the worker
	wake     chan struct{}
	count    int // last execution count
	aborted  map[*Message]bool
	unusable bool
	done     chan struct{}
	shutdown sync.Once
}

func (d *Dispatcher) init() {
	d.once.Do(func() {
		if d.Session == "" {
			d.Session = NewID()
		}
		if d.Implementation == "" {
			d.Implementation = "tandem"
		}
		if d.ImplementationVersion == "" {
			d.ImplementationVersion = "dev"
		}
		if d.Log == nil {
			d.Log = slog.Default()
		}
		d.Log = d.Log.WithGroup("jupyter")
		d.wake = make(chan struct{}, 1)
		d.done = make(chan struct{})
	})
}

// Serve answers requests until a shutdown_request has been answered (it
// returns nil), the backend reports itself unusable (ErrUnusable, once that
// request is answered), ctx ends (ctx.Err()) or the transport fails (its
// error; nil for io.EOF). It does not close the transport.
func (d *Dispatcher) Serve(ctx context.Context) error {
	d.init()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d.status(nil, "starting")

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); d.shellWorker(ctx) }()

	recvErr := make(chan error, 1)
	go func() {
		for {
			m, err := d.Transport.Recv()
			if err != nil {
				recvErr <- err
				return
			}
			switch m.Channel {
			case Control:
				d.handle(ctx, m)
			case Shell:
				d.mu.Lock()
				d.queue = append(d.queue, m)
				d.mu.Unlock()
				select {
				case d.wake <- struct{}{}:
				default:
				}
			default:
				// stdin replies only answer input_request, which this kernel
				// never sends.
				d.Log.Info("drop message", "channel", m.Channel, "msg_type", m.Header.MsgType)
			}
			select {
			case <-d.done:
				recvErr <- nil
				return
			default:
			}
		}
	}()

	var err error
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case <-d.done:
	case err = <-recvErr:
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	d.mu.Lock()
	if d.unusable {
		err = ErrUnusable
	}
	d.mu.Unlock()
	cancel()
	// Give a running cell a moment to end (it was interrupted on shutdown
	// and its context is cancelled), but do not wait for one stuck in
	// compiled code: the process is about to exit.
	worker := make(chan struct{})
	go func() { wg.Wait(); close(worker) }()
	select {
	case <-worker:
	case <-time.After(2 * time.Second):
		d.Log.Info("stop serving with a cell still running")
	}
	return err
}

// Done is closed once a shutdown_request has been answered.
func (d *Dispatcher) Done() <-chan struct{} {
	d.init()
	return d.done
}

func (d *Dispatcher) shellWorker(ctx context.Context) {
	for {
		d.mu.Lock()
		var m *Message
		if len(d.queue) > 0 {
			m = d.queue[0]
			d.queue[0] = nil
			d.queue = d.queue[1:]
		}
		d.mu.Unlock()
		if m != nil {
			d.handle(ctx, m)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-d.done:
			return
		case <-d.wake:
		}
	}
}

// send sends m, logging a failure (a client that went away is not an error
// of the kernel).
func (d *Dispatcher) send(m *Message) {
	if err := d.Transport.Send(m); err != nil {
		d.Log.Info("send", "msg_type", m.Header.MsgType, "err", err)
	}
}

func (d *Dispatcher) publish(parent *Message, msgType string, content any, buffers [][]byte) {
	m, err := NewMessage(IOPub, msgType, parent, d.Session, content)
	if err != nil {
		d.Log.Error("publish", "msg_type", msgType, "err", err)
		return
	}
	m.Buffers = buffers
	d.send(m)
}

func (d *Dispatcher) status(parent *Message, state string) {
	d.publish(parent, "status", Status{ExecutionState: state}, nil)
}

func (d *Dispatcher) reply(req *Message, content any) {
	m, err := NewMessage(req.Channel, ReplyType(req.Header.MsgType), req, d.Session, content)
	if err != nil {
		d.Log.Error("reply", "msg_type", req.Header.MsgType, "err", err)
		return
	}
	d.send(m)
}

func (d *Dispatcher) errorReply(req *Message, ename, evalue string) {
	d.Log.Info("reject request", "msg_type", req.Header.MsgType, "ename", ename, "evalue", evalue)
	d.reply(req, ErrorContent{Status: "error", Ename: ename, Evalue: evalue, Traceback: []string{ename + ": " + evalue}})
}

// handle answers one request between busy and idle.
func (d *Dispatcher) handle(ctx context.Context, m *Message) {
	t := m.Header.MsgType
	switch t {
	case "comm_open", "comm_msg", "comm_close":
		d.status(m, "busy")
		d.comm(m)
		d.status(m, "idle")
		return
	}
	if ReplyType(t) == "" {
		d.Log.Info("drop message", "channel", m.Channel, "msg_type", t, "why", "not a request")
		return
	}
	d.status(m, "busy")
	shutdown := false
	defer func() {
		d.status(m, "idle")
		if shutdown {
			d.shutdown.Do(func() { close(d.done) })
		}
	}()
	if t == "execute_request" {
		if d.execute(ctx, m) {
			d.mu.Lock()
			d.unusable = true
			d.mu.Unlock()
			shutdown = true
		}
		return
	}
	switch t {
	case "kernel_info_request":
		d.reply(m, d.kernelInfo())
	case "complete_request":
		var c CompleteRequest
		if err := m.DecodeContent(&c); err != nil {
			d.errorReply(m, "BadRequest", err.Error())
			return
		}
		comp := d.Backend.Complete(c.Code, ByteOffset(c.Code, c.CursorPos))
		if comp.Matches == nil {
			comp.Matches = []string{}
		}
		if comp.Metadata == nil {
			comp.Metadata = map[string]any{}
		}
		start, end := comp.Start, comp.End
		if len(comp.Matches) == 0 || start < 0 || start > len(c.Code) || end < start || end > len(c.Code) {
			start, end = ByteOffset(c.Code, c.CursorPos), ByteOffset(c.Code, c.CursorPos)
		}
		d.reply(m, CompleteReply{Status: "ok", Matches: comp.Matches,
			CursorStart: UTF16Offset(c.Code, start), CursorEnd: UTF16Offset(c.Code, end), Metadata: comp.Metadata})
	case "inspect_request":
		var c InspectRequest
		if err := m.DecodeContent(&c); err != nil {
			d.errorReply(m, "BadRequest", err.Error())
			return
		}
		in := d.Backend.Inspect(c.Code, ByteOffset(c.Code, c.CursorPos), c.DetailLevel)
		if in.Data == nil {
			in.Data = map[string]any{}
		}
		d.reply(m, InspectReply{Status: "ok", Found: in.Found, Data: in.Data, Metadata: map[string]any{}})
	case "is_complete_request":
		var c IsCompleteRequest
		if err := m.DecodeContent(&c); err != nil {
			d.errorReply(m, "BadRequest", err.Error())
			return
		}
		status, indent := d.Backend.IsComplete(c.Code)
		if status != "incomplete" {
			indent = ""
		}
		d.reply(m, IsCompleteReply{Status: status, Indent: indent})
	case "interrupt_request":
		d.Backend.Interrupt()
		d.reply(m, StatusOK{Status: "ok"})
	case "shutdown_request":
		var c ShutdownRequest
		if err := m.DecodeContent(&c); err != nil {
			d.errorReply(m, "BadRequest", err.Error())
			return
		}
		d.Backend.Interrupt()
		d.reply(m, ShutdownRequest{Status: "ok", Restart: c.Restart})
		shutdown = true
	case "comm_info_request":
		var c CommInfoRequest
		if err := m.DecodeContent(&c); err != nil {
			d.errorReply(m, "BadRequest", err.Error())
			return
		}
		comms := map[string]CommInfo{}
		if cb, ok := d.Backend.(CommBackend); ok {
			for id, target := range cb.CommInfo(c.TargetName) {
				comms[id] = CommInfo{TargetName: target}
			}
		}
		d.reply(m, CommInfoReply{Status: "ok", Comms: comms})
	case "history_request":
		d.reply(m, HistoryReply{Status: "ok", History: []any{}})
	default:
		d.errorReply(m, "UnknownMessageType", "the tandem kernel does not handle "+t)
	}
}

func (d *Dispatcher) kernelInfo() KernelInfoReply {
	banner := d.Banner
	if banner == "" {
		banner = "Tandem: Go notebooks on the yaegi interpreter (" + runtime.Version() + ")"
	}
	return KernelInfoReply{
		Status:                "ok",
		ProtocolVersion:       ProtocolVersion,
		Implementation:        d.Implementation,
		ImplementationVersion: d.ImplementationVersion,
		LanguageInfo: LanguageInfo{
			Name:           "go",
			Version:        strings.TrimPrefix(runtime.Version(), "go"),
			Mimetype:       "text/x-go",
			FileExtension:  ".go",
			PygmentsLexer:  "go",
			CodemirrorMode: "go",
		},
		Banner:    banner,
		HelpLinks: []HelpLink{{Text: "Go documentation", URL: "https://pkg.go.dev/std"}},
	}
}

// execute answers an execute_request; it reports whether the backend has
// become unusable.
func (d *Dispatcher) execute(ctx context.Context, m *Message) bool {
	d.mu.Lock()
	abort := d.aborted[m]
	delete(d.aborted, m)
	count := d.count
	d.mu.Unlock()
	if abort {
		d.reply(m, ExecuteReply{Status: "aborted", ExecutionCount: count})
		return false
	}
	var req ExecuteRequest
	if err := m.DecodeContent(&req); err != nil {
		d.errorReply(m, "BadRequest", err.Error())
		return false
	}
	storeHistory := req.StoreHistory == nil || *req.StoreHistory
	if req.Silent {
		storeHistory = false
	}
	count++
	if !req.Silent {
		d.publish(m, "execute_input", ExecuteInput{Code: req.Code, ExecutionCount: count}, nil)
	}
	out := &output{d: d, parent: m}
	res := d.Backend.Execute(ctx, req.Code, out)
	if res.Count > 0 {
		count = res.Count
	}
	if storeHistory || res.Count > 0 {
		d.mu.Lock()
		d.count = count
		d.mu.Unlock()
	}
	if res.Data != nil && !req.Silent {
		md := res.Metadata
		if md == nil {
			md = map[string]any{}
		}
		d.publish(m, "execute_result", ExecuteResult{ExecutionCount: count, Data: res.Data, Metadata: md}, nil)
	}
	if res.Err != nil {
		tb := res.Err.Traceback
		if tb == nil {
			tb = []string{}
		}
		d.publish(m, "error", ErrorContent{Ename: res.Err.Name, Evalue: res.Err.Value, Traceback: tb}, nil)
		// Abort what was queued before the reply goes out: a request the
		// client sends after seeing the reply must run.
		if req.StopOnError == nil || *req.StopOnError || res.Unusable {
			d.abortQueued()
		}
		d.reply(m, ExecuteReply{Status: "error", ExecutionCount: count, UserExpressions: map[string]any{},
			Ename: res.Err.Name, Evalue: res.Err.Value, Traceback: tb})
		return res.Unusable
	}
	d.reply(m, ExecuteReply{Status: "ok", ExecutionCount: count, UserExpressions: map[string]any{}, Payload: []any{}})
	return res.Unusable
}

// abortQueued marks the execute requests queued behind a failed one: the
// worker answers them with status "aborted", as ipykernel does for
// stop_on_error.
func (d *Dispatcher) abortQueued() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, q := range d.queue {
		if q.Header.MsgType == "execute_request" {
			if d.aborted == nil {
				d.aborted = map[*Message]bool{}
			}
			d.aborted[q] = true
		}
	}
}

func (d *Dispatcher) comm(m *Message) {
	cb, _ := d.Backend.(CommBackend)
	out := &output{d: d, parent: m}
	switch m.Header.MsgType {
	case "comm_open":
		var c CommOpen
		if err := m.DecodeContent(&c); err != nil {
			d.Log.Info("drop message", "msg_type", "comm_open", "err", err)
			return
		}
		if cb == nil || !cb.CommOpen(c.CommID, c.TargetName, c.Data, m.Buffers, out) {
			d.Log.Info("close comm", "comm_id", c.CommID, "target_name", c.TargetName, "why", "no such target")
			d.publish(m, "comm_close", CommMsg{CommID: c.CommID, Data: map[string]any{}}, nil)
		}
	case "comm_msg", "comm_close":
		var c CommMsg
		if err := m.DecodeContent(&c); err != nil {
			d.Log.Info("drop message", "msg_type", m.Header.MsgType, "err", err)
			return
		}
		if cb == nil {
			d.Log.Info("drop message", "msg_type", m.Header.MsgType, "comm_id", c.CommID, "why", "no comms")
			return
		}
		if m.Header.MsgType == "comm_msg" {
			cb.CommMsg(c.CommID, c.Data, m.Buffers, out)
		} else {
			cb.CommClose(c.CommID, c.Data, m.Buffers, out)
		}
	}
}

// output publishes on iopub under one parent request.
type output struct {
	d      *Dispatcher
	parent *Message
}

func (o *output) Stream(name, text string) {
	o.d.publish(o.parent, "stream", Stream{Name: name, Text: text}, nil)
}

func (o *output) Display(data, metadata map[string]any, id string, update bool) {
	if metadata == nil {
		metadata = map[string]any{}
	}
	c := DisplayData{Data: data, Metadata: metadata}
	if id != "" {
		c.Transient = &Transient{DisplayID: id}
	}
	t := "display_data"
	if update {
		t = "update_display_data"
	}
	o.d.publish(o.parent, t, c, nil)
}

func (o *output) Publish(msgType string, content any, buffers [][]byte) {
	o.d.publish(o.parent, msgType, content, buffers)
}
