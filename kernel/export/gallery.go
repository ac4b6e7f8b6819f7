package export

import (
	"bytes"
	"encoding/base64"
	"html"
	"regexp"
	"strings"

	"tandem.dev/tandem/kernel/notebook"
)

// Card describes a notebook on a gallery page.
type Card struct {
	Title   string // the first heading, else the file name
	Summary string // the first paragraph of the first Markdown cell, as plain text
	Href    string // link to the notebook's page (relative)
	Thumb   string // data: URI of the first image output; "" if none
}

// Describe returns the card of nb (Href left empty): the title and first
// paragraph of its introduction, and its first image output.
func Describe(nb *notebook.Notebook, name string) Card {
	c := Card{Title: firstHeading(nb)}
	if c.Title == "Notebook" {
		c.Title = name
	}
	for _, cell := range nb.Cells {
		if cell.Type != "markdown" {
			continue
		}
		for _, para := range strings.Split(cell.Source, "\n\n") {
			p := strings.TrimSpace(para)
			if p == "" || strings.HasPrefix(p, "#") || strings.HasPrefix(p, "$$") || strings.HasPrefix(p, "<") {
				continue
			}
			c.Summary = plainText(p)
			break
		}
		if c.Summary != "" {
			break
		}
	}
	for _, cell := range nb.Cells {
		for _, o := range cell.Outputs {
			data, _ := o["data"].(map[string]any)
			for _, m := range []string{"image/png", "image/jpeg", "image/svg+xml"} {
				if v, ok := data[m]; ok && c.Thumb == "" {
					s := text(v)
					if m == "image/svg+xml" {
						c.Thumb = "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(s))
					} else {
						c.Thumb = "data:" + m + ";base64," + strings.Join(strings.Fields(s), "")
					}
				}
			}
		}
	}
	return c
}

var (
	mdLinkRe   = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdMarkRe   = regexp.MustCompile("[*_`]+")
	spaceRunRe = regexp.MustCompile(`\s+`)
)

// plainText strips the Markdown marks of a paragraph (links keep their
// text, math its TeX).
func plainText(p string) string {
	p = mdLinkRe.ReplaceAllString(p, "$1")
	p = mdMarkRe.ReplaceAllString(p, "")
	return strings.TrimSpace(spaceRunRe.ReplaceAllString(p, " "))
}

// Gallery renders a self-contained index page of notebooks: one card each
// with its title, summary and first plot, linking to its page.
func Gallery(title string, cards []Card, opts HTMLOptions) ([]byte, error) {
	e := &htmlExporter{opts: opts}
	css, err := e.styles()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("<!doctype html>\n<html lang=\"en\" data-theme=\"light\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n")
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; script-src 'unsafe-inline'">` + "\n")
	b.WriteString("<title>" + html.EscapeString(title) + "</title>\n")
	if opts.Assets != nil {
		b.WriteString("<script>if (matchMedia(\"(prefers-color-scheme: dark)\").matches) document.documentElement.dataset.theme = \"dark\";</script>\n")
	}
	b.WriteString("<style>\n" + css + "\n" + galleryCSS + "\n</style>\n</head>\n<body>\n<main class=\"cells gallery\">\n")
	b.WriteString("<h1>" + html.EscapeString(title) + "</h1>\n<ul class=\"cards\">\n")
	for _, c := range cards {
		b.WriteString(`<li class="card"><a href="` + html.EscapeString(c.Href) + `">`)
		if c.Thumb != "" {
			b.WriteString(`<img class="image-output" alt="" src="` + html.EscapeString(c.Thumb) + `">`)
		} else {
			b.WriteString(`<div class="no-thumb" aria-hidden="true"></div>`)
		}
		b.WriteString(`<h2>` + html.EscapeString(c.Title) + `</h2></a>`)
		if c.Summary != "" {
			b.WriteString(`<p>` + html.EscapeString(c.Summary) + `</p>`)
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</ul>\n</main>\n</body>\n</html>\n")
	return b.Bytes(), nil
}

const galleryCSS = `.cells.gallery{padding:18px 24px 48px}.gallery h1{font-size:1.8em;margin:.4em 0 .8em}
.cards{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:18px}
.card{background:var(--surface);border:1px solid var(--border);border-radius:var(--radius,8px);padding:12px;display:flex;flex-direction:column;gap:6px}
.card a{color:inherit;text-decoration:none}.card a:hover h2{color:var(--accent)}
.card img,.card .no-thumb{width:100%;height:180px;object-fit:contain;border-radius:6px;background:var(--code-bg)}
.card h2{font-size:1.1em;margin:6px 0 0}.card p{margin:0;color:var(--muted);font-size:14px;line-height:1.45}`
