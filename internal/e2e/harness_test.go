package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdppage "github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"tandem.dev/tandem/frontend"
	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/kernel/server"
	"tandem.dev/tandem/kernel/supervisor"
)

// env is the shared test environment: one server, one browser.
var env struct {
	skip     string // why every test skips ("" to run)
	base     string // http://127.0.0.1:port
	token    string
	root     string // the notebook folder
	bin      string // the tandem binary (its kernel subcommand)
	browser  context.Context
	shots    string // failure screenshots folder
	serveErr chan error
}

func TestMain(m *testing.M) {
	code, cleanup := setup(m)
	cleanup()
	os.Exit(code)
}

// chromePath finds Chromium: $CHROME, then the usual names on PATH.
func chromePath() string {
	if p := os.Getenv("CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func setup(m *testing.M) (int, func()) {
	flag.Parse()
	noop := func() {}
	chrome := chromePath()
	if chrome == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "e2e: Chromium not found (set CHROME or install chromium); CI=true, so this is a failure")
			return 1, noop
		}
		env.skip = "Chromium not found (install chromium or set CHROME); CI is not \"true\", so the browser tests skip"
		return m.Run(), noop
	}
	if testing.Short() {
		env.skip = "browser tests are slow; skipped with -short"
		return m.Run(), noop
	}
	tmp, err := os.MkdirTemp("", "tandem-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1, noop
	}
	cleanup := func() { _ = os.RemoveAll(tmp) }
	env.shots = filepath.Join(os.TempDir(), "tandem-e2e-failures")
	env.root = filepath.Join(tmp, "notebooks")
	if err := os.MkdirAll(env.root, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1, cleanup
	}

	// The kernel processes are the real ones: this module's tandem binary.
	env.bin = filepath.Join(tmp, "tandem")
	build := exec.Command("go", "build", "-o", env.bin, "tandem.dev/tandem/cmd/tandem")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build tandem:", err)
		return 1, cleanup
	}

	var tok [24]byte
	_, _ = rand.Read(tok[:])
	env.token = hex.EncodeToString(tok[:])
	addr, stopServer, err := startServer("127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: server:", err)
		return 1, cleanup
	}
	env.base = "http://" + addr

	// Flags of DESIGN.md §9 and a fresh profile.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.WindowSize(1366, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// Log in once: ?token= sets the HttpOnly cookie every later tab uses.
	if err := chromedp.Do(bctx, chromedp.Navigate(env.base+"/?token="+env.token)); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start browser:", err)
		cancelBrowser()
		cancelAlloc()
		stopServer()
		return 1, cleanup
	}
	env.browser = bctx
	code := m.Run()
	cancelBrowser()
	cancelAlloc()
	stopServer()
	return code, cleanup
}

// startServer serves env.root with env.token on addr ("host:0" picks a
// port) and returns the bound address and a func that stops the server
// (kernels stopped, connections dropped).
func startServer(addr string) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv, err := server.New(server.Options{
		Root:        env.root,
		Token:       env.token,
		Addr:        ln.Addr().String(),
		StartKernel: starter(env.bin),
		App:         frontend.Dist(),
	})
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	hs := &http.Server{Handler: srv}
	go func() { _ = hs.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Close(ctx)
		_ = hs.Close()
	}
	return ln.Addr().String(), stop, nil
}

// starter runs real kernel processes under the supervisor, as cmd/tandem does.
func starter(bin string) server.Starter {
	return func(ctx context.Context, cfg server.KernelConfig) (server.Kernel, error) {
		k, err := supervisor.Start(ctx, supervisor.Options{
			Argv: []string{bin, "kernel", "--stdio"},
			Env:  kernelEnv(),
			Dir:  cfg.Dir,
			Log:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			return nil, err
		}
		ch, stop := k.Subscribe()
		go func() {
			for m := range ch {
				cfg.Output(m)
			}
		}()
		return &kernelAdapter{k: k, stop: stop}, nil
	}
}

// kernelEnv is the kernel's environment: no token, nothing of the server's secrets.
func kernelEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "PATH", "HOME", "TMPDIR", "GOCACHE", "GOMODCACHE", "LANG":
			out = append(out, kv)
		}
	}
	return out
}

type kernelAdapter struct {
	k    *supervisor.Kernel
	stop func()
}

func (a *kernelAdapter) Send(m *jupyter.Message) error     { return a.k.Send(m) }
func (a *kernelAdapter) Interrupt() error                  { a.k.Interrupt(); return nil }
func (a *kernelAdapter) Restart(ctx context.Context) error { return a.k.Restart(ctx) }
func (a *kernelAdapter) Shutdown(ctx context.Context) error {
	err := a.k.Shutdown(ctx)
	a.stop()
	return err
}

