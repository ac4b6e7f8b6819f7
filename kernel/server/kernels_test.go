package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"tandem.dev/tandem/kernel/jupyter"
)

func TestKernels_REST(t *testing.T) {
	h := newHarness(t, nil)
	h.write("sub/x.ipynb", sampleNB)
	r := h.do("POST", "/api/kernels", map[string]string{"name": "tandem", "path": "sub/x.ipynb"})
	var k kernelModel
	r.json(t, &k)
	if r.Code != 201 || k.Name != "tandem" || k.ExecutionState != "idle" || r.Header.Get("Location") != "/api/kernels/"+k.ID {
		t.Fatalf("start: %d %s", r.Code, r.Body)
	}
	if dir := h.kernel(k.ID).cfg.Dir; !strings.HasSuffix(dir, "/nb/sub") {
		t.Errorf("kernel dir %q, want the notebook's folder", dir)
	}
	if r := h.do("POST", "/api/kernels", nil); r.Code != 201 {
		t.Errorf("start without body: %d", r.Code)
	}
	if r := h.do("POST", "/api/kernels", map[string]string{"name": "python3"}); r.Code != 400 {
		t.Errorf("unknown kernelspec: %d", r.Code)
	}
	var list []kernelModel
	h.do("GET", "/api/kernels", nil).json(t, &list)
	if len(list) != 2 {
		t.Errorf("list: %v", list)
	}
	if r := h.do("GET", "/api/kernels/"+k.ID, nil); r.Code != 200 {
		t.Errorf("get: %d", r.Code)
	}
	if r := h.do("POST", "/api/kernels/"+k.ID+"/interrupt", nil); r.Code != 204 || h.kernel(k.ID).interrupts.Load() != 1 {
		t.Errorf("interrupt: %d", r.Code)
	}
	if r := h.do("POST", "/api/kernels/"+k.ID+"/restart", nil); r.Code != 200 || h.kernel(k.ID).restarts.Load() != 1 {
		t.Errorf("restart: %d %s", r.Code, r.Body)
	}
	if r := h.do("DELETE", "/api/kernels/"+k.ID, nil); r.Code != 204 || h.kernel(k.ID).shutdowns.Load() != 1 {
		t.Errorf("delete: %d", r.Code)
	}
	for _, p := range []string{"GET /api/kernels/", "DELETE /api/kernels/", "POST /api/kernels/%s/interrupt", "POST /api/kernels/%s/restart"} {
		method, path, _ := strings.Cut(p, " ")
		if !strings.Contains(path, "%s") {
			path += "%s"
		}
		if r := h.do(method, fmt.Sprintf(path, k.ID), nil); r.Code != 404 {
			t.Errorf("%s on a stopped kernel: %d", p, r.Code)
		}
	}
}

func TestKernels_Cap(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.MaxKernels = 2 })
	h.startKernel()
	h.startKernel()
	r := h.do("POST", "/api/kernels", nil)
	var e apiError
	r.json(t, &e)
	if r.Code != 503 || e.Reason != "too_many_kernels" || !strings.Contains(e.Message, "--max-kernels 2") {
		t.Errorf("over the cap: %d %s", r.Code, r.Body)
	}
	if r := h.do("POST", "/api/sessions", map[string]any{"path": "a.ipynb"}); r.Code != 503 {
		t.Errorf("session over the cap: %d", r.Code)
	}
}

func TestKernels_StartFails(t *testing.T) {
	h := newHarness(t, func(o *Options) {
		o.StartKernel = func(context.Context, KernelConfig) (Kernel, error) { return nil, errors.New("no such binary") }
	})
	r := h.do("POST", "/api/kernels", nil)
	if r.Code != 500 || !strings.Contains(r.message(), "no such binary") {
		t.Errorf("%d %s", r.Code, r.Body)
	}
	if h.s.kernels.count() != 0 {
		t.Error("failed start left a kernel behind")
	}
}

