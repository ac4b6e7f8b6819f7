package server

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sampleNB = `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "c1",
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "hi\n"
     ]
    }
   ],
   "source": [
    "fmt.Println(\"hi\")"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Go (Tandem)",
   "language": "go",
   "name": "tandem"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`

func TestServer_API(t *testing.T) {
	h := newHarness(t, nil)
	var v map[string]any
	r := h.do("GET", "/api", nil)
	r.json(t, &v)
	if r.Code != 200 || v["version"] != Version {
		t.Errorf("/api: %d %s", r.Code, r.Body)
	}
	r = h.do("GET", "/api/status", nil)
	r.json(t, &v)
	if r.Code != 200 || v["started"] == nil || v["kernels"] != 0.0 || v["connections"] != 0.0 {
		t.Errorf("/api/status: %d %s", r.Code, r.Body)
	}
	r = h.do("GET", "/api/kernelspecs", nil)
	var specs struct {
		Default     string
		Kernelspecs map[string]struct {
			Name string
			Spec struct {
				Language    string
				DisplayName string `json:"display_name"`
			}
		}
	}
	r.json(t, &specs)
	if specs.Default != "tandem" || specs.Kernelspecs["tandem"].Spec.Language != "go" {
		t.Errorf("/api/kernelspecs: %s", r.Body)
	}
	if r := h.do("GET", "/api/kernelspecs/tandem", nil); r.Code != 200 {
		t.Errorf("kernelspec: %d", r.Code)
	}
	if r := h.do("GET", "/api/kernelspecs/python3", nil); r.Code != 404 || !strings.Contains(r.message(), "python3") {
		t.Errorf("unknown kernelspec: %d %s", r.Code, r.Body)
	}
	if r := h.do("GET", "/api/nothing", nil); r.Code != 404 {
		t.Errorf("unknown route: %d", r.Code)
	}
}

