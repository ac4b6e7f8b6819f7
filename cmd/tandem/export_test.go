package main

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"tandem.dev/tandem/kernel/notebook"
)

// wellFormed checks that the page tokenizes and every non-void element is
// closed in order (not just something a browser recovers from).
func wellFormed(t *testing.T, doc string) {
	t.Helper()
	void := map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
		"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}
	z := html.NewTokenizer(strings.NewReader(doc))
	var stack []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatalf("tokenize: %v", z.Err())
			}
			if len(stack) > 0 {
				t.Fatalf("unclosed at the end: %v", stack)
			}
			return
		case html.StartTagToken:
			name, _ := z.TagName()
			if !void[string(name)] {
				stack = append(stack, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				t.Fatalf("</%s> closes %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func TestExport(t *testing.T) {
	bin := buildTandem(t)

	// A notebook with real outputs from a run, plus an image output.
	dir := t.TempDir()
	writeNB(t, dir, "src.ipynb",
		"md:# Report\n\nThe loss $J(\\theta)$ falls.\n\n<script>alert(1)</script>",
		"code[parameters]:n := 3",
		"code:import \"os\"\nfor i := 0; i < n; i++ {\n\tfmt.Println(\"step\", i)\n}\nfmt.Fprintln(os.Stderr, \"warn\")\nn * 2",
		"code:panic(\"bad <input>\")",
		// Rendered by method shape: text/html from the kernel itself.
		"code:type H struct{ n int }\nfunc (h H) HTML() string { return \"<i>from the kernel</i><script>parent.document.title='k'</script>\" }\nH{1}")
	r := tandem(t, bin, dir, "run", "src.ipynb", "-o", "a.ipynb", "--keep-going")
	wantCode(t, r, 1)
	nb := readNB(t, filepath.Join(dir, "a.ipynb"))
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 3, 2)))
	nb.Cells[2].Outputs = append(nb.Cells[2].Outputs,
		map[string]any{"output_type": "display_data", "data": map[string]any{"image/png": base64.StdEncoding.EncodeToString(buf.Bytes()), "text/plain": "img"}, "metadata": map[string]any{}},
		map[string]any{"output_type": "display_data", "data": map[string]any{"text/html": "<i>rich</i><script>parent.document.title='x'</script>"}, "metadata": map[string]any{}})
	data, _ := notebook.Format(nb)
	os.WriteFile(filepath.Join(dir, "a.ipynb"), data, 0o644)

	t.Run("HTML", func(t *testing.T) {
		r := tandem(t, bin, dir, "export", "--to", "html", "a.ipynb")
		wantCode(t, r, 0)
		wantContains(t, "stderr", r.stderr, "wrote a.html")
		page, err := os.ReadFile(filepath.Join(dir, "a.html"))
		if err != nil {
			t.Fatal(err)
		}
		doc := string(page)
		if !strings.HasPrefix(doc, "<!doctype html>") || !strings.HasSuffix(doc, "</html>\n") {
			t.Error("not a whole HTML document")
		}
		wellFormed(t, doc)
		wantContains(t, "page", doc,
			"<h1>Report</h1>",
			`data-tex="J(\theta)"`,
			"step 0\nstep 1\nstep 2\n",
			`<div class="text-output stderr"><pre>warn`,
			"<strong>Panic</strong>: bad &lt;input&gt;",
			`src="data:image/png;base64,`,
			`<iframe class="output-frame" sandbox="allow-scripts" `,
			"font/woff2;base64,",                // KaTeX fonts, for the math
			"data:text/javascript;base64,",      // KaTeX itself
			"--tok-keyword",                     // the app's palette
			`<section class="cell code failed"`, // the app's cell markup
		)
		// Self-contained: nothing is fetched.
		for _, re := range []string{`(?i)\b(src|srcset|poster)\s*=\s*"(https?:)?//`, `(?i)<link\b`, `(?i)url\(\s*["']?(https?:)?//`, `(?i)@import`} {
			if m := regexp.MustCompile(re).FindString(doc); m != "" {
				t.Errorf("page loads something from outside: %q", m)
			}
		}
		wantContains(t, "page", doc, `srcdoc="&lt;!doctype html&gt;`, "&lt;i&gt;from the kernel&lt;/i&gt;&lt;script&gt;parent.document.title=&#39;k&#39;")
		if strings.Contains(doc, "<script>alert(1)") || strings.Contains(doc, "<script>parent.document") || strings.Contains(doc, "<i>from the kernel") {
			t.Error("a notebook's script is in the page, not in a sandboxed frame")
		}
		if n := strings.Count(doc, "<iframe"); n != strings.Count(doc, `sandbox="allow-scripts"`) || n != 2 {
			t.Errorf("iframes: %d, sandboxed: %d, want 2 and 2", n, strings.Count(doc, `sandbox="allow-scripts"`))
		}
		// -o - writes to stdout.
		r = tandem(t, bin, dir, "export", "a.ipynb", "--to", "html", "-o", "-")
		wantCode(t, r, 0)
		if r.stdout != doc {
			t.Error("-o - differs from the file")
		}
	})

	t.Run("Markdown", func(t *testing.T) {
		os.Mkdir(filepath.Join(dir, "out"), 0o755)
		r := tandem(t, bin, dir, "export", "--to", "markdown", "a.ipynb", "-o", "out/report.md")
		wantCode(t, r, 0)
		md, err := os.ReadFile(filepath.Join(dir, "out", "report.md"))
		if err != nil {
			t.Fatal(err)
		}
		wantContains(t, "markdown", string(md),
			"# Report\n",
			"```go\nn := 3\n```\n",
			"```text\nstep 0\nstep 1\nstep 2\n```",
			"![output](report_files/cell3_out",
			"<i>rich</i>",
			"```text\nPanic: bad <input>",
		)
		m := regexp.MustCompile(`!\[output\]\((report_files/[^)]+\.png)\)`).FindStringSubmatch(string(md))
		if m == nil {
			t.Fatal("no image link")
		}
		img, err := os.ReadFile(filepath.Join(dir, "out", m[1]))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(img)); err != nil {
			t.Errorf("image beside the markdown: %v", err)
		}
		r = tandem(t, bin, dir, "export", "--to", "markdown", "a.ipynb", "-o", "-")
		wantCode(t, r, 2)
	})

	t.Run("RoundTrip", func(t *testing.T) {
		r := tandem(t, bin, dir, "export", "--to", "script", "a.ipynb", "-o", "a.go")
		wantCode(t, r, 0)
		script, _ := os.ReadFile(filepath.Join(dir, "a.go"))
		wantContains(t, "script", string(script), "// %% [markdown]\n// # Report\n", "// %% tags=[\"parameters\"]\nn := 3\n")
		r = tandem(t, bin, dir, "export", "--to", "notebook", "a.go", "-o", "b.ipynb")
		wantCode(t, r, 0)
		a, b := readNB(t, filepath.Join(dir, "a.ipynb")), readNB(t, filepath.Join(dir, "b.ipynb"))
		if len(a.Cells) != len(b.Cells) {
			t.Fatalf("cells: got %d want %d", len(b.Cells), len(a.Cells))
		}
		for i := range a.Cells {
			if a.Cells[i].Type != b.Cells[i].Type || a.Cells[i].Source != b.Cells[i].Source {
				t.Errorf("cell %d: got %s %q want %s %q", i+1, b.Cells[i].Type, b.Cells[i].Source, a.Cells[i].Type, a.Cells[i].Source)
			}
		}
		// The script runs, and its parameters cell still takes -p.
		r = tandem(t, bin, dir, "run", "a.go", "-p", "n=1", "--keep-going")
		wantCode(t, r, 1)
		if want := "step 0\n2\n{1}\n"; r.stdout != want {
			t.Errorf("stdout: got %q want %q", r.stdout, want)
		}
	})

	t.Run("Gallery", func(t *testing.T) {
		r := tandem(t, bin, dir, "export", "--to", "gallery", "a.ipynb", "src.ipynb", "-o", "site")
		wantCode(t, r, 0)
		index, err := os.ReadFile(filepath.Join(dir, "site", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		wellFormed(t, string(index))
		wantContains(t, "index", string(index), `<a href="a.html">`, `<a href="src.html">`, "<h2>Report</h2>", "<p>The loss $J(\\theta)$ falls.</p>", `src="data:image/png;base64,`)
		for _, p := range []string{"a.html", "src.html"} {
			if _, err := os.Stat(filepath.Join(dir, "site", p)); err != nil {
				t.Error(err)
			}
		}
		r = tandem(t, bin, dir, "export", "--to", "gallery", "a.ipynb")
		wantCode(t, r, 2)
		wantContains(t, "stderr", r.stderr, "needs notebooks and -o DIR")
	})

	t.Run("BadInput", func(t *testing.T) {
		os.WriteFile(filepath.Join(dir, "corrupt.ipynb"), []byte(`{"cells": [`), 0o644)
		os.WriteFile(filepath.Join(dir, "notjson.ipynb"), []byte("hello"), 0o644)
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"export", "--to", "html", "missing.ipynb"}, "tandem export: missing.ipynb: no such file"},
			{[]string{"export", "--to", "html", "corrupt.ipynb"}, "corrupt.ipynb: notebook: line 1, column 12: invalid JSON: file ends in the middle of a value"},
			{[]string{"export", "--to", "markdown", "notjson.ipynb"}, "notjson.ipynb: notebook: line 1, column 1: invalid JSON"},
			{[]string{"export", "--to", "pdf", "a.ipynb"}, `unknown format "pdf"`},
			{[]string{"export", "a.ipynb"}, "--to is required"},
			{[]string{"export", "--to", "script", "a.go"}, "would overwrite a.go"},
			{[]string{"export", "--to", "html", "a.ipynb", "-o", "no/such/dir/a.html"}, "no/such"},
		} {
			r := tandem(t, bin, dir, tc.args...)
			wantCode(t, r, 2)
			wantContains(t, "stderr", r.stderr, tc.want)
		}
	})
}