func TestKernels_Cull(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.CullIdle = 100 * time.Millisecond })
	idle := h.startKernel()
	connected := h.startKernel()
	unsaved := h.startKernel()
	h.kernel(unsaved).unsaved.Store(true)
	h.dial(connected, "s1")
	h.waitConns(connected, 1)
	time.Sleep(600 * time.Millisecond)
	var list []kernelModel
	h.do("GET", "/api/kernels", nil).json(t, &list)
	ids := map[string]bool{}
	for _, k := range list {
		ids[k.ID] = true
	}
	if ids[idle] || !ids[connected] || !ids[unsaved] {
		t.Errorf("after culling: idle=%v connected=%v unsaved=%v, want false true true", ids[idle], ids[connected], ids[unsaved])
	}
	if h.kernel(idle).shutdowns.Load() != 1 {
		t.Error("culled kernel was not shut down")
	}
}

func TestKernels_NoCullByDefault(t *testing.T) {
	h := newHarness(t, nil)
	id := h.startKernel()
	h.s.kernels.mu.Lock()
	e := h.s.kernels.kernels[id]
	h.s.kernels.mu.Unlock()
	e.mu.Lock()
	e.lastActivity = time.Now().Add(-48 * time.Hour)
	e.mu.Unlock()
	time.Sleep(100 * time.Millisecond)
	if h.do("GET", "/api/kernels/"+id, nil).Code != 200 {
		t.Error("kernel culled with culling off")
	}
}

func TestSessions_CRUD(t *testing.T) {
	h := newHarness(t, nil)
	h.write("a.ipynb", sampleNB)
	r := h.do("POST", "/api/sessions", map[string]any{"path": "a.ipynb", "name": "a.ipynb", "type": "notebook", "kernel": map[string]string{"name": "tandem"}})
	var s sessionModel
	r.json(t, &s)
	if r.Code != 201 || s.Path != "a.ipynb" || s.Kernel.ID == "" || s.Notebook["path"] != "a.ipynb" || r.Header.Get("Location") != "/api/sessions/"+s.ID {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	// A second tab gets the same session and kernel.
	var s2 sessionModel
	h.do("POST", "/api/sessions", map[string]any{"path": "a.ipynb", "type": "notebook", "kernel": map[string]string{"name": "tandem"}}).json(t, &s2)
	if s2.ID != s.ID || s2.Kernel.ID != s.Kernel.ID || h.s.kernels.count() != 1 {
		t.Errorf("second tab: session %s kernel %s, want %s %s", s2.ID, s2.Kernel.ID, s.ID, s.Kernel.ID)
	}
	// Old clients send notebook.path.
	var s3 sessionModel
	h.do("POST", "/api/sessions", map[string]any{"notebook": map[string]string{"path": "a.ipynb"}}).json(t, &s3)
	if s3.ID != s.ID {
		t.Error("notebook.path not honoured")
	}
	var list []sessionModel
	h.do("GET", "/api/sessions", nil).json(t, &list)
	if len(list) != 1 {
		t.Errorf("list: %v", list)
	}
	if r := h.do("GET", "/api/sessions/"+s.ID, nil); r.Code != 200 {
		t.Errorf("get: %d", r.Code)
	}
	// Renaming the file moves the session.
	h.do("PATCH", "/api/contents/a.ipynb", map[string]string{"path": "b.ipynb"})
	h.do("GET", "/api/sessions/"+s.ID, nil).json(t, &s)
	if s.Path != "b.ipynb" {
		t.Errorf("after file rename: path %q", s.Path)
	}
	r = h.do("PATCH", "/api/sessions/"+s.ID, map[string]any{"path": "c.ipynb"})
	r.json(t, &s)
	if r.Code != 200 || s.Path != "c.ipynb" || s.Name != "c.ipynb" {
		t.Errorf("patch: %d %s", r.Code, r.Body)
	}
	old := s.Kernel.ID
	r = h.do("PATCH", "/api/sessions/"+s.ID, map[string]any{"kernel": map[string]string{"name": "tandem"}})
	r.json(t, &s)
	if r.Code != 200 || s.Kernel.ID == old || h.kernel(old).shutdowns.Load() != 1 {
		t.Errorf("patch kernel: %d %s", r.Code, r.Body)
	}
	if r := h.do("PATCH", "/api/sessions/"+s.ID, map[string]any{"path": "../x.ipynb"}); r.Code < 400 || r.Code >= 500 {
		t.Errorf("patch outside: %d", r.Code)
	}
	if r := h.do("DELETE", "/api/sessions/"+s.ID, nil); r.Code != 204 || h.kernel(s.Kernel.ID).shutdowns.Load() != 1 {
		t.Errorf("delete: %d", r.Code)
	}
	if r := h.do("GET", "/api/sessions/"+s.ID, nil); r.Code != 404 {
		t.Errorf("deleted session: %d", r.Code)
	}
	if r := h.do("POST", "/api/sessions", map[string]any{"path": "a.ipynb", "kernel": map[string]string{"id": "nope"}}); r.Code != 404 {
		t.Errorf("unknown kernel id: %d", r.Code)
	}
	if r := h.do("POST", "/api/sessions", map[string]any{"type": "notebook"}); r.Code != 400 {
		t.Errorf("no path: %d", r.Code)
	}
}

// TestSessions_ConcurrentTabs: two tabs opening one notebook at once get
// one kernel.
func TestSessions_ConcurrentTabs(t *testing.T) {
	h := newHarness(t, nil)
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s sessionModel
			h.do("POST", "/api/sessions", map[string]any{"path": "n.ipynb"}).json(t, &s)
			ids[i] = s.Kernel.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] || id == "" {
			t.Fatalf("kernels: %v", ids)
		}
	}
}

