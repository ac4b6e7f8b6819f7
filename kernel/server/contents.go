package server

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tandem.dev/tandem/kernel/notebook"
)

// model is a Jupyter contents model.
type model struct {
	Name         string  `json:"name"`
	Path         string  `json:"path"`
	Type         string  `json:"type"` // "notebook", "file" or "directory"
	Writable     bool    `json:"writable"`
	Created      string  `json:"created"`
	LastModified string  `json:"last_modified"`
	Size         *int64  `json:"size"`
	Mimetype     *string `json:"mimetype"`
	Format       *string `json:"format"`
	Content      any     `json:"content"`
}

// pathError is a refused contents path: Code is the HTTP status.
type pathError struct {
	Code int
	Msg  string
}

func (e *pathError) Error() string { return e.Msg }

// cleanPath validates an API path (relative, "/"-separated, "" for the
// root) and returns it without trailing slash. Refused: absolute paths,
// ".", ".." and empty segments, NUL, backslashes, and hidden names (a
// segment starting with "."), which covers .tandem/ and other runtime files.
func cleanPath(p string) (string, error) {
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return "", nil
	}
	if strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\x00\\") {
		return "", &pathError{400, "invalid path: absolute, NUL or backslash"}
	}
	for _, seg := range strings.Split(p, "/") {
		switch {
		case seg == "" || seg == "." || seg == "..":
			return "", &pathError{400, "invalid path: empty, . or .. segment"}
		case strings.HasPrefix(seg, "."):
			return "", &pathError{403, "hidden files and folders are not served"}
		}
	}
	return p, nil
}

// osPath is p in os.Root form ("." for the root).
func osPath(p string) string {
	if p == "" {
		return "."
	}
	return p
}

// resolve checks that p, with symlinks followed, stays inside the notebook
// folder and reaches no hidden file. os.Root enforces the containment on
// every operation as well; this check also keeps symlinks to hidden files
// inside the folder out, and turns escapes into a clear 403. A path that
// does not exist yet is checked through its parent.
func (s *Server) resolve(p string) error {
	realRoot, err := filepath.EvalSymlinks(s.rootDir)
	if err != nil {
		return err
	}
	full := filepath.Join(s.rootDir, filepath.FromSlash(p))
	real, err := filepath.EvalSymlinks(full)
	if errors.Is(err, fs.ErrNotExist) {
		if p == "" {
			return err
		}
		parent := path.Dir(p)
		if parent == "." {
			parent = ""
		}
		if perr := s.resolve(parent); perr != nil {
			return perr
		}
		if _, lerr := os.Lstat(full); lerr == nil {
			// A dangling symlink: its target is outside or missing.
			return &pathError{403, "path leads outside the notebook folder"}
		}
		return nil
	} else if err != nil {
		return &pathError{403, "path cannot be resolved"}
	}
	rel, err := filepath.Rel(realRoot, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return &pathError{403, "path leads outside the notebook folder"}
	}
	if rel != "." {
		for _, seg := range strings.Split(filepath.ToSlash(rel), "/") {
			if strings.HasPrefix(seg, ".") {
				return &pathError{403, "hidden files and folders are not served"}
			}
		}
	}
	return nil
}

// contentsPath validates the request's path and answers the error itself.
func (s *Server) contentsPath(w http.ResponseWriter, r *http.Request) (string, bool) {
	p, err := cleanPath(r.PathValue("path"))
	if err == nil {
		err = s.resolve(p)
	}
	if err != nil {
		s.fsError(w, r, p, err)
		return "", false
	}
	return p, true
}

// fsError answers a file-system error without echoing absolute paths.
func (s *Server) fsError(w http.ResponseWriter, r *http.Request, p string, err error) {
	var pe *pathError
	switch {
	case errors.As(err, &pe):
		s.error(w, r, pe.Code, "bad_path", pe.Msg)
	case errors.Is(err, fs.ErrNotExist):
		s.error(w, r, 404, "not_found", fmt.Sprintf("no such file or folder: %q", p))
	case errors.Is(err, fs.ErrPermission):
		s.error(w, r, 403, "permission", fmt.Sprintf("permission denied: %q", p))
	case strings.Contains(err.Error(), "escapes from parent"), strings.Contains(err.Error(), "path escapes"):
		s.error(w, r, 403, "bad_path", "path leads outside the notebook folder")
	default:
		s.log.Error("contents", slog.String("path", p), slog.String("err", relErr(err, s.rootDir)))
		s.error(w, r, 500, "io", fmt.Sprintf("%q: %s", p, relErr(err, s.rootDir)))
	}
}

