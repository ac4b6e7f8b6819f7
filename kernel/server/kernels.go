package server

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"tandem.dev/tandem/kernel/jupyter"
)

// Kernel is one kernel process as the server drives it. cmd/tandem adapts
// kernel/supervisor to it; tests use a fake.
type Kernel interface {
	// Send delivers a client's message to the kernel; m.Channel is shell,
	// control or stdin.
	Send(m *jupyter.Message) error
	// Interrupt stops the running cell, keeping the kernel's state.
	Interrupt() error
	// Restart replaces the kernel process with a fresh one (state lost).
	Restart(ctx context.Context) error
	// Shutdown stops the kernel for good.
	Shutdown(ctx context.Context) error
}

// UnsavedWork is implemented by kernels that know of work not yet durable
// (corrections waiting for their commit); idle culling spares them.
type UnsavedWork interface {
	Unsaved() bool
}

// KernelConfig is what the server gives a Starter.
type KernelConfig struct {
	ID  string // the kernel id clients see
	Dir string // absolute working folder: the notebook's folder
	// Output receives every message the kernel sends, in order. It never
	// blocks for long (slow clients are cut off, not waited for).
	Output func(*jupyter.Message)
	// Event receives lifecycle changes the kernel made on its own (a crash
	// and its automatic restart, death).
	Event func(KernelEvent)
}

// KernelEvent is a lifecycle change of a kernel process.
type KernelEvent struct {
	State     string // "restarting", "starting", "dead"
	LostState bool   // the process was replaced: variables and imports are gone
	Reason    string // for the user, e.g. "the kernel process exited (signal: killed)"
}

// Starter starts a kernel process.
type Starter func(ctx context.Context, cfg KernelConfig) (Kernel, error)

// ErrTooManyKernels is returned when Options.MaxKernels kernels run.
var ErrTooManyKernels = errors.New("too many kernels")

// kernelEntry is one running kernel and its connections.
type kernelEntry struct {
	id  string
	dir string
	k   Kernel // nil while starting

	mu           sync.Mutex
	state        string
	lastActivity time.Time
	conns        map[*wsConn]bool
	pending      map[string]pendingReq // request msg_id → who asked
}

type pendingReq struct {
	conn   *wsConn
	header jupyter.Header
}

const maxPending = 1 << 16

type manager struct {
	s        *Server
	createMu sync.Mutex // serialises session creation
	mu       sync.Mutex
	kernels  map[string]*kernelEntry
	sessions map[string]*session
	stop     chan struct{}
	once     sync.Once
}

type session struct {
	ID       string
	Path     string
	Name     string
	Type     string
	KernelID string
}

func newManager(s *Server) *manager {
	m := &manager{s: s, kernels: map[string]*kernelEntry{}, sessions: map[string]*session{}, stop: make(chan struct{})}
	if s.opts.CullIdle > 0 {
		go m.cullLoop(s.opts.CullIdle)
	}
	return m
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (m *manager) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.kernels)
}

func (m *manager) get(id string) *kernelEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.kernels[id]
}

// start starts a kernel working in dir (an API path of a folder).
func (m *manager) start(ctx context.Context, dir string) (*kernelEntry, error) {
	m.mu.Lock()
	if len(m.kernels) >= m.s.opts.MaxKernels {
		m.mu.Unlock()
		return nil, ErrTooManyKernels
	}
	e := &kernelEntry{id: newUUID(), dir: dir, state: "starting", lastActivity: time.Now(),
		conns: map[*wsConn]bool{}, pending: map[string]pendingReq{}}
	m.kernels[e.id] = e // reserves the slot while the process starts
	m.mu.Unlock()

	abs, err := filepath.Abs(filepath.Join(m.s.rootDir, filepath.FromSlash(dir)))
	if err == nil {
		var k Kernel
		k, err = m.s.opts.StartKernel(ctx, KernelConfig{ID: e.id, Dir: abs, Output: e.output, Event: func(ev KernelEvent) { m.event(e, ev) }})
		e.mu.Lock()
		e.k = k
		if e.state == "starting" {
			e.state = "idle"
		}
		e.mu.Unlock()
	}
	if err != nil {
		m.mu.Lock()
		delete(m.kernels, e.id)
		m.mu.Unlock()
		return nil, fmt.Errorf("start kernel: %w", err)
	}
	m.mu.Lock()
	gone := m.kernels[e.id] != e
	m.mu.Unlock()
	if gone {
		// Shut down (or the server closed) while it started.
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.k.Shutdown(sctx)
		return nil, errors.New("start kernel: shut down while starting")
	}
	m.s.log.Info("kernel started", slog.String("kernel", e.id), slog.String("dir", dir))
	return e, nil
}

