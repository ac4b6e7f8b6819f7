package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/kernel/server"
)

// With TANDEM_SERVE_TEST_MAIN=1 the test binary is the tandem command: the
// CLI test runs it as `tandem serve`, and the server runs it again as
// `tandem kernel --stdio` for each kernel.
func init() {
	if os.Getenv("TANDEM_SERVE_TEST_MAIN") == "1" {
		os.Exit(dispatch(os.Args[1:]))
	}
}

func TestKernelEnv(t *testing.T) {
	tok := server.NewToken()
	env := kernelEnv([]string{"PATH=/bin", "TANDEM_TOKEN=" + tok, "JUPYTER_TOKEN=x", "OTHER=a" + tok + "b", "HOME=/h"}, tok)
	if got := strings.Join(env, " "); got != "PATH=/bin HOME=/h" {
		t.Errorf("got %q want %q", got, "PATH=/bin HOME=/h")
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestServe_CLI starts `tandem serve DIR --port P` as a process, reads the
// printed URL, uses it, starts a real kernel, checks the token is not in
// the kernel's environment, and stops the server with SIGINT.
func TestServe_CLI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.ipynb"), []byte(`{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`), 0o644)
	token := server.NewToken()
	port := freePort(t)
	cmd := exec.Command(os.Args[0], "serve", dir, "--port", strconv.Itoa(port), "--max-kernels", "3")
	config := t.TempDir()
	cmd.Env = append(os.Environ(), "TANDEM_SERVE_TEST_MAIN=1", "TANDEM_TOKEN="+token, "XDG_CONFIG_HOME="+config)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var url string
	deadline := time.After(60 * time.Second)
	for url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("server exited before printing its URL; stderr:\n%s", stderr.String())
			}
			if i := strings.Index(l, "http://"); i >= 0 {
				url = strings.TrimSpace(l[i:])
			}
		case <-deadline:
			t.Fatal("no URL printed")
		}
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	// Loopback only by default: the port is closed on other addresses.
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
				if c, err := net.DialTimeout("tcp", net.JoinHostPort(n.IP.String(), strconv.Itoa(port)), time.Second); err == nil {
					c.Close()
					t.Errorf("server reachable on %s", n.IP)
				}
			}
		}
	}
	if want := base + "/?token=" + token; url != want {
		t.Fatalf("printed %q, want %q", url, want)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/" || len(res.Cookies()) != 1 {
		t.Errorf("opening the URL: %d %v", res.StatusCode, res.Header)
	}
	call := func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "token "+token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	if code, body := call("GET", "/api/contents", ""); code != 200 || !strings.Contains(string(body), "a.ipynb") {
		t.Errorf("contents: %d %s", code, body)
	}
	if code, body := call("GET", "/", ""); code != 200 || !strings.Contains(strings.ToLower(string(body)), "<!doctype html") {
		t.Errorf("index: %d %.200s", code, body)
	}
	// A real kernel process, without the token in its environment.
	code, body := call("POST", "/api/sessions", `{"path": "a.ipynb", "type": "notebook", "kernel": {"name": "tandem"}}`)
	if code != 201 {
		t.Fatalf("session: %d %s\nstderr:\n%s", code, body, stderr.String())
	}
	kids := children(cmd.Process.Pid)
	if len(kids) == 0 {
		t.Fatal("no kernel process found")
	}
	for _, pid := range kids {
		env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(env), token) {
			t.Errorf("kernel process %d has the token in its environment", pid)
		}
		if !strings.Contains(string(env), "TANDEM_SERVE_TEST_MAIN=1") {
			t.Errorf("kernel process %d: environment not inherited", pid)
		}
	}
	// SIGINT stops the server and its kernels.
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v\nstderr:\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop on SIGINT")
	}
	for _, pid := range kids {
		if syscall.Kill(pid, 0) == nil {
			if st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); !strings.Contains(string(st), ") Z ") {
				t.Errorf("kernel process %d still running after shutdown", pid)
			}
		}
	}
	if strings.Contains(stderr.String(), token) {
		t.Error("the token appears in the server's log")
	}
	if fi, err := os.Stat(filepath.Join(config, "tandem", "cookie_secret")); err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 32 {
		t.Errorf("cookie secret file: %v %v", fi, err)
	}
}

// children lists the processes whose parent is pid.
func children(pid int) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", n))
		if err != nil {
			continue
		}
		s := string(st)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, n)
		}
	}
	return out
}

// realServer runs the server in-process over real kernel processes (this
// test binary as `tandem kernel --stdio`).
func realServer(tb testing.TB) (base, token string) {
	tb.Helper()
	dir := tb.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	token = server.NewToken()
	env := append(kernelEnv(os.Environ(), token), "TANDEM_SERVE_TEST_MAIN=1")
	log := slog.New(slog.DiscardHandler)
	srv, err := server.New(server.Options{Root: dir, Token: token, Addr: ln.Addr().String(),
		StartKernel: startSupervised(env, []string{os.Args[0], "kernel", "--stdio"}, log)})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	tb.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Close(ctx)
	})
	return ts.URL, token
}

