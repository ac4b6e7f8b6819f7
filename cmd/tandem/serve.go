package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"tandem.dev/tandem/frontend"
	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/kernel/server"
	"tandem.dev/tandem/kernel/supervisor"
)

func init() {
	register(command{name: "serve", short: "serve the notebooks of DIR in the browser (the default command)", run: runServe})
}

// tokenEnv may hold a fixed token (at least 32 characters) for scripted
// use; it is removed from the kernels' environment.
const tokenEnv = "TANDEM_TOKEN"

// portRetries is how many ports after --port are tried when it is taken.
const portRetries = 50

func runServe(args []string) int {
	fs := flag.NewFlagSet("tandem serve", flag.ContinueOnError)
	port := fs.Int("port", 8888, "`port` to listen on; the next free one is taken if it is busy (0: any)")
	ip := fs.String("ip", "127.0.0.1", "`address` to listen on; anything but loopback exposes a code-running server to the network")
	open := fs.Bool("open", false, "open the notebook in a browser")
	maxKernels := fs.Int("max-kernels", 16, "most kernels running at once")
	cullIdle := fs.Duration("cull-idle", 0, "shut down kernels idle this `long` with no tab open and no unsaved work (0: never)")
	origins := fs.String("allow-origin", "", "extra exact `origins` allowed, comma-separated (behind a reverse proxy)")
	hosts := fs.String("allow-host", "", "extra host `names` this server answers to, comma-separated")
	restricted := fs.Bool("restricted", false, "run kernels under the restricted policy (shared teaching servers): no os/exec, net, unsafe, syscall or plugin, and files only under each notebook's folder")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tandem [serve] [DIR] [flags]\n\nServes the notebooks in DIR (default \".\") at http://127.0.0.1:8888 with a fresh token\n"+
			"(TANDEM_TOKEN, at least 32 characters, fixes it instead; kernels never see it).")
		fs.PrintDefaults()
	}
	// Flags may come before or after DIR.
	var dirs []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		dirs = append(dirs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(dirs) > 1 {
		fs.Usage()
		return 2
	}
	dir := "."
	if len(dirs) == 1 {
		dir = dirs[0]
	}
	if err := serve(serveConfig{dir: dir, ip: *ip, port: *port, open: *open, maxKernels: *maxKernels,
		cullIdle: *cullIdle, origins: splitList(*origins), hosts: splitList(*hosts), restricted: *restricted}); err != nil {
		fmt.Fprintln(os.Stderr, "tandem serve:", err)
		return 1
	}
	return 0
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

type serveConfig struct {
	dir        string
	ip         string
	port       int
	open       bool
	maxKernels int
	cullIdle   time.Duration
	origins    []string
	hosts      []string
	restricted bool // kernels run with --restricted
}

func serve(cfg serveConfig) error {
	// Signals are caught from the start: a Ctrl+C while starting still
	// shuts down cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	abs, err := filepath.Abs(cfg.dir)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(abs); err != nil {
		return err
	} else if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", cfg.dir)
	}
	token := os.Getenv(tokenEnv)
	if token == "" {
		token = server.NewToken()
	} else if len(token) < server.MinTokenLen {
		return fmt.Errorf("%s is shorter than %d characters", tokenEnv, server.MinTokenLen)
	}
	ln, err := listen(cfg.ip, cfg.port)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	env := kernelEnv(os.Environ(), token)
	var argv []string // nil: `tandem kernel --stdio`, kernel/supervisor's default
	if cfg.restricted {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find the kernel command: %w", err)
		}
		argv = []string{exe, "kernel", "--stdio", "--restricted"}
		log.Info("kernels run under the restricted policy")
	}
	secret, err := cookieSecret()
	if err != nil {
		log.Warn("no persistent cookie secret: open tabs will need the new URL after a restart", slog.String("err", err.Error()))
	}
	srv, err := server.New(server.Options{
		Root:         abs,
		Token:        token,
		CookieSecret: secret,
		Addr:         ln.Addr().String(),
		AllowOrigins: cfg.origins,
		AllowHosts:   cfg.hosts,
		MaxKernels:   cfg.maxKernels,
		CullIdle:     cfg.cullIdle,
		App:          frontend.Dist(),
		Logger:       log.WithGroup("server"),
		StartKernel:  startSupervised(env, argv, log),
	})
	if err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.WithGroup("http").Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	url := pageURL(ln.Addr().(*net.TCPAddr), token)
	fmt.Printf("Tandem is serving the notebooks in %s\n", abs)
	fmt.Printf("Open this URL in a browser (it carries the access token; keep it private):\n\n    %s\n\n", url)
	if a := ln.Addr().(*net.TCPAddr); !a.IP.IsLoopback() {
		fmt.Printf("Warning: listening on %s, not loopback: anyone who can reach this machine and has the token can run code as you.\n", cfg.ip)
	}
	fmt.Println("Press Ctrl+C to stop the server and its kernels.")
	if cfg.open {
		if err := openBrowser(url); err != nil {
			log.Warn("open browser", slog.String("err", err.Error()))
		}
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop()
	fmt.Println("\nShutting down: stopping kernels…")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	kerr := srv.Close(sctx) // also closes the kernels' WebSockets
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	if kerr != nil {
		return fmt.Errorf("stop kernels: %w", kerr)
	}
	fmt.Println("Stopped.")
	return nil
}