// relErr strips the notebook folder's absolute path from an error text.
func relErr(err error, root string) string {
	msg := err.Error()
	if abs, e := filepath.Abs(root); e == nil {
		msg = strings.ReplaceAll(msg, abs+string(filepath.Separator), "")
	}
	return msg
}

// kindOf tells the contents type of a file by name: .ipynb and .go
// (percent scripts) may be notebooks. For a file on disk, kindOfFile
// decides.
func kindOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".ipynb", ".go":
		return "notebook"
	}
	return "file"
}

// kindOfFile tells the contents type of the regular file p: an .ipynb is a
// notebook; a .go file is one only when it has a "// %%" cell marker
// (notebook.ReadCellMarker, reading at most MaxFileSize bytes), else it is
// Go source, a plain file (a test file beside the notebooks, say).
func (s *Server) kindOfFile(p string) string {
	k := kindOf(p)
	if k != "notebook" || !isScript(p) {
		return k
	}
	f, err := s.root.Open(osPath(p))
	if err != nil {
		return "file"
	}
	defer f.Close()
	if ok, _ := notebook.ReadCellMarker(f, s.opts.MaxFileSize); !ok {
		return "file"
	}
	return "notebook"
}

func isScript(name string) bool { return notebook.IsScript(name) }

// formatScript is notebook.FormatScript, except that a notebook without
// cells is written as one empty code cell: a .go file without a "// %%"
// marker is not a notebook, so an empty script would not list or open as
// one again.
func formatScript(nb *notebook.Notebook) []byte {
	if len(nb.Cells) == 0 {
		c := *nb
		c.Cells = []*notebook.Cell{{Type: "code", Metadata: map[string]any{}}}
		return notebook.FormatScript(&c)
	}
	return notebook.FormatScript(nb)
}

func (s *Server) baseModel(p string, fi fs.FileInfo) *model {
	m := &model{Name: path.Base(p), Path: p, Writable: fi.Mode().Perm()&0o200 != 0,
		Created: jsonTime(fi.ModTime()), LastModified: jsonTime(fi.ModTime())}
	if p == "" {
		m.Name = ""
	}
	if fi.IsDir() {
		m.Type = "directory"
		return m
	}
	size := fi.Size()
	m.Size = &size
	m.Type = s.kindOfFile(p)
	return m
}