func TestChannels_Execute(t *testing.T) {
	h := newHarness(t, nil)
	id := h.startKernel()
	c := h.dial(id, "s1")
	h.waitConns(id, 1)
	req := request(jupyter.Shell, "execute_request", "s1", map[string]any{"code": "1+1", "silent": false})
	sendMsg(t, c, req)
	res := until(t, c, isType("execute_result"))
	if !strings.Contains(string(res.Content), `"text/plain":"2"`) || res.ParentHeader.MsgID != req.Header.MsgID || res.Channel != jupyter.IOPub {
		t.Errorf("result: %+v %s", res, res.Content)
	}
	reply := until(t, c, isType("execute_reply"))
	if reply.Channel != jupyter.Shell {
		t.Errorf("reply channel %q", reply.Channel)
	}
	until(t, c, func(m *jupyter.Message) bool {
		return m.Header.MsgType == "status" && strings.Contains(string(m.Content), "idle")
	})
	var k kernelModel
	h.do("GET", "/api/kernels/"+id, nil).json(t, &k)
	if k.Connections != 1 || k.ExecutionState != "idle" {
		t.Errorf("kernel model: %+v", k)
	}
}

// TestChannels_MultiTab: two tabs on one notebook share the kernel; both
// see iopub, only the asker gets the reply.
func TestChannels_MultiTab(t *testing.T) {
	h := newHarness(t, nil)
	var s1, s2 sessionModel
	h.do("POST", "/api/sessions", map[string]any{"path": "n.ipynb"}).json(t, &s1)
	h.do("POST", "/api/sessions", map[string]any{"path": "n.ipynb"}).json(t, &s2)
	if s1.Kernel.ID != s2.Kernel.ID {
		t.Fatal("two kernels for one notebook")
	}
	a := h.dial(s1.Kernel.ID, "tab-a")
	b := h.dial(s2.Kernel.ID, "tab-b")
	h.waitConns(s1.Kernel.ID, 2)
	req := request(jupyter.Shell, "execute_request", "tab-a", map[string]any{"code": "x"})
	sendMsg(t, a, req)
	until(t, a, isType("execute_reply"))
	until(t, a, isType("status"))
	// Tab B sees the outputs and the idle status, but never the reply.
	for _, want := range []string{"execute_input", "execute_result", "status"} {
		m := until(t, b, func(m *jupyter.Message) bool {
			if m.Header.MsgType == "execute_reply" {
				t.Fatal("tab B got tab A's reply")
			}
			return m.Header.MsgType == want
		})
		if m.ParentHeader == nil || m.ParentHeader.MsgID != req.Header.MsgID {
			t.Errorf("%s parent: %+v", want, m.ParentHeader)
		}
	}
	// And B's own requests are answered to B.
	info := request(jupyter.Shell, "kernel_info_request", "tab-b", map[string]any{})
	sendMsg(t, b, info)
	until(t, b, isType("kernel_info_reply"))
	if _, err := recvMsg(t, a, 200*time.Millisecond); err == nil {
		t.Error("tab A got a message for tab B")
	}
}