// cookieSecret loads (or creates) the per-user secret that signs login
// cookies, so that a restarted server still accepts its open tabs:
// $XDG_CONFIG_HOME/tandem/cookie_secret (~/.config/tandem/cookie_secret),
// 32 random bytes, mode 0600.
func cookieSecret() ([]byte, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "tandem", "cookie_secret")
	if b, err := os.ReadFile(p); err == nil && len(b) >= 32 {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("%s is readable by others (mode %v): remove it", p, fi.Mode().Perm())
		}
		return b, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	rand.Read(b)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, err
	}
	return b, f.Close()
}

// listen binds ip:port, or the next free port (up to portRetries after it).
func listen(ip string, port int) (net.Listener, error) {
	var first error
	for p := port; p <= port+portRetries && p < 65536; p++ {
		ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(p)))
		if err == nil {
			return ln, nil
		}
		if first == nil {
			first = err
		}
		if port == 0 {
			break
		}
	}
	return nil, fmt.Errorf("listen: no free port from %d to %d: %w", port, port+portRetries, first)
}

// pageURL is the URL to print: loopback for a wildcard bind.
func pageURL(a *net.TCPAddr, token string) string {
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port)) + "/?token=" + token
}

// kernelEnv is the kernels' environment: this one without the token (by
// name and by value) and without Jupyter's token variables.
func kernelEnv(environ []string, token string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case tokenEnv, "JUPYTER_TOKEN", "JPY_API_TOKEN", "JUPYTERHUB_API_TOKEN":
			continue
		}
		if token != "" && strings.Contains(value, token) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// startSupervised starts kernels as `tandem kernel --stdio` processes
// (argv nil; with --restricted added under --restricted) under
// kernel/supervisor.
func startSupervised(env, argv []string, log *slog.Logger) server.Starter {
	return func(ctx context.Context, cfg server.KernelConfig) (server.Kernel, error) {
		k, err := supervisor.Start(ctx, supervisor.Options{Argv: argv, Env: env, Dir: cfg.Dir, Log: log})
		if err != nil {
			return nil, err
		}
		sk := &supervised{k: k}
		msgs, cancel := k.Subscribe()
		sk.cancel = cancel
		go sk.pump(msgs, cfg.Output, log)
		return sk, nil
	}
}

// supervised adapts a supervisor.Kernel to server.Kernel. The supervisor
// reports crashes and restarts itself, as messages.
type supervised struct {
	k      *supervisor.Kernel
	cancel func()
}

var _ server.Kernel = (*supervised)(nil)

func (s *supervised) pump(msgs <-chan *jupyter.Message, out func(*jupyter.Message), log *slog.Logger) {
	for {
		for m := range msgs {
			out(m)
		}
		if st := s.k.State(); st == supervisor.Stopped {
			return
		}
		// Dropped for falling behind (server.Output never blocks, so this
		// is rare): resubscribe and go on.
		log.Warn("kernel subscription dropped; resubscribing")
		msgs, s.cancel = s.k.Subscribe()
	}
}

func (s *supervised) Send(m *jupyter.Message) error      { return s.k.Send(m) }
func (s *supervised) Interrupt() error                   { s.k.Interrupt(); return nil }
func (s *supervised) Restart(ctx context.Context) error  { return s.k.Restart(ctx) }
func (s *supervised) Shutdown(ctx context.Context) error { return s.k.Shutdown(ctx) }

// openBrowser opens url through a private redirect file, as Jupyter does,
// so the token does not show in the process list.
func openBrowser(url string) error {
	f, err := os.CreateTemp("", "tandem-open-*.html")
	if err != nil {
		return err
	}
	page := `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=` + html.EscapeString(url) +
		`"><title>Tandem</title><p><a href="` + html.EscapeString(url) + `">Open Tandem</a></p>`
	if _, err := f.WriteString(page); err != nil {
		f.Close()
		return err
	}
	f.Close()
	time.AfterFunc(time.Minute, func() { os.Remove(f.Name()) })
	opener := "xdg-open"
	if runtime.GOOS == "darwin" {
		opener = "open"
	}
	cmd := exec.Command(opener, f.Name())
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