func (s *Server) handleContentsGet(w http.ResponseWriter, r *http.Request) {
	if s.checkpointRoute(w, r) {
		return
	}
	p, ok := s.contentsPath(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	wantType, wantFormat := q.Get("type"), q.Get("format")
	content := q.Get("content") != "0"
	fi, err := s.root.Stat(osPath(p))
	if err != nil {
		s.fsError(w, r, p, err)
		return
	}
	m := s.baseModel(p, fi)
	switch {
	case fi.IsDir():
		if wantType != "" && wantType != "directory" {
			s.error(w, r, 400, "bad_type", fmt.Sprintf("%q is a directory, not a %s", p, wantType))
			return
		}
		if content {
			list, err := s.list(p)
			if err != nil {
				s.fsError(w, r, p, err)
				return
			}
			m.Content = list
			f := "json"
			m.Format = &f
		}
	case !fi.Mode().IsRegular():
		s.error(w, r, 400, "bad_type", fmt.Sprintf("%q is not a regular file", p))
		return
	case wantType == "directory":
		s.error(w, r, 400, "bad_type", fmt.Sprintf("%q is not a directory", p))
		return
	case wantType == "notebook" && m.Type != "notebook":
		why := "(.ipynb, or .go with \"// %%\" cell markers)"
		if isScript(p) {
			why = "(a .go file is a notebook only with \"// %%\" cell markers; this one is Go source)"
		}
		s.error(w, r, 400, "bad_type", fmt.Sprintf("%q is not a notebook %s", p, why))
		return
	default:
		if wantType == "file" {
			m.Type = "file"
		}
		if fi.Size() > s.opts.MaxFileSize {
			s.error(w, r, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("%q is %s, over the %s limit of this server: open it with another tool",
				p, humanSize(fi.Size()), humanSize(s.opts.MaxFileSize)))
			return
		}
		if !content {
			break
		}
		data, err := s.root.ReadFile(p)
		if err != nil {
			s.fsError(w, r, p, err)
			return
		}
		if m.Type == "notebook" {
			nb, err := s.parseNotebook(p, data)
			if err != nil {
				s.notebookError(w, r, p, err)
				return
			}
			f := "json"
			m.Format, m.Content = &f, nb
			break
		}
		if err := fileContent(m, data, wantFormat); err != nil {
			s.error(w, r, 400, "bad_format", err.Error())
			return
		}
	}
	writeJSON(w, 200, m)
}

func (s *Server) parseNotebook(p string, data []byte) (*notebook.Notebook, error) {
	return notebook.ParseFile(p, data)
}

// notebookError answers an unreadable notebook: 413 for too large, 400
// (reason "corrupt") naming what is wrong otherwise.
func (s *Server) notebookError(w http.ResponseWriter, r *http.Request, p string, err error) {
	if errors.Is(err, notebook.ErrTooLarge) {
		s.error(w, r, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("%q: %v", p, err))
		return
	}
	s.error(w, r, 400, "corrupt", fmt.Sprintf("%q cannot be opened as a notebook: %v. The file is left as it is.", p, err))
}

func fileContent(m *model, data []byte, format string) error {
	mt := mime.TypeByExtension(path.Ext(m.Name))
	text := utf8.Valid(data)
	switch format {
	case "text":
		if !text {
			return fmt.Errorf("%q is not UTF-8 text: ask for format=base64", m.Path)
		}
	case "base64":
		text = false
	case "":
	default:
		return fmt.Errorf("unknown format %q (want text or base64)", format)
	}
	if text {
		f := "text"
		m.Format, m.Content = &f, string(data)
		if mt == "" {
			mt = "text/plain"
		}
	} else {
		f := "base64"
		m.Format, m.Content = &f, base64.StdEncoding.EncodeToString(data)
		if mt == "" {
			mt = "application/octet-stream"
		}
	}
	m.Mimetype = &mt
	return nil
}

// list returns a folder's entries without content: hidden names, special
// files and symlinks leading outside the folder are left out.
func (s *Server) list(dir string) ([]*model, error) {
	f, err := s.root.Open(osPath(dir))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	out := []*model{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := path.Join(dir, e.Name())
		fi, err := s.root.Stat(p) // follows symlinks, refusing escapes
		if err != nil || !(fi.IsDir() || fi.Mode().IsRegular()) {
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 && s.resolve(p) != nil {
			continue
		}
		out = append(out, s.baseModel(p, fi))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// saveRequest is the body of PUT and POST on /api/contents.
type saveRequest struct {
	Type         string          `json:"type"`
	Format       string          `json:"format"`
	Content      json.RawMessage `json:"content"`
	Path         string          `json:"path"`
	Ext          string          `json:"ext"`
	CopyFrom     string          `json:"copy_from"`
	LastModified *string         `json:"last_modified"` // Tandem: the conflict check
}

func (s *Server) bodyLimit() int64 { return s.opts.MaxFileSize*2 + 1<<20 }

func (s *Server) handleContentsPut(w http.ResponseWriter, r *http.Request) {
	if s.checkpointRoute(w, r) {
		return
	}
	p, ok := s.contentsPath(w, r)
	if !ok {
		return
	}
	if p == "" {
		s.error(w, r, 400, "bad_path", "cannot save over the notebook folder itself")
		return
	}
	var req saveRequest
	if err := readJSON(w, r, s.bodyLimit(), &req); err != nil {
		s.error(w, r, 400, "bad_request", err.Error())
		return
	}
	if req.CopyFrom != "" {
		s.copyTo(w, r, req.CopyFrom, p)
		return
	}
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	old, statErr := s.root.Stat(p)
	exists := statErr == nil
	if statErr != nil && !errors.Is(statErr, fs.ErrNotExist) {
		s.fsError(w, r, p, statErr)
		return
	}
	if req.Type == "" {
		switch {
		case exists && old.IsDir():
			req.Type = "directory"
		case exists:
			req.Type = s.kindOfFile(p)
		case isScript(p) && !bytes.HasPrefix(bytes.TrimSpace(req.Content), []byte("{")):
			req.Type = "file" // Go source given as a string
		default:
			req.Type = kindOf(p)
		}
	}
	if req.Type == "directory" {
		if exists && !old.IsDir() {
			s.error(w, r, 409, "exists", fmt.Sprintf("%q exists and is a file", p))
			return
		}
		if !exists {
			if err := s.root.Mkdir(p, 0o755); err != nil {
				s.fsError(w, r, p, err)
				return
			}
		}
		s.answerModel(w, r, p, !exists)
		return
	}
	if exists && old.IsDir() {
		s.error(w, r, 409, "exists", fmt.Sprintf("%q is a directory", p))
		return
	}
	force := r.URL.Query().Get("force") == "1" || r.URL.Query().Get("force") == "true"
	if !force && req.LastModified != nil {
		if msg := conflict(*req.LastModified, old, exists); msg != "" {
			s.error(w, r, 409, "conflict", fmt.Sprintf("%q %s; nothing was written. Reload it, or save again with force to overwrite.", p, msg))
			return
		}
	}
	data, code, reason, err := s.encodeSave(p, &req)
	if err != nil {
		s.error(w, r, code, reason, err.Error())
		return
	}
	if exists && !force && len(data) == 0 && old.Size() > 0 && s.kindOfFile(p) == "notebook" {
		s.error(w, r, 409, "conflict", fmt.Sprintf("refusing to replace notebook %q with an empty file; nothing was written (save with force to do it)", p))
		return
	}
	if exists && !force && req.Type == "notebook" && isScript(p) && old.Size() > 0 && s.kindOfFile(p) != "notebook" {
		// Go source (a test file, say) was never opened as a notebook here.
		s.error(w, r, 409, "conflict", fmt.Sprintf("%q on disk is Go source without \"// %%%%\" cell markers, not a notebook; nothing was written (save with force to replace it)", p))
		return
	}
	if exists && !force && req.Type == "notebook" && !isScript(p) {
		// Never replace a notebook we could not read: the client cannot have
		// seen its content.
		if old.Size() > s.opts.MaxFileSize {
			s.error(w, r, 409, "conflict", fmt.Sprintf("%q on disk is over the size limit and was never opened here; nothing was written (save with force to replace it)", p))
			return
		}
		if cur, err := s.root.ReadFile(p); err == nil {
			if _, perr := notebook.Parse(cur); perr != nil {
				s.error(w, r, 409, "conflict", fmt.Sprintf("%q on disk is not a readable notebook (%v); nothing was written (save with force to replace it)", p, perr))
				return
			}
		}
	}
	if err := s.writeAtomic(p, data); err != nil {
		s.fsError(w, r, p, err)
		return
	}
	s.answerModel(w, r, p, !exists)
}

// conflict compares the client's last_modified with the file on disk and
// returns what changed ("" when the save may go ahead).
func conflict(client string, fi fs.FileInfo, exists bool) string {
	if !exists {
		return "was deleted on disk since you opened it"
	}
	t, err := time.Parse(time.RFC3339Nano, client)
	if err != nil {
		return fmt.Sprintf("has an unreadable last_modified %q", client)
	}
	// The client echoes what we sent: microseconds (jsonTime). A client
	// that kept less precision is compared at its own precision.
	digits := 0
	if i := strings.IndexByte(client, '.'); i >= 0 {
		for _, c := range client[i+1:] {
			if c < '0' || c > '9' {
				break
			}
			digits++
		}
	}
	prec := time.Second
	for range min(digits, 6) {
		prec /= 10
	}
	if fi.ModTime().UTC().Truncate(prec).Equal(t.UTC().Truncate(prec)) {
		return ""
	}
	return "changed on disk since you opened it (now " + jsonTime(fi.ModTime()) + ")"
}

// encodeSave turns a save request into the bytes to write, or an HTTP code
// and message.
func (s *Server) encodeSave(p string, req *saveRequest) ([]byte, int, string, error) {
	switch req.Type {
	case "notebook":
		if len(req.Content) == 0 || string(req.Content) == "null" {
			return nil, 400, "no_content", errors.New("content missing: refusing to write an empty notebook")
		}
		dec := json.NewDecoder(bytes.NewReader(req.Content))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, 400, "bad_request", fmt.Errorf("notebook content is not JSON: %v", err)
		}
		nb, err := notebook.FromJSON(v)
		if err != nil {
			return nil, 400, "corrupt", fmt.Errorf("notebook content is not valid: %v", err)
		}
		nb.EnsureKernelspec()
		if isScript(p) {
			return formatScript(nb), 0, "", nil
		}
		data, err := notebook.Format(nb)
		if err != nil {
			return nil, 400, "corrupt", err
		}
		return data, 0, "", nil
	case "file":
		if len(req.Content) == 0 || string(req.Content) == "null" {
			return nil, 400, "no_content", errors.New("content missing")
		}
		var str string
		if err := json.Unmarshal(req.Content, &str); err != nil {
			return nil, 400, "bad_request", errors.New("file content must be a string")
		}
		switch req.Format {
		case "", "text":
			return []byte(str), 0, "", nil
		case "base64":
			b, err := base64.StdEncoding.DecodeString(str)
			if err != nil {
				return nil, 400, "bad_request", fmt.Errorf("content is not base64: %v", err)
			}
			return b, 0, "", nil
		}
		return nil, 400, "bad_format", fmt.Errorf("unknown format %q (want text or base64)", req.Format)
	}
	return nil, 400, "bad_type", fmt.Errorf("unknown type %q (want notebook, file or directory)", req.Type)
}

// beforeRename, when set (by tests), runs between writing the temp file and
// renaming it over the target; an error aborts the save.
var beforeRename func(tmp string) error

// writeAtomic replaces p with data: a temp file in the same folder,
// fsync, rename over p, fsync of the folder. The file keeps its mode.
func (s *Server) writeAtomic(p string, data []byte) (err error) {
	perm := fs.FileMode(0o644)
	if fi, err := s.root.Stat(p); err == nil {
		perm = fi.Mode().Perm()
	}
	dir := path.Dir(p)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := path.Join(dir, "."+path.Base(p)+".tandem-save-"+hex.EncodeToString(rnd[:]))
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			s.root.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write temp file: %w", err)
	}
	if beforeRename != nil {
		if err = beforeRename(tmp); err != nil {
			return err
		}
	}
	if err = s.root.Rename(tmp, p); err != nil {
		return fmt.Errorf("rename temp file: %w", err)
	}
	d, err := s.root.Open(dir)
	if err != nil {
		return nil // the file is in place; the folder sync is best effort
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}

func (s *Server) answerModel(w http.ResponseWriter, r *http.Request, p string, created bool) {
	fi, err := s.root.Stat(osPath(p))
	if err != nil {
		s.fsError(w, r, p, err)
		return
	}
	code := 200
	if created {
		code = 201
		w.Header().Set("Location", "/api/contents/"+escapePath(p))
	}
	writeJSON(w, code, s.baseModel(p, fi))
}

func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
	}
	return strings.Join(segs, "/")
}

func (s *Server) handleContentsPost(w http.ResponseWriter, r *http.Request) {
	if s.checkpointRoute(w, r) {
		return
	}
	dir, ok := s.contentsPath(w, r)
	if !ok {
		return
	}
	var req saveRequest
	if r.ContentLength != 0 {
		if err := readJSON(w, r, 1<<20, &req); err != nil && !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") {
			s.error(w, r, 400, "bad_request", err.Error())
			return
		}
	}
	fi, err := s.root.Stat(osPath(dir))
	if err != nil {
		s.fsError(w, r, dir, err)
		return
	}
	if !fi.IsDir() {
		s.error(w, r, 400, "bad_path", fmt.Sprintf("%q is not a directory: POST creates a file inside a directory", dir))
		return
	}
	if req.CopyFrom != "" {
		s.copyTo(w, r, req.CopyFrom, dir)
		return
	}
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	typ := req.Type
	if typ == "" {
		typ = "file"
	}
	var base, ext string
	var data []byte
	switch typ {
	case "notebook":
		base, ext = "Untitled", ".ipynb"
		if req.Ext == ".go" {
			ext = ".go"
		}
	case "directory":
		base = "Untitled Folder"
	case "file":
		base, ext = "untitled", req.Ext
		if ext == "" {
			ext = ".txt"
		}
		if ext[0] != '.' {
			ext = "." + ext
		}
	default:
		s.error(w, r, 400, "bad_type", fmt.Sprintf("unknown type %q (want notebook, file or directory)", typ))
		return
	}
	if _, err := cleanPath(base + ext); err != nil {
		s.error(w, r, 400, "bad_path", "invalid extension")
		return
	}
	var p string
	for i := 0; ; i++ {
		name := base + ext
		if i > 0 {
			if typ == "directory" {
				name = base + " " + strconv.Itoa(i)
			} else {
				name = base + strconv.Itoa(i) + ext
			}
		}
		p = path.Join(dir, name)
		if _, err := s.root.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			break
		}
		if i > 10000 {
			s.error(w, r, 409, "exists", "too many untitled files")
			return
		}
	}
	switch typ {
	case "directory":
		err = s.root.Mkdir(p, 0o755)
	case "notebook":
		nb := notebook.New()
		if ext == ".go" {
			data = formatScript(nb)
		} else if data, err = notebook.Format(nb); err != nil {
			break
		}
		err = s.writeAtomic(p, data)
	default:
		err = s.writeAtomic(p, nil)
	}
	if err != nil {
		s.fsError(w, r, p, err)
		return
	}
	s.answerModel(w, r, p, true)
}