func TestContents_List(t *testing.T) {
	h := newHarness(t, nil)
	h.write("a.ipynb", sampleNB)
	h.write("b.go", "// %%\nx := 1\n")
	h.write("b_test.go", "package notebooks\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) {}\n")
	h.write("c.txt", "text")
	h.write("sub/d.csv", "1,2\n")
	h.write(".tandem/ledger.db", "secret")
	h.write(".hidden", "x")
	os.WriteFile(filepath.Join(h.outside, "s.txt"), []byte("secret"), 0o644)
	if err := os.Symlink(h.outside, filepath.Join(h.dir, "out")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("sub", filepath.Join(h.dir, "in")); err != nil {
		t.Fatal(err)
	}
	r := h.do("GET", "/api/contents", nil)
	var m model
	r.json(t, &m)
	if r.Code != 200 || m.Type != "directory" || m.Path != "" {
		t.Fatalf("root: %d %s", r.Code, r.Body)
	}
	raw, _ := json.Marshal(m.Content)
	var list []model
	json.Unmarshal(raw, &list)
	var got []string
	for _, e := range list {
		got = append(got, e.Name+":"+e.Type)
		if e.Content != nil {
			t.Errorf("%s: listing carries content", e.Name)
		}
	}
	want := "a.ipynb:notebook b.go:notebook b_test.go:file c.txt:file in:directory sub:directory"
	if strings.Join(got, " ") != want {
		t.Errorf("listing: got %q want %q", strings.Join(got, " "), want)
	}
	r = h.do("GET", "/api/contents/sub", nil)
	if r.Code != 200 || !strings.Contains(string(r.Body), `"path":"sub/d.csv"`) {
		t.Errorf("sub: %d %s", r.Code, r.Body)
	}
	if r := h.do("GET", "/api/contents/sub?content=0", nil); r.Code != 200 || strings.Contains(string(r.Body), "d.csv") {
		t.Errorf("content=0: %s", r.Body)
	}
	if r := h.do("GET", "/api/contents/c.txt?type=directory", nil); r.Code != 400 {
		t.Errorf("type mismatch: %d", r.Code)
	}
}

// A .go file without a "// %%" marker is Go source: a file, opened as text
// and never parsed or saved as a notebook.
func TestContents_GoSource(t *testing.T) {
	h := newHarness(t, nil)
	src := "package notebooks\n\nfunc f() {}\n"
	h.write("x_test.go", src)
	r := h.do("GET", "/api/contents/x_test.go", nil)
	var m model
	r.json(t, &m)
	if r.Code != 200 || m.Type != "file" || m.Content != src {
		t.Errorf("get: %d %s", r.Code, r.Body)
	}
	if r := h.do("GET", "/api/contents/x_test.go?type=notebook", nil); r.Code != 400 || !strings.Contains(string(r.Body), "Go source") {
		t.Errorf("get as a notebook: %d %s", r.Code, r.Body)
	}
	// A save without a type keeps it a file.
	if r := h.do("PUT", "/api/contents/x_test.go", map[string]any{"format": "text", "content": src + "// more\n"}); r.Code != 200 || h.read("x_test.go") != src+"// more\n" {
		t.Errorf("save: %d %s %q", r.Code, r.Body, h.read("x_test.go"))
	}
	if r := h.do("PUT", "/api/contents/new.go", map[string]any{"format": "text", "content": src}); r.Code != 201 || h.read("new.go") != src {
		t.Errorf("new Go file: %d %s", r.Code, r.Body)
	}
	// Saving a notebook over Go source is refused unless forced.
	nb := map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{}, "cells": []any{}}
	if r := h.do("PUT", "/api/contents/new.go", map[string]any{"type": "notebook", "content": nb}); r.Code != 409 || h.read("new.go") != src {
		t.Errorf("notebook over Go source: %d %s", r.Code, r.Body)
	}
	if r := h.do("PUT", "/api/contents/new.go?force=1", map[string]any{"type": "notebook", "content": nb}); r.Code != 200 || h.read("new.go") != "// %%\n" {
		t.Errorf("forced: %d %s %q", r.Code, r.Body, h.read("new.go"))
	}
	// A new .go notebook has a marker, so it lists as a notebook.
	r = h.do("POST", "/api/contents", map[string]any{"type": "notebook", "ext": ".go"})
	r.json(t, &m)
	if r.Code != 201 || m.Type != "notebook" || h.read(m.Path) != "// %%\n" {
		t.Errorf("new .go notebook: %d %s %q", r.Code, r.Body, h.read(m.Path))
	}
}

