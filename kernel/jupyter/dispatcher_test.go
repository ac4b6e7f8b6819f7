package jupyter

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeBackend is a func-field test double.
type fakeBackend struct {
	execute    func(ctx context.Context, code string, out Output) ExecResult
	interrupts atomic.Int32
	completed  struct {
		code string
		pos  int
	}
}

func (f *fakeBackend) Execute(ctx context.Context, code string, out Output) ExecResult {
	return f.execute(ctx, code, out)
}
func (f *fakeBackend) Interrupt() { f.interrupts.Add(1) }
func (f *fakeBackend) Complete(code string, pos int) Completion {
	f.completed.code, f.completed.pos = code, pos
	// Complete the identifier before pos.
	start := pos
	for start > 0 && (code[start-1] >= 'A' && code[start-1] <= 'Z' || code[start-1] >= 'a' && code[start-1] <= 'z') {
		start--
	}
	return Completion{Matches: []string{"Println", "Printf"}, Start: start, End: pos}
}
func (f *fakeBackend) Inspect(code string, pos, detail int) Inspection {
	return Inspection{Found: true, Data: map[string]any{"text/plain": "func Println(a ...any) (n int, err error)"}}
}
func (f *fakeBackend) IsComplete(code string) (string, string) {
	if strings.HasSuffix(code, "{") {
		return "incomplete", "\t"
	}
	return "complete", "ignored"
}

// client drives a Dispatcher over a Pipe.
type client struct {
	t    *testing.T
	tr   Transport
	sess string
}

func startDispatcher(t *testing.T, b Backend) (*client, *Dispatcher, chan error) {
	k, c := Pipe()
	d := &Dispatcher{Backend: b, Transport: k}
	errc := make(chan error, 1)
	go func() { errc <- d.Serve(context.Background()) }()
	t.Cleanup(func() { c.Close() })
	cl := &client{t: t, tr: c, sess: NewID()}
	// The starting status comes first.
	if m := cl.next(); m.Header.MsgType != "status" || !strings.Contains(string(m.Content), "starting") {
		t.Fatalf("first message: %s %s", m.Header.MsgType, m.Content)
	}
	return cl, d, errc
}

func (c *client) send(ch Channel, msgType string, content any) *Message {
	c.t.Helper()
	m, err := NewMessage(ch, msgType, nil, c.sess, content)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.tr.Send(m); err != nil {
		c.t.Fatal(err)
	}
	return m
}

func (c *client) next() *Message {
	c.t.Helper()
	type res struct {
		m   *Message
		err error
	}
	r := make(chan res, 1)
	go func() { m, err := c.tr.Recv(); r <- res{m, err} }()
	select {
	case x := <-r:
		if x.err != nil {
			c.t.Fatal(x.err)
		}
		return x.m
	case <-time.After(5 * time.Second):
		c.t.Fatal("no message within 5 s")
	}
	return nil
}

// collect returns the messages for req up to its idle status, and its reply.
func (c *client) collect(req *Message) (iopub []*Message, reply *Message) {
	c.t.Helper()
	idle := false
	for !idle || reply == nil {
		m := c.next()
		if m.ParentID() != req.Header.MsgID {
			continue
		}
		if m.Channel == IOPub {
			iopub = append(iopub, m)
			if m.Header.MsgType == "status" && strings.Contains(string(m.Content), `"idle"`) {
				idle = true
			}
		} else {
			reply = m
		}
	}
	return iopub, reply
}

func types(ms []*Message) string {
	var s []string
	for _, m := range ms {
		t := m.Header.MsgType
		if t == "status" {
			var st Status
			_ = json.Unmarshal(m.Content, &st)
			t += ":" + st.ExecutionState
		}
		s = append(s, t)
	}
	return strings.Join(s, " ")
}

