package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/coder/websocket"

	"tandem.dev/tandem/kernel/jupyter"
)

// fakeKernel answers execute and kernel_info requests like a kernel: busy,
// execute_input, a stream, execute_result, the reply, idle. Func fields
// override behaviour.
type fakeKernel struct {
	cfg        KernelConfig
	mu         sync.Mutex
	got        []*jupyter.Message
	interrupts atomic.Int32
	restarts   atomic.Int32
	shutdowns  atomic.Int32
	unsaved    atomic.Bool
	count      int
	// OnSend, when set, replaces the default answers.
	OnSend func(k *fakeKernel, m *jupyter.Message)
}

func (k *fakeKernel) Send(m *jupyter.Message) error {
	k.mu.Lock()
	k.got = append(k.got, m)
	k.mu.Unlock()
	if k.OnSend != nil {
		k.OnSend(k, m)
		return nil
	}
	k.answer(m)
	return nil
}

func (k *fakeKernel) emit(ch jupyter.Channel, msgType string, parent *jupyter.Message, content any) {
	c, _ := json.Marshal(content)
	k.cfg.Output(&jupyter.Message{Channel: ch, Header: jupyter.Header{MsgID: newUUID(), Session: "kernel", MsgType: msgType, Version: "5.3", Date: time.Now()},
		ParentHeader: &parent.Header, Metadata: map[string]any{}, Content: c})
}

func (k *fakeKernel) answer(m *jupyter.Message) {
	switch m.Header.MsgType {
	case "kernel_info_request":
		k.emit(jupyter.Shell, "kernel_info_reply", m, map[string]any{"status": "ok", "protocol_version": "5.3", "implementation": "fake"})
	case "execute_request":
		var req struct {
			Code string `json:"code"`
		}
		_ = json.Unmarshal(m.Content, &req)
		k.mu.Lock()
		k.count++
		n := k.count
		k.mu.Unlock()
		k.emit(jupyter.IOPub, "status", m, map[string]any{"execution_state": "busy"})
		k.emit(jupyter.IOPub, "execute_input", m, map[string]any{"code": req.Code, "execution_count": n})
		result := req.Code
		if req.Code == "1+1" {
			result = "2"
		}
		k.emit(jupyter.IOPub, "execute_result", m, map[string]any{"execution_count": n, "data": map[string]any{"text/plain": result}, "metadata": map[string]any{}})
		k.emit(jupyter.Shell, "execute_reply", m, map[string]any{"status": "ok", "execution_count": n})
		k.emit(jupyter.IOPub, "status", m, map[string]any{"execution_state": "idle"})
	}
}

func (k *fakeKernel) received() []*jupyter.Message {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]*jupyter.Message(nil), k.got...)
}

func (k *fakeKernel) Interrupt() error                   { k.interrupts.Add(1); return nil }
func (k *fakeKernel) Restart(ctx context.Context) error  { k.restarts.Add(1); return nil }
func (k *fakeKernel) Shutdown(ctx context.Context) error { k.shutdowns.Add(1); return nil }
func (k *fakeKernel) Unsaved() bool                      { return k.unsaved.Load() }

var _ Kernel = (*fakeKernel)(nil)
var _ UnsavedWork = (*fakeKernel)(nil)

// harness is a running test server over a temp folder.
type harness struct {
	t       testing.TB
	s       *Server
	ts      *httptest.Server
	dir     string // the notebook folder
	outside string // a folder beside it, for escape attempts
	token   string
	base    string // http://127.0.0.1:port
	logs    *bytes.Buffer
	logMu   sync.Mutex

	mu      sync.Mutex
	kernels map[string]*fakeKernel
	onStart func(k *fakeKernel)
}