// copyTo copies the file from (an API path) to dst: into dst when it is a
// folder (as "name-Copy1.ext", like Jupyter), else to dst itself.
func (s *Server) copyTo(w http.ResponseWriter, r *http.Request, from, dst string) {
	src, err := cleanPath(from)
	if err == nil {
		err = s.resolve(src)
	}
	if err != nil {
		s.fsError(w, r, from, err)
		return
	}
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	fi, err := s.root.Stat(osPath(src))
	if err != nil {
		s.fsError(w, r, src, err)
		return
	}
	if !fi.Mode().IsRegular() {
		s.error(w, r, 400, "bad_type", fmt.Sprintf("%q is not a file: only files can be copied", src))
		return
	}
	if fi.Size() > s.opts.MaxFileSize {
		s.error(w, r, 413, "too_large", fmt.Sprintf("%q is over the size limit", src))
		return
	}
	target := dst
	if di, err := s.root.Stat(osPath(dst)); err == nil && di.IsDir() {
		ext := path.Ext(src)
		stem := strings.TrimSuffix(path.Base(src), ext)
		if i := strings.LastIndex(stem, "-Copy"); i > 0 {
			if _, err := strconv.Atoi(stem[i+5:]); err == nil {
				stem = stem[:i]
			}
		}
		for i := 1; ; i++ {
			target = path.Join(dst, fmt.Sprintf("%s-Copy%d%s", stem, i, ext))
			if _, err := s.root.Lstat(target); errors.Is(err, fs.ErrNotExist) {
				break
			}
		}
	} else if err == nil {
		s.error(w, r, 409, "exists", fmt.Sprintf("%q already exists", dst))
		return
	}
	data, err := s.root.ReadFile(src)
	if err == nil {
		err = s.writeAtomic(target, data)
	}
	if err != nil {
		s.fsError(w, r, target, err)
		return
	}
	s.answerModel(w, r, target, true)
}

