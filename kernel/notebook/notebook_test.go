package notebook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tandem.dev/tandem/kernel/notebook"
)

var update = flag.Bool("update", false, "rewrite golden files")

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and review the diff)\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// TestFormat_JupyterBytes: a notebook in the form Jupyter writes it comes
// back byte for byte, unknown fields, metadata and outputs included.
func TestFormat_JupyterBytes(t *testing.T) {
	in := read(t, "jupyter.ipynb")
	nb, err := notebook.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := notebook.Format(nb)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, in) {
		t.Errorf("round trip changed the file:\n%s", out)
	}
	if got := len(nb.Cells); got != 4 {
		t.Fatalf("cells: got %d want 4", got)
	}
	c := nb.Cells[1]
	if c.ID != "code-1" || c.Type != "code" || *c.ExecutionCount != 3 || len(c.Outputs) != 3 {
		t.Errorf("cell 2: got %+v", c)
	}
	if want := "for i := 1; i <= 2; i++ {\n\tfmt.Println(\"epoch\", i)\n}\n1 + 1"; c.Source != want {
		t.Errorf("source: got %q want %q", c.Source, want)
	}
	if got := c.Outputs[0]["text"]; got != "epoch 1 loss 0.6931\nepoch 2 loss 0.5\n" {
		t.Errorf("stream text not joined: %q", got)
	}
	if nb.Extra["x-unknown-top"] == nil {
		t.Error("unknown top-level field dropped")
	}
}

func TestParse_Upgrade(t *testing.T) {
	nb, err := notebook.Parse(read(t, "v40.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if nb.NBFormatMinor != 5 {
		t.Errorf("nbformat_minor: got %d want 5", nb.NBFormatMinor)
	}
	seen := map[string]bool{}
	for i, c := range nb.Cells {
		if c.ID == "" || seen[c.ID] || strings.ContainsAny(c.ID, " !") {
			t.Errorf("cell %d: bad or duplicate id %q", i+1, c.ID)
		}
		seen[c.ID] = true
	}
	if nb.Cells[1].ID != "dup" {
		t.Errorf("first of duplicate ids renamed: got %q", nb.Cells[1].ID)
	}
	if nb.Cells[1].Source != "a\nb" {
		t.Errorf("source lines: got %q", nb.Cells[1].Source)
	}
	out, err := notebook.Format(nb)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"nbformat_minor": 5`, `"source": [` + "\n    \"a\\n\",\n    \"b\"\n   ]", `"text": [` + "\n      \"hi\\n\"\n     ]"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("formatted file lacks %q:\n%s", want, out)
		}
	}
}

func TestParse_Errors(t *testing.T) {
	for _, test := range []struct {
		name, in, want string
	}{
		{"Empty", "  \n", "notebook: file is empty"},
		{"Truncated", "{\"cells\": [\n", "notebook: line 2, column 1: invalid JSON: file ends in the middle of a value"},
		{"Syntax", "{\n \"cells\": [}\n", "notebook: line 2, column 12: invalid JSON"},
		{"Trailing", `{"cells": [], "nbformat": 4} x`, "unexpected data after the notebook"},
		{"Array", `[1]`, "top level is an array, want an object"},
		{"NoVersion", `{"cells": []}`, "nbformat: missing: not a Jupyter notebook"},
		{"V3", `{"nbformat": 3, "worksheets": []}`, "nbformat: version 3 is not supported"},
		{"VersionString", `{"nbformat": "4", "cells": []}`, "nbformat: is a string, want an integer"},
		{"NoCells", `{"nbformat": 4, "nbformat_minor": 5}`, "cells: missing"},
		{"CellsObject", `{"nbformat": 4, "cells": {}}`, "cells: is an object, want an array"},
		{"CellType", `{"nbformat": 4, "cells": [{"cell_type": "code"}, {"cell_type": 7}]}`, "notebook: cell 2: cell_type: is a number, want a string"},
		{"UnknownType", `{"nbformat": 4, "cells": [{"cell_type": "heading"}]}`, `cell 1: cell_type: unknown type "heading"`},
		{"Source", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["a", 1]}]}`, "cell 1: source: line 2 is a number, want a string"},
		{"Metadata", `{"nbformat": 4, "metadata": [], "cells": []}`, "metadata: is an array, want an object"},
		{"Count", `{"nbformat": 4, "cells": [{"cell_type": "code", "execution_count": 1.5}]}`, "cell 1: execution_count: is a number, want an integer or null"},
		{"Outputs", `{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": {}}]}`, "cell 1: outputs: is an object"},
		{"OutputText", `{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": [{"output_type": "stream", "text": [1]}]}]}`, "cell 1: outputs[0].text: want a string or an array of strings"},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, err := notebook.Parse([]byte(test.in))
			var pe *notebook.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if !strings.Contains(err.Error(), test.want) {
				t.Errorf("got: %v want: %s", err, test.want)
			}
		})
	}
}

func TestParse_TooLarge(t *testing.T) {
	big := make([]byte, notebook.MaxSize+1)
	for _, parse := range []func([]byte) (*notebook.Notebook, error){notebook.Parse, notebook.ParseScript} {
		if _, err := parse(big); !errors.Is(err, notebook.ErrTooLarge) {
			t.Errorf("got %v want ErrTooLarge", err)
		}
	}
}

func TestScript_Golden(t *testing.T) {
	in := read(t, "script.percent")
	nb, err := notebook.ParseScript(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := notebook.FormatScript(nb); !bytes.Equal(got, in) {
		t.Errorf("script round trip:\ngot:\n%s\nwant:\n%s", got, in)
	}
	out, err := notebook.Format(nb)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "script.golden.ipynb", out)
}