// ---- notebooks on disk -------------------------------------------------------

// cell is a cell of a test notebook.
type cell struct {
	Type    string // "code" (default) or "markdown"
	Source  string
	Outputs []map[string]any
}

// writeNotebook writes an nbformat 4.5 notebook into the served folder.
func writeNotebook(t testing.TB, name string, cells ...cell) string {
	t.Helper()
	var cs []map[string]any
	for i, c := range cells {
		typ := c.Type
		if typ == "" {
			typ = "code"
		}
		m := map[string]any{"cell_type": typ, "id": fmt.Sprintf("c%d", i), "metadata": map[string]any{}, "source": c.Source}
		if typ == "code" {
			outs := c.Outputs
			if outs == nil {
				outs = []map[string]any{}
			}
			m["outputs"] = outs
			m["execution_count"] = nil
		}
		cs = append(cs, m)
	}
	nb := map[string]any{
		"cells": cs,
		"metadata": map[string]any{
			"kernelspec": map[string]any{"name": "tandem", "display_name": "Go (Tandem)", "language": "go"},
		},
		"nbformat": 4, "nbformat_minor": 5,
	}
	b, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(env.root, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// readNotebook reads a notebook back from disk.
func readNotebook(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(env.root, name))
	if err != nil {
		t.Fatal(err)
	}
	var nb map[string]any
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("notebook on disk is not JSON: %v", err)
	}
	return nb
}

// ---- the page ------------------------------------------------------------------

// page is one browser tab.
type page struct {
	t   testing.TB
	ctx context.Context
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// newPage opens a tab; a failing test leaves a screenshot behind.
func newPage(t testing.TB) *page {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
	p := &page{t: t}
	ctx, cancel := chromedp.NewContext(env.browser, chromedp.WithListener(p.listen))
	p.ctx = ctx
	// The first Do binds the tab to ctx itself (a later Do with a child
	// timeout context would close the tab when that context ends).
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("open tab: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			p.screenshot(unsafeName.ReplaceAllString(t.Name(), "_") + ".png")
		}
		cancel()
		shutdownSessions(t, env.base)
	})
	return p
}

// shutdownSessions ends every session (and kernel) of the server at base,
// so tests stay under the server's kernel cap.
func shutdownSessions(t testing.TB, base string) {
	req := func(method, path string) (*http.Response, error) {
		r, err := http.NewRequest(method, base+path, nil)
		if err != nil {
			return nil, err
		}
		r.Header.Set("Authorization", "token "+env.token)
		return http.DefaultClient.Do(r)
	}
	res, err := req("GET", "/api/sessions")
	if err != nil {
		t.Logf("list sessions: %v", err)
		return
	}
	var sessions []struct{ ID string }
	err = json.NewDecoder(res.Body).Decode(&sessions)
	res.Body.Close()
	if err != nil {
		t.Logf("list sessions: %v", err)
		return
	}
	for _, s := range sessions {
		if res, err := req("DELETE", "/api/sessions/"+s.ID); err == nil {
			res.Body.Close()
		}
	}
}

// listen logs the page's console errors and uncaught exceptions.
func (p *page) listen(ev any) {
	switch e := ev.(type) {
	case *cdppage.EventJavascriptDialogOpening:
		// "Leave the page?" for unsaved edits: leave, as a user would.
		go func() {
			_ = chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
				return err
			}))
		}()
	case *cdpruntime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg = d.Exception.Description
		}
		p.logf("page exception: %s (%s:%d)", msg, d.URL, d.LineNumber)
	case *cdpruntime.EventConsoleAPICalled:
		if e.Type == cdpruntime.ConsoleAPICalledTypeError || e.Type == cdpruntime.ConsoleAPICalledTypeWarning {
			var parts []string
			for _, a := range e.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, string(a.Value))
				}
			}
			p.logf("console.%s: %s", e.Type, strings.Join(parts, " "))
		}
	}
}

func (p *page) logf(format string, args ...any) {
	defer func() { _ = recover() }() // the test may have ended
	p.t.Logf(format, args...)
}

// screenshot saves the page as a PNG under env.shots and logs the path.
func (p *page) screenshot(name string) {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot: %v", err)
		return
	}
	_ = os.MkdirAll(env.shots, 0o755)
	path := filepath.Join(env.shots, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		p.t.Logf("screenshot: %v", err)
		return
	}
	p.t.Logf("screenshot of the failure: %s", path)
}

// openNotebook navigates to a notebook and waits until the app is interactive.
func (p *page) openNotebook(name string) {
	p.t.Helper()
	p.do(chromedp.Navigate(env.base + "/notebooks/" + name))
	p.waitFor(`document.body.dataset.ready === "1"`, 20*time.Second)
}