func TestDispatcher_Execute(t *testing.T) {
	n := 0
	b := &fakeBackend{execute: func(ctx context.Context, code string, out Output) ExecResult {
		n++
		switch code {
		case "print":
			out.Stream("stdout", "hello\n")
			out.Display(map[string]any{"text/plain": "p"}, nil, "d1", false)
			out.Display(map[string]any{"text/plain": "q"}, nil, "d1", true)
			return ExecResult{Count: n}
		case "fail":
			return ExecResult{Count: n, Err: &ExecError{Name: "Panic", Value: "boom", Traceback: []string{"panic: boom", "cell [2] line 1:1"}}}
		}
		return ExecResult{Count: n, Data: map[string]any{"text/plain": "2"}}
	}}
	c, _, _ := startDispatcher(t, b)

	req := c.send(Shell, "execute_request", ExecuteRequest{Code: "1+1"})
	iopub, reply := c.collect(req)
	if got, want := types(iopub), "status:busy execute_input execute_result status:idle"; got != want {
		t.Errorf("iopub: got: %s want: %s", got, want)
	}
	var er ExecuteReply
	_ = reply.DecodeContent(&er)
	if reply.Header.MsgType != "execute_reply" || er.Status != "ok" || er.ExecutionCount != 1 {
		t.Errorf("reply: %s %s", reply.Header.MsgType, reply.Content)
	}
	if reply.ParentSession() != c.sess {
		t.Errorf("reply parent session: got: %q want: %q", reply.ParentSession(), c.sess)
	}

	req = c.send(Shell, "execute_request", ExecuteRequest{Code: "print"})
	iopub, _ = c.collect(req)
	if got, want := types(iopub), "status:busy execute_input stream display_data update_display_data status:idle"; got != want {
		t.Errorf("iopub: got: %s want: %s", got, want)
	}
	var dd DisplayData
	_ = iopub[3].DecodeContent(&dd)
	if dd.Transient == nil || dd.Transient.DisplayID != "d1" {
		t.Errorf("display_data transient: %s", iopub[3].Content)
	}

	// An error aborts the execute requests queued behind it.
	block := make(chan struct{})
	b.execute = func(ctx context.Context, code string, out Output) ExecResult {
		n++
		if code == "fail" {
			<-block
			return ExecResult{Count: n, Err: &ExecError{Name: "Panic", Value: "boom", Traceback: []string{"panic: boom"}}}
		}
		return ExecResult{Count: n}
	}
	fail := c.send(Shell, "execute_request", ExecuteRequest{Code: "fail"})
	queued := c.send(Shell, "execute_request", ExecuteRequest{Code: "1"})
	time.Sleep(20 * time.Millisecond)
	close(block)
	iopub, reply = c.collect(fail)
	if got, want := types(iopub), "status:busy execute_input error status:idle"; got != want {
		t.Errorf("iopub: got: %s want: %s", got, want)
	}
	_ = reply.DecodeContent(&er)
	if er.Status != "error" || er.Ename != "Panic" || len(er.Traceback) != 1 {
		t.Errorf("error reply: %s", reply.Content)
	}
	_, reply = c.collect(queued)
	_ = reply.DecodeContent(&er)
	if er.Status != "aborted" {
		t.Errorf("queued request: got: %s want status aborted", reply.Content)
	}

	// Silent: no execute_input, no count.
	f := false
	req = c.send(Shell, "execute_request", ExecuteRequest{Code: "1+1", Silent: true, StoreHistory: &f})
	iopub, _ = c.collect(req)
	if got, want := types(iopub), "status:busy status:idle"; got != want {
		t.Errorf("silent iopub: got: %s want: %s", got, want)
	}
}

