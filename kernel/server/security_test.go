package server

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		b, err := hex.DecodeString(tok)
		if err != nil || len(b)*8 < 192 {
			t.Fatalf("token %d bits (%v), want ≥ 192", len(b)*8, err)
		}
		if seen[tok] {
			t.Fatal("repeated token")
		}
		seen[tok] = true
	}
	if _, err := New(Options{Root: t.TempDir(), Token: "short", Addr: "127.0.0.1:1", StartKernel: func(context.Context, KernelConfig) (Kernel, error) { return nil, nil }}); err == nil {
		t.Error("short token accepted")
	}
}

func TestAuth_Token(t *testing.T) {
	h := newHarness(t, nil)
	noAuth := []string{"Authorization", ""}
	for _, test := range []struct {
		name string
		hdr  []string
		path string
		want int
	}{
		{"None", noAuth, "/api/contents", 401},
		{"NonePage", noAuth, "/", 401},
		{"NoneStatic", noAuth, "/static/app.js", 200}, // public code, no data
		{"NoneStaticPost", noAuth, "/static/app.js", 401},
		{"Wrong", []string{"Authorization", "token " + strings.Repeat("0", 48)}, "/api/contents", 401},
		{"Prefix", []string{"Authorization", "token " + h.token[:47]}, "/api/contents", 401},
		{"Longer", []string{"Authorization", "token " + h.token + "0"}, "/api/contents", 401},
		{"WrongQuery", noAuth, "/api/contents?token=" + strings.Repeat("1", 48), 401},
		{"Header", nil, "/api/contents", 200},
		{"Bearer", []string{"Authorization", "Bearer " + h.token}, "/api/contents", 200},
		{"QueryAPI", noAuth, "/api/contents?token=" + h.token, 200},
	} {
		t.Run(test.name, func(t *testing.T) {
			method := "GET"
			if strings.HasSuffix(test.name, "Post") {
				method = "POST"
			}
			r := h.do(method, test.path, nil, test.hdr...)
			if r.Code != test.want {
				t.Errorf("got %d want %d: %s", r.Code, test.want, r.Body)
			}
			if r.Code == 401 && !strings.Contains(r.message(), "token") && !strings.Contains(string(r.Body), "?token=") {
				t.Errorf("401 without a useful message: %s", r.Body)
			}
		})
	}
}

func TestAuth_QueryTokenCookieRedirect(t *testing.T) {
	h := newHarness(t, nil)
	r := h.do("GET", "/notebooks/a%20b.ipynb?token="+h.token+"&x=1", nil, "Authorization", "")
	if r.Code != http.StatusFound {
		t.Fatalf("got %d want 302", r.Code)
	}
	if loc := r.Header.Get("Location"); loc != "/notebooks/a%20b.ipynb?x=1" {
		t.Errorf("redirect to %q", loc)
	}
	cookies := (&http.Response{Header: r.Header}).Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies: %v", cookies)
	}
	c := cookies[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Value == h.token || strings.Contains(c.Value, h.token) {
		t.Errorf("cookie: %+v", c)
	}
	// The cookie alone authenticates page loads and reads.
	if r := h.do("GET", "/notebooks/a%20b.ipynb?x=1", nil, "Authorization", "", "Cookie", c.Name+"="+c.Value); r.Code != 200 || !strings.Contains(string(r.Body), "Tandem app") {
		t.Errorf("page with cookie: %d %s", r.Code, r.Body)
	}
	if r := h.do("GET", "/api/contents", nil, "Authorization", "", "Cookie", c.Name+"="+c.Value); r.Code != 200 {
		t.Errorf("API with cookie: %d", r.Code)
	}
	// A changing request with the cookie must come from our page (Origin).
	if r := h.do("POST", "/api/contents", nil, "Authorization", "", "Cookie", c.Name+"="+c.Value); r.Code != 403 {
		t.Errorf("cookie POST without Origin: %d", r.Code)
	}
	if r := h.do("POST", "/api/contents", nil, "Authorization", "", "Cookie", c.Name+"="+c.Value, "Origin", h.origin()); r.Code != 201 {
		t.Errorf("cookie POST with Origin: %d %s", r.Code, r.Body)
	}
	if r := h.do("GET", "/api/contents", nil, "Authorization", "", "Cookie", c.Name+"=forged"); r.Code != 401 {
		t.Errorf("forged cookie: %d", r.Code)
	}
}

