package export

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"tandem.dev/tandem/frontend"
	"tandem.dev/tandem/kernel/notebook"
)

func pngBase64(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// richNotebook has every kind of cell and output the exporters handle.
func richNotebook(t *testing.T) *notebook.Notebook {
	t.Helper()
	img := pngBase64(t)
	one, two := 1, 2
	nb := notebook.New()
	nb.Cells = []*notebook.Cell{
		{ID: "intro", Type: "markdown", Metadata: map[string]any{}, Source: "# Descent\n\nThe rule $\\theta \\leftarrow \\theta - \\alpha \\nabla J$ costs $5 and $6.\n\n$$\nJ(\\theta) = \\sum_i x_i^2\n$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
			"<script>alert('md')</script>\n\n<b onclick=\"steal()\">bold</b> [bad](javascript:alert(1)) [go](https://go.dev) ![att](attachment:dot.png) ![far](https://example.com/x.png)",
			Attachments: map[string]any{"dot.png": map[string]any{"image/png": img}}},
		{ID: "params", Type: "code", Metadata: map[string]any{"tags": []any{"parameters"}}, Source: "n := 3", ExecutionCount: &one},
		{ID: "outs", Type: "code", Metadata: map[string]any{}, ExecutionCount: &two,
			Source: "fmt.Println(\"hi\")\nplot()",
			Outputs: []map[string]any{
				{"output_type": "stream", "name": "stdout", "text": "10%\r100%\rhi \x1b[31mred\x1b[0m\n"},
				{"output_type": "stream", "name": "stderr", "text": "careful <b>\n"},
				{"output_type": "display_data", "data": map[string]any{"image/png": img, "text/plain": "plot"}, "metadata": map[string]any{}},
				{"output_type": "display_data", "data": map[string]any{"image/svg+xml": "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><circle r=\"4\" cx=\"5\" cy=\"5\"/></svg>"}, "metadata": map[string]any{}},
				{"output_type": "display_data", "data": map[string]any{"text/html": "<table><tr><td>rich</td></tr></table><script>document.title='pwned'</script>", "text/plain": "table"}, "metadata": map[string]any{}},
				{"output_type": "display_data", "data": map[string]any{"application/javascript": "console.log('</script>')"}, "metadata": map[string]any{}},
				{"output_type": "display_data", "data": map[string]any{WidgetViewMIME: map[string]any{"model_id": "w1", "version_major": 2}, "text/plain": "IntSlider(value=7)"}, "metadata": map[string]any{}},
				{"output_type": "display_data", "data": map[string]any{WidgetViewMIME: map[string]any{"model_id": "gone"}, "text/plain": "a widget without state"}, "metadata": map[string]any{}},
				{"output_type": "display_data", "data": map[string]any{WidgetViewMIME: map[string]any{"model_id": "any"}}, "metadata": map[string]any{}},
				{"output_type": "execute_result", "execution_count": 2, "data": map[string]any{"text/plain": "42", "text/latex": "$x^2$"}, "metadata": map[string]any{}},
				{"output_type": "error", "ename": "Panic", "evalue": "boom", "traceback": []any{"Panic: boom", "  at cell [2], line 2"}},
			}},
		{ID: "raw", Type: "raw", Metadata: map[string]any{}, Source: "raw <text>"},
	}
	nb.Metadata["widgets"] = map[string]any{WidgetStateMIME: map[string]any{"version_major": 2, "version_minor": 0, "state": map[string]any{
		"w1": map[string]any{"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0",
			"state": map[string]any{"_model_name": "IntSliderModel", "description": "alpha", "min": 0.0, "max": 10.0, "step": 1.0, "value": 7.0}},
		"any": map[string]any{"model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.9.*",
			"state": map[string]any{"_model_name": "AnyModel", "_esm": "export default { render({ model, el }) { el.textContent = 'rows: ' + model.get('rows').length + '</script>'; } }", "_css": ".x{color:red}", "rows": []any{1.0, 2.0, 3.0}}},
	}}}
	return nb
}

// balanced checks that every non-void element is closed in order: the
// page is well-formed HTML, not just something browsers recover from.
func balanced(t *testing.T, doc string) {
	t.Helper()
	void := map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
		"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}
	z := html.NewTokenizer(strings.NewReader(doc))
	var stack []string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatalf("tokenize: %v", z.Err())
			}
			if len(stack) > 0 {
				t.Fatalf("unclosed elements at the end: %v", stack)
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

// resources returns every URL the document (and its srcdoc frames) would
// load: src, link href, CSS url(), srcset, and the frames' own.
func resources(t *testing.T, doc string) []string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	cssURL := regexp.MustCompile(`url\(\s*["']?([^"')]*)`)
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch {
				case a.Key == "src" || a.Key == "srcset" || a.Key == "poster" || a.Key == "data" ||
					(a.Key == "href" && n.Data != "a"):
					out = append(out, a.Val)
				case a.Key == "srcdoc":
					out = append(out, resources(t, a.Val)...)
				case a.Key == "style":
					for _, m := range cssURL.FindAllStringSubmatch(a.Val, -1) {
						out = append(out, m[1])
					}
				}
			}
			if n.Data == "style" && n.FirstChild != nil {
				for _, m := range cssURL.FindAllStringSubmatch(n.FirstChild.Data, -1) {
					out = append(out, m[1])
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

func TestHTML(t *testing.T) {
	nb := richNotebook(t)
	page, err := HTML(nb, HTMLOptions{Assets: frontend.Dist()})
	if err != nil {
		t.Fatal(err)
	}
	doc := string(page)
	if os.Getenv("EXPORT_TEST_KEEP") != "" {
		os.WriteFile(filepath.Join(os.Getenv("EXPORT_TEST_KEEP"), "rich.html"), page, 0o644)
	}

	t.Run("Valid", func(t *testing.T) { balanced(t, doc) })

	t.Run("SelfContained", func(t *testing.T) {
		for _, u := range resources(t, doc) {
			if u != "" && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "#") {
				if u == "https://example.com/x.png" {
					continue // the notebook's own remote image: kept, and the CSP blocks it
				}
				t.Errorf("the page loads %q", u)
			}
		}
		if !strings.Contains(doc, `Content-Security-Policy" content="default-src 'none';`) {
			t.Error("no Content-Security-Policy forbidding requests")
		}
		if !strings.Contains(doc, ".cell-tools") {
			t.Error("the app's stylesheet is not in the page")
		}
		if !strings.Contains(doc, "font/woff2;base64,") {
			t.Error("KaTeX fonts not inlined in a notebook with math")
		}
	})

	t.Run("Sandboxed", func(t *testing.T) {
		root, _ := html.Parse(strings.NewReader(doc))
		var frames, scripts int
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "iframe":
					frames++
					sb := ""
					for _, a := range n.Attr {
						if a.Key == "sandbox" {
							sb = a.Val
						}
					}
					if sb != "allow-scripts" {
						t.Errorf("iframe sandbox=%q, want allow-scripts", sb)
					}
				case "script":
					scripts++
				}
				for _, a := range n.Attr {
					if strings.HasPrefix(a.Key, "on") {
						t.Errorf("<%s %s=%q> in the page", n.Data, a.Key, a.Val)
					}
					if a.Key == "href" && strings.HasPrefix(strings.ToLower(a.Val), "javascript:") {
						t.Errorf("javascript: link in the page")
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(root)
		if frames != 3 {
			t.Errorf("frames: got %d want 3 (text/html, application/javascript, custom widget)", frames)
		}
		if scripts != 3 {
			t.Errorf("scripts in the page: got %d want 3 (theme, frame sizing, KaTeX)", scripts)
		}
		for _, bad := range []string{"alert('md')", "document.title='pwned'</script>"} {
			if strings.Contains(doc, bad) {
				t.Errorf("page contains %q outside a frame", bad)
			}
		}
		if !strings.Contains(doc, "document.title=&#39;pwned&#39;&lt;/script&gt;") {
			t.Error("the HTML output's script is not in its frame's srcdoc")
		}
	})

	t.Run("Content", func(t *testing.T) {
		for _, want := range []string{
			`<title>Descent</title>`,
			`<h1>Descent</h1>`,
			`data-tex="\theta \leftarrow \theta - \alpha \nabla J">$\theta \leftarrow \theta - \alpha \nabla J$</span> costs $5 and $6.`,
			`data-tex="J(\theta) = \sum_i x_i^2">$$J(\theta) = \sum_i x_i^2$$`,
			`<td>1</td>`,
			`<b>bold</b>`,
			`<a href="https://go.dev" target="_blank" rel="noopener noreferrer">go</a>`,
			`<img src="data:image/png;base64,`,
			`<div class="cell-prompt" aria-hidden="true">[2]</div>`,
			`<span class="tok-f">Println</span>`,
			`hi <span class="ansi-fg-red">red</span>`,
			`<div class="text-output stderr"><pre>careful &lt;b&gt;`,
			`<img class="image-output svg-output" alt="SVG image output" src="data:image/svg+xml;base64,`,
			`<label class="widget-label">alpha</label><input type="range" disabled min="0" max="10" step="1" value="7"><output class="widget-value">7</output>`,
			`a widget without state`,
			`<div class="latex-output"><span class="math-tex math-pending display" data-tex="x^2">`,
			`<strong>Panic</strong>: boom`,
			`at cell [2], line 2`,
			`<section class="cell raw"`,
			`raw &lt;text&gt;`,
		} {
			if !strings.Contains(doc, want) {
				t.Errorf("page does not contain %q", want)
			}
		}
		if strings.Contains(doc, "[bad]") || strings.Contains(doc, `href="javascript`) {
			t.Error("javascript: link kept")
		}
	})

	t.Run("NoMath", func(t *testing.T) {
		nb := notebook.New()
		nb.Cells = []*notebook.Cell{{ID: "a", Type: "markdown", Source: "Plain *text*, $5 and $6.", Metadata: map[string]any{}}}
		page, err := HTML(nb, HTMLOptions{Assets: frontend.Dist()})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(page, []byte("KaTeX_Main")) && bytes.Contains(page, []byte("font/woff2")) {
			t.Error("KaTeX fonts inlined in a page without math")
		}
		if n := bytes.Count(page, []byte("<script")); n != 1 {
			t.Errorf("a page without math or frames has %d scripts, want 1 (theme)", n)
		}
		if len(page) > 100<<10 {
			t.Errorf("page without math is %d bytes; want under 100 KB", len(page))
		}
		balanced(t, string(page))
	})

	t.Run("NoAssets", func(t *testing.T) {
		page, err := HTML(nb, HTMLOptions{})
		if err != nil {
			t.Fatal(err)
		}
		balanced(t, string(page))
		if !bytes.Contains(page, []byte(`$$J(\theta) = \sum_i x_i^2$$`)) {
			t.Error("math not kept as TeX text without KaTeX")
		}
	})
}

func TestNoInput(t *testing.T) {
	nb := richNotebook(t)
	page, err := HTML(nb, HTMLOptions{NoInput: true})
	if err != nil {
		t.Fatal(err)
	}
	balanced(t, string(page))
	if bytes.Contains(page, []byte("cell-input")) && !bytes.Contains(page, []byte(`<section class="cell raw"`)) {
		t.Error("code shown with NoInput")
	}
	if bytes.Contains(page, []byte("plot()")) || bytes.Contains(page, []byte("n := 3")) || bytes.Contains(page, []byte(`id="cell-params"`)) {
		t.Error("code or an output-less code cell shown with NoInput")
	}
	if !bytes.Contains(page, []byte("<strong>Panic</strong>: boom")) {
		t.Error("outputs missing with NoInput")
	}
	md := string(Markdown(nb, MarkdownOptions{NoInput: true}).Text)
	if strings.Contains(md, "```go") || !strings.HasPrefix(md, "# Descent") || !strings.Contains(md, "```text\nhi red\n```") {
		t.Errorf("markdown with NoInput:\n%s", md)
	}
}

func TestGallery(t *testing.T) {
	nb := richNotebook(t)
	nb.Cells[0].Source = "# Descent\n\nThe *update* rule, [explained](https://x.org).\n\nMore."
	c := Describe(nb, "descent")
	if c.Title != "Descent" || c.Summary != "The update rule, explained." || !strings.HasPrefix(c.Thumb, "data:image/png;base64,") {
		t.Errorf("card: %+v", c)
	}
	if c := Describe(notebook.New(), "empty"); c.Title != "empty" || c.Summary != "" || c.Thumb != "" {
		t.Errorf("empty card: %+v", c)
	}
	c.Href = "descent.html"
	page, err := Gallery("Examples <1>", []Card{c, {Title: "Other", Href: "o.html"}}, HTMLOptions{Assets: frontend.Dist()})
	if err != nil {
		t.Fatal(err)
	}
	doc := string(page)
	balanced(t, doc)
	for _, u := range resources(t, doc) {
		if !strings.HasPrefix(u, "data:") {
			t.Errorf("the gallery loads %q", u)
		}
	}
	for _, want := range []string{"<title>Examples &lt;1&gt;</title>", `<a href="descent.html">`, "<h2>Descent</h2>", "<p>The update rule, explained.</p>", `<a href="o.html"><div class="no-thumb"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("gallery does not contain %q", want)
		}
	}
}

func TestHTML_LocalImage(t *testing.T) {
	dir := t.TempDir()
	data, _ := base64.StdEncoding.DecodeString(pngBase64(t))
	os.WriteFile(filepath.Join(dir, "fig.png"), data, 0o644)
	nb := notebook.New()
	nb.Cells = []*notebook.Cell{{ID: "a", Type: "markdown", Source: "![fig](fig.png) ![up](../../etc/passwd.png)", Metadata: map[string]any{}}}
	page, err := HTML(nb, HTMLOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`src="data:image/png;base64,`+base64.StdEncoding.EncodeToString(data)+`"`)) {
		t.Error("fig.png beside the notebook not inlined")
	}
}

func TestMarkdown(t *testing.T) {
	nb := richNotebook(t)
	r := Markdown(nb, MarkdownOptions{FilesDir: "rich_files"})
	md := string(r.Text)
	for _, want := range []string{
		"# Descent\n",
		"![att](rich_files/cell1_dot.png)",
		"```go\nn := 3\n```\n",
		"```text\nhi red\n```\n",
		"![output](rich_files/cell3_out3.png)",
		"![output](rich_files/cell3_out4.svg)",
		"<table><tr><td>rich</td></tr></table>",
		"```text\nIntSlider alpha: 7\n```",
		"$x^2$\n",
		"```text\nPanic: boom\n  at cell [2], line 2\n```",
		"```\nraw <text>\n```",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown does not contain %q:\n%s", want, md)
		}
	}
	for _, f := range []string{"rich_files/cell1_dot.png", "rich_files/cell3_out3.png", "rich_files/cell3_out4.svg"} {
		if len(r.Files[f]) == 0 {
			t.Errorf("file %s not written", f)
		}
	}
	if len(r.Files) != 3 {
		t.Errorf("files: got %d want 3", len(r.Files))
	}
	if _, err := png.Decode(bytes.NewReader(r.Files["rich_files/cell3_out3.png"])); err != nil {
		t.Errorf("written PNG does not decode: %v", err)
	}
}

func TestScript_RoundTrip(t *testing.T) {
	nb := richNotebook(t)
	nb.Cells = append(nb.Cells,
		&notebook.Cell{ID: "tricky", Type: "code", Metadata: map[string]any{}, Source: "// %% not a marker\ns := \"`\"\n\n\nfmt.Println(s)"},
		&notebook.Cell{ID: "empty", Type: "code", Metadata: map[string]any{}},
		&notebook.Cell{ID: "md2", Type: "markdown", Metadata: map[string]any{}, Source: "Line one\n\n// %% [markdown]\nlast"},
	)
	back, err := notebook.ParseScript(Script(nb))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Cells) != len(nb.Cells) {
		t.Fatalf("cells: got %d want %d", len(back.Cells), len(nb.Cells))
	}
	for i, c := range nb.Cells {
		if back.Cells[i].Type != c.Type || back.Cells[i].Source != c.Source {
			t.Errorf("cell %d: got %s %q want %s %q", i+1, back.Cells[i].Type, back.Cells[i].Source, c.Type, c.Source)
		}
	}
	if title := back.Cells[1].Metadata["title"]; title != `tags=["parameters"]` {
		t.Errorf("parameters cell marker: got %v", title)
	}
}

func TestSanitize(t *testing.T) {
	for i, test := range []struct{ in, want string }{
		{`<p>ok <em>x</em></p>`, `<p>ok <em>x</em></p>`},
		{`<img src=x onerror=alert(1)>`, `<img src="x"/>`},
		{`<a href="JaVaScRiPt:alert(1)">x</a>`, `<a>x</a>`},
		{`<a href=" java\tscript:alert(1)">x</a>`, `<a>x</a>`},
		{`<iframe src="https://evil"></iframe>after`, `after`},
		{`<div style="background:url(https://t)">x</div>`, `<div>x</div>`},
		{`<svg><script>alert(1)</script></svg>y`, `y`},
		{`<img src="data:text/html;base64,xx">`, `<img/>`},
		{`<a href="#sec">s</a>`, `<a href="#sec">s</a>`},
		{`<form action="/x"><input name=a></form>z`, `z`},
	} {
		if got := sanitize(test.in, nil); got != test.want {
			t.Errorf("%d: sanitize(%q): got %q want %q", i, test.in, got, test.want)
		}
	}
}

func TestHighlightGo(t *testing.T) {
	for i, test := range []struct{ in, want string }{
		{`x := 1 // one`, `x <span class="tok-o">:=</span> <span class="tok-n">1</span> <span class="tok-c">// one</span>`},
		{"func f() string { return \"<\" }", `<span class="tok-k">func</span> <span class="tok-f">f</span><span class="tok-o">(</span><span class="tok-o">)</span> <span class="tok-t">string</span> <span class="tok-o">{</span> <span class="tok-k">return</span> <span class="tok-s">&#34;&lt;&#34;</span> <span class="tok-o">}</span>`},
		{"a := `raw\nline`\n%%bad", "a <span class=\"tok-o\">:=</span> <span class=\"tok-s\">`raw\nline`</span>\n<span class=\"tok-o\">%</span><span class=\"tok-o\">%</span>bad"},
	} {
		if got := highlightGo(test.in); got != test.want {
			t.Errorf("%d: got %q want %q", i, got, test.want)
		}
	}
}

func TestHTML_Assets(t *testing.T) {
	assets := fstest.MapFS{
		"index.html":              {Data: []byte(`<link rel="icon" href="/static/f.svg"><link rel="stylesheet" href="/static/css/app-1a2b.css">`)},
		"static/css/app-1a2b.css": {Data: []byte(`.cell-x{background:url("../img/dot.png")} .far{background:url(https://evil.example/x.png)} @font-face{font-family:KaTeX_Main;src:url(../fonts/k.woff2)}`)},
		"static/img/dot.png":      {Data: []byte("PNG")},
		"static/fonts/k.woff2":    {Data: []byte("WOFF")},
	}
	nb := notebook.New()
	nb.Cells = []*notebook.Cell{{ID: "a", Type: "markdown", Source: "no math", Metadata: map[string]any{}}}
	page, err := HTML(nb, HTMLOptions{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	doc := string(page)
	for _, want := range []string{`.cell-x{background:url("data:image/png;base64,UE5H")}`, `.far{background:none}`} {
		if !strings.Contains(doc, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
	if strings.Contains(doc, "KaTeX_Main") || strings.Contains(doc, "evil.example") {
		t.Error("KaTeX font or a remote URL in a page without math")
	}
	nb.Cells[0].Source = "$x$"
	page, _ = HTML(nb, HTMLOptions{Assets: assets})
	if !bytes.Contains(page, []byte(`src:url("data:font/woff2;base64,V09GRg==")`)) {
		t.Error("KaTeX font not inlined in a page with math")
	}
}

func TestRenderMarkdown_DisplayMath(t *testing.T) {
	for i, test := range []struct{ src, want string }{
		// One line: the block ends on its own line, the paragraph after it stays a paragraph.
		{"$$x$$\nafter", `<div class="math-block"><span class="math-tex math-pending display" data-tex="x">$$x$$</span></div>` + "\n<p>after</p>"},
		{"$$ a+b $$\n\nnext paragraph", `data-tex="a+b">$$a+b$$</span></div>` + "\n<p>next paragraph</p>"},
		{"$$\nx^2\n$$\nafter", `data-tex="x^2">$$x^2$$</span></div>` + "\n<p>after</p>"},
	} {
		got := renderMarkdown(test.src, nil)
		if !strings.Contains(got, test.want) {
			t.Errorf("%d: got: %s want (within): %s", i, got, test.want)
		}
	}
}