// do runs actions with a timeout, failing the test on error.
func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates JavaScript and decodes its value into T.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// evalAwait evaluates JavaScript that returns a promise and waits for it.
func evalAwait[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is truthy. A navigation
// during the wait (the predicate's page went away) restarts the poll.
func (p *page) waitFor(js string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			left = time.Millisecond
		}
		ctx, cancel := context.WithTimeout(p.ctx, left+5*time.Second)
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(left)))
		cancel()
		if err == nil {
			return
		}
		msg := err.Error()
		navigated := strings.Contains(msg, "navigated") || strings.Contains(msg, "context was destroyed") || strings.Contains(msg, "Cannot find context")
		if !navigated || time.Now().After(deadline) {
			p.t.Fatalf("waiting for %s: %v", js, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cellSel is the CSS selector of the i-th cell (0-based).
func cellSel(i int) string {
	return fmt.Sprintf(".cells > .cell:nth-child(%d)", i+1)
}

// typeInto focuses cell i's editor (placing the cursor at the end) and types text.
func (p *page) typeInto(i int, text string) {
	p.t.Helper()
	p.focusEditor(i)
	p.do(chromedp.KeyEvent(text))
}

// focusEditor puts the cursor at the end of cell i's editor.
func (p *page) focusEditor(i int) {
	p.t.Helper()
	eval[bool](p, fmt.Sprintf(`(() => { const v = window.tandem.page.views[%d]; v.focusEditor(true); return true })()`, i))
	p.waitFor(fmt.Sprintf(`!!document.querySelector(%q)`, cellSel(i)+" .cm-content"), 10*time.Second)
	p.waitFor(`document.activeElement && document.activeElement.classList.contains("cm-content")`, 5*time.Second)
}

// key presses one letter key in command mode (keyDown and keyUp, no char
// event: CDP's char event would type into the editor the key just focused).
func (p *page) key(k string, mods ...chromedp.Modifier) {
	p.t.Helper()
	p.press(k, int64(strings.ToUpper(k)[0]), mods...)
}

// press sends one special key (Enter, Escape, arrows...) as keyDown and keyUp
// without the char event chromedp's KeyEvent adds, which CodeMirror would
// turn into a second newline.
func (p *page) press(key string, vk int64, mods ...chromedp.Modifier) {
	p.t.Helper()
	var m int64
	for _, x := range mods {
		m |= int64(x)
	}
	p.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			code := key
			if len(key) == 1 {
				code = "Key" + strings.ToUpper(key)
			}
			ev := input.DispatchKeyEventParams{Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk, Modifiers: m}
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, ev); err != nil {
				return err
			}
		}
		return nil
	}))
}

// enter presses Enter with modifiers.
func (p *page) enter(mods ...chromedp.Modifier) { p.press("Enter", 13, mods...) }

// escape presses Escape.
func (p *page) escape() { p.press("Escape", 27) }

// outputText is the text of cell i's outputs.
func (p *page) outputText(i int) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`(document.querySelector(%q) || {}).innerText || ""`, cellSel(i)+" .cell-outputs"))
}

// waitOutput waits until cell i's outputs contain want.
func (p *page) waitOutput(i int, want string, timeout time.Duration) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf(`((document.querySelector(%q) || {}).innerText || "").includes(%q)`, cellSel(i)+" .cell-outputs", want), timeout)
}

// waitIdle waits until no cell is queued or running and the kernel is idle.
func (p *page) waitIdle(timeout time.Duration) {
	p.t.Helper()
	p.waitFor(`window.tandem.page.nb.cells.every(c => c.run.phase === "idle") && !document.querySelector(".cell.running, .cell.queued") && document.querySelector(".kernel-status").dataset.state === "idle"`, timeout)
}

// waitKernel waits for the kernel to be connected and idle.
func (p *page) waitKernel() {
	p.t.Helper()
	p.waitFor(`document.querySelector(".kernel-status").dataset.state === "idle"`, 60*time.Second)
}

// navigateWithReports navigates and installs, before any page script runs,
// a listener collecting what test frames post ({malicious: ...}).
func navigateWithReports(url string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__reports = []; addEventListener("message", e => { if (e.data && e.data.malicious) window.__reports.push(e.data.malicious); });`,
		})
		if err != nil {
			return err
		}
		_, err = chromedp.Navigate(url)(ctx, t)
		return err
	})
}

// readNotebookErr reads a file from the served folder.
func readNotebookErr(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(env.root, name))
}

// chromedpEval runs JavaScript for its effect.
func chromedpEval(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](js)(ctx, t)
		return err
	})
}