// TestAuth_CookieSecret: with a kept secret, a cookie outlives the server
// and its token (tabs reconnect after a restart); expired or altered
// cookies are refused.
func TestAuth_CookieSecret(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	login := func(h *harness) *http.Cookie {
		r := h.do("GET", "/?token="+h.token, nil, "Authorization", "")
		return (&http.Response{Header: r.Header}).Cookies()[0]
	}
	h1 := newHarness(t, func(o *Options) { o.CookieSecret = secret })
	c := login(h1)
	h2 := newHarness(t, func(o *Options) { o.CookieSecret = secret }) // "restarted", new token
	other := newHarness(t, nil)
	withCookie := func(h *harness, value string) int {
		return h.do("GET", "/api/contents", nil, "Authorization", "", "Cookie", h.s.auth.name+"="+value).Code
	}
	if code := withCookie(h2, c.Value); code != 200 {
		t.Errorf("cookie after restart: %d", code)
	}
	if code := withCookie(other, c.Value); code != 401 {
		t.Errorf("cookie on a server with another secret: %d", code)
	}
	parts := strings.Split(c.Value, ".")
	exp, _ := strconv.ParseInt(parts[1], 10, 64)
	for name, v := range map[string]string{
		"Expired":  h2.s.auth.cookieValue(time.Now().Add(-time.Minute).Unix()),
		"Extended": "v1." + strconv.FormatInt(exp+1, 10) + "." + parts[2],
		"NoMAC":    "v1." + parts[1] + ".",
		"Garbage":  "x",
	} {
		if code := withCookie(h2, v); code != 401 {
			t.Errorf("%s cookie: %d", name, code)
		}
	}
	if c.MaxAge <= 0 || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie attributes: %+v", c)
	}
}

// TestAuth_WebSocket401: no upgrade happens without the token.
func TestAuth_WebSocket401(t *testing.T) {
	h := newHarness(t, nil)
	id := h.startKernel()
	for _, hdr := range []http.Header{
		{"Origin": {h.origin()}},
		{"Origin": {h.origin()}, "Authorization": {"token nope"}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(h.base, "http")+"/api/kernels/"+id+"/channels", &websocket.DialOptions{HTTPHeader: hdr})
		cancel()
		if err == nil {
			c.CloseNow()
			t.Fatal("upgraded without the token")
		}
		if res == nil || res.StatusCode != 401 || res.Header.Get("Upgrade") != "" {
			t.Errorf("got %v, want 401 without upgrade", res)
		}
	}
	if got := h.s.conns.Load(); got != 0 {
		t.Errorf("%d connections open", got)
	}
}

func TestSecurity_Host(t *testing.T) {
	h := newHarness(t, nil)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(h.base, "http://"))
	for _, test := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:" + port, 200},
		{"localhost:" + port, 200},
		{"LOCALHOST:" + port, 200},
		{"[::1]:" + port, 200},
		{"evil.example:" + port, 403},
		{"localhost.evil.example:" + port, 403},
		{"127.0.0.1.nip.io:" + port, 403},
		{"127.0.0.1:1", 403},
		{"127.0.0.1", 403},
	} {
		r := h.do("GET", "/api/contents", nil, "Host", test.host)
		if r.Code != test.want {
			t.Errorf("Host %q: got %d want %d", test.host, r.Code, test.want)
		}
	}
}