func TestChannels_LifecycleMessages(t *testing.T) {
	h := newHarness(t, nil)
	id := h.startKernel()
	c := h.dial(id, "s")
	h.waitConns(id, 1)
	h.do("POST", "/api/kernels/"+id+"/restart", nil)
	states := []string{}
	for len(states) < 3 {
		m := until(t, c, isType("status"))
		var st struct {
			ExecutionState string `json:"execution_state"`
		}
		json.Unmarshal(m.Content, &st)
		states = append(states, st.ExecutionState)
	}
	if strings.Join(states, ",") != "restarting,starting,idle" {
		t.Errorf("restart states: %v", states)
	}
	// A crash with a cell running: the cell gets an error saying the state is lost, and a reply.
	k := h.kernel(id)
	k.OnSend = func(*fakeKernel, *jupyter.Message) {} // the process hangs, then dies
	req := request(jupyter.Shell, "execute_request", "s", map[string]any{"code": "for {}"})
	sendMsg(t, c, req)
	time.Sleep(50 * time.Millisecond)
	k.cfg.Event(KernelEvent{State: "restarting", LostState: true, Reason: "the kernel process exited (signal: killed)"})
	errMsg := until(t, c, isType("error"))
	if !strings.Contains(string(errMsg.Content), "state was lost") || errMsg.ParentHeader.MsgID != req.Header.MsgID {
		t.Errorf("crash error: %s", errMsg.Content)
	}
	reply := until(t, c, isType("execute_reply"))
	if !strings.Contains(string(reply.Content), `"status":"error"`) || !strings.Contains(string(reply.Content), "KernelRestarted") {
		t.Errorf("crash reply: %s", reply.Content)
	}
	// Without a running cell: a stderr stream.
	k.cfg.Event(KernelEvent{State: "restarting", LostState: true, Reason: "out of memory"})
	s := until(t, c, isType("stream"))
	if !strings.Contains(string(s.Content), "out of memory") {
		t.Errorf("crash stream: %s", s.Content)
	}
	// Shutdown: status dead, then the socket closes.
	h.do("DELETE", "/api/kernels/"+id, nil)
	until(t, c, func(m *jupyter.Message) bool {
		return m.Header.MsgType == "status" && strings.Contains(string(m.Content), "dead")
	})
	if _, err := recvMsg(t, c, 2*time.Second); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("after shutdown: %v", err)
	}
}