func TestContents_Get(t *testing.T) {
	h := newHarness(t, nil)
	h.write("a.ipynb", sampleNB)
	h.write("s.go", "// %%\nx := 1\n\n// %% [markdown]\n// # T\n")
	h.write("t.txt", "héllo")
	h.write("b.bin", "\xff\x00\x01")
	r := h.do("GET", "/api/contents/a.ipynb", nil)
	var m struct {
		model   `json:"-"`
		Content struct {
			Cells []struct {
				Source  string
				Outputs []map[string]any
			}
			NBFormatMinor int `json:"nbformat_minor"`
		}
	}
	r.json(t, &m)
	r.json(t, &m.model)
	if len(m.Content.Cells) == 0 {
		t.Fatalf("notebook: %d %s", r.Code, r.Body)
	}
	if r.Code != 200 || m.Type != "notebook" || *m.Format != "json" || m.Content.Cells[0].Source != `fmt.Println("hi")` || m.Content.Cells[0].Outputs[0]["text"] != "hi\n" {
		t.Errorf("notebook: %d %s", r.Code, r.Body)
	}
	if m.LastModified == "" || m.Size == nil || *m.Size != int64(len(sampleNB)) {
		t.Errorf("model fields: %+v", m.model)
	}
	r = h.do("GET", "/api/contents/s.go", nil)
	if r.Code != 200 || !strings.Contains(string(r.Body), `"type":"notebook"`) || !strings.Contains(string(r.Body), `"source":"# T"`) {
		t.Errorf("script as notebook: %d %s", r.Code, r.Body)
	}
	r = h.do("GET", "/api/contents/s.go?type=file", nil)
	var f model
	r.json(t, &f)
	if r.Code != 200 || f.Type != "file" || f.Content != "// %%\nx := 1\n\n// %% [markdown]\n// # T\n" || *f.Format != "text" {
		t.Errorf("script as file: %d %s", r.Code, r.Body)
	}
	r = h.do("GET", "/api/contents/t.txt", nil)
	r.json(t, &f)
	if f.Content != "héllo" || *f.Mimetype != "text/plain; charset=utf-8" {
		t.Errorf("text: %s", r.Body)
	}
	r = h.do("GET", "/api/contents/b.bin", nil)
	r.json(t, &f)
	if *f.Format != "base64" || f.Content != "/wAB" {
		t.Errorf("binary: %s", r.Body)
	}
	if r := h.do("GET", "/api/contents/b.bin?format=text", nil); r.Code != 400 {
		t.Errorf("binary as text: %d", r.Code)
	}
	if r := h.do("GET", "/api/contents/t.txt?type=notebook", nil); r.Code != 400 {
		t.Errorf("text as notebook: %d", r.Code)
	}
	if r := h.do("GET", "/api/contents/none.ipynb", nil); r.Code != 404 || !strings.Contains(r.message(), "none.ipynb") {
		t.Errorf("missing: %d %s", r.Code, r.Body)
	}
}

func TestContents_CorruptAndHuge(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.MaxFileSize = 4096 })
	bad := "{\n \"cells\": [\n  {\"cell_type\": \"code\", \"source\": 5}\n ],\n \"nbformat\": 4\n}\n"
	h.write("bad.ipynb", bad)
	h.write("trunc.ipynb", sampleNB[:100])
	h.write("huge.ipynb", `{"cells":[],"nbformat":4,"metadata":{"x":"`+strings.Repeat("a", 5000)+`"}}`)
	r := h.do("GET", "/api/contents/bad.ipynb", nil)
	var e apiError
	r.json(t, &e)
	if r.Code != 400 || e.Reason != "corrupt" || !strings.Contains(e.Message, "cell 1: source") {
		t.Errorf("corrupt: %d %s", r.Code, r.Body)
	}
	r = h.do("GET", "/api/contents/trunc.ipynb", nil)
	if r.Code != 400 || !strings.Contains(r.message(), "truncated") {
		t.Errorf("truncated: %d %s", r.Code, r.Body)
	}
	r = h.do("GET", "/api/contents/huge.ipynb", nil)
	r.json(t, &e)
	if r.Code != 413 || e.Reason != "too_large" || !strings.Contains(e.Message, "limit") {
		t.Errorf("huge: %d %s", r.Code, r.Body)
	}
	// A client that could not open them cannot overwrite them by accident.
	empty := map[string]any{"type": "notebook", "format": "json", "content": map[string]any{"cells": []any{}, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5}}
	for _, name := range []string{"bad.ipynb", "huge.ipynb"} {
		before := h.read(name)
		if r := h.do("PUT", "/api/contents/"+name, empty); r.Code != 409 {
			t.Errorf("%s: save over unreadable: %d %s", name, r.Code, r.Body)
		}
		if h.read(name) != before {
			t.Errorf("%s was overwritten", name)
		}
	}
	// No content at all is never written.
	h.write("good.ipynb", sampleNB)
	for _, body := range []any{map[string]any{"type": "notebook"}, map[string]any{"type": "notebook", "content": nil}} {
		if r := h.do("PUT", "/api/contents/good.ipynb", body); r.Code != 400 {
			t.Errorf("save without content: %d %s", r.Code, r.Body)
		}
	}
	if h.read("good.ipynb") != sampleNB {
		t.Error("good.ipynb changed")
	}
	if r := h.do("PUT", "/api/contents/good.ipynb", map[string]any{"type": "notebook", "content": map[string]any{"cells": 3, "nbformat": 4}}); r.Code != 400 || !strings.Contains(r.message(), "cells") {
		t.Errorf("invalid content: %d %s", r.Code, r.Body)
	}
	// Nor is a notebook replaced by an empty file.
	if r := h.do("PUT", "/api/contents/good.ipynb", map[string]any{"type": "file", "format": "text", "content": ""}); r.Code != 409 {
		t.Errorf("empty file over a notebook: %d %s", r.Code, r.Body)
	}
	if h.read("good.ipynb") != sampleNB {
		t.Error("good.ipynb emptied")
	}
	// Forcing replaces the unreadable file.
	if r := h.do("PUT", "/api/contents/bad.ipynb?force=1", empty); r.Code != 200 {
		t.Errorf("forced save: %d %s", r.Code, r.Body)
	}
}