func originCases(h *harness) []struct {
	origin string
	want   bool
} {
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(h.base, "http://"))
	return []struct {
		origin string
		want   bool
	}{
		{h.base, true},
		{"http://localhost:" + port, true},
		{"null", false},
		{"file://", false},
		{"file:///home/u/x.html", false},
		{"http://127.0.0.1:" + port + ".evil.example", false},
		{"http://evil127.0.0.1:" + port, false},
		{"http://localhost.evil.example:" + port, false},
		{"http://127.0.0.1:1", false},
		{"http://127.0.0.1", false},
		{"https://evil.example", false},
		{"https://127.0.0.1:" + port, false},
		{h.base + "/", false},
	}
}

func TestSecurity_Origin(t *testing.T) {
	h := newHarness(t, nil)
	for _, test := range originCases(h) {
		for _, m := range []string{"GET", "POST"} {
			r := h.do(m, "/api/contents", nil, "Origin", test.origin)
			if ok := r.Code < 400; ok != test.want {
				t.Errorf("%s Origin %q: got %d, allowed=%v", m, test.origin, r.Code, test.want)
			}
		}
	}
}

func TestSecurity_OriginWebSocket(t *testing.T) {
	h := newHarness(t, nil)
	id := h.startKernel()
	for _, test := range originCases(h) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(h.base, "http")+"/api/kernels/"+id+"/channels?session_id=s",
			&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {test.origin}, "Authorization": {"token " + h.token}}})
		cancel()
		if (err == nil) != test.want {
			t.Errorf("Origin %q: err %v, want allowed=%v", test.origin, err, test.want)
		}
		if err == nil {
			c.CloseNow()
		} else if res == nil || res.StatusCode != 403 {
			t.Errorf("Origin %q: want 403, got %v", test.origin, res)
		}
	}
}

func TestSecurity_Headers(t *testing.T) {
	h := newHarness(t, nil)
	for _, test := range []struct {
		method, path string
		hdr          []string
	}{
		{"GET", "/", nil},
		{"GET", "/notebooks/x.ipynb", nil},
		{"GET", "/static/app.js", nil},
		{"GET", "/static/missing.js", nil},
		{"GET", "/api/contents", nil},
		{"GET", "/api/nothing", nil},
		{"GET", "/api/contents", []string{"Authorization", ""}},
		{"GET", "/api/contents", []string{"Host", "evil.example"}},
		{"GET", "/api/contents", []string{"Origin", "null"}},
		{"GET", "/?token=" + h.token, []string{"Authorization", ""}},
		{"DELETE", "/api/contents/none", nil},
	} {
		r := h.do(test.method, test.path, nil, test.hdr...)
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s (%d): no nosniff", test.method, test.path, r.Code)
		}
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s %s (%d): CSP %q", test.method, test.path, r.Code, csp)
		}
	}
	r := h.do("GET", "/static/app.js", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("app.js Content-Type %q", ct)
	}
	if r := h.do("GET", "/static/sandbox/x.html", nil); !strings.Contains(r.Header.Get("Content-Security-Policy"), "connect-src 'none'") {
		t.Errorf("sandbox CSP: %q", r.Header.Get("Content-Security-Policy"))
	}
}

