package export

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// exportCSS adapts the app's styles to a static page: code shown without
// the editor's gutter, every cell painted (no content-visibility), no
// editing chrome.
const exportCSS = `.export .cells{padding-bottom:48px}.export .cell{content-visibility:visible}
.cell-placeholder.code{padding:6px 10px;overflow-x:auto;cursor:auto}.cell-placeholder.code code{font:inherit}
.cell.failed .cell-prompt{color:var(--error)}.cell.raw .cell-placeholder{padding-left:10px;white-space:pre-wrap}
@media print{.cell{break-inside:avoid}}`

// fallbackCSS is used when no app assets are given: the app's palette and
// the few rules the export's markup relies on.
const fallbackCSS = `:root{--sans:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;--mono:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;--code-size:13.5px;
--bg:#f6f7f9;--surface:#fff;--fg:#1f2328;--muted:#5b636e;--border:#d8dde3;--accent:#2458c6;--code-bg:#f7f8fa;--code-fg:#1f2328;--error:#c4271b;--error-soft:#fdf0ee;
--tok-keyword:#a626a4;--tok-string:#2f7d32;--tok-number:#b35900;--tok-comment:#6a737d;--tok-type:#0d6e8c;--tok-func:#2458c6;--tok-def:#1f2328;--tok-op:#48505a}
html,body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 var(--sans)}
.cells{max-width:1100px;margin:0 auto;padding:18px 24px}
.cell{display:grid;grid-template-columns:64px minmax(0,1fr);margin:6px 0;padding:6px 8px 6px 0}
.cell-prompt{padding-top:8px;text-align:right;padding-right:10px;font:12.5px/1.6 var(--mono);color:var(--muted)}
.cell-main{min-width:0}.cell-input{border:1px solid var(--border);border-radius:6px;overflow:hidden;background:var(--code-bg)}
.cell-placeholder{margin:0;font:var(--code-size)/1.5 var(--mono);white-space:pre;color:var(--code-fg);tab-size:4}
.cell-md{padding:2px 10px}.cell-outputs{padding:6px 2px 0}.output{margin:2px 0 4px}
.text-output pre{margin:0;font:var(--code-size)/1.45 var(--mono);white-space:pre-wrap;overflow-wrap:anywhere;tab-size:4}
.text-output.stderr{background:var(--error-soft);border-radius:4px;padding:2px 6px}
.error-output{border-left:3px solid var(--error);background:var(--error-soft);border-radius:4px;padding:6px 10px;font-size:14px}
.error-output .error-head{font-family:var(--mono);font-size:13px;color:var(--error);white-space:pre-wrap}
.error-output .traceback{margin:6px 0 0;font:12.5px/1.45 var(--mono);white-space:pre-wrap}
.image-output{max-width:100%;height:auto;display:block;border-radius:4px}.output-frame{width:100%;border:0;display:block}
.rendered-markdown{line-height:1.6}.rendered-markdown code{font-family:var(--mono);font-size:.88em;background:var(--code-bg);border:1px solid var(--border);border-radius:4px;padding:0 4px}
.rendered-markdown pre{background:var(--code-bg);border:1px solid var(--border);border-radius:6px;padding:8px 10px;overflow-x:auto}.rendered-markdown pre code{border:0;padding:0;background:none}
.rendered-markdown table{border-collapse:collapse}.rendered-markdown th,.rendered-markdown td{border:1px solid var(--border);padding:4px 10px}.rendered-markdown img{max-width:100%}
.math-block{overflow-x:auto}.math-pending{font-family:var(--mono);font-size:.9em;color:var(--muted)}.math-pending.display{display:block;text-align:center}
.unknown-output{color:var(--muted);font-style:italic;font-size:13px}`

var (
	urlRe      = regexp.MustCompile(`url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)`)
	fontFaceRe = regexp.MustCompile(`@font-face\s*\{[^}]*\}`)
)

// styles returns the page's CSS: the app's app.css with its fonts inlined
// (KaTeX's only when the page has math), then the export's own rules.
func (e *htmlExporter) styles() (string, error) {
	extra := exportCSS + "\n" + highlightCSS + "\n" + widgetCSS
	if e.opts.Assets == nil {
		return fallbackCSS + "\n" + extra, nil
	}
	var sheets []string
	for _, p := range stylesheets(e.opts.Assets) {
		data, err := fs.ReadFile(e.opts.Assets, p)
		if err == nil {
			sheets = append(sheets, e.inlineURLs(string(data), path.Dir(p)))
		}
	}
	if len(sheets) == 0 {
		return fallbackCSS + "\n" + extra, nil
	}
	return strings.Join(sheets, "\n") + "\n" + extra, nil
}