func TestContents_Save(t *testing.T) {
	h := newHarness(t, nil)
	// New notebook: 201, written in nbformat file form with kernelspec.
	nb := map[string]any{"cells": []any{map[string]any{"cell_type": "code", "id": "x1", "source": "a := 1\nb := 2", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil}},
		"metadata": map[string]any{"custom": 1.5}, "nbformat": 4, "nbformat_minor": 5}
	r := h.do("PUT", "/api/contents/n.ipynb", map[string]any{"type": "notebook", "format": "json", "content": nb})
	var m model
	r.json(t, &m)
	if r.Code != 201 || m.Type != "notebook" || m.Content != nil || r.Header.Get("Location") != "/api/contents/n.ipynb" {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	got := h.read("n.ipynb")
	for _, want := range []string{"\"source\": [\n    \"a := 1\\n\",\n    \"b := 2\"\n   ]", `"name": "tandem"`, `"custom": 1.5`} {
		if !strings.Contains(got, want) {
			t.Errorf("saved file lacks %q:\n%s", want, got)
		}
	}
	// Existing: 200.
	if r := h.do("PUT", "/api/contents/n.ipynb", map[string]any{"type": "notebook", "content": nb}); r.Code != 200 {
		t.Errorf("save: %d %s", r.Code, r.Body)
	}
	// Percent script.
	r = h.do("PUT", "/api/contents/s.go", map[string]any{"type": "notebook", "content": nb})
	if r.Code != 201 || h.read("s.go") != "// %%\na := 1\nb := 2\n" {
		t.Errorf("script save: %d %q", r.Code, h.read("s.go"))
	}
	// Files, text and base64; directories.
	if r := h.do("PUT", "/api/contents/t.txt", map[string]any{"type": "file", "format": "text", "content": "hello"}); r.Code != 201 || h.read("t.txt") != "hello" {
		t.Errorf("text file: %d", r.Code)
	}
	if r := h.do("PUT", "/api/contents/b.bin", map[string]any{"type": "file", "format": "base64", "content": "/wAB"}); r.Code != 201 || h.read("b.bin") != "\xff\x00\x01" {
		t.Errorf("base64 file: %d", r.Code)
	}
	if r := h.do("PUT", "/api/contents/d", map[string]any{"type": "directory"}); r.Code != 201 {
		t.Errorf("directory: %d", r.Code)
	}
	if r := h.do("PUT", "/api/contents/d", map[string]any{"type": "file", "content": "x"}); r.Code != 409 {
		t.Errorf("file over directory: %d", r.Code)
	}
	if r := h.do("PUT", "/api/contents/t.txt", map[string]any{"type": "weird", "content": "x"}); r.Code != 400 {
		t.Errorf("unknown type: %d", r.Code)
	}
	if r := h.do("PUT", "/api/contents/nodir/x.txt", map[string]any{"type": "file", "content": "x"}); r.Code != 404 {
		t.Errorf("missing folder: %d %s", r.Code, r.Body)
	}
	// The token is never written into notebooks.
	if strings.Contains(h.read("n.ipynb"), h.token) {
		t.Error("token in notebook")
	}
}

func TestContents_Conflict(t *testing.T) {
	h := newHarness(t, nil)
	h.write("n.ipynb", sampleNB)
	var m model
	h.do("GET", "/api/contents/n.ipynb", nil).json(t, &m)
	body := func(lm string) map[string]any {
		var content any
		json.Unmarshal([]byte(sampleNB), &content)
		b := map[string]any{"type": "notebook", "format": "json", "content": content}
		if lm != "" {
			b["last_modified"] = lm
		}
		return b
	}
	// Someone else writes the file.
	other := strings.Replace(sampleNB, "hi", "other", 2)
	h.write("n.ipynb", other)
	future := time.Now().Add(2 * time.Second)
	os.Chtimes(filepath.Join(h.dir, "n.ipynb"), future, future)
	r := h.do("PUT", "/api/contents/n.ipynb", body(m.LastModified))
	var e apiError
	r.json(t, &e)
	if r.Code != 409 || e.Reason != "conflict" || !strings.Contains(e.Message, "changed on disk") {
		t.Errorf("conflict: %d %s", r.Code, r.Body)
	}
	if h.read("n.ipynb") != other {
		t.Fatal("conflicting save wrote the file")
	}
	// With the current last_modified it saves, and the answer carries the new one.
	var cur model
	h.do("GET", "/api/contents/n.ipynb?content=0", nil).json(t, &cur)
	r = h.do("PUT", "/api/contents/n.ipynb", body(cur.LastModified))
	var saved model
	r.json(t, &saved)
	if r.Code != 200 || saved.LastModified == cur.LastModified {
		t.Errorf("save with current last_modified: %d %s", r.Code, r.Body)
	}
	// Echoing the saved model's last_modified saves again (autosave).
	if r := h.do("PUT", "/api/contents/n.ipynb", body(saved.LastModified)); r.Code != 200 {
		t.Errorf("second save: %d %s", r.Code, r.Body)
	}
	// A client keeping only milliseconds is compared at milliseconds.
	h.do("GET", "/api/contents/n.ipynb?content=0", nil).json(t, &cur)
	ms := cur.LastModified[:23] + "Z"
	if r := h.do("PUT", "/api/contents/n.ipynb", body(ms)); r.Code != 200 {
		t.Errorf("millisecond last_modified: %d %s", r.Code, r.Body)
	}
	// Force, and no last_modified, both save.
	h.write("n.ipynb", other)
	if r := h.do("PUT", "/api/contents/n.ipynb?force=1", body(m.LastModified)); r.Code != 200 {
		t.Errorf("force: %d", r.Code)
	}
	if r := h.do("PUT", "/api/contents/n.ipynb", body("")); r.Code != 200 {
		t.Errorf("no last_modified: %d", r.Code)
	}
	// Deleted on disk: a conflict too.
	os.Remove(filepath.Join(h.dir, "n.ipynb"))
	if r := h.do("PUT", "/api/contents/n.ipynb", body(m.LastModified)); r.Code != 409 || !strings.Contains(r.message(), "deleted") {
		t.Errorf("deleted: %d %s", r.Code, r.Body)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "n.ipynb")); !errors.Is(err, os.ErrNotExist) {
		t.Error("conflicting save recreated the file")
	}
}