func newMsg(msgType, session string, content any) []byte {
	c, _ := json.Marshal(content)
	b, _ := json.Marshal(&jupyter.Message{Channel: jupyter.Shell, Header: jupyter.Header{MsgID: jupyter.NewID(), Session: session,
		Username: "bench", Date: time.Now(), MsgType: msgType, Version: jupyter.ProtocolVersion}, Metadata: map[string]any{}, Content: c})
	return b
}

// roundTrip sends one request and reads until its reply, returning the
// reply and the text/plain of any execute_result.
func roundTrip(ctx context.Context, c *websocket.Conn, frame []byte) (reply *jupyter.Message, result string, err error) {
	if err := c.Write(ctx, websocket.MessageText, frame); err != nil {
		return nil, "", err
	}
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return nil, "", err
		}
		var m jupyter.Message
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, "", err
		}
		switch {
		case m.Header.MsgType == "execute_result":
			var r struct {
				Data map[string]any `json:"data"`
			}
			json.Unmarshal(m.Content, &r)
			result, _ = r.Data["text/plain"].(string)
		case m.Channel == jupyter.Shell && strings.HasSuffix(m.Header.MsgType, "_reply"):
			return &m, result, nil
		}
	}
}

func dialKernel(tb testing.TB, base, token string) *websocket.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/kernels", strings.NewReader(`{"name":"tandem"}`))
	req.Header.Set("Authorization", "token "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	var k struct{ ID string }
	json.NewDecoder(res.Body).Decode(&k)
	res.Body.Close()
	if res.StatusCode != 201 {
		tb.Fatalf("start kernel: %d", res.StatusCode)
	}
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/kernels/"+k.ID+"/channels?session_id=bench",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"token " + token}}})
	if err != nil {
		tb.Fatal(err)
	}
	c.SetReadLimit(64 << 20)
	tb.Cleanup(func() { c.CloseNow() })
	return c
}

// BenchmarkServe_KernelInfo is the transport round trip: browser WebSocket
// → server → supervisor → kernel process → back.
func BenchmarkServe_KernelInfo(b *testing.B) {
	base, token := realServer(b)
	c := dialKernel(b, base, token)
	ctx := context.Background()
	benchRoundTrips(b, func() error {
		reply, _, err := roundTrip(ctx, c, newMsg("kernel_info_request", "bench", map[string]any{}))
		if err == nil && reply.Header.MsgType != "kernel_info_reply" {
			err = fmt.Errorf("got %s", reply.Header.MsgType)
		}
		return err
	})
}

// BenchmarkServe_Execute1Plus1 is the figure: execute `1+1` through
// the server's WebSocket on a real kernel, until execute_reply.
func BenchmarkServe_Execute1Plus1(b *testing.B) {
	base, token := realServer(b)
	c := dialKernel(b, base, token)
	ctx := context.Background()
	benchRoundTrips(b, func() error {
		reply, result, err := roundTrip(ctx, c, newMsg("execute_request", "bench", map[string]any{"code": "1+1", "silent": false, "store_history": true}))
		if err != nil {
			return err
		}
		if !strings.Contains(string(reply.Content), `"status":"ok"`) || result != "2" {
			return fmt.Errorf("1+1 gave %q, reply %s", result, reply.Content)
		}
		return nil
	})
}

// benchRoundTrips times each call and reports the median and p99.
func benchRoundTrips(b *testing.B, call func() error) {
	for range 5 { // warm up
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[min(len(times)-1, len(times)*99/100)].Microseconds())/1000, "ms-p99")
	_ = slices.Max(times)
}

