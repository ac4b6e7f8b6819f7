package stdlib

import (
	"archive/zip"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/traefik/yaegi/interp"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/nn"
)

// Refused lists the packages the restricted policy takes away, each with
// the reason a cell that imports it is told. Packages that open files by
// path only through methods (which a symbol table cannot wrap) are refused
// too: the policy keeps file access inside the notebook's folder.
var Refused = map[string]string{
	"os/exec":             "it runs programs",
	"syscall":             "it reaches the operating system directly",
	"unsafe":              "it breaks memory safety",
	"plugin":              "it loads native code",
	"net":                 "it opens network connections",
	"net/http":            "it opens network connections",
	"net/http/cgi":        "it runs programs",
	"net/http/fcgi":       "it opens network connections",
	"net/http/httptest":   "it opens network connections",
	"net/http/httputil":   "it opens network connections",
	"net/http/pprof":      "it serves over the network",
	"net/rpc":             "it opens network connections",
	"net/rpc/jsonrpc":     "it opens network connections",
	"net/smtp":            "it opens network connections",
	"net/textproto":       "it opens network connections",
	"crypto/tls":          "it opens network connections",
	"log/syslog":          "it opens network connections",
	"database/sql":        "its drivers open files outside the notebook's folder",
	"database/sql/driver": "its drivers open files outside the notebook's folder",
	"debug/buildinfo":     "it reads files by path",
	"debug/elf":           "it reads files by path",
	"debug/macho":         "it reads files by path",
	"debug/pe":            "it reads files by path",
	"debug/plan9obj":      "it reads files by path",
	"go/build":            "it reads files by path",
	"go/importer":         "it reads files by path",
	"text/template":       "its ParseFiles and ParseGlob methods read files by path",
	"html/template":       "its ParseFiles and ParseGlob methods read files by path",
	"os/signal":           "the kernel owns the process's signals",
	"os/user":             "it reads the system's user database",
}

// ErrOutside is the error of a file operation the restricted policy
// refuses because its path leads outside the notebook's folder.
var ErrOutside = errors.New("outside the notebook's folder (restricted policy)")

// ErrRefused is the error of an operation the restricted policy refuses
// outright (changing directory, starting processes).
var ErrRefused = errors.New("not allowed under the restricted policy")