func TestContents_AtomicSave(t *testing.T) {
	h := newHarness(t, nil)
	h.write("n.ipynb", sampleNB)
	os.Chmod(filepath.Join(h.dir, "n.ipynb"), 0o600)
	var content any
	json.Unmarshal([]byte(strings.Replace(sampleNB, "hi", "new", 2)), &content)
	body := map[string]any{"type": "notebook", "content": content}
	// A crash between write and rename leaves the old file whole and no temp file.
	beforeRename = func(tmp string) error {
		if _, err := os.Stat(filepath.Join(h.dir, tmp)); err != nil {
			t.Errorf("temp file not in the same folder: %v", err)
		}
		return errors.New("simulated crash")
	}
	r := h.do("PUT", "/api/contents/n.ipynb", body)
	beforeRename = nil
	if r.Code != 500 {
		t.Errorf("failed save: %d %s", r.Code, r.Body)
	}
	if strings.Contains(string(r.Body), h.dir) {
		t.Errorf("error body leaks the absolute path: %s", r.Body)
	}
	if h.read("n.ipynb") != sampleNB {
		t.Error("failed save damaged the file")
	}
	entries, _ := os.ReadDir(h.dir)
	if len(entries) != 1 {
		t.Errorf("leftover files after failed save: %v", entries)
	}
	if r := h.do("PUT", "/api/contents/n.ipynb", body); r.Code != 200 {
		t.Fatalf("save: %d", r.Code)
	}
	if !strings.Contains(h.read("n.ipynb"), "new") {
		t.Error("save did not write")
	}
	fi, _ := os.Stat(filepath.Join(h.dir, "n.ipynb"))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode: got %v want 0600", fi.Mode().Perm())
	}
	entries, _ = os.ReadDir(h.dir)
	if len(entries) != 1 {
		t.Errorf("leftover files after save: %v", entries)
	}
}

