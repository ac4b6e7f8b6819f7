package export

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// sanitize cleans HTML from Markdown for the export page, as the app's
// DOMPurify pass does for its page: no scripts, styles, frames, forms or
// event handlers, no javascript: URLs. Links open in a new tab. resolve may
// rewrite an image source (to a data URI); "" keeps it.
func sanitize(s string, resolve func(string) string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return html.EscapeString(s)
	}
	var buf bytes.Buffer
	for _, n := range nodes {
		if clean(n, resolve) {
			_ = html.Render(&buf, n)
		}
	}
	return buf.String()
}

// forbidden elements are dropped with their content.
var forbidden = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "form": true, "input": true, "button": true, "textarea": true, "select": true, "option": true,
	"link": true, "meta": true, "base": true, "template": true, "noscript": true, "title": true, "head": true,
	"svg": true, "math": true, "audio": true, "video": true, "source": true, "track": true, "portal": true,
}

// urlAttrs hold URLs.
var urlAttrs = map[string]bool{"href": true, "src": true, "xlink:href": true, "action": true, "formaction": true,
	"background": true, "poster": true, "cite": true, "longdesc": true, "srcset": true}

// clean sanitizes n in place and reports whether to keep it.
func clean(n *html.Node, resolve func(string) string) bool {
	switch n.Type {
	case html.CommentNode, html.DoctypeNode:
		return false
	case html.TextNode:
		return true
	case html.ElementNode:
	default:
		return false
	}
	if forbidden[strings.ToLower(n.Data)] {
		return false
	}
	attrs := n.Attr[:0]
	for _, a := range n.Attr {
		k := strings.ToLower(a.Key)
		if strings.HasPrefix(k, "on") || k == "srcdoc" || k == "formaction" || a.Namespace != "" {
			continue
		}
		if urlAttrs[k] {
			if k == "srcset" {
				continue
			}
			v := strings.TrimSpace(a.Val)
			if n.Data == "img" && k == "src" && resolve != nil {
				if r := resolve(v); r != "" {
					v = r
				}
			}
			if !safeURL(v, n.Data == "img" && k == "src") {
				continue
			}
			a.Val = v
		}
		if k == "style" && unsafeStyle(a.Val) {
			continue
		}
		attrs = append(attrs, a)
	}
	n.Attr = attrs
	if n.Data == "a" {
		for _, a := range n.Attr {
			if a.Key == "href" && !strings.HasPrefix(a.Val, "#") {
				n.Attr = append(n.Attr, html.Attribute{Key: "target", Val: "_blank"}, html.Attribute{Key: "rel", Val: "noopener noreferrer"})
				break
			}
		}
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if !clean(c, resolve) {
			n.RemoveChild(c)
		}
		c = next
	}
	return true
}

// safeURL allows relative URLs, http(s), mailto, fragments and, for images,
// data:image/ URIs.
func safeURL(u string, image bool) bool {
	l := strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, u))
	i := strings.IndexAny(l, ":/?#")
	if i < 0 || l[i] != ':' {
		return true // relative
	}
	switch scheme := l[:i]; scheme {
	case "http", "https", "mailto":
		return true
	case "data":
		return image && strings.HasPrefix(l, "data:image/") // an image cannot run script
	}
	return false
}

// unsafeStyle catches CSS that loads resources or runs script (old IE).
func unsafeStyle(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "url(") || strings.Contains(l, "expression(") || strings.Contains(l, "@import") || strings.Contains(l, "javascript:")
}