// Restricted returns Symbols for the restricted policy of a shared
// teaching server: the packages in Refused are gone, and every function
// of os, io/ioutil, path/filepath, archive/zip, go/parser and the runtime
// that takes a file path works only under dir (the notebook's folder),
// checked on the real path (symbolic links resolved; os functions go
// through os.Root, which also refuses links that lead out). A refused
// operation returns, or panics with, an error naming the path and
// ErrOutside or ErrRefused.
//
// Methods that take a path, such as (*chart.Chart).Save, are compiled
// code the table cannot wrap: on Linux, Confine makes the operating system
// enforce the same boundary for them (`tandem kernel --restricted` does
// both).
func Restricted(dir string) (interp.Exports, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("restrict to %s: %w", dir, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("restrict to %s: %w", dir, err)
	}
	r, err := os.OpenRoot(real)
	if err != nil {
		return nil, fmt.Errorf("restrict to %s: %w", dir, err)
	}
	p := &policy{dir: real, r: r}
	out := interp.Exports{}
	for k, v := range Symbols {
		if _, ok := Refused[pathOf(k)]; ok {
			continue
		}
		out[k] = v
	}
	set := func(pkg string, m map[string]any) {
		key := pkg + "/" + pkg[strings.LastIndexByte(pkg, '/')+1:]
		old, ok := out[key]
		if !ok {
			return
		}
		nm := make(map[string]reflect.Value, len(old))
		for k, v := range old {
			nm[k] = v
		}
		for k, f := range m {
			if f == nil {
				delete(nm, k)
				continue
			}
			nm[k] = reflect.ValueOf(f)
		}
		out[key] = nm
	}
	set("os", p.osFuncs())
	set("io/ioutil", p.ioutilFuncs())
	set("path/filepath", map[string]any{
		"Walk": func(root string, fn filepath.WalkFunc) error {
			if _, err := p.check("walk", root); err != nil {
				return err
			}
			return filepath.Walk(root, fn)
		},
		"WalkDir": func(root string, fn fs.WalkDirFunc) error {
			if _, err := p.check("walk", root); err != nil {
				return err
			}
			return filepath.WalkDir(root, fn)
		},
		"Glob": func(pattern string) ([]string, error) {
			m, err := filepath.Glob(pattern)
			var in []string
			for _, x := range m {
				if _, err := p.check("glob", x); err == nil {
					in = append(in, x)
				}
			}
			return in, err
		},
		"EvalSymlinks": func(path string) (string, error) {
			if _, err := p.check("evalsymlinks", path); err != nil {
				return "", err
			}
			return filepath.EvalSymlinks(path)
		},
	})
	set("archive/zip", map[string]any{
		"OpenReader": func(name string) (*zip.ReadCloser, error) {
			if _, err := p.check("open", name); err != nil {
				return nil, err
			}
			return zip.OpenReader(name)
		},
	})
	set("go/parser", map[string]any{
		"ParseFile": func(fset *token.FileSet, filename string, src any, mode parser.Mode) (*ast.File, error) {
			if src == nil {
				if _, err := p.check("open", filename); err != nil {
					return nil, err
				}
			}
			return parser.ParseFile(fset, filename, src, mode)
		},
		"ParseDir": func(fset *token.FileSet, path string, filter func(fs.FileInfo) bool, mode parser.Mode) (map[string]*ast.Package, error) {
			if _, err := p.check("open", path); err != nil {
				return nil, err
			}
			return parser.ParseDir(fset, path, filter, mode) //nolint:staticcheck // the symbol cells see
		},
	})
	set("runtime/debug", map[string]any{"WriteHeapDump": nil})
	p.runtimeFuncs(set)
	return out, nil
}

// policy checks paths against the notebook's folder.
type policy struct {
	dir string   // real path of the folder
	r   *os.Root // the folder
}

// check resolves name (relative to the working directory) to its real
// path, following symbolic links as far as the path exists, and returns it
// relative to the folder, or a *fs.PathError with ErrOutside.
func (p *policy) check(op, name string) (string, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	real := abs
	rest := ""
	for {
		r, err := filepath.EvalSymlinks(real)
		if err == nil {
			real = filepath.Join(r, rest)
			break
		}
		parent := filepath.Dir(real)
		if parent == real {
			break
		}
		rest = filepath.Join(filepath.Base(real), rest)
		real = parent
	}
	rel, err := filepath.Rel(p.dir, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", &fs.PathError{Op: op, Path: name, Err: ErrOutside}
	}
	return rel, nil
}

func refused(op, name string) error { return &fs.PathError{Op: op, Path: name, Err: ErrRefused} }

