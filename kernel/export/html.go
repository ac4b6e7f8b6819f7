package export

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"tandem.dev/tandem/kernel/notebook"
)

// HTMLOptions configure HTML.
type HTMLOptions struct {
	// Assets is the built app (frontend.Dist()): static/app.css gives the
	// page the app's look, static/chunks/katex-*.js and static/fonts/ the
	// math. Nil: built-in minimal styles, math left as TeX.
	Assets fs.FS
	// Title of the page ("" : the notebook's first heading, else "Notebook").
	Title string
	// Dir is the notebook's folder: images a Markdown cell names by a
	// relative path are read from it and inlined ("" : not inlined).
	Dir string
	// NoInput leaves out the code of code cells (a report of the outputs),
	// as nbconvert's --no-input does.
	NoInput bool
}

// HTML renders nb as one self-contained HTML page that looks like the
// notebook in the app: its styles, fonts, images and math inline, Markdown
// rendered and sanitized, code highlighted, rich HTML and JavaScript
// outputs inside <iframe sandbox="allow-scripts" srcdoc=…> (never in the
// page itself), and widgets drawn from the notebook's widget-state
// snapshot. The page loads nothing: a Content-Security-Policy forbids any
// request. It fails only when Assets holds a malformed app.
func HTML(nb *notebook.Notebook, opts HTMLOptions) ([]byte, error) {
	e := &htmlExporter{nb: nb, opts: opts, widgets: widgetStates(nb), ids: map[string]bool{}}
	var cells bytes.Buffer
	for i, c := range nb.Cells {
		e.cell(&cells, i, c)
	}
	css, err := e.styles()
	if err != nil {
		return nil, err
	}
	title := opts.Title
	if title == "" {
		title = firstHeading(nb)
	}
	var b bytes.Buffer
	b.WriteString("<!doctype html>\n<html lang=\"en\" data-theme=\"light\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n")
	// No request of any kind leaves the page or its frames (srcdoc frames
	// inherit this policy): the file is the whole notebook.
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:; script-src 'unsafe-inline' data:; frame-src 'self' data: about:">` + "\n")
	b.WriteString(`<meta name="generator" content="tandem export">` + "\n")
	b.WriteString("<title>" + html.EscapeString(title) + "</title>\n")
	if e.opts.Assets != nil {
		// The app's dark theme when the reader's system asks for it
		// (before the first paint; the frames follow the same query).
		b.WriteString("<script>if (matchMedia(\"(prefers-color-scheme: dark)\").matches) document.documentElement.dataset.theme = \"dark\";</script>\n")
	}
	b.WriteString("<style>\n")
	b.WriteString(css)
	b.WriteString("\n</style>\n</head>\n<body>\n<div class=\"notebook-page export\">\n<main class=\"cells\" aria-label=\"Notebook cells\">\n")
	b.Write(cells.Bytes())
	b.WriteString("</main>\n</div>\n")
	if e.frames > 0 {
		b.WriteString("<script>\n" + frameResizeJS + "\n</script>\n")
	}
	if e.math {
		js, err := e.katexScript()
		if err != nil {
			return nil, err
		}
		b.WriteString(js)
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes(), nil
}

type htmlExporter struct {
	nb      *notebook.Notebook
	opts    HTMLOptions
	widgets map[string]map[string]any
	ids     map[string]bool // element ids given to cells
	frames  int             // sandboxed frames written
	math    bool            // math written
}

func (e *htmlExporter) cell(b *bytes.Buffer, i int, c *notebook.Cell) {
	id := c.ID
	if id == "" || e.ids[id] {
		id = fmt.Sprintf("n%d", i+1) // element ids must be unique
	}
	e.ids[id] = true
	id = html.EscapeString(id)
	switch c.Type {
	case "markdown":
		out := renderMarkdown(c.Source, e.resolver(c))
		e.noteMath(out)
		fmt.Fprintf(b, "<section class=\"cell markdown rendered\" id=\"cell-%s\">\n<div class=\"cell-prompt\" aria-hidden=\"true\"></div>\n<div class=\"cell-main\"><div class=\"cell-md rendered-markdown\">\n%s</div></div>\n</section>\n", id, out)
	case "raw":
		fmt.Fprintf(b, "<section class=\"cell raw\" id=\"cell-%s\">\n<div class=\"cell-prompt\" aria-hidden=\"true\"></div>\n<div class=\"cell-main\"><div class=\"cell-input\"><pre class=\"cell-placeholder\">%s</pre></div></div>\n</section>\n", id, html.EscapeString(c.Source))
	default:
		prompt := "[ ]"
		if c.ExecutionCount != nil {
			prompt = fmt.Sprintf("[%d]", *c.ExecutionCount)
		}
		cls := "cell code"
		for _, o := range c.Outputs {
			if o["output_type"] == "error" {
				cls += " failed"
				break
			}
		}
		if e.opts.NoInput {
			if len(c.Outputs) == 0 {
				return
			}
			fmt.Fprintf(b, "<section class=\"%s\" id=\"cell-%s\">\n<div class=\"cell-prompt\" aria-hidden=\"true\">%s</div>\n<div class=\"cell-main\">\n", cls, id, prompt)
		} else {
			fmt.Fprintf(b, "<section class=\"%s\" id=\"cell-%s\">\n<div class=\"cell-prompt\" aria-hidden=\"true\">%s</div>\n<div class=\"cell-main\">\n<div class=\"cell-input\"><pre class=\"cell-placeholder code\"><code>%s</code></pre></div>\n",
				cls, id, prompt, highlightGo(c.Source))
		}
		if len(c.Outputs) > 0 {
			b.WriteString("<div class=\"cell-outputs\">\n")
			for _, o := range c.Outputs {
				b.WriteString(e.output(o))
				b.WriteByte('\n')
			}
			b.WriteString("</div>\n")
		}
		b.WriteString("</div>\n</section>\n")
	}
}

func (e *htmlExporter) noteMath(s string) {
	if strings.Contains(s, `class="math-tex`) {
		e.math = true
	}
}

// resolver inlines a Markdown cell's images: attachments and files beside
// the notebook.
func (e *htmlExporter) resolver(c *notebook.Cell) func(string) string {
	return func(src string) string {
		if name, ok := strings.CutPrefix(src, "attachment:"); ok {
			if n, err := url.PathUnescape(name); err == nil {
				name = n
			}
			att, _ := c.Attachments[name].(map[string]any)
			for _, m := range sortedKeys(att) {
				if s, ok := att[m].(string); ok && strings.HasPrefix(m, "image/") {
					if m == "image/svg+xml" {
						return "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(s))
					}
					return "data:" + m + ";base64," + strings.Join(strings.Fields(s), "")
				}
			}
			return ""
		}
		if e.opts.Dir == "" || strings.Contains(src, ":") || strings.HasPrefix(src, "/") || strings.HasPrefix(src, "//") {
			return ""
		}
		p, err := url.PathUnescape(strings.SplitN(src, "?", 2)[0])
		if err != nil {
			return ""
		}
		full := filepath.Join(e.opts.Dir, filepath.FromSlash(path.Clean("/"+p)))
		data, err := os.ReadFile(full)
		if err != nil || len(data) > 20<<20 {
			return ""
		}
		mt := mime.TypeByExtension(filepath.Ext(full))
		if !strings.HasPrefix(mt, "image/") {
			return ""
		}
		mt, _, _ = strings.Cut(mt, ";")
		return "data:" + mt + ";base64," + base64.StdEncoding.EncodeToString(data)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// mimeOrder is the app's preference (frontend/src/outputs/registry.ts),
// with widget views first when the snapshot has them.
var mimeOrder = []string{WidgetViewMIME, "application/javascript", "text/html", "text/markdown", "image/svg+xml",
	"image/png", "image/jpeg", "image/gif", "image/webp", "text/latex", "application/json", "text/plain"}

// output renders one nbformat output.
func (e *htmlExporter) output(o map[string]any) string {
	switch o["output_type"] {
	case "stream":
		cls := "stdout"
		if o["name"] == "stderr" {
			cls = "stderr"
		}
		return `<div class="output">` + textBlock(str(o["text"]), cls) + `</div>`
	case "error":
		return `<div class="output">` + errorBlock(o) + `</div>`
	}
	data, _ := o["data"].(map[string]any)
	meta, _ := o["metadata"].(map[string]any)
	for _, m := range mimeOrder {
		v, ok := data[m]
		if !ok {
			continue
		}
		s := text(v)
		out := ""
		switch m {
		case WidgetViewMIME:
			w, ok := e.widgetHTML(v)
			if !ok {
				continue // no snapshot: the bundle's other types
			}
			out = w
		case "application/javascript":
			out = e.frame("<script>"+strings.ReplaceAll(s, "</script", `<\/script`)+"</script>", "script output")
		case "text/html":
			out = e.frame(s, "HTML output")
		case "text/markdown":
			h := renderMarkdown(s, nil)
			e.noteMath(h)
			out = `<div class="markdown-output rendered-markdown">` + h + `</div>`
		case "image/svg+xml":
			// As the app does: an <img> cannot run the SVG's scripts.
			out = `<img class="image-output svg-output" alt="SVG image output" src="data:image/svg+xml;base64,` + base64.StdEncoding.EncodeToString([]byte(s)) + `">`
		case "image/png", "image/jpeg", "image/gif", "image/webp":
			out = `<img class="image-output" ` + imageSize(meta, m) + `alt="image output" src="data:` + m + `;base64,` + html.EscapeString(strings.Join(strings.Fields(s), "")) + `">`
		case "text/latex":
			tex := strings.TrimSpace(s)
			for _, d := range [][2]string{{"$$", "$$"}, {`\[`, `\]`}, {"$", "$"}} {
				if len(tex) >= len(d[0])+len(d[1]) && strings.HasPrefix(tex, d[0]) && strings.HasSuffix(tex, d[1]) {
					tex = tex[len(d[0]) : len(tex)-len(d[1])]
					break
				}
			}
			e.math = true
			out = `<div class="latex-output">` + mathHTML(tex, true) + `</div>`
		case "application/json":
			js, _ := json.MarshalIndent(v, "", "  ")
			out = textBlock(string(js), "json-output")
		case "text/plain":
			out = textBlock(s, "plain-output")
		}
		return `<div class="output" data-mime="` + m + `">` + out + `</div>`
	}
	if len(data) == 0 {
		return ""
	}
	return `<div class="output unknown-output">No renderer for ` + html.EscapeString(strings.Join(sortedKeys(data), ", ")) + `.</div>`
}

func imageSize(meta map[string]any, m string) string {
	mm, _ := meta[m].(map[string]any)
	if mm == nil {
		mm = meta
	}
	var s string
	if w := num(mm["width"]); w > 0 {
		s += fmt.Sprintf(`width="%v" `, w)
	}
	if h := num(mm["height"]); h > 0 {
		s += fmt.Sprintf(`height="%v" `, h)
	}
	return s
}

// text is a MIME value as a string (nbformat may hold lines as an array).
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var b strings.Builder
		for _, x := range v {
			b.WriteString(str(x))
		}
		return b.String()
	}
	js, _ := json.Marshal(v)
	return string(js)
}

// collapseCR keeps what a terminal shows of each line: the text after its
// last carriage return (progress bars redraw a line with "\r").
func collapseCR(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if j := strings.LastIndexByte(l, '\r'); j >= 0 {
			l = l[j+1:]
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

func textBlock(s, cls string) string {
	s = collapseCR(s)
	return `<div class="text-output ` + cls + `"><pre>` + ansiHTML(s) + `</pre></div>`
}

func errorBlock(o map[string]any) string {
	var b strings.Builder
	ename, evalue := str(o["ename"]), str(o["evalue"])
	b.WriteString(`<div class="error-output" role="alert"><div class="error-head"><strong>` + html.EscapeString(ename) + `</strong>`)
	if evalue != "" {
		b.WriteString(": " + ansiHTML(evalue))
	}
	b.WriteString(`</div>`)
	tb, _ := o["traceback"].([]any)
	head1 := strings.TrimSpace(stripANSI(ename + ": " + evalue))
	head2 := strings.TrimSpace(stripANSI(evalue))
	var rows []string
	for _, l := range tb {
		s := str(l)
		if t := strings.TrimSpace(stripANSI(s)); t == head1 || t == head2 {
			continue
		}
		rows = append(rows, ansiHTML(s))
	}
	if len(rows) > 0 {
		b.WriteString(`<pre class="traceback">` + strings.Join(rows, "\n") + `</pre>`) // phrasing content only in a pre
	}
	b.WriteString(`</div>`)
	return b.String()
}

// frame puts HTML in a sandboxed frame: scripts run, in an opaque origin
// that cannot touch the page (no allow-same-origin).
func (e *htmlExporter) frame(body, title string) string {
	e.frames++
	doc := frameDocument(body)
	return `<iframe class="output-frame" sandbox="allow-scripts" referrerpolicy="no-referrer" title="` + html.EscapeString(title) +
		`" style="height:40px" srcdoc="` + html.EscapeString(doc) + `"></iframe>`
}

// frameDocument is the app's frame document (frontend/src/outputs/frame.ts),
// in the theme the reader's system asks for, as the page.
func frameDocument(body string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>
:root{color-scheme:light dark}body{margin:0;padding:2px 0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:transparent;overflow-x:auto}
@media (prefers-color-scheme: dark){body{color:#e6e6e6}}
table{border-collapse:collapse}th,td{border:1px solid rgba(128,128,128,.35);padding:3px 8px;text-align:right}th{background:rgba(128,128,128,.12)}img,svg{max-width:100%}
</style></head><body>` + body + frameReportJS + `</body></html>`
}

// frameReportJS runs in each frame and posts its height to the page.
const frameReportJS = `<script>(function(){var last=0;function post(){var h=Math.max(document.documentElement.scrollHeight,document.body?document.body.scrollHeight:0);if(h!==last){last=h;parent.postMessage({tandemFrameHeight:h},"*");}}
if(typeof ResizeObserver!=="undefined"){new ResizeObserver(post).observe(document.documentElement);}window.addEventListener("load",post);setTimeout(post,0);setTimeout(post,300);})();</script>`

// frameResizeJS sizes each frame to the height it reports.
const frameResizeJS = `addEventListener("message", function (e) {
  var d = e.data;
  if (!d || typeof d.tandemFrameHeight !== "number" || !isFinite(d.tandemFrameHeight)) return;
  var fs = document.querySelectorAll("iframe.output-frame");
  for (var i = 0; i < fs.length; i++) {
    if (fs[i].contentWindow === e.source) {
      fs[i].style.height = Math.min(Math.max(Math.ceil(d.tandemFrameHeight), 24), 4000) + "px";
    }
  }
});`

var ansiRe = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

func stripANSI(s string) string { return ansiRe.ReplaceAllString(s, "") }

// ansiHTML escapes text and turns ANSI SGR colours into the app's
// ansi-* classes (frontend/src/outputs/ansi.ts); other escapes are dropped.
func ansiHTML(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return html.EscapeString(s)
	}
	var b strings.Builder
	open := false
	last := 0
	for _, m := range ansiRe.FindAllStringIndex(s, -1) {
		b.WriteString(html.EscapeString(s[last:m[0]]))
		last = m[1]
		seq := s[m[0]:m[1]]
		if !strings.HasSuffix(seq, "m") {
			continue
		}
		if open {
			b.WriteString("</span>")
			open = false
		}
		var cls []string
		for _, p := range strings.Split(seq[2:len(seq)-1], ";") {
			switch {
			case p == "1":
				cls = append(cls, "ansi-bold")
			case p == "2":
				cls = append(cls, "ansi-dim")
			case p == "3":
				cls = append(cls, "ansi-italic")
			case p == "4":
				cls = append(cls, "ansi-underline")
			case len(p) == 2 && (p[0] == '3' || p[0] == '9') && p[1] >= '0' && p[1] <= '7':
				c := ansiNames[p[1]-'0']
				if p[0] == '9' {
					c = "bright-" + c
				}
				cls = append(cls, "ansi-fg-"+c)
			case len(p) == 2 && p[0] == '4' && p[1] >= '0' && p[1] <= '7':
				cls = append(cls, "ansi-bg-"+ansiNames[p[1]-'0'])
			case len(p) == 3 && p[:2] == "10" && p[2] >= '0' && p[2] <= '7':
				cls = append(cls, "ansi-bg-bright-"+ansiNames[p[2]-'0'])
			}
		}
		if len(cls) > 0 {
			b.WriteString(`<span class="` + strings.Join(cls, " ") + `">`)
			open = true
		}
	}
	b.WriteString(html.EscapeString(s[last:]))
	if open {
		b.WriteString("</span>")
	}
	return b.String()
}

var ansiNames = [8]string{"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"}

var headingRe = regexp.MustCompile(`(?m)^#{1,6}\s+(.+?)\s*#*\s*$`)

func firstHeading(nb *notebook.Notebook) string {
	for _, c := range nb.Cells {
		if c.Type == "markdown" {
			if m := headingRe.FindStringSubmatch(c.Source); m != nil {
				return m[1]
			}
		}
	}
	return "Notebook"
}