func (s *Server) handleContentsPatch(w http.ResponseWriter, r *http.Request) {
	p, ok := s.contentsPath(w, r)
	if !ok {
		return
	}
	var req struct {
		Path string `json:"path"`
	}
	if err := readJSON(w, r, 1<<20, &req); err != nil {
		s.error(w, r, 400, "bad_request", err.Error())
		return
	}
	np, err := cleanPath(req.Path)
	if err == nil {
		err = s.resolve(np)
	}
	if err != nil {
		s.fsError(w, r, req.Path, err)
		return
	}
	if p == "" || np == "" {
		s.error(w, r, 400, "bad_path", "cannot rename the notebook folder itself")
		return
	}
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	if _, err := s.root.Stat(p); err != nil {
		s.fsError(w, r, p, err)
		return
	}
	if np != p {
		if _, err := s.root.Lstat(np); err == nil {
			s.error(w, r, 409, "exists", fmt.Sprintf("%q already exists", np))
			return
		}
		if err := s.root.Rename(p, np); err != nil {
			s.fsError(w, r, np, err)
			return
		}
		s.kernels.renamed(p, np)
		_ = s.root.Rename(checkpointPath(p), checkpointPath(np))
	}
	s.answerModel(w, r, np, false)
}

func (s *Server) handleContentsDelete(w http.ResponseWriter, r *http.Request) {
	if s.checkpointRoute(w, r) {
		return
	}
	p, ok := s.contentsPath(w, r)
	if !ok {
		return
	}
	if p == "" {
		s.error(w, r, 400, "bad_path", "cannot delete the notebook folder itself")
		return
	}
	s.contentsMu.Lock()
	defer s.contentsMu.Unlock()
	fi, err := s.root.Lstat(p)
	if err != nil {
		s.fsError(w, r, p, err)
		return
	}
	if fi.IsDir() {
		if list, err := s.list(p); err == nil && len(list) > 0 {
			s.error(w, r, 400, "not_empty", fmt.Sprintf("folder %q is not empty", p))
			return
		}
	}
	if err := s.root.Remove(p); err != nil {
		if fi.IsDir() {
			s.error(w, r, 400, "not_empty", fmt.Sprintf("folder %q holds hidden files; remove them first", p))
			return
		}
		s.fsError(w, r, p, err)
		return
	}
	_ = s.root.Remove(checkpointPath(p))
	w.WriteHeader(http.StatusNoContent)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