func TestChannels_BadFrames(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.WebSocket.MaxMessage = 1024 })
	id := h.startKernel()
	c := h.dial(id, "s")
	ctx := context.Background()
	for _, test := range []struct {
		typ    websocket.MessageType
		frame  string
		reason string
	}{
		{websocket.MessageText, "not json", "bad_message"},
		{websocket.MessageText, `{"header": {"msg_id": "m1", "msg_type": "execute_request"}, "channel": "iopub", "content": {}}`, "bad_message"},
		{websocket.MessageText, `{"header": {"msg_id": "m2", "msg_type": "x"}, "channel": "nope", "content": {}}`, "bad_message"},
		{websocket.MessageText, `{"header": {}, "channel": "shell", "content": {}}`, "bad_message"},
		{websocket.MessageText, `{"header": {"msg_id": "m3", "msg_type": "x"}, "channel": "shell", "content": [1]}`, "bad_message"},
		{websocket.MessageBinary, "\x00\x01", "bad_message"},
		{websocket.MessageText, `{"pad": "` + strings.Repeat("x", 5000) + `"}`, "too_large"},
	} {
		if err := c.Write(ctx, test.typ, []byte(test.frame)); err != nil {
			t.Fatal(err)
		}
		m := until(t, c, isType("tandem_error"))
		if !strings.Contains(string(m.Content), `"reason":"`+test.reason+`"`) {
			t.Errorf("%.40q: %s", test.frame, m.Content)
		}
	}
	if n := len(h.kernel(id).received()); n != 0 {
		t.Errorf("kernel received %d bad messages", n)
	}
	// The connection survived.
	sendMsg(t, c, request(jupyter.Shell, "execute_request", "s", map[string]any{"code": "1+1"}))
	until(t, c, isType("execute_reply"))
}

func TestChannels_NoCompression(t *testing.T) {
	h := newHarness(t, nil)
	id := h.startKernel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(h.base, "http")+"/api/kernels/"+id+"/channels",
		&websocket.DialOptions{HTTPHeader: map[string][]string{"Authorization": {"token " + h.token}}, CompressionMode: websocket.CompressionContextTakeover})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if ext := res.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
		t.Errorf("server negotiated %q", ext)
	}
}

// TestChannels_RateLimit: a flooding client is paced to Rate after Burst.
func TestChannels_RateLimit(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.WebSocket.Rate = 100; o.WebSocket.Burst = 10 })
	id := h.startKernel()
	k := h.kernel(id)
	k.OnSend = func(*fakeKernel, *jupyter.Message) {}
	c := h.dial(id, "s")
	start := time.Now()
	for range 60 {
		sendMsg(t, c, request(jupyter.Shell, "kernel_info_request", "s", map[string]any{}))
	}
	for len(k.received()) < 60 {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("only %d of 60 delivered", len(k.received()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	// 50 messages over the burst at 100/s take at least 0.5 s.
	if took := time.Since(start); took < 450*time.Millisecond {
		t.Errorf("60 messages delivered in %v: not rate limited", took)
	}
}

// TestChannels_SlowClient: a client that never reads is cut off once its
// buffer is full, memory stays bounded and the kernel is never blocked.
func TestChannels_SlowClient(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.WebSocket.SendBuffer = 1 << 20 })
	id := h.startKernel()
	k := h.kernel(id)
	slow := h.dial(id, "slow") // never read from
	fast := h.dial(id, "fast")
	got := make(chan int)
	go func() {
		n := 0
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			_, _, err := fast.Read(ctx)
			cancel()
			if err != nil {
				got <- n
				return
			}
			n++
		}
	}()
	h.waitConns(id, 2)
	parent := request(jupyter.Shell, "execute_request", "x", map[string]any{})
	line := strings.Repeat("y", 10<<10)
	var longest time.Duration
	for i := range 1500 { // 15 MB of output, at up to about 20 MB/s
		start := time.Now()
		k.emit(jupyter.IOPub, "stream", parent, map[string]any{"name": "stdout", "text": line})
		longest = max(longest, time.Since(start))
		if i%2 == 1 {
			time.Sleep(time.Millisecond)
		}
	}
	if longest > 500*time.Millisecond {
		t.Errorf("one output took %v: blocked by the slow client", longest)
	}
	var slowConn *wsConn
	h.s.kernels.mu.Lock()
	e := h.s.kernels.kernels[id]
	h.s.kernels.mu.Unlock()
	e.mu.Lock()
	for c := range e.conns {
		if c.session == "slow" {
			slowConn = c
		}
	}
	e.mu.Unlock()
	if slowConn != nil && slowConn.queued.Load() > 1<<20 {
		t.Errorf("slow client queue %d bytes, over the budget", slowConn.queued.Load())
	}
	// The slow client was disconnected (its read sees the close, after the
	// frames that fit in the buffer).
	deadline := time.Now().Add(5 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if _, err = recvMsg(t, slow, 2*time.Second); err != nil {
			break
		}
	}
	if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Errorf("slow client: %v, want policy violation close", err)
	}
	if n := <-got; n < 1500 {
		t.Errorf("fast client got %d of 1500 messages", n)
	}
}

