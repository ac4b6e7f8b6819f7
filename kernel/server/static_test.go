package server

import (
	"strings"
	"testing"
)

func TestStatic_Pages(t *testing.T) {
	h := newHarness(t, nil)
	for _, p := range []string{"/", "/tree", "/tree/sub", "/notebooks/a.ipynb", "/notebooks/sub/b%20c.go"} {
		r := h.do("GET", p, nil)
		if r.Code != 200 || !strings.Contains(string(r.Body), "Tandem app") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %q %s", p, r.Code, r.Header.Get("Content-Type"), r.Body)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: index cacheable", p)
		}
	}
	r := h.do("GET", "/static/app.css", nil)
	if r.Code != 200 || string(r.Body) != "body{}" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Errorf("asset: %d %q", r.Code, r.Header.Get("Content-Type"))
	}
	tag := r.Header.Get("ETag")
	if tag == "" {
		t.Fatal("asset without ETag")
	}
	if r := h.do("GET", "/static/app.css", nil, "If-None-Match", tag); r.Code != 304 {
		t.Errorf("revalidation: %d", r.Code)
	}
	for _, p := range []string{"/static/none.js", "/static/.hidden", "/static/"} {
		if r := h.do("GET", p, nil); r.Code != 404 {
			t.Errorf("%s: %d", p, r.Code)
		}
	}
	if r := h.do("POST", "/notebooks/a.ipynb", nil); r.Code != 405 && r.Code != 404 {
		t.Errorf("POST page: %d", r.Code)
	}
}

func TestStatic_NoApp(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.App = nil })
	if r := h.do("GET", "/", nil); r.Code != 200 || !strings.Contains(string(r.Body), "not built") {
		t.Errorf("%d %s", r.Code, r.Body)
	}
	if r := h.do("GET", "/static/app.js", nil); r.Code != 404 {
		t.Errorf("asset without app: %d", r.Code)
	}
}
