package server

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// Checkpoints ("revert to saved") keep one copy per file, id "checkpoint",
// under .tandem/checkpoints/ beside the notebooks (hidden, so never served
// as contents):
//
//	GET    /api/contents/{path}/checkpoints        list
//	POST   /api/contents/{path}/checkpoints        create from the file (201)
//	POST   /api/contents/{path}/checkpoints/{id}   restore the file (204)
//	DELETE /api/contents/{path}/checkpoints/{id}   delete (204)
const checkpointID = "checkpoint"

func checkpointPath(p string) string { return path.Join(".tandem", "checkpoints", p) }

// checkpointRoute handles the request when its path is a file followed by
// /checkpoints[/{id}], and reports whether it did.
func (s *Server) checkpointRoute(w http.ResponseWriter, r *http.Request) bool {
	raw := r.PathValue("path")
	file, id, ok := "", "", false
	if f, found := strings.CutSuffix(raw, "/checkpoints"); found {
		file, ok = f, true
	} else if i := strings.LastIndex(raw, "/checkpoints/"); i > 0 {
		file, id, ok = raw[:i], raw[i+len("/checkpoints/"):], !strings.Contains(raw[i+len("/checkpoints/"):], "/")
	}
	if !ok {
		return false
	}
	p, err := cleanPath(file)
	if err != nil || p == "" {
		return false
	}
	if fi, err := s.root.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return false // a folder named checkpoints, or nothing: the normal routes answer
	}
	if err := s.resolve(p); err != nil {
		s.fsError(w, r, p, err)
		return true
	}
	cp := checkpointPath(p)
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	switch {
	case r.Method == http.MethodGet && id == "":
		list := []map[string]string{}
		if fi, err := s.root.Stat(cp); err == nil {
			list = append(list, map[string]string{"id": checkpointID, "last_modified": jsonTime(fi.ModTime())})
		}
		writeJSON(w, 200, list)
	case r.Method == http.MethodPost && id == "":
		data, err := s.root.ReadFile(p)
		if err == nil {
			err = s.root.MkdirAll(path.Dir(cp), 0o700)
		}
		if err == nil {
			err = s.writeAtomic(cp, data)
		}
		if err != nil {
			s.fsError(w, r, p, err)
			return true
		}
		fi, _ := s.root.Stat(cp)
		w.Header().Set("Location", "/api/contents/"+escapePath(p)+"/checkpoints/"+checkpointID)
		writeJSON(w, 201, map[string]string{"id": checkpointID, "last_modified": jsonTime(fi.ModTime())})
	case id != checkpointID:
		s.error(w, r, 404, "not_found", fmt.Sprintf("no checkpoint %q for %q", id, p))
	case r.Method == http.MethodPost:
		data, err := s.root.ReadFile(cp)
		if errors.Is(err, fs.ErrNotExist) {
			s.error(w, r, 404, "not_found", fmt.Sprintf("no checkpoint for %q", p))
			return true
		}
		if err == nil {
			err = s.writeAtomic(p, data)
		}
		if err != nil {
			s.fsError(w, r, p, err)
			return true
		}
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodDelete:
		if err := s.root.Remove(cp); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				s.error(w, r, 404, "not_found", fmt.Sprintf("no checkpoint for %q", p))
				return true
			}
			s.fsError(w, r, p, err)
			return true
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		s.error(w, r, 405, "method", "method not allowed on checkpoints")
	}
	return true
}
