package server

import (
	"fmt"
	"net/http"
	"path"
	"sort"
)

// sessionModel is the Jupyter session model.
type sessionModel struct {
	ID       string            `json:"id"`
	Path     string            `json:"path"`
	Name     string            `json:"name"`
	Type     string            `json:"type"`
	Kernel   kernelModel       `json:"kernel"`
	Notebook map[string]string `json:"notebook"`
}

func (m *manager) sessionModel(s *session) (sessionModel, bool) {
	e := m.kernels[s.KernelID]
	if e == nil {
		return sessionModel{}, false
	}
	return sessionModel{ID: s.ID, Path: s.Path, Name: s.Name, Type: s.Type, Kernel: e.model(),
		Notebook: map[string]string{"path": s.Path, "name": s.Name}}, true
}

type sessionRequest struct {
	Path     string `json:"path"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Notebook *struct {
		Path string `json:"path"`
		Name string `json:"name"`
	} `json:"notebook"`
	Kernel *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"kernel"`
}

func (req *sessionRequest) normalize() {
	if req.Path == "" && req.Notebook != nil {
		req.Path = req.Notebook.Path
	}
	if req.Name == "" && req.Notebook != nil {
		req.Name = req.Notebook.Name
	}
}

func (s *Server) handleSessionList(w http.ResponseWriter, r *http.Request) {
	m := s.kernels
	m.mu.Lock()
	out := []sessionModel{}
	for _, ss := range m.sessions {
		if sm, ok := m.sessionModel(ss); ok {
			out = append(out, sm)
		}
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	writeJSON(w, 200, out)
}

// handleSessionCreate returns the session of a path, creating it and its
// kernel when there is none: every tab on one notebook shares one kernel.
func (s *Server) handleSessionCreate(w http.ResponseWriter, r *http.Request) {
	var req sessionRequest
	if err := readJSON(w, r, 1<<20, &req); err != nil {
		s.error(w, r, 400, "bad_request", err.Error())
		return
	}
	req.normalize()
	p, err := cleanPath(req.Path)
	if err == nil {
		err = s.resolve(p)
	}
	if err != nil {
		s.fsError(w, r, req.Path, err)
		return
	}
	if p == "" {
		s.error(w, r, 400, "bad_request", "session path missing")
		return
	}
	if req.Kernel != nil && req.Kernel.Name != "" && req.Kernel.Name != KernelName {
		s.error(w, r, 400, "no_kernelspec", fmt.Sprintf("no kernelspec %q (this server has %q)", req.Kernel.Name, KernelName))
		return
	}
	if req.Type == "" {
		req.Type = "notebook"
	}
	if req.Name == "" {
		req.Name = path.Base(p)
	}
	m := s.kernels
	// One creation at a time, so two tabs opening one notebook together
	// still get one kernel.
	m.createMu.Lock()
	defer m.createMu.Unlock()
	m.mu.Lock()
	for _, ss := range m.sessions {
		if ss.Path == p {
			if sm, ok := m.sessionModel(ss); ok {
				m.mu.Unlock()
				w.Header().Set("Location", "/api/sessions/"+ss.ID)
				writeJSON(w, 201, sm)
				return
			}
		}
	}
	var e *kernelEntry
	if req.Kernel != nil && req.Kernel.ID != "" {
		if e = m.kernels[req.Kernel.ID]; e == nil {
			m.mu.Unlock()
			s.error(w, r, 404, "not_found", fmt.Sprintf("no kernel %q", req.Kernel.ID))
			return
		}
	}
	m.mu.Unlock()
	if e == nil {
		if e, err = m.start(r.Context(), parentDir(p)); err != nil {
			s.kernelError(w, r, err)
			return
		}
	}
	ss := &session{ID: newUUID(), Path: p, Name: req.Name, Type: req.Type, KernelID: e.id}
	m.mu.Lock()
	m.sessions[ss.ID] = ss
	sm, _ := m.sessionModel(ss)
	m.mu.Unlock()
	w.Header().Set("Location", "/api/sessions/"+ss.ID)
	writeJSON(w, 201, sm)
}

func (s *Server) sessionOr404(w http.ResponseWriter, r *http.Request) *session {
	m := s.kernels
	m.mu.Lock()
	ss := m.sessions[r.PathValue("id")]
	m.mu.Unlock()
	if ss == nil {
		s.error(w, r, 404, "not_found", fmt.Sprintf("no session %q", r.PathValue("id")))
	}
	return ss
}

func (s *Server) handleSessionGet(w http.ResponseWriter, r *http.Request) {
	ss := s.sessionOr404(w, r)
	if ss == nil {
		return
	}
	m := s.kernels
	m.mu.Lock()
	sm, ok := m.sessionModel(ss)
	m.mu.Unlock()
	if !ok {
		s.error(w, r, 404, "not_found", "the session's kernel is gone")
		return
	}
	writeJSON(w, 200, sm)
}

// handleSessionPatch renames a session (path, name, type) or moves it to
// another kernel: an existing one by id, or a new one by name (the old
// kernel is shut down when no session uses it any more).
func (s *Server) handleSessionPatch(w http.ResponseWriter, r *http.Request) {
	ss := s.sessionOr404(w, r)
	if ss == nil {
		return
	}
	var req sessionRequest
	if err := readJSON(w, r, 1<<20, &req); err != nil {
		s.error(w, r, 400, "bad_request", err.Error())
		return
	}
	req.normalize()
	m := s.kernels
	newPath := ""
	if req.Path != "" {
		p, err := cleanPath(req.Path)
		if err == nil {
			err = s.resolve(p)
		}
		if err != nil {
			s.fsError(w, r, req.Path, err)
			return
		}
		newPath = p
	}
	var newKernel *kernelEntry
	if req.Kernel != nil {
		switch {
		case req.Kernel.ID != "":
			if newKernel = m.get(req.Kernel.ID); newKernel == nil {
				s.error(w, r, 404, "not_found", fmt.Sprintf("no kernel %q", req.Kernel.ID))
				return
			}
		case req.Kernel.Name != "" && req.Kernel.Name != KernelName:
			s.error(w, r, 400, "no_kernelspec", fmt.Sprintf("no kernelspec %q (this server has %q)", req.Kernel.Name, KernelName))
			return
		case req.Kernel.Name != "":
			var err error
			dir := ss.Path
			if newPath != "" {
				dir = newPath
			}
			if newKernel, err = m.start(r.Context(), parentDir(dir)); err != nil {
				s.kernelError(w, r, err)
				return
			}
		}
	}
	m.mu.Lock()
	if newPath != "" {
		ss.Path = newPath
		ss.Name = path.Base(newPath)
	}
	if req.Name != "" {
		ss.Name = req.Name
	}
	if req.Type != "" {
		ss.Type = req.Type
	}
	var orphan *kernelEntry
	if newKernel != nil && newKernel.id != ss.KernelID {
		old := ss.KernelID
		ss.KernelID = newKernel.id
		used := false
		for _, o := range m.sessions {
			used = used || o.KernelID == old
		}
		if !used {
			orphan = m.kernels[old]
		}
	}
	sm, _ := m.sessionModel(ss)
	m.mu.Unlock()
	if orphan != nil {
		_ = m.shutdown(r.Context(), orphan)
	}
	writeJSON(w, 200, sm)
}

// handleSessionDelete ends a session and shuts its kernel down when no
// other session uses it.
func (s *Server) handleSessionDelete(w http.ResponseWriter, r *http.Request) {
	ss := s.sessionOr404(w, r)
	if ss == nil {
		return
	}
	m := s.kernels
	m.mu.Lock()
	delete(m.sessions, ss.ID)
	used := false
	for _, o := range m.sessions {
		used = used || o.KernelID == ss.KernelID
	}
	e := m.kernels[ss.KernelID]
	m.mu.Unlock()
	if e != nil && !used {
		_ = m.shutdown(r.Context(), e)
	}
	w.WriteHeader(http.StatusNoContent)
}