// osFuncs replaces the functions of os that take a path (or reach beyond
// the folder otherwise).
func (p *policy) osFuncs() map[string]any {
	return map[string]any{
		"Open": func(name string) (*os.File, error) {
			rel, err := p.check("open", name)
			if err != nil {
				return nil, err
			}
			return p.r.Open(rel)
		},
		"OpenFile": func(name string, flag int, perm os.FileMode) (*os.File, error) {
			rel, err := p.check("open", name)
			if err != nil {
				return nil, err
			}
			return p.r.OpenFile(rel, flag, perm)
		},
		"Create": func(name string) (*os.File, error) {
			rel, err := p.check("open", name)
			if err != nil {
				return nil, err
			}
			return p.r.Create(rel)
		},
		"ReadFile": func(name string) ([]byte, error) {
			rel, err := p.check("open", name)
			if err != nil {
				return nil, err
			}
			return p.r.ReadFile(rel)
		},
		"WriteFile": func(name string, data []byte, perm os.FileMode) error {
			rel, err := p.check("open", name)
			if err != nil {
				return err
			}
			return p.r.WriteFile(rel, data, perm)
		},
		"ReadDir": p.readDir,
		"Mkdir": func(name string, perm os.FileMode) error {
			rel, err := p.check("mkdir", name)
			if err != nil {
				return err
			}
			return p.r.Mkdir(rel, perm)
		},
		"MkdirAll": func(name string, perm os.FileMode) error {
			rel, err := p.check("mkdir", name)
			if err != nil {
				return err
			}
			return p.r.MkdirAll(rel, perm)
		},
		"Remove": func(name string) error {
			rel, err := p.check("remove", name)
			if err != nil {
				return err
			}
			return p.r.Remove(rel)
		},
		"RemoveAll": func(name string) error {
			rel, err := p.check("remove", name)
			if err != nil {
				return err
			}
			if rel == "." {
				return refused("remove", name)
			}
			return p.r.RemoveAll(rel)
		},
		"Rename": func(oldname, newname string) error {
			o, err := p.check("rename", oldname)
			if err != nil {
				return err
			}
			n, err := p.check("rename", newname)
			if err != nil {
				return err
			}
			return p.r.Rename(o, n)
		},
		"Stat": func(name string) (os.FileInfo, error) {
			rel, err := p.check("stat", name)
			if err != nil {
				return nil, err
			}
			return p.r.Stat(rel)
		},
		"Lstat": func(name string) (os.FileInfo, error) {
			rel, err := p.check("lstat", name)
			if err != nil {
				return nil, err
			}
			return p.r.Lstat(rel)
		},
		"Chmod": func(name string, mode os.FileMode) error {
			rel, err := p.check("chmod", name)
			if err != nil {
				return err
			}
			return p.r.Chmod(rel, mode)
		},
		"Chown": func(name string, uid, gid int) error {
			rel, err := p.check("chown", name)
			if err != nil {
				return err
			}
			return p.r.Chown(rel, uid, gid)
		},
		"Lchown": func(name string, uid, gid int) error {
			rel, err := p.check("lchown", name)
			if err != nil {
				return err
			}
			return p.r.Lchown(rel, uid, gid)
		},
		"Chtimes": func(name string, atime, mtime time.Time) error {
			rel, err := p.check("chtimes", name)
			if err != nil {
				return err
			}
			return p.r.Chtimes(rel, atime, mtime)
		},
		"Truncate": func(name string, size int64) error {
			rel, err := p.check("truncate", name)
			if err != nil {
				return err
			}
			f, err := p.r.OpenFile(rel, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(size)
		},
		"Symlink": func(oldname, newname string) error {
			rel, err := p.check("symlink", newname)
			if err != nil {
				return err
			}
			return p.r.Symlink(oldname, rel)
		},
		"Link": func(oldname, newname string) error {
			o, err := p.check("link", oldname)
			if err != nil {
				return err
			}
			n, err := p.check("link", newname)
			if err != nil {
				return err
			}
			return p.r.Link(o, n)
		},
		"Readlink": func(name string) (string, error) {
			rel, err := p.check("readlink", name)
			if err != nil {
				return "", err
			}
			return p.r.Readlink(rel)
		},
		"DirFS": func(dir string) fs.FS {
			rel, err := p.check("open", dir)
			if err != nil {
				return errFS{err}
			}
			sub, err := p.r.OpenRoot(rel)
			if err != nil {
				return errFS{err}
			}
			return sub.FS()
		},
		"OpenRoot": func(name string) (*os.Root, error) {
			rel, err := p.check("openroot", name)
			if err != nil {
				return nil, err
			}
			return p.r.OpenRoot(rel)
		},
		"OpenInRoot": func(dir, name string) (*os.File, error) {
			if _, err := p.check("openat", dir); err != nil {
				return nil, err
			}
			return os.OpenInRoot(dir, name)
		},
		"CopyFS": func(dir string, fsys fs.FS) error {
			if _, err := p.check("copyfs", dir); err != nil {
				return err
			}
			return os.CopyFS(dir, fsys)
		},
		"MkdirTemp": func(dir, pattern string) (string, error) {
			if dir == "" {
				return "", &fs.PathError{Op: "mkdirtemp", Path: os.TempDir(), Err: ErrOutside}
			}
			if _, err := p.check("mkdirtemp", dir); err != nil {
				return "", err
			}
			return os.MkdirTemp(dir, pattern)
		},
		"CreateTemp": func(dir, pattern string) (*os.File, error) {
			if dir == "" {
				return nil, &fs.PathError{Op: "createtemp", Path: os.TempDir(), Err: ErrOutside}
			}
			if _, err := p.check("createtemp", dir); err != nil {
				return nil, err
			}
			return os.CreateTemp(dir, pattern)
		},
		"Chdir": func(dir string) error { return refused("chdir", dir) },
		"StartProcess": func(name string, argv []string, attr *os.ProcAttr) (*os.Process, error) {
			return nil, refused("start", name)
		},
		"FindProcess": func(pid int) (*os.Process, error) { return nil, refused("findprocess", fmt.Sprint(pid)) },
		"NewFile": func(fd uintptr, name string) *os.File {
			panic(refused("newfile", name))
		},
	}
}

// readDir is os.ReadDir through the root.
func (p *policy) readDir(name string) ([]os.DirEntry, error) {
	rel, err := p.check("open", name)
	if err != nil {
		return nil, err
	}
	f, err := p.r.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := f.ReadDir(-1)
	sort.Slice(l, func(i, j int) bool { return l[i].Name() < l[j].Name() })
	return l, err
}

// ioutilFuncs replaces io/ioutil's file functions.
func (p *policy) ioutilFuncs() map[string]any {
	o := p.osFuncs()
	return map[string]any{
		"ReadFile":  o["ReadFile"],
		"WriteFile": o["WriteFile"],
		"ReadDir": func(name string) ([]fs.FileInfo, error) {
			l, err := p.readDir(name)
			if err != nil {
				return nil, err
			}
			out := make([]fs.FileInfo, 0, len(l))
			for _, e := range l {
				fi, err := e.Info()
				if err != nil {
					return nil, err
				}
				out = append(out, fi)
			}
			return out, nil
		},
		"TempDir":  o["MkdirTemp"],
		"TempFile": o["CreateTemp"],
	}
}

// errFS is the fs.FS os.DirFS returns for a folder outside the notebook's.
type errFS struct{ err error }

func (e errFS) Open(string) (fs.File, error) { return nil, e.err }

// runtimeFuncs wraps the runtime functions that take a file path. The
// built-in Fashion-MNIST folder (data.FashionDir, installed by the
// administrator) stays readable.
func (p *policy) runtimeFuncs(set func(string, map[string]any)) {
	fashion := func(o data.Fashion) {
		if o.Dir == "" || o.Dir == data.FashionDir {
			return
		}
		if _, err := p.check("open", o.Dir); err != nil {
			panic(err)
		}
	}
	set("tandem.dev/tandem/runtime/data", map[string]any{
		"LoadCSV": func(path string, opt data.CSV) *data.Dataset {
			if _, err := p.check("open", path); err != nil {
				panic(err)
			}
			return data.LoadCSV(path, opt)
		},
		"FashionMNIST": func(opt data.Fashion) (train, test *data.Dataset) {
			fashion(opt)
			return data.FashionMNIST(opt)
		},
		"LoadFashionMNIST": func(opt data.Fashion) (train, test *data.Dataset, err error) {
			if opt.Dir != "" && opt.Dir != data.FashionDir {
				if _, err := p.check("open", opt.Dir); err != nil {
					return nil, nil, err
				}
			}
			return data.LoadFashionMNIST(opt)
		},
	})
	set("tandem.dev/tandem/runtime/nn", map[string]any{
		"Save": func(m nn.Module, path string) error {
			if _, err := p.check("open", path); err != nil {
				return err
			}
			return nn.Save(m, path)
		},
		"Load": func(m nn.Module, path string) error {
			if _, err := p.check("open", path); err != nil {
				return err
			}
			return nn.Load(m, path)
		},
	})
}