// TestChannels_PingTimeout: a peer that stops answering pings is dropped.
func TestChannels_PingTimeout(t *testing.T) {
	h := newHarness(t, func(o *Options) {
		o.WebSocket.PingInterval = 50 * time.Millisecond
		o.WebSocket.PingTimeout = 300 * time.Millisecond
	})
	id := h.startKernel()
	h.dial(id, "s") // never reads, so never answers pings
	deadline := time.Now().Add(5 * time.Second)
	for h.s.conns.Load() != 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond) // the handler counts it just after the upgrade
	}
	for h.s.conns.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := h.s.conns.Load(); n != 0 {
		t.Errorf("%d connections still open after missed pongs; log:\n%s", n, h.logText())
	}
	// A reading client answers pings and stays.
	c2 := h.dial(id, "s2")
	go func() {
		for {
			if _, _, err := c2.Read(context.Background()); err != nil {
				return
			}
		}
	}()
	time.Sleep(400 * time.Millisecond)
	if n := h.s.conns.Load(); n != 1 {
		t.Errorf("reading client dropped: %d connections", n)
	}
}

// TestChannels_ConcurrentOutput checks (under -race) that one writer per
// connection serialises output from many kernel goroutines.
func TestChannels_ConcurrentOutput(t *testing.T) {
	h := newHarness(t, nil)
	id := h.startKernel()
	k := h.kernel(id)
	c := h.dial(id, "s")
	h.waitConns(id, 1)
	parent := request(jupyter.Shell, "execute_request", "s", map[string]any{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				k.emit(jupyter.IOPub, "stream", parent, map[string]any{"name": "stdout", "text": fmt.Sprint(g, i)})
			}
		}()
	}
	wg.Wait()
	for i := range 400 {
		if _, err := recvMsg(t, c, 5*time.Second); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
}

func FuzzHandleFrame(f *testing.F) {
	f.Add(byte(1), []byte(`{"header":{"msg_id":"a","msg_type":"execute_request","session":"s","date":""},"channel":"shell","parent_header":{},"metadata":{},"content":{"code":"1+1"}}`))
	f.Add(byte(1), []byte(`{"header":{"msg_id":"a","msg_type":"x"},"channel":"iopub"}`))
	f.Add(byte(1), []byte(`{"header":{"msg_id":"a","msg_type":"x","date":"2020-01-01T00:00:00Z"},"channel":"stdin","content":null,"buffers":["AAE="]}`))
	f.Add(byte(2), []byte{0, 1, 2})
	f.Add(byte(1), []byte(`[]`))
	f.Fuzz(func(t *testing.T, typ byte, data []byte) {
		s := &Server{}
		k := &fakeKernel{OnSend: func(*fakeKernel, *jupyter.Message) {}}
		e := &kernelEntry{k: k, conns: map[*wsConn]bool{}, pending: map[string]pendingReq{}}
		c := &wsConn{out: make(chan []byte, 4), budget: 1 << 20, done: make(chan struct{})}
		e.attach(c)
		s.handleFrame(e, c, websocket.MessageType(typ), data)
		sent, answered := len(k.received()), len(c.out)
		if sent+answered != 1 {
			t.Fatalf("frame %q: forwarded %d, answered %d; want exactly one", data, sent, answered)
		}
		if answered == 1 {
			var m jupyter.Message
			if err := json.Unmarshal(<-c.out, &m); err != nil || m.Header.MsgType != "tandem_error" {
				t.Fatalf("error answer does not decode: %v", err)
			}
		}
	})
}