func TestParseScript(t *testing.T) {
	for _, test := range []struct {
		name, in string
		want     []string // type:source per cell
	}{
		{"Plain", "package main\n\nfunc main() {}\n", []string{"code:package main\n\nfunc main() {}"}},
		{"Empty", "", nil},
		{"Blank", "\n\n", nil},
		{"Preamble", "\nx := 1\n// %% [md]\n// hi\n//\n", []string{"code:x := 1", "markdown:hi\n"}},
		{"EmptyCells", "// %%\n\n// %%\n", []string{"code:", "code:"}},
		{"CRLF", "// %%\r\nx\r\n", []string{"code:x\r"}},
		{"NotMarker", "// %%x\n//%%\n", []string{"code:// %%x\n//%%"}},
		{"Escape", "// %%\n// %%% a\n// %%%% b\n", []string{"code:// %% a\n// %%% b"}},
		{"MarkdownNoSpace", "// %% [markdown]\n//a\nb\n", []string{"markdown:a\nb"}},
	} {
		t.Run(test.name, func(t *testing.T) {
			nb, err := notebook.ParseScript([]byte(test.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range nb.Cells {
				got = append(got, c.Type+":"+c.Source)
			}
			if strings.Join(got, "|") != strings.Join(test.want, "|") {
				t.Errorf("got: %q want: %q", got, test.want)
			}
			if ks, _ := nb.Metadata["kernelspec"].(map[string]any); ks["name"] != "tandem" || ks["language"] != "go" {
				t.Errorf("kernelspec: got %v", nb.Metadata["kernelspec"])
			}
		})
	}
	if _, err := notebook.ParseScript([]byte("// %%\nx\xff\n")); err == nil || !strings.Contains(err.Error(), "line 2, column 2: script is not valid UTF-8") {
		t.Errorf("invalid UTF-8: got %v", err)
	}
}

func TestNotebook_MarshalJSON(t *testing.T) {
	nb, err := notebook.Parse(read(t, "jupyter.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	src := v.(map[string]any)["cells"].([]any)[0].(map[string]any)["source"]
	if want := "# Iris <small>&amp; friends</small>\n\nMath: $e^{i\\pi} + 1 = 0$ — ünïcode ✓"; src != want {
		t.Errorf("API form source: got %q want %q", src, want)
	}
	back, err := notebook.FromJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := notebook.Format(nb)
	b, _ := notebook.Format(back)
	if !bytes.Equal(a, b) {
		t.Errorf("API round trip differs:\n%s\n%s", a, b)
	}
}

func TestNew(t *testing.T) {
	out, err := notebook.Format(notebook.New())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "new.golden.ipynb", out)
}

// roundTrip checks Parse→Format→Parse→Format gives the same bytes twice.
func roundTrip(t *testing.T, data []byte, parse func([]byte) (*notebook.Notebook, error), format func(*notebook.Notebook) ([]byte, error)) {
	nb, err := parse(data)
	if err != nil {
		var pe *notebook.ParseError
		if !errors.As(err, &pe) && !errors.Is(err, notebook.ErrTooLarge) {
			t.Fatalf("untyped error: %v", err)
		}
		return
	}
	out1, err := format(nb)
	if err != nil {
		return // e.g. a value JSON cannot hold; Format says so
	}
	nb2, err := parse(out1)
	if err != nil {
		t.Fatalf("formatted notebook does not parse: %v\n%s", err, out1)
	}
	out2, err := format(nb2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out1, out2) {
		t.Fatalf("failed to round trip:\n%q\n%q", out1, out2)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"jupyter.ipynb", "v40.ipynb", "script.golden.ipynb", "new.golden.ipynb"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, notebook.Parse, notebook.Format)
	})
}

func FuzzParseScript(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "script.percent"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("// %%\r\n// %%% x\n// %% [md] t\n//\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, notebook.ParseScript, func(nb *notebook.Notebook) ([]byte, error) {
			return notebook.FormatScript(nb), nil
		})
	})
}

func TestParseFile(t *testing.T) {
	for _, name := range []string{"a.go", "dir/B.GO"} {
		nb, err := notebook.ParseFile(name, []byte("// %%\nx := 1\n"))
		if err != nil || len(nb.Cells) != 1 {
			t.Fatalf("%s: %v", name, err)
		}
		out, _ := notebook.FormatFile(name, nb)
		if string(out) != "// %%\nx := 1\n" {
			t.Errorf("%s: %q", name, out)
		}
	}
	nb, err := notebook.ParseFile("a.ipynb", read(t, "jupyter.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := notebook.FormatFile("a.ipynb", nb); !bytes.Equal(out, read(t, "jupyter.ipynb")) {
		t.Error("ipynb round trip")
	}
	if _, err := notebook.ParseFile("a.ipynb", []byte("// %%\n")); err == nil {
		t.Error("script parsed as ipynb")
	}
}

func TestHasCellMarker(t *testing.T) {
	for i, test := range []struct {
		src  string
		want bool
	}{
		{"// %%\nx := 1\n", true},
		{"package main\n\n// %% [markdown]\n// # T\n", true},
		{"x := 1\n// %%", true},
		{"// %%\r\nx := 1\r\n", true},
		{"package notebooks\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n", false},
		{"// %%%% escaped, not a marker\n", false},
		{"x := \"// %%\"\n  // %% indented\n", false},
		{"", false},
	} {
		if got := notebook.HasCellMarker([]byte(test.src)); got != test.want {
			t.Errorf("%d: got: %v want: %v (%q)", i, got, test.want, test.src)
		}
	}
	// The limit: a marker past it is not seen.
	if ok, err := notebook.ReadCellMarker(strings.NewReader("package x\n// %%\n"), 5); ok || err != nil {
		t.Errorf("limited read: got %v, %v", ok, err)
	}
}
