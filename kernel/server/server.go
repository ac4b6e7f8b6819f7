package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tandem.dev/tandem/kernel/notebook"
)

// Version is reported by GET /api.
const Version = "2.14.0-tandem"

// Options configure a Server. Root, Token, Addr and StartKernel are
// required; the zero value of every other field is a sensible default.
type Options struct {
	// Root is the folder whose notebooks and files are served.
	Root string
	// Token authenticates clients: at least 32 characters (NewToken gives
	// 48 hex digits, 192 bits).
	Token string
	// CookieSecret signs login cookies (at least 24 bytes). Keep it across
	// restarts (cmd/tandem stores one per user) and open tabs stay logged
	// in when the server restarts with a new token; nil signs with the
	// token, so cookies die with the server.
	CookieSecret []byte
	// Addr is the address the listener is bound to ("127.0.0.1:8888"). The
	// Host and Origin allowlists are derived from it.
	Addr string
	// AllowHosts and AllowOrigins extend the allowlists (for a reverse
	// proxy or a server reached by name). Origins are exact
	// ("https://notebooks.example.org").
	AllowHosts   []string
	AllowOrigins []string
	// StartKernel starts kernel processes.
	StartKernel Starter
	// MaxKernels caps running kernels (0 means 16); one more answers 503.
	MaxKernels int
	// CullIdle shuts down kernels idle that long with no connection and no
	// unsaved work (0: never).
	CullIdle time.Duration
	// MaxFileSize is the largest file the contents API reads or writes, in
	// bytes (0 means notebook.MaxSize).
	MaxFileSize int64
	// App is the built browser app (frontend.Dist()); nil serves a page
	// saying the app is missing.
	App fs.FS
	// WebSocket limits; zero fields take the defaults documented on
	// WebSocketOptions.
	WebSocket WebSocketOptions
	// Logger receives one line per request and per kernel event; nil
	// discards. The token never reaches it.
	Logger *slog.Logger
}

// WebSocketOptions bound what one channels connection may cost.
type WebSocketOptions struct {
	MaxMessage   int64         // largest frame accepted, bytes (default 16 MiB); larger ones get an error and are discarded
	HardLimit    int64         // a frame beyond this closes the connection (default 256 MiB)
	Rate         float64       // sustained messages per second from the client (default 500)
	Burst        int           // messages allowed at once (default 4096, a "run all" of a big notebook)
	SendBuffer   int64         // bytes queued for a slow client before it is disconnected (default 64 MiB)
	PingInterval time.Duration // default 30 s
	PingTimeout  time.Duration // a pong must arrive within this (default 20 s)
}

func (o *WebSocketOptions) defaults() {
	if o.MaxMessage <= 0 {
		o.MaxMessage = 16 << 20
	}
	if o.HardLimit <= 0 {
		o.HardLimit = 256 << 20
	}
	if o.HardLimit < o.MaxMessage {
		o.HardLimit = o.MaxMessage
	}
	if o.Rate <= 0 {
		o.Rate = 500
	}
	if o.Burst <= 0 {
		o.Burst = 4096
	}
	if o.SendBuffer <= 0 {
		o.SendBuffer = 64 << 20
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 30 * time.Second
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 20 * time.Second
	}
}

// Server is the notebook server: an http.Handler.
type Server struct {
	opts    Options
	root    *os.Root
	rootDir string
	log     *slog.Logger
	auth    *auth
	mux     *http.ServeMux
	kernels *manager
	started time.Time
	conns   atomic.Int64
	etags   sync.Map // asset name → ETag

	contentsMu sync.Mutex // serialises changes to the notebook folder

	mu           sync.Mutex
	lastActivity time.Time
}

// New checks opts and returns a server. Close stops its kernels.
func New(opts Options) (*Server, error) {
	if opts.StartKernel == nil {
		return nil, errors.New("server: no StartKernel")
	}
	if opts.MaxKernels <= 0 {
		opts.MaxKernels = 16
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = notebook.MaxSize
	}
	opts.WebSocket.defaults()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a, err := newAuth(opts)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("open notebook folder: %w", err)
	}
	s := &Server{opts: opts, root: root, rootDir: opts.Root, log: log, auth: a,
		started: time.Now().UTC(), lastActivity: time.Now().UTC()}
	s.kernels = newManager(s)
	s.routes()
	return s, nil
}

// Close shuts every kernel down (waiting at most until ctx ends) and
// releases the notebook folder.
func (s *Server) Close(ctx context.Context) error {
	err := s.kernels.closeAll(ctx)
	s.root.Close()
	return err
}