func TestWireJSON(t *testing.T) {
	m := &jupyter.Message{Channel: jupyter.IOPub, Header: jupyter.Header{MsgID: "id\"1", MsgType: "stream"}, Content: json.RawMessage(`{"a":1}`)}
	b, err := wireJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if v["msg_id"] != "id\"1" || v["msg_type"] != "stream" || v["channel"] != "iopub" {
		t.Errorf("got %s", b)
	}
}

// TestChannels_ClientQuirks: messages as jupyter_server 1.x's client sends
// them (no channel, numeric dates) are accepted.
func TestChannels_ClientQuirks(t *testing.T) {
	h := newHarness(t, nil)
	id := h.startKernel()
	c := h.dial(id, "s")
	frame := `{"header": {"msg_id": "q1", "msg_type": "execute_request", "session": "s", "username": "u", "date": 1700000000.25, "version": "5.3"},
		"parent_header": {}, "metadata": {}, "content": {"code": "1+1"}, "msg_id": "q1", "msg_type": "execute_request"}`
	if err := c.Write(context.Background(), websocket.MessageText, []byte(frame)); err != nil {
		t.Fatal(err)
	}
	reply := until(t, c, isType("execute_reply"))
	if reply.ParentHeader.MsgID != "q1" {
		t.Errorf("reply parent %+v", reply.ParentHeader)
	}
	got := h.kernel(id).received()
	if len(got) != 1 || got[0].Channel != jupyter.Shell || got[0].Header.Date.Unix() != 1700000000 {
		t.Errorf("kernel got %+v", got)
	}
}

// TestKernels_DeleteWhileStarting: a kernel shut down while its process
// starts is stopped, not leaked.
func TestKernels_DeleteWhileStarting(t *testing.T) {
	release := make(chan struct{})
	var started *fakeKernel
	h := newHarness(t, func(o *Options) {
		o.StartKernel = func(ctx context.Context, cfg KernelConfig) (Kernel, error) {
			<-release
			started = &fakeKernel{cfg: cfg}
			return started, nil
		}
	})
	done := make(chan response)
	go func() { done <- h.do("POST", "/api/kernels", nil) }()
	var id string
	for id == "" {
		h.s.kernels.mu.Lock()
		for k := range h.s.kernels.kernels {
			id = k
		}
		h.s.kernels.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
	if r := h.do("DELETE", "/api/kernels/"+id, nil); r.Code != 204 {
		t.Errorf("delete while starting: %d", r.Code)
	}
	close(release)
	if r := <-done; r.Code != 500 {
		t.Errorf("start: %d %s", r.Code, r.Body)
	}
	if started.shutdowns.Load() != 1 || h.s.kernels.count() != 0 {
		t.Errorf("kernel leaked: shutdowns %d, running %d", started.shutdowns.Load(), h.s.kernels.count())
	}
}

// TestChannels_HugeMessage: one output bigger than the send budget reaches
// a reading client instead of cutting it off.
func TestChannels_HugeMessage(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.WebSocket.SendBuffer = 64 << 10 })
	id := h.startKernel()
	c := h.dial(id, "s")
	h.waitConns(id, 1)
	parent := request(jupyter.Shell, "execute_request", "s", map[string]any{})
	h.kernel(id).emit(jupyter.IOPub, "stream", parent, map[string]any{"name": "stdout", "text": strings.Repeat("z", 1<<20)})
	m := until(t, c, isType("stream"))
	if len(m.Content) < 1<<20 {
		t.Errorf("got %d bytes", len(m.Content))
	}
}