// shutdown stops a kernel, closes its connections and ends its sessions.
func (m *manager) shutdown(ctx context.Context, e *kernelEntry) error {
	m.mu.Lock()
	delete(m.kernels, e.id)
	for id, s := range m.sessions {
		if s.KernelID == e.id {
			delete(m.sessions, id)
		}
	}
	m.mu.Unlock()
	e.publishStatus("dead", nil)
	e.mu.Lock()
	k := e.k
	e.state = "dead"
	conns := make([]*wsConn, 0, len(e.conns))
	for c := range e.conns {
		conns = append(conns, c)
	}
	e.mu.Unlock()
	var err error
	if k != nil {
		err = k.Shutdown(ctx)
	}
	for _, c := range conns {
		c.closeWith(1000, "kernel shut down")
	}
	m.s.log.Info("kernel stopped", slog.String("kernel", e.id))
	return err
}

func (m *manager) closeAll(ctx context.Context) error {
	m.once.Do(func() { close(m.stop) })
	m.mu.Lock()
	all := make([]*kernelEntry, 0, len(m.kernels))
	for _, e := range m.kernels {
		all = append(all, e)
	}
	m.mu.Unlock()
	var wg sync.WaitGroup
	errs := make([]error, len(all))
	for i, e := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = m.shutdown(ctx, e)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// event handles a lifecycle change the kernel made on its own.
func (m *manager) event(e *kernelEntry, ev KernelEvent) {
	m.s.log.Warn("kernel event", slog.String("kernel", e.id), slog.String("state", ev.State), slog.String("reason", ev.Reason))
	if ev.LostState {
		e.failPending(ev.Reason)
	}
	e.publishStatus(ev.State, nil)
	e.mu.Lock()
	e.state = ev.State
	e.mu.Unlock()
}

// failPending tells every client waiting for a reply that the kernel was
// restarted and its state lost: an error output in the running cell, an
// error reply and an idle status for each request, so no cell waits forever.
func (e *kernelEntry) failPending(reason string) {
	e.mu.Lock()
	pend := e.pending
	e.pending = map[string]pendingReq{}
	e.mu.Unlock()
	msg := "The kernel was restarted and its state was lost (variables, imports and definitions are gone)"
	if reason != "" {
		msg += ": " + reason
	}
	msg += ". Run the cells you need again."
	told := false
	for _, p := range pend {
		if !strings.HasSuffix(p.header.MsgType, "_request") {
			continue
		}
		parent := p.header
		replyType := strings.TrimSuffix(parent.MsgType, "_request") + "_reply"
		if parent.MsgType == "execute_request" {
			e.broadcast(serverMessage(jupyter.IOPub, "error", &parent, map[string]any{
				"ename": "KernelRestarted", "evalue": msg, "traceback": []string{msg}}))
			told = true
		}
		p.conn.send(serverMessage(channelOfReply(parent.MsgType), replyType, &parent, map[string]any{
			"status": "error", "ename": "KernelRestarted", "evalue": msg, "traceback": []string{msg}}))
		e.broadcast(serverMessage(jupyter.IOPub, "status", &parent, map[string]any{"execution_state": "idle"}))
	}
	if !told {
		e.broadcast(serverMessage(jupyter.IOPub, "stream", nil, map[string]any{"name": "stderr", "text": msg + "\n"}))
	}
}

func channelOfReply(reqType string) jupyter.Channel {
	switch reqType {
	case "shutdown_request", "interrupt_request", "debug_request":
		return jupyter.Control
	}
	return jupyter.Shell
}

// serverMessage builds a message the server itself sends to clients.
func serverMessage(ch jupyter.Channel, msgType string, parent *jupyter.Header, content any) []byte {
	c, _ := json.Marshal(content)
	m := &jupyter.Message{Channel: ch, Header: jupyter.Header{MsgID: newUUID(), Session: "tandem-server",
		Username: "tandem", Date: time.Now().UTC(), MsgType: msgType, Version: jupyter.ProtocolVersion},
		ParentHeader: parent, Metadata: map[string]any{}, Content: c}
	b, _ := wireJSON(m)
	return b
}

// wireJSON encodes m as Jupyter Server sends it on the WebSocket: the
// message with its channel, plus top-level "msg_id" and "msg_type" copied
// from the header (jupyter_client's dict form; some clients read those).
func wireJSON(m *jupyter.Message) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil || len(b) < 2 || b[0] != '{' {
		return b, err
	}
	id, _ := json.Marshal(m.Header.MsgID)
	typ, _ := json.Marshal(m.Header.MsgType)
	out := make([]byte, 0, len(b)+len(id)+len(typ)+26)
	out = append(out, `{"msg_id":`...)
	out = append(out, id...)
	out = append(out, `,"msg_type":`...)
	out = append(out, typ...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

func (e *kernelEntry) publishStatus(state string, parent *jupyter.Header) {
	e.broadcast(serverMessage(jupyter.IOPub, "status", parent, map[string]any{"execution_state": state}))
}

// broadcast queues b on every connection; it never blocks.
func (e *kernelEntry) broadcast(b []byte) {
	e.mu.Lock()
	conns := make([]*wsConn, 0, len(e.conns))
	for c := range e.conns {
		conns = append(conns, c)
	}
	e.mu.Unlock()
	for _, c := range conns {
		c.send(b)
	}
}

// output routes one message from the kernel: iopub to every connection,
// replies (shell, control, stdin) to the connection that sent the request,
// found by parent msg_id, else by session, else to all.
func (e *kernelEntry) output(msg *jupyter.Message) {
	b, err := wireJSON(msg)
	if err != nil {
		return
	}
	e.mu.Lock()
	e.lastActivity = time.Now()
	if msg.Channel == jupyter.IOPub && msg.Header.MsgType == "status" {
		var st struct {
			State string `json:"execution_state"`
		}
		if json.Unmarshal(msg.Content, &st) == nil && st.State != "" {
			e.state = st.State
		}
	}
	var target []*wsConn
	if msg.Channel != jupyter.IOPub && msg.ParentHeader != nil {
		if p, ok := e.pending[msg.ParentHeader.MsgID]; ok && e.conns[p.conn] {
			target = []*wsConn{p.conn}
			if strings.HasSuffix(msg.Header.MsgType, "_reply") && msg.Channel != jupyter.Stdin {
				delete(e.pending, msg.ParentHeader.MsgID)
			}
		} else {
			for c := range e.conns {
				if c.session == msg.ParentHeader.Session {
					target = append(target, c)
				}
			}
		}
	}
	if target == nil {
		for c := range e.conns {
			target = append(target, c)
		}
	}
	e.mu.Unlock()
	for _, c := range target {
		c.send(b)
	}
}

// fromClient records who asked and forwards the message to the kernel.
func (e *kernelEntry) fromClient(c *wsConn, msg *jupyter.Message) error {
	e.mu.Lock()
	e.lastActivity = time.Now()
	// Only requests get replies (comm_msg and input_reply do not).
	if msg.Channel != jupyter.Stdin && strings.HasSuffix(msg.Header.MsgType, "_request") && len(e.pending) < maxPending {
		e.pending[msg.Header.MsgID] = pendingReq{conn: c, header: msg.Header}
	}
	k := e.k
	e.mu.Unlock()
	if k == nil {
		return errors.New("the kernel is still starting")
	}
	return k.Send(msg)
}

func (e *kernelEntry) attach(c *wsConn) {
	e.mu.Lock()
	e.conns[c] = true
	e.mu.Unlock()
}

func (e *kernelEntry) detach(c *wsConn) {
	e.mu.Lock()
	delete(e.conns, c)
	for id, p := range e.pending {
		if p.conn == c {
			delete(e.pending, id)
		}
	}
	e.lastActivity = time.Now()
	e.mu.Unlock()
}

// kernelModel is the Jupyter kernel model.
type kernelModel struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	LastActivity   string `json:"last_activity"`
	ExecutionState string `json:"execution_state"`
	Connections    int    `json:"connections"`
}

func (e *kernelEntry) model() kernelModel {
	e.mu.Lock()
	defer e.mu.Unlock()
	return kernelModel{ID: e.id, Name: KernelName, LastActivity: jsonTime(e.lastActivity), ExecutionState: e.state, Connections: len(e.conns)}
}

func (m *manager) cullLoop(idle time.Duration) {
	t := time.NewTicker(min(max(idle/4, 50*time.Millisecond), time.Minute))
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.cull(idle)
		}
	}
}