func (s *Server) touch() {
	s.mu.Lock()
	s.lastActivity = time.Now().UTC()
	s.mu.Unlock()
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /api", s.handleAPI)
	m.HandleFunc("GET /api/{$}", s.handleAPI)
	m.HandleFunc("GET /api/status", s.handleStatus)
	m.HandleFunc("GET /api/kernelspecs", s.handleKernelspecs)
	m.HandleFunc("GET /api/kernelspecs/{name}", s.handleKernelspec)

	m.HandleFunc("GET /api/kernels", s.handleKernelList)
	m.HandleFunc("POST /api/kernels", s.handleKernelStart)
	m.HandleFunc("GET /api/kernels/{id}", s.handleKernelGet)
	m.HandleFunc("DELETE /api/kernels/{id}", s.handleKernelDelete)
	m.HandleFunc("POST /api/kernels/{id}/interrupt", s.handleKernelInterrupt)
	m.HandleFunc("POST /api/kernels/{id}/restart", s.handleKernelRestart)
	m.HandleFunc("GET /api/kernels/{id}/channels", s.handleChannels)

	m.HandleFunc("GET /api/sessions", s.handleSessionList)
	m.HandleFunc("POST /api/sessions", s.handleSessionCreate)
	m.HandleFunc("GET /api/sessions/{id}", s.handleSessionGet)
	m.HandleFunc("PATCH /api/sessions/{id}", s.handleSessionPatch)
	m.HandleFunc("DELETE /api/sessions/{id}", s.handleSessionDelete)

	m.HandleFunc("GET /api/contents", s.handleContentsGet)
	m.HandleFunc("GET /api/contents/{path...}", s.handleContentsGet)
	m.HandleFunc("POST /api/contents", s.handleContentsPost)
	m.HandleFunc("POST /api/contents/{path...}", s.handleContentsPost)
	m.HandleFunc("PUT /api/contents/{path...}", s.handleContentsPut)
	m.HandleFunc("PATCH /api/contents/{path...}", s.handleContentsPatch)
	m.HandleFunc("DELETE /api/contents/{path...}", s.handleContentsDelete)

	m.HandleFunc("GET /{$}", s.handleIndex)
	m.HandleFunc("GET /tree", s.handleIndex)
	m.HandleFunc("GET /tree/{path...}", s.handleIndex)
	m.HandleFunc("GET /notebooks/{path...}", s.handleIndex)
	m.HandleFunc("GET /static/{path...}", s.handleStatic)
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, http.StatusNotFound, "not_found", "no such API route: "+r.Method+" "+r.URL.Path)
	})
	s.mux = m
}

// ServeHTTP runs every request through the security checks (headers, Host,
// Origin, token) and then the routes, logging one line per request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	securityHeaders(rec.Header(), r.URL.Path)
	if s.auth.check(rec, r) {
		s.touch()
		s.mux.ServeHTTP(rec, r)
	}
	// r.URL.Path only: the query may hold the token.
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", rec.status), slog.Duration("took", time.Since(start)))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (and the WebSocket hijack) reach the
// underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// apiError is the JSON body of every error answer.
type apiError struct {
	Message string `json:"message"`
	Reason  string `json:"reason,omitempty"`
}

func (s *Server) error(w http.ResponseWriter, r *http.Request, code int, reason, msg string) {
	writeJSON(w, code, apiError{Message: msg, Reason: reason})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"message":"encode answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// readJSON decodes a request body of at most limit bytes into v.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("request body over %d bytes", limit)
		}
		return fmt.Errorf("request body is not valid JSON: %v", err)
	}
	return nil
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]string{"version": Version})
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	last := s.lastActivity
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{
		"started":       jsonTime(s.started),
		"last_activity": jsonTime(last),
		"connections":   s.conns.Load(),
		"kernels":       s.kernels.count(),
	})
}

// KernelName is the one kernelspec the server offers.
const KernelName = "tandem"

func kernelspec() map[string]any {
	return map[string]any{
		"name": KernelName,
		"spec": map[string]any{
			"argv":           []string{"tandem", "kernel", "--connection-file", "{connection_file}"},
			"display_name":   "Go (Tandem)",
			"language":       "go",
			"interrupt_mode": "message",
			"env":            map[string]string{},
			"metadata":       map[string]any{},
		},
		"resources": map[string]string{},
	}
}

func (s *Server) handleKernelspecs(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{"default": KernelName, "kernelspecs": map[string]any{KernelName: kernelspec()}})
}

func (s *Server) handleKernelspec(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("name") != KernelName {
		s.error(w, r, 404, "not_found", fmt.Sprintf("no kernelspec %q (this server has %q)", r.PathValue("name"), KernelName))
		return
	}
	writeJSON(w, 200, kernelspec())
}

// jsonTime formats t as Jupyter does: ISO 8601 in UTC with microseconds.
func jsonTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// DefaultHosts are the host names a loopback server answers to.
var DefaultHosts = []string{"localhost", "127.0.0.1", "::1"}

// hostsFor lists the host names a server bound to addr answers to.
func hostsFor(addr string) ([]string, int, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, 0, fmt.Errorf("server: address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 {
		return nil, 0, fmt.Errorf("server: address %q: no port", addr)
	}
	hosts := append([]string(nil), DefaultHosts...)
	ip := net.ParseIP(host)
	switch {
	case host == "" || (ip != nil && ip.IsUnspecified()):
		// Bound to every interface: answer to each local address.
		if ifs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range ifs {
				if n, ok := a.(*net.IPNet); ok {
					hosts = append(hosts, n.IP.String())
				}
			}
		}
		if h, err := os.Hostname(); err == nil {
			hosts = append(hosts, strings.ToLower(h))
		}
	default:
		hosts = append(hosts, strings.ToLower(host))
	}
	return hosts, port, nil
}