// TestSecurity_PathContainment tries every escape on every contents route:
// each answers 4xx, and nothing outside (or hidden) is read, written,
// renamed or deleted.
func TestSecurity_PathContainment(t *testing.T) {
	h := newHarness(t, nil)
	secret := filepath.Join(h.outside, "secret.txt")
	os.WriteFile(secret, []byte("secret"), 0o644)
	h.write(".tandem/ledger.db", "ledger")
	h.write(".env", "KEY=1")
	h.write("sub/ok.txt", "ok")
	os.Symlink(h.outside, filepath.Join(h.dir, "out"))              // a folder outside
	os.Symlink(secret, filepath.Join(h.dir, "sub", "link.txt"))     // a file outside
	os.Symlink("../.tandem", filepath.Join(h.dir, "sub", "tandem")) // hidden, inside
	os.Symlink("/etc/passwd", filepath.Join(h.dir, "passwd"))       // absolute
	paths := []string{
		"../nb-secret/secret.txt",
		"%2e%2e/nb-secret/secret.txt",
		"%2E%2E%2Fnb-secret%2Fsecret.txt",
		"sub/..%2F..%2Fnb-secret%2Fsecret.txt",
		"sub/%2e%2e/%2e%2e/nb-secret/secret.txt",
		"..%5cnb-secret%5csecret.txt",
		"%2Fetc%2Fpasswd",
		"/etc/passwd",
		"sub//ok.txt",
		"./sub/ok.txt",
		"out/secret.txt",
		"out",
		"sub/link.txt",
		"sub/tandem/ledger.db",
		"passwd",
		".tandem/ledger.db",
		".tandem",
		"%2Etandem/ledger.db",
		".env",
		"sub/.hidden",
		"sub%00.txt",
		"sub/ok.txt%00.ipynb",
	}
	snapshot := func() string {
		var b strings.Builder
		for _, d := range []string{h.dir, h.outside} {
			filepath.Walk(d, func(p string, fi os.FileInfo, err error) error {
				if err == nil {
					data, _ := os.ReadFile(p)
					fmt.Fprintf(&b, "%s %v %d %q\n", p, fi.Mode(), fi.Size(), data)
				}
				return nil
			})
		}
		return b.String()
	}
	before := snapshot()
	for _, p := range paths {
		for _, req := range []struct {
			method string
			body   any
		}{
			{"GET", nil},
			{"PUT", map[string]any{"type": "file", "format": "text", "content": "pwned"}},
			{"POST", map[string]any{"type": "notebook"}},
			{"PATCH", map[string]any{"path": "sub/moved.txt"}},
			{"DELETE", nil},
		} {
			r := h.rawDo(req.method, "/api/contents/"+p, req.body)
			if r.Code < 400 || r.Code >= 500 {
				t.Errorf("%s %s: got %d, want 4xx: %s", req.method, p, r.Code, r.Body)
			}
			if strings.Contains(string(r.Body), "secret") && !strings.Contains(p, "secret") || strings.Contains(string(r.Body), "ledger\"") {
				t.Errorf("%s %s: body leaks: %s", req.method, p, r.Body)
			}
		}
		// The escape in a JSON body (decoded, as a client would send it):
		// rename to it, copy from it, a session on it.
		bp, err := url.PathUnescape(p)
		if err != nil {
			t.Fatal(err)
		}
		if r := h.rawDo("PATCH", "/api/contents/sub/ok.txt", map[string]any{"path": bp}); r.Code < 400 || r.Code >= 500 {
			t.Errorf("rename to %q: %d", bp, r.Code)
		}
		if r := h.rawDo("POST", "/api/contents/sub", map[string]any{"copy_from": bp}); r.Code < 400 || r.Code >= 500 {
			t.Errorf("copy from %q: %d", bp, r.Code)
		}
		if r := h.rawDo("POST", "/api/sessions", map[string]any{"path": bp, "type": "notebook"}); r.Code < 400 || r.Code >= 500 {
			t.Errorf("session at %q: %d", bp, r.Code)
		}
		if r := h.rawDo("POST", "/api/kernels", map[string]any{"path": bp}); r.Code < 400 || r.Code >= 500 {
			t.Errorf("kernel at %q: %d", bp, r.Code)
		}
	}
	if after := snapshot(); after != before {
		t.Errorf("files changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// The listing shows neither hidden files nor escaping links.
	r := h.do("GET", "/api/contents/sub", nil)
	for _, leak := range []string{"link.txt", "tandem", ".hidden"} {
		if strings.Contains(string(r.Body), leak) {
			t.Errorf("listing shows %s: %s", leak, r.Body)
		}
	}
}

// rawDo sends the path exactly as written (no client-side cleaning).
func (h *harness) rawDo(method, path string, body any) response {
	h.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.base, "http://"))
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close()
	payload := ""
	if body != nil {
		payload = fmt.Sprint(jsonString(body))
	}
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: token %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		method, path, strings.TrimPrefix(h.base, "http://"), h.token, len(payload), payload)
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	var b strings.Builder
	bufio.NewReader(res.Body).WriteTo(&b)
	return response{res.StatusCode, res.Header, []byte(b.String())}
}
