package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

const missingApp = `<!doctype html><meta charset="utf-8"><title>Tandem</title>
<p>The browser app is not built into this binary (frontend/dist is empty).</p>`

// handleIndex serves the app's index.html for / and /notebooks/{path}; the
// app reads the notebook path from location.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.opts.App == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(missingApp))
		return
	}
	b, err := fs.ReadFile(s.opts.App, "index.html")
	if err != nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(missingApp))
		return
	}
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(b))
}

// etag is a strong validator for an asset, computed once.
func (s *Server) etag(name string, b []byte) string {
	if v, ok := s.etags.Load(name); ok {
		return v.(string)
	}
	sum := sha256.Sum256(b)
	tag := `"` + hex.EncodeToString(sum[:12]) + `"`
	s.etags.Store(name, tag)
	return tag
}

// handleStatic serves the app's assets under /static/ (the dist folder's
// files; dist/static/x and dist/x are both looked up).
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("path")
	if s.opts.App == nil || p == "" || strings.HasPrefix(path.Base(p), ".") || !fs.ValidPath(p) {
		s.error(w, r, 404, "not_found", "no such asset")
		return
	}
	for _, name := range []string{"static/" + p, p} {
		b, err := fs.ReadFile(s.opts.App, name)
		if err != nil {
			continue
		}
		if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		// Revalidated on every load (no-cache), answered 304 by ETag when
		// unchanged: a reload after an upgrade never runs stale code.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", s.etag(name, b))
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
		return
	}
	s.error(w, r, 404, "not_found", "no such asset: "+p)
}