func TestContents_CreateCopyRenameDelete(t *testing.T) {
	h := newHarness(t, nil)
	h.write("sub/a.ipynb", sampleNB)
	names := []string{}
	for _, body := range []any{
		map[string]any{"type": "notebook"}, map[string]any{"type": "notebook"}, map[string]any{"type": "notebook", "ext": ".go"},
		map[string]any{"type": "directory"}, map[string]any{"type": "directory"}, map[string]any{"type": "file"}, map[string]any{"type": "file", "ext": ".csv"},
	} {
		r := h.do("POST", "/api/contents/sub", body)
		var m model
		r.json(t, &m)
		if r.Code != 201 {
			t.Fatalf("create %v: %d %s", body, r.Code, r.Body)
		}
		names = append(names, m.Path)
	}
	want := "sub/Untitled.ipynb sub/Untitled1.ipynb sub/Untitled.go sub/Untitled Folder sub/Untitled Folder 1 sub/untitled.txt sub/untitled.csv"
	if strings.Join(names, " ") != want {
		t.Errorf("untitled: got %q want %q", strings.Join(names, " "), want)
	}
	if r := h.do("GET", "/api/contents/sub/Untitled.ipynb", nil); r.Code != 200 || !strings.Contains(string(r.Body), `"nbformat_minor":5`) {
		t.Errorf("new notebook: %d %s", r.Code, r.Body)
	}
	if r := h.do("POST", "/api/contents", nil); r.Code != 201 {
		t.Errorf("empty POST at root: %d %s", r.Code, r.Body)
	}
	if r := h.do("POST", "/api/contents/sub/a.ipynb", map[string]any{"type": "notebook"}); r.Code != 400 {
		t.Errorf("POST into a file: %d", r.Code)
	}
	// Copy.
	r := h.do("POST", "/api/contents/sub", map[string]any{"copy_from": "sub/a.ipynb"})
	var m model
	r.json(t, &m)
	if r.Code != 201 || m.Path != "sub/a-Copy1.ipynb" || h.read("sub/a-Copy1.ipynb") != sampleNB {
		t.Errorf("copy: %d %s", r.Code, r.Body)
	}
	r = h.do("POST", "/api/contents/sub", map[string]any{"copy_from": "sub/a-Copy1.ipynb"})
	r.json(t, &m)
	if m.Path != "sub/a-Copy2.ipynb" {
		t.Errorf("second copy: %s", m.Path)
	}
	if r := h.do("POST", "/api/contents/sub", map[string]any{"copy_from": "../x"}); r.Code < 400 || r.Code >= 500 {
		t.Errorf("copy from outside: %d", r.Code)
	}
	// Rename.
	r = h.do("PATCH", "/api/contents/sub/a.ipynb", map[string]any{"path": "sub/b.ipynb"})
	r.json(t, &m)
	if r.Code != 200 || m.Path != "sub/b.ipynb" || h.read("sub/b.ipynb") != sampleNB {
		t.Errorf("rename: %d %s", r.Code, r.Body)
	}
	if r := h.do("PATCH", "/api/contents/sub/b.ipynb", map[string]any{"path": "sub/a-Copy1.ipynb"}); r.Code != 409 {
		t.Errorf("rename onto existing: %d", r.Code)
	}
	if r := h.do("PATCH", "/api/contents/sub/b.ipynb", map[string]any{"path": "../b.ipynb"}); r.Code < 400 || r.Code >= 500 {
		t.Errorf("rename outside: %d", r.Code)
	}
	if r := h.do("PATCH", "/api/contents/sub/b.ipynb", map[string]any{"path": ".tandem/b.ipynb"}); r.Code != 403 {
		t.Errorf("rename into hidden: %d", r.Code)
	}
	// Delete.
	if r := h.do("DELETE", "/api/contents/sub/b.ipynb", nil); r.Code != 204 {
		t.Errorf("delete: %d", r.Code)
	}
	if r := h.do("GET", "/api/contents/sub/b.ipynb", nil); r.Code != 404 {
		t.Errorf("deleted file: %d", r.Code)
	}
	if r := h.do("DELETE", "/api/contents/sub", nil); r.Code != 400 || !strings.Contains(r.message(), "not empty") {
		t.Errorf("delete non-empty folder: %d %s", r.Code, r.Body)
	}
	if r := h.do("DELETE", "/api/contents/sub/Untitled Folder 1", nil); r.Code != 204 {
		t.Errorf("delete empty folder: %d", r.Code)
	}
	if r := h.do("DELETE", "/api/contents/nothing", nil); r.Code != 404 {
		t.Errorf("delete missing: %d", r.Code)
	}
}