// cull shuts down kernels idle for longer than idle, with no connection
// (an open tab may hold unsaved edits) and no unsaved work they know of.
func (m *manager) cull(idle time.Duration) {
	m.mu.Lock()
	var victims []*kernelEntry
	for _, e := range m.kernels {
		e.mu.Lock()
		quiet := time.Since(e.lastActivity) > idle && len(e.conns) == 0 && e.state != "busy" && e.state != "starting" && e.k != nil
		k := e.k
		e.mu.Unlock()
		if u, ok := k.(UnsavedWork); quiet && ok && u.Unsaved() {
			quiet = false
		}
		if quiet {
			victims = append(victims, e)
		}
	}
	m.mu.Unlock()
	for _, e := range victims {
		m.s.log.Info("culling idle kernel", slog.String("kernel", e.id))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = m.shutdown(ctx, e)
		cancel()
	}
}

// renamed points sessions of a renamed notebook (or folder) at the new path.
func (m *manager) renamed(old, new string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range m.sessions {
		if s.Path == old {
			s.Path, s.Name = new, path.Base(new)
		} else if rest, ok := strings.CutPrefix(s.Path, old+"/"); ok {
			s.Path = new + "/" + rest
		}
	}
}

func (s *Server) kernelError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrTooManyKernels) {
		s.error(w, r, http.StatusServiceUnavailable, "too_many_kernels", fmt.Sprintf(
			"%d kernels are running, the most this server allows (--max-kernels %d): shut down a kernel you no longer need and try again",
			s.opts.MaxKernels, s.opts.MaxKernels))
		return
	}
	s.log.Error("kernel", slog.String("err", err.Error()))
	s.error(w, r, 500, "kernel", err.Error())
}

