package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// NewToken returns a fresh random token: 24 bytes (192 bits) from
// crypto/rand as 48 hex digits.
func NewToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// MinTokenLen is the shortest token Options.Token may be.
const MinTokenLen = 32

type auth struct {
	token   []byte
	secret  []byte // signs cookies: Options.CookieSecret, else the token
	name    string // cookie name, per port: browsers share cookies across ports
	hosts   map[string]bool
	port    int
	origins map[string]bool
}

func newAuth(opts Options) (*auth, error) {
	if len(opts.Token) < MinTokenLen {
		return nil, fmt.Errorf("server: token of %d characters, want at least %d", len(opts.Token), MinTokenLen)
	}
	hosts, port, err := hostsFor(opts.Addr)
	if err != nil {
		return nil, err
	}
	a := &auth{token: []byte(opts.Token), port: port, hosts: map[string]bool{}, origins: map[string]bool{},
		name: "tandem-" + strconv.Itoa(port)}
	a.secret = opts.CookieSecret
	if len(a.secret) == 0 {
		a.secret = a.token
	} else if len(a.secret) < 24 {
		return nil, fmt.Errorf("server: cookie secret of %d bytes, want at least 24", len(a.secret))
	}
	for _, h := range append(hosts, opts.AllowHosts...) {
		h = strings.ToLower(strings.Trim(h, "[]"))
		a.hosts[h] = true
		hp := net.JoinHostPort(h, strconv.Itoa(port))
		a.origins["http://"+hp] = true // the server speaks plain HTTP; a TLS proxy adds its origin with AllowOrigins
		if port == 80 {
			a.origins["http://"+h] = true
		}
	}
	for _, o := range opts.AllowOrigins {
		a.origins[strings.ToLower(strings.TrimSuffix(o, "/"))] = true
	}
	return a, nil
}

// hostAllowed checks the Host header against the allowlist: the defence
// against DNS rebinding, where a page on evil.example resolves its own name
// to 127.0.0.1.
func (a *auth) hostAllowed(hostport string) bool {
	host, portStr, err := net.SplitHostPort(hostport)
	if err != nil {
		host, portStr = hostport, ""
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if !a.hosts[host] {
		return false
	}
	switch portStr {
	case "":
		return a.port == 80 || a.port == 443
	default:
		p, err := strconv.Atoi(portStr)
		return err == nil && p == a.port
	}
}

// originAllowed is an exact match of scheme://host[:port]; "null", file://
// and anything else not listed are refused.
func (a *auth) originAllowed(origin string) bool {
	return a.origins[strings.ToLower(origin)]
}

// tokenOK compares in constant time.
func (a *auth) tokenOK(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), a.token) == 1
}

// CookieLifetime is how long a login cookie stays valid.
const CookieLifetime = 30 * 24 * time.Hour

// cookieValue is "v1.<expiry, unix seconds>.<hex HMAC-SHA256 of the rest
// under the secret>": it reveals nothing of the token, and with a
// persistent secret it survives a server restart (and a new token), as
// Jupyter's cookie_secret does, so open tabs reconnect.
func (a *auth) cookieValue(expiry int64) string {
	payload := "v1." + strconv.FormatInt(expiry, 10)
	mac := hmac.New(sha256.New, a.secret)
	mac.Write([]byte("tandem cookie\x00" + payload))
	return payload + "." + hex.EncodeToString(mac.Sum(nil))
}

func (a *auth) cookieOK(r *http.Request) bool {
	c, err := r.Cookie(a.name)
	if err != nil {
		return false
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return false
	}
	expiry, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || time.Now().Unix() > expiry {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(a.cookieValue(expiry))) == 1
}

// errUnauthorized is the one message for a missing or wrong token: it says
// what to do and never echoes what was sent.
var errUnauthorized = errors.New("missing or invalid token: open the URL that `tandem serve` printed (it carries ?token=), or send the header \"Authorization: token <token>\"")

const loginPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Tandem: token needed</title>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40em; margin: 4em auto; padding: 0 1em">
<h1>This notebook server needs its token</h1>
<p>Open the URL that <code>tandem serve</code> printed in its terminal: it ends in <code>?token=…</code>.
The browser then remembers you for this server.</p>
</body></html>
`

// check runs the security checks in order: Host, Origin, token. It writes
// the refusal and returns false, or returns true to let the request
// through. A valid ?token= sets the cookie and, for page loads, redirects
// to the same URL without it.
func (a *auth) check(w http.ResponseWriter, r *http.Request) bool {
	if !a.hostAllowed(r.Host) {
		writeJSON(w, http.StatusForbidden, apiError{Message: "host not allowed: this server answers to localhost and its own address only (DNS rebinding protection)", Reason: "host"})
		return false
	}
	origin := r.Header.Get("Origin")
	if origin != "" && !a.originAllowed(origin) {
		writeJSON(w, http.StatusForbidden, apiError{Message: "origin not allowed: requests must come from this server's own pages", Reason: "origin"})
		return false
	}
	if !validPath(r) {
		writeJSON(w, http.StatusBadRequest, apiError{Message: "path is not canonical (., .. or empty segments, NUL or backslash)", Reason: "bad_path"})
		return false
	}
	viaHeader, viaQuery := false, false
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, t, _ := strings.Cut(h, " ")
		if (strings.EqualFold(scheme, "token") || strings.EqualFold(scheme, "bearer")) && a.tokenOK(strings.TrimSpace(t)) {
			viaHeader = true
		}
	}
	q := r.URL.Query()
	if t, ok := q["token"]; ok && len(t) == 1 && a.tokenOK(t[0]) {
		viaQuery = true
	}
	if !viaHeader && !viaQuery && !a.cookieOK(r) && !public(r) {
		if r.Method == http.MethodGet && !isWebSocket(r) && !strings.HasPrefix(r.URL.Path, "/api/") {
			// A page load: say what to do in words.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(loginPage))
			return false
		}
		writeJSON(w, http.StatusUnauthorized, apiError{Message: errUnauthorized.Error(), Reason: "unauthorized"})
		return false
	}
	// A browser always sends Origin on WebSockets and on state-changing
	// fetches; a cookie-authenticated request without it is refused, so only
	// this server's pages can use the cookie (SameSite=Strict is the first
	// line, this the second).
	if !viaHeader && !viaQuery && origin == "" && (isWebSocket(r) || !safeMethod(r.Method)) {
		writeJSON(w, http.StatusForbidden, apiError{Message: "origin missing: cookie-authenticated requests that change state must come from this server's pages", Reason: "origin"})
		return false
	}
	if viaQuery {
		exp := time.Now().Add(CookieLifetime)
		http.SetCookie(w, &http.Cookie{Name: a.name, Value: a.cookieValue(exp.Unix()), Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, Expires: exp, MaxAge: int(CookieLifetime / time.Second)})
		if r.Method == http.MethodGet && !isWebSocket(r) && !strings.HasPrefix(r.URL.Path, "/api/") {
			q.Del("token")
			u := url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: q.Encode()}
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Referrer-Policy", "no-referrer")
			http.Redirect(w, r, u.String(), http.StatusFound)
			return false
		}
	}
	return true
}

// public reports whether r may go without a token: reads of the app's
// static assets (public code, no data; the sandboxed output frames load
// from there with an opaque origin).
func public(r *http.Request) bool {
	return safeMethod(r.Method) && !isWebSocket(r) && strings.HasPrefix(r.URL.Path, "/static/")
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// validPath refuses request paths with ".", ".." or empty segments (raw or
// %-encoded), NUL or backslashes before any route sees them.
func validPath(r *http.Request) bool {
	for _, p := range []string{r.URL.Path, r.URL.EscapedPath()} {
		if strings.ContainsAny(p, "\x00\\") || strings.Contains(strings.ToLower(p), "%00") || strings.Contains(strings.ToLower(p), "%5c") {
			return false
		}
		segs := strings.Split(p, "/")
		for i, s := range segs {
			if i == 0 || (i == len(segs)-1 && s == "") {
				continue // leading slash, trailing slash
			}
			if s == "" || s == "." || s == ".." {
				return false
			}
		}
	}
	return true
}

// securityHeaders go on every response. The app's CSP allows only its own
// scripts; rich outputs run in sandboxed iframes (sandbox="allow-scripts",
// no allow-same-origin). /static/sandbox/ holds the iframe documents, if
// the app ships any: inline scripts allowed there, but no connections.
func securityHeaders(h http.Header, path string) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if strings.HasPrefix(path, "/static/sandbox/") {
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "+
			"style-src 'self' 'unsafe-inline' data:; img-src 'self' data: blob:; font-src 'self' data:; media-src data: blob:; "+
			"connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'")
		return
	}
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self' blob: data:; "+
		"worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
}