func TestDispatcher_Requests(t *testing.T) {
	b := &fakeBackend{execute: func(ctx context.Context, code string, out Output) ExecResult {
		<-ctx.Done()
		return ExecResult{}
	}}
	c, d, errc := startDispatcher(t, b)

	req := c.send(Shell, "kernel_info_request", nil)
	_, reply := c.collect(req)
	var ki KernelInfoReply
	_ = reply.DecodeContent(&ki)
	if ki.ProtocolVersion != "5.3" || ki.LanguageInfo.Name != "go" || ki.LanguageInfo.FileExtension != ".go" ||
		ki.LanguageInfo.CodemirrorMode != "go" || ki.Banner == "" || ki.Status != "ok" {
		t.Errorf("kernel_info_reply: %s", reply.Content)
	}

	// "🐹" is 2 UTF-16 units and 4 bytes: cursor 17 (units) is byte 19.
	code := "s := \"🐹\"; fmt.Pri"
	req = c.send(Shell, "complete_request", CompleteRequest{Code: code, CursorPos: 17})
	_, reply = c.collect(req)
	var cr CompleteReply
	_ = reply.DecodeContent(&cr)
	if b.completed.pos != 19 {
		t.Errorf("backend got byte offset %d, want 19", b.completed.pos)
	}
	if cr.CursorStart != 15 || cr.CursorEnd != 17 || len(cr.Matches) != 2 {
		t.Errorf("complete_reply: %s (want cursor 15..17 in UTF-16 units)", reply.Content)
	}

	req = c.send(Shell, "inspect_request", InspectRequest{Code: "fmt.Println", CursorPos: 5})
	_, reply = c.collect(req)
	var ir InspectReply
	_ = reply.DecodeContent(&ir)
	if !ir.Found || !strings.Contains(ir.Data["text/plain"].(string), "Println") {
		t.Errorf("inspect_reply: %s", reply.Content)
	}

	for code, want := range map[string]string{"func f() {": `{"status":"incomplete","indent":"\t"}`, "x": `{"status":"complete"}`} {
		req = c.send(Shell, "is_complete_request", IsCompleteRequest{Code: code})
		_, reply = c.collect(req)
		if string(reply.Content) != want {
			t.Errorf("is_complete_reply(%q): got: %s want: %s", code, reply.Content, want)
		}
	}

	for _, test := range []struct{ t, want string }{
		{"comm_info_request", `{"status":"ok","comms":{}}`},
		{"history_request", `{"status":"ok","history":[]}`},
		{"frobnicate_request", `"ename":"UnknownMessageType"`},
	} {
		req = c.send(Shell, test.t, nil)
		_, reply = c.collect(req)
		if !strings.Contains(string(reply.Content), test.want) || reply.Header.MsgType != ReplyType(test.t) {
			t.Errorf("%s: got: %s %s want: %s", test.t, reply.Header.MsgType, reply.Content, test.want)
		}
	}

	// Malformed content gets an error reply, and the kernel goes on.
	bad, _ := NewMessage(Shell, "complete_request", nil, c.sess, nil)
	bad.Content = json.RawMessage(`{"code": 7}`)
	_ = c.tr.Send(bad)
	_, reply = c.collect(bad)
	if !strings.Contains(string(reply.Content), `"status":"error"`) {
		t.Errorf("malformed request: %s", reply.Content)
	}

	// comm_open without a comm backend is closed.
	open := c.send(Shell, "comm_open", CommOpen{CommID: "c1", TargetName: "jupyter.widget", Data: map[string]any{}})
	iopub, _ := func() ([]*Message, *Message) {
		var ms []*Message
		for {
			m := c.next()
			if m.ParentID() == open.Header.MsgID {
				ms = append(ms, m)
				if strings.Contains(string(m.Content), `"idle"`) {
					return ms, nil
				}
			}
		}
	}()
	if got := types(iopub); got != "status:busy comm_close status:idle" {
		t.Errorf("comm_open: got: %s", got)
	}

	// Interrupt on control while a cell runs.
	exec := c.send(Shell, "execute_request", ExecuteRequest{Code: "for {}"})
	time.Sleep(10 * time.Millisecond)
	intr := c.send(Control, "interrupt_request", nil)
	_, reply = c.collect(intr)
	if reply.Header.MsgType != "interrupt_reply" || reply.Channel != Control || b.interrupts.Load() != 1 {
		t.Errorf("interrupt: %s on %s, %d interrupts", reply.Header.MsgType, reply.Channel, b.interrupts.Load())
	}

	sd := c.send(Control, "shutdown_request", ShutdownRequest{Restart: false})
	_, reply = c.collect(sd)
	if reply.Header.MsgType != "shutdown_reply" || !strings.Contains(string(reply.Content), `"status":"ok"`) {
		t.Errorf("shutdown: %s %s", reply.Header.MsgType, reply.Content)
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Serve after shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	select {
	case <-d.Done():
	default:
		t.Error("Done not closed")
	}
	_ = exec
}

// BenchmarkDispatcher_RoundTrip measures an execute_request through the
// Dispatcher (over an in-process Pipe, with a backend that answers at once)
// until its idle status: the protocol's own cost per cell.
func BenchmarkDispatcher_RoundTrip(b *testing.B) {
	be := &fakeBackend{execute: func(ctx context.Context, code string, out Output) ExecResult {
		return ExecResult{Data: map[string]any{"text/plain": "2"}}
	}}
	k, c := Pipe()
	d := &Dispatcher{Backend: be, Transport: k}
	go d.Serve(context.Background())
	defer c.Close()
	c.Recv() // starting
	sess := NewID()
	b.ReportAllocs()
	for b.Loop() {
		m, _ := NewMessage(Shell, "execute_request", nil, sess, ExecuteRequest{Code: "1+1"})
		c.Send(m)
		for {
			r, _ := c.Recv()
			if r.Channel == IOPub && r.Header.MsgType == "status" && r.ParentID() == m.Header.MsgID && strings.Contains(string(r.Content), "idle") {
				break
			}
		}
	}
}

// A backend that reports itself unusable ends Serve with ErrUnusable once
// the request is answered, and queued executes are aborted.
func TestDispatcher_Unusable(t *testing.T) {
	b := &fakeBackend{execute: func(ctx context.Context, code string, out Output) ExecResult {
		time.Sleep(20 * time.Millisecond)
		return ExecResult{Count: 1, Err: &ExecError{Name: "Stuck", Value: "stuck"}, Unusable: true}
	}}
	c, _, errc := startDispatcher(t, b)
	req := c.send(Shell, "execute_request", ExecuteRequest{Code: "time.Sleep(time.Hour)"})
	_, reply := c.collect(req)
	if !strings.Contains(string(reply.Content), `"ename":"Stuck"`) {
		t.Errorf("reply: %s", reply.Content)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, ErrUnusable) {
			t.Errorf("Serve: got: %v want: %v", err, ErrUnusable)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}

// A request sent once the error reply has arrived runs: only what was
// queued before the reply is aborted. The transport sends the next request
// as soon as the error reply passes through it, and gives the Dispatcher
// time to queue it before the reply call returns.
func TestDispatcher_AbortOnlyQueued(t *testing.T) {
	b := &fakeBackend{execute: func(ctx context.Context, code string, out Output) ExecResult {
		if code == "fail" {
			return ExecResult{Err: &ExecError{Name: "Panic", Value: "boom"}}
		}
		return ExecResult{}
	}}
	k, cl := Pipe()
	var next *Message
	tr := &hookTransport{Transport: k, onSend: func(m *Message) {
		if m.Header.MsgType == "execute_reply" && strings.Contains(string(m.Content), `"error"`) {
			next, _ = NewMessage(Shell, "execute_request", nil, "c", ExecuteRequest{Code: "1"})
			cl.Send(next)
			time.Sleep(50 * time.Millisecond)
		}
	}}
	go (&Dispatcher{Backend: b, Transport: tr}).Serve(context.Background())
	t.Cleanup(func() { cl.Close() })
	c := &client{t: t, tr: cl, sess: "c"}
	fail := c.send(Shell, "execute_request", ExecuteRequest{Code: "fail"})
	c.collect(fail)
	_, reply := c.collect(next)
	var er ExecuteReply
	_ = reply.DecodeContent(&er)
	if er.Status != "ok" {
		t.Fatalf("request sent after the error reply: status %s, want ok", er.Status)
	}
}

type hookTransport struct {
	Transport
	onSend func(*Message)
}

func (h *hookTransport) Send(m *Message) error {
	err := h.Transport.Send(m)
	h.onSend(m)
	return err
}

// Serve returns on shutdown even while a cell is stuck (it ignores its
// context and the interrupt).
func TestDispatcher_ShutdownWhileStuck(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	b := &fakeBackend{execute: func(ctx context.Context, code string, out Output) ExecResult {
		<-block
		return ExecResult{}
	}}
	c, _, errc := startDispatcher(t, b)
	c.send(Shell, "execute_request", ExecuteRequest{Code: "stuck"})
	time.Sleep(20 * time.Millisecond)
	c.send(Control, "shutdown_request", ShutdownRequest{})
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return with a stuck cell")
	}
}