// inlineURLs turns the url()s of a stylesheet in folder dir of the assets
// into data: URIs (KaTeX's fonts only when the page has math); a URL it
// cannot inline becomes none: nothing leaves the page.
func (e *htmlExporter) inlineURLs(css, dir string) string {
	if !e.math {
		css = fontFaceRe.ReplaceAllStringFunc(css, func(f string) string {
			if strings.Contains(f, "KaTeX") {
				return ""
			}
			return f
		})
	}
	return urlRe.ReplaceAllStringFunc(css, func(u string) string {
		m := urlRe.FindStringSubmatch(u)
		ref := m[1] + m[2] + m[3]
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") {
			return u
		}
		if strings.Contains(ref, ":") || strings.HasPrefix(ref, "//") {
			return "none"
		}
		ref, _, _ = strings.Cut(ref, "?")
		ref, _, _ = strings.Cut(ref, "#")
		p := path.Clean(path.Join(dir, ref))
		if strings.HasPrefix(ref, "/") {
			p = path.Clean(strings.TrimPrefix(ref, "/"))
		}
		b, err := fs.ReadFile(e.opts.Assets, p)
		if err != nil {
			return "none"
		}
		return `url("data:` + mimeOf(p) + `;base64,` + base64.StdEncoding.EncodeToString(b) + `")`
	})
}

var stylesheetRe = regexp.MustCompile(`<link\b[^>]*\brel="stylesheet"[^>]*\bhref="/?([^"]+\.css)"`)

// stylesheets returns the app's stylesheets as its index.html links them
// (static/app.css if it names none).
func stylesheets(assets fs.FS) []string {
	var out []string
	if index, err := fs.ReadFile(assets, "index.html"); err == nil {
		for _, m := range stylesheetRe.FindAllStringSubmatch(string(index), -1) {
			if p := path.Clean(m[1]); fs.ValidPath(p) {
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		out = []string{"static/app.css"}
	}
	return out
}

func mimeOf(p string) string {
	switch path.Ext(p) {
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".ttf":
		return "font/ttf"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".js":
		return "text/javascript"
	}
	return "application/octet-stream"
}

var importRe = regexp.MustCompile(`(\bimport\s*|\bfrom\s*)"(\./[A-Za-z0-9_.-]+\.js)"`)

// moduleURL returns the ES module at p of the assets as a data: URL, its
// relative imports turned into data: URLs too (a data: URL has no base to
// resolve them against).
func (e *htmlExporter) moduleURL(p string, depth int) (string, error) {
	if depth > 8 {
		return "", fmt.Errorf("export html: module imports nest too deep at %s", p)
	}
	b, err := fs.ReadFile(e.opts.Assets, p)
	if err != nil {
		return "", err
	}
	var ierr error
	src := importRe.ReplaceAllStringFunc(string(b), func(s string) string {
		m := importRe.FindStringSubmatch(s)
		u, err := e.moduleURL(path.Join(path.Dir(p), m[2]), depth+1)
		if err != nil {
			ierr = err
			return s
		}
		return m[1] + `"` + u + `"`
	})
	if ierr != nil {
		return "", ierr
	}
	return "data:text/javascript;base64," + base64.StdEncoding.EncodeToString([]byte(src)), nil
}

// katexScript typesets the page's math-tex elements with the app's KaTeX
// (static/chunks/katex-*.js), inlined. Without it the TeX stays as text.
func (e *htmlExporter) katexScript() (string, error) {
	if e.opts.Assets == nil {
		return "", nil
	}
	ms, _ := fs.Glob(e.opts.Assets, "static/chunks/katex-*.js")
	if len(ms) == 0 {
		return "", nil
	}
	u, err := e.moduleURL(ms[0], 0)
	if err != nil {
		return "", fmt.Errorf("export html: inline KaTeX: %w", err)
	}
	return `<script type="module">
const els = document.querySelectorAll(".math-tex");
if (els.length) {
  const katex = (await import("` + u + `")).default;
  for (const el of els) {
    const display = el.classList.contains("display");
    el.innerHTML = katex.renderToString(el.dataset.tex, { displayMode: display, throwOnError: false, output: "htmlAndMathml", strict: "ignore" });
    el.classList.remove("math-pending");
  }
}
</script>
`, nil
}
