package export

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"tandem.dev/tandem/kernel/notebook"
)

// MarkdownOptions configure Markdown.
type MarkdownOptions struct {
	// FilesDir is the folder, relative to the Markdown file, that images
	// are written to and linked from (such as "analysis_files"). "" means
	// "files".
	FilesDir string
	// NoInput leaves out the code of code cells.
	NoInput bool
}

// MarkdownResult is a notebook as Markdown plus the files it links.
type MarkdownResult struct {
	Text  []byte
	Files map[string][]byte // path relative to the Markdown file (under FilesDir) → content
}

// Markdown renders nb as CommonMark: Markdown cells as they are, code cells
// as ```go fences, text outputs as fenced text, images written to
// FilesDir and linked, HTML outputs as raw HTML, errors as fenced
// tracebacks. Markdown-cell attachments are written out too.
func Markdown(nb *notebook.Notebook, opts MarkdownOptions) *MarkdownResult {
	if opts.FilesDir == "" {
		opts.FilesDir = "files"
	}
	r := &MarkdownResult{Files: map[string][]byte{}}
	states := widgetStates(nb)
	var b strings.Builder
	for i, c := range nb.Cells {
		if opts.NoInput && c.Type == "code" && len(c.Outputs) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		switch c.Type {
		case "markdown":
			src := c.Source
			for _, name := range sortedKeys(c.Attachments) {
				att, _ := c.Attachments[name].(map[string]any)
				for _, m := range sortedKeys(att) {
					data, ok := decodeImage(m, att[m])
					if !ok {
						continue
					}
					file := fmt.Sprintf("%s/cell%d_%s", opts.FilesDir, i+1, safeName(name))
					r.Files[file] = data
					src = strings.ReplaceAll(src, "attachment:"+name, escapePath(file))
					src = strings.ReplaceAll(src, "attachment:"+url.PathEscape(name), escapePath(file))
					break
				}
			}
			b.WriteString(strings.TrimRight(src, "\n") + "\n")
		case "raw":
			b.WriteString(fence(c.Source, ""))
		default:
			if !opts.NoInput {
				b.WriteString(fence(c.Source, "go"))
			}
			for j, o := range c.Outputs {
				if j > 0 || !opts.NoInput {
					b.WriteString("\n")
				}
				b.WriteString(markdownOutput(r, opts, o, states, fmt.Sprintf("cell%d_out%d", i+1, j+1)))
			}
		}
	}
	r.Text = []byte(b.String())
	return r
}

// fence puts s in a code fence longer than any backtick run inside it.
func fence(s, lang string) string {
	n := 3
	run := 0
	for _, r := range s {
		if r == '`' {
			run++
			n = max(n, run+1)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", n)
	s = strings.TrimRight(s, "\n")
	return f + lang + "\n" + s + "\n" + f + "\n"
}

var imageExt = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp", "image/svg+xml": ".svg"}

func decodeImage(mime string, v any) ([]byte, bool) {
	if _, ok := imageExt[mime]; !ok {
		return nil, false
	}
	s := text(v)
	if mime == "image/svg+xml" {
		return []byte(s), true
	}
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
	return data, err == nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

func markdownOutput(r *MarkdownResult, opts MarkdownOptions, o map[string]any, states map[string]map[string]any, base string) string {
	switch o["output_type"] {
	case "stream":
		return fence(collapseCR(stripANSI(str(o["text"]))), "text")
	case "error":
		var lines []string
		tb, _ := o["traceback"].([]any)
		for _, l := range tb {
			lines = append(lines, stripANSI(str(l)))
		}
		if len(lines) == 0 {
			lines = []string{str(o["ename"]) + ": " + str(o["evalue"])}
		}
		return fence(strings.Join(lines, "\n"), "text")
	}
	data, _ := o["data"].(map[string]any)
	for _, m := range []string{"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"} {
		if v, ok := data[m]; ok {
			if b, ok := decodeImage(m, v); ok {
				file := opts.FilesDir + "/" + base + imageExt[m]
				r.Files[file] = b
				return "![output](" + escapePath(file) + ")\n"
			}
		}
	}
	if v, ok := data["text/markdown"]; ok {
		return strings.TrimRight(text(v), "\n") + "\n"
	}
	if v, ok := data["text/latex"]; ok {
		return strings.TrimRight(text(v), "\n") + "\n"
	}
	if v, ok := data[WidgetViewMIME]; ok && states != nil {
		if s := widgetText(v, states); s != "" {
			return fence(s, "text")
		}
	}
	if v, ok := data["text/html"]; ok {
		return strings.TrimSpace(text(v)) + "\n"
	}
	if v, ok := data["application/json"]; ok {
		js, _ := json.MarshalIndent(v, "", "  ")
		return fence(string(js), "json")
	}
	if v, ok := data["text/plain"]; ok {
		return fence(stripANSI(text(v)), "text")
	}
	if len(data) == 0 {
		return ""
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "*(output: " + strings.Join(keys, ", ") + ")*\n"
}

// widgetText is a one-line description of a widget from the snapshot.
func widgetText(view any, states map[string]map[string]any) string {
	v, _ := view.(map[string]any)
	m, ok := states[str(v["model_id"])]
	if !ok {
		return ""
	}
	st, _ := m["state"].(map[string]any)
	name := strings.TrimSuffix(str(m["model_name"]), "Model")
	s := name
	if d := str(st["description"]); d != "" {
		s += " " + d
	}
	if val, ok := st["value"]; ok && !isMap(val) {
		s += ": " + valueText(val)
	}
	return s
}

// Script returns nb as a percent-format Go script (notebook.FormatScript):
// every cell's source and type, no outputs. A cell's tags (such as
// "parameters") go on its marker line the way jupytext writes them,
// `// %% tags=["parameters"]`, unless the cell has a title already.
func Script(nb *notebook.Notebook) []byte {
	cp := *nb
	cp.Cells = make([]*notebook.Cell, len(nb.Cells))
	for i, c := range nb.Cells {
		cp.Cells[i] = c
		tags, _ := c.Metadata["tags"].([]any)
		if _, titled := c.Metadata["title"]; titled || len(tags) == 0 {
			continue
		}
		var qs []string
		for _, t := range tags {
			if s, ok := t.(string); ok && s != "" && !strings.ContainsAny(s, "\"\n]") {
				qs = append(qs, `"`+s+`"`)
			}
		}
		if len(qs) == 0 {
			continue
		}
		cc := *c
		cc.Metadata = map[string]any{"title": "tags=[" + strings.Join(qs, ", ") + "]"}
		cp.Cells[i] = &cc
	}
	return notebook.FormatScript(&cp)
}