func newHarness(t testing.TB, mod func(*Options)) *harness {
	t.Helper()
	parent := t.TempDir()
	h := &harness{t: t, dir: filepath.Join(parent, "nb"), outside: filepath.Join(parent, "nb-secret"),
		token: NewToken(), logs: &bytes.Buffer{}, kernels: map[string]*fakeKernel{}}
	for _, d := range []string{h.dir, h.outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Root: h.dir, Token: h.token, Addr: ln.Addr().String(),
		App: fstest.MapFS{
			"index.html":     {Data: []byte("<!doctype html><title>Tandem app</title>")},
			"static/app.js":  {Data: []byte("console.log(1)")},
			"static/app.css": {Data: []byte("body{}")},
		},
		Logger: slog.New(slog.NewTextHandler(lockedWriter{&h.logMu, h.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		StartKernel: func(ctx context.Context, cfg KernelConfig) (Kernel, error) {
			k := &fakeKernel{cfg: cfg}
			h.mu.Lock()
			h.kernels[cfg.ID] = k
			on := h.onStart
			h.mu.Unlock()
			if on != nil {
				on(k)
			}
			return k, nil
		}}
	if mod != nil {
		mod(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h.s = s
	h.ts = httptest.NewUnstartedServer(s)
	h.ts.Listener.Close()
	h.ts.Listener = ln
	h.ts.Start()
	h.base = h.ts.URL
	t.Cleanup(func() {
		h.ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Close(ctx)
		h.logMu.Lock()
		defer h.logMu.Unlock()
		if strings.Contains(h.logs.String(), h.token) {
			t.Errorf("the token appears in the server log")
		}
	})
	return h
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (h *harness) logText() string {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return h.logs.String()
}

func (h *harness) kernel(id string) *fakeKernel {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.kernels[id]
}

// response is a finished request.
type response struct {
	Code   int
	Header http.Header
	Body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r response) message() string {
	var e apiError
	_ = json.Unmarshal(r.Body, &e)
	return e.Message
}

// do sends a request with the token header (unless a header "Authorization"
// is given as "" to drop it) and no redirects followed.
func (h *harness) do(method, path string, body any, hdr ...string) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, _ := json.Marshal(b)
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, h.base+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+h.token)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if bytes.Contains(b, []byte(h.token)) {
		h.t.Errorf("%s %s: the token appears in the response body", method, path)
	}
	return response{res.StatusCode, res.Header, b}
}

func (h *harness) write(name, content string) {
	h.t.Helper()
	p := filepath.Join(h.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) read(name string) string {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.dir, filepath.FromSlash(name)))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}

func (h *harness) origin() string { return h.base }

// dial opens a channels WebSocket with the token header.
func (h *harness) dial(kernelID, session string) *websocket.Conn {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, res, err := websocket.Dial(ctx, strings.Replace(h.base, "http", "ws", 1)+"/api/kernels/"+kernelID+"/channels?session_id="+session,
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"token " + h.token}}})
	if err != nil {
		code := 0
		if res != nil {
			code = res.StatusCode
		}
		h.t.Fatalf("dial: %v (HTTP %d)", err, code)
	}
	c.SetReadLimit(64 << 20)
	h.t.Cleanup(func() { c.CloseNow() })
	return c
}

// request builds a client message.
func request(channel jupyter.Channel, msgType, session string, content any) *jupyter.Message {
	c, _ := json.Marshal(content)
	return &jupyter.Message{Channel: channel, Header: jupyter.Header{MsgID: newUUID(), Session: session, Username: "test",
		Date: time.Now(), MsgType: msgType, Version: "5.3"}, Metadata: map[string]any{}, Content: c}
}

func sendMsg(t testing.TB, c *websocket.Conn, m *jupyter.Message) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

func recvMsg(t testing.TB, c *websocket.Conn, timeout time.Duration) (*jupyter.Message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		return nil, err
	}
	var m jupyter.Message
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("server sent a bad message %s: %v", b, err)
	}
	return &m, nil
}

// until reads messages until one matches, failing after 5 s.
func until(t testing.TB, c *websocket.Conn, match func(*jupyter.Message) bool) *jupyter.Message {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		m, err := recvMsg(t, c, time.Until(deadline))
		if err != nil {
			t.Fatalf("waiting for a message: %v", err)
		}
		if match(m) {
			return m
		}
	}
	t.Fatal("no matching message")
	return nil
}

func isType(t string) func(*jupyter.Message) bool {
	return func(m *jupyter.Message) bool { return m.Header.MsgType == t }
}

// startKernel starts a kernel over REST and returns its id.
func (h *harness) startKernel() string {
	h.t.Helper()
	r := h.do("POST", "/api/kernels", map[string]string{"name": "tandem"})
	if r.Code != 201 {
		h.t.Fatalf("start kernel: %d %s", r.Code, r.Body)
	}
	var k kernelModel
	r.json(h.t, &k)
	return k.ID
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// waitConns waits until the kernel has n connections attached (the server
// attaches a socket just after the upgrade the client already saw).
func (h *harness) waitConns(kernelID string, n int) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if e := h.s.kernels.get(kernelID); e != nil {
			e.mu.Lock()
			got := len(e.conns)
			e.mu.Unlock()
			if got == n {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	h.t.Fatalf("kernel %s: never had %d connections", kernelID, n)
}