func TestContents_Checkpoints(t *testing.T) {
	h := newHarness(t, nil)
	h.write("n.ipynb", sampleNB)
	var list []map[string]string
	r := h.do("GET", "/api/contents/n.ipynb/checkpoints", nil)
	r.json(t, &list)
	if r.Code != 200 || len(list) != 0 {
		t.Errorf("empty list: %d %s", r.Code, r.Body)
	}
	if r := h.do("POST", "/api/contents/n.ipynb/checkpoints", nil); r.Code != 201 || !strings.Contains(string(r.Body), `"id":"checkpoint"`) {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	h.do("GET", "/api/contents/n.ipynb/checkpoints", nil).json(t, &list)
	if len(list) != 1 || list[0]["id"] != "checkpoint" {
		t.Errorf("list: %v", list)
	}
	h.write("n.ipynb", strings.Replace(sampleNB, "hi", "changed", 2))
	if r := h.do("POST", "/api/contents/n.ipynb/checkpoints/checkpoint", nil); r.Code != 204 {
		t.Errorf("restore: %d %s", r.Code, r.Body)
	}
	if h.read("n.ipynb") != sampleNB {
		t.Error("restore did not bring back the saved version")
	}
	if r := h.do("POST", "/api/contents/n.ipynb/checkpoints/other", nil); r.Code != 404 {
		t.Errorf("unknown checkpoint: %d", r.Code)
	}
	if r := h.do("DELETE", "/api/contents/n.ipynb/checkpoints/checkpoint", nil); r.Code != 204 {
		t.Errorf("delete: %d", r.Code)
	}
	h.do("GET", "/api/contents/n.ipynb/checkpoints", nil).json(t, &list)
	if len(list) != 0 {
		t.Errorf("list after delete: %v", list)
	}
	// Checkpoints live in .tandem/, which is not served.
	if r := h.do("GET", "/api/contents/.tandem/checkpoints/n.ipynb", nil); r.Code != 403 {
		t.Errorf(".tandem served: %d", r.Code)
	}
}