// TestServe_RealKernel runs the server over real kernel processes: two
// tabs on one notebook share a kernel, both see its iopub, only the asker
// gets the reply; interrupt, restart and shutdown go through the
// supervisor.
func TestServe_RealKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	base, token := realServer(t)
	call := func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "token "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	var sessions [2]struct{ Kernel struct{ ID string } }
	for i := range sessions {
		code, body := call("POST", "/api/sessions", `{"path": "n.ipynb", "type": "notebook", "kernel": {"name": "tandem"}}`)
		if code != 201 {
			t.Fatalf("session: %d %s", code, body)
		}
		json.Unmarshal(body, &sessions[i])
	}
	kid := sessions[0].Kernel.ID
	if sessions[1].Kernel.ID != kid {
		t.Fatal("two kernels for one notebook")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dial := func(session string) *websocket.Conn {
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/kernels/"+kid+"/channels?session_id="+session,
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"token " + token}}})
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadLimit(64 << 20)
		t.Cleanup(func() { c.CloseNow() })
		return c
	}
	a, b := dial("tab-a"), dial("tab-b")
	time.Sleep(50 * time.Millisecond)
	next := func(c *websocket.Conn) *jupyter.Message {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m jupyter.Message
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return &m
	}
	frame := newMsg("execute_request", "tab-a", map[string]any{"code": "1+1", "silent": false})
	var req jupyter.Message
	json.Unmarshal(frame, &req)
	if err := a.Write(ctx, websocket.MessageText, frame); err != nil {
		t.Fatal(err)
	}
	for {
		m := next(a)
		if m.Header.MsgType == "execute_reply" {
			if m.ParentHeader.MsgID != req.Header.MsgID {
				t.Errorf("reply to %s", m.ParentHeader.MsgID)
			}
			break
		}
	}
	// Tab B sees the cell's iopub through to idle, and no reply.
	for {
		m := next(b)
		if m.Channel != jupyter.IOPub {
			t.Fatalf("tab B got %s on %s", m.Header.MsgType, m.Channel)
		}
		if m.Header.MsgType == "status" && m.ParentHeader != nil && m.ParentHeader.MsgID == req.Header.MsgID && strings.Contains(string(m.Content), "idle") {
			break
		}
	}
	if code, _ := call("POST", "/api/kernels/"+kid+"/interrupt", ""); code != 204 {
		t.Errorf("interrupt: %d", code)
	}
	if code, body := call("POST", "/api/kernels/"+kid+"/restart", ""); code != 200 {
		t.Errorf("restart: %d %s", code, body)
	}
	for {
		m := next(b)
		if m.Header.MsgType == "status" && strings.Contains(string(m.Content), "restarting") {
			break
		}
	}
	// The restarted kernel answers.
	if err := b.Write(ctx, websocket.MessageText, newMsg("kernel_info_request", "tab-b", map[string]any{})); err != nil {
		t.Fatal(err)
	}
	for m := next(b); m.Header.MsgType != "kernel_info_reply"; m = next(b) {
	}
	if code, _ := call("DELETE", "/api/kernels/"+kid, ""); code != 204 {
		t.Errorf("shutdown: %d", code)
	}
	for {
		if _, _, err := a.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
				t.Errorf("tab A after shutdown: %v", err)
			}
			break
		}
	}
}

// TestServe_BusyPortAndSIGTERM: a taken --port moves to the next free
// one, and SIGTERM stops the server like SIGINT.
func TestServe_BusyPortAndSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	var busy net.Listener
	var port int
	for range 20 { // a port whose successor is free too
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := ln.Addr().(*net.TCPAddr).Port
		if next, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+1)); err == nil {
			next.Close()
			busy, port = ln, p
			break
		}
		ln.Close()
	}
	if busy == nil {
		t.Fatal("no pair of free ports")
	}
	defer busy.Close()
	cmd := exec.Command(os.Args[0], t.TempDir(), "--port", strconv.Itoa(port)) // bare `tandem DIR`, flags after it
	cmd.Env = append(os.Environ(), "TANDEM_SERVE_TEST_MAIN=1", "XDG_CONFIG_HOME="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	url := ""
	for url == "" && sc.Scan() {
		if i := strings.Index(sc.Text(), "http://"); i >= 0 {
			url = strings.TrimSpace(sc.Text()[i:])
		}
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d/?token=", port+1); !strings.HasPrefix(url, want) || len(url) != len(want)+48 {
		t.Errorf("printed %q, want %s<48 hex digits>", url, want)
	}
	go io.Copy(io.Discard, out)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
}

// `tandem --port N DIR`, flags before the folder (make run's shape with
// flags first), serves DIR on N; the printed URL with its token opens it.
func TestServe_FlagsFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x_test.go"), []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "--port", strconv.Itoa(port), dir)
	cmd.Env = append(os.Environ(), "TANDEM_SERVE_TEST_MAIN=1", "XDG_CONFIG_HOME="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	sc := bufio.NewScanner(out)
	url := ""
	for url == "" && sc.Scan() {
		if i := strings.Index(sc.Text(), "http://"); i >= 0 {
			url = strings.TrimSpace(sc.Text()[i:])
		}
	}
	go io.Copy(io.Discard, out)
	if want := fmt.Sprintf("http://127.0.0.1:%d/?token=", port); !strings.HasPrefix(url, want) {
		t.Fatalf("printed %q, want %s…", url, want)
	}
	_, token, _ := strings.Cut(url, "token=")
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://127.0.0.1:%d/api/contents/x_test.go?content=0", port), nil)
	req.Header.Set("Authorization", "token "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"type":"file"`) {
		t.Errorf("GET x_test.go: %d %s", resp.StatusCode, body)
	}
}