func (s *Server) handleKernelList(w http.ResponseWriter, r *http.Request) {
	s.kernels.mu.Lock()
	all := make([]*kernelEntry, 0, len(s.kernels.kernels))
	for _, e := range s.kernels.kernels {
		all = append(all, e)
	}
	s.kernels.mu.Unlock()
	out := []kernelModel{}
	for _, e := range all {
		out = append(out, e.model())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	writeJSON(w, 200, out)
}

func (s *Server) handleKernelStart(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
		Path string `json:"path"`
	}
	if r.ContentLength != 0 {
		if err := readJSON(w, r, 1<<20, &req); err != nil && !strings.Contains(err.Error(), "EOF") {
			s.error(w, r, 400, "bad_request", err.Error())
			return
		}
	}
	if req.Name != "" && req.Name != KernelName {
		s.error(w, r, 400, "no_kernelspec", fmt.Sprintf("no kernelspec %q (this server has %q)", req.Name, KernelName))
		return
	}
	dir, err := cleanPath(req.Path)
	if err == nil {
		err = s.resolve(dir)
	}
	if err != nil {
		s.fsError(w, r, req.Path, err)
		return
	}
	if fi, err := s.root.Stat(osPath(dir)); err != nil || !fi.IsDir() {
		dir = parentDir(dir)
	}
	e, err := s.kernels.start(r.Context(), dir)
	if err != nil {
		s.kernelError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/kernels/"+e.id)
	writeJSON(w, 201, e.model())
}

func parentDir(p string) string {
	d := path.Dir(p)
	if d == "." || d == "/" {
		return ""
	}
	return d
}

func (s *Server) kernelOr404(w http.ResponseWriter, r *http.Request) *kernelEntry {
	e := s.kernels.get(r.PathValue("id"))
	if e == nil {
		s.error(w, r, 404, "not_found", fmt.Sprintf("no kernel %q", r.PathValue("id")))
	}
	return e
}

func (s *Server) handleKernelGet(w http.ResponseWriter, r *http.Request) {
	if e := s.kernelOr404(w, r); e != nil {
		writeJSON(w, 200, e.model())
	}
}

func (s *Server) handleKernelDelete(w http.ResponseWriter, r *http.Request) {
	e := s.kernelOr404(w, r)
	if e == nil {
		return
	}
	if err := s.kernels.shutdown(r.Context(), e); err != nil {
		s.log.Warn("kernel shutdown", slog.String("kernel", e.id), slog.String("err", err.Error()))
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleKernelInterrupt(w http.ResponseWriter, r *http.Request) {
	e := s.kernelOr404(w, r)
	if e == nil {
		return
	}
	e.mu.Lock()
	k := e.k
	e.mu.Unlock()
	if k == nil {
		s.error(w, r, 409, "starting", "the kernel is still starting")
		return
	}
	if err := k.Interrupt(); err != nil {
		s.kernelError(w, r, fmt.Errorf("interrupt kernel: %w", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleKernelRestart(w http.ResponseWriter, r *http.Request) {
	e := s.kernelOr404(w, r)
	if e == nil {
		return
	}
	e.mu.Lock()
	k := e.k
	if k != nil {
		e.state = "restarting"
	}
	e.mu.Unlock()
	if k == nil {
		s.error(w, r, 409, "starting", "the kernel is still starting")
		return
	}
	e.publishStatus("restarting", nil)
	// Requests in flight die with the old process: the Kernel answers them
	// (kernel/supervisor sends error replies, ename "KernelRestarted"); their
	// pending entries stay so those replies reach the tab that asked.
	if err := k.Restart(r.Context()); err != nil {
		e.mu.Lock()
		e.state = "dead"
		e.mu.Unlock()
		e.publishStatus("dead", nil)
		s.kernelError(w, r, fmt.Errorf("restart kernel: %w", err))
		return
	}
	e.mu.Lock()
	e.state = "idle"
	e.lastActivity = time.Now()
	e.mu.Unlock()
	e.publishStatus("starting", nil)
	e.publishStatus("idle", nil)
	writeJSON(w, 200, e.model())
}
