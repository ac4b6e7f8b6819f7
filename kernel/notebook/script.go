package notebook

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

const marker = "// %%"

// isMarker reports whether line starts a cell: "// %%" alone or followed by
// a space, tab or carriage return.
func isMarker(line string) bool {
	if !strings.HasPrefix(line, marker) {
		return false
	}
	rest := line[len(marker):]
	return rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r'
}

// escaped reports whether line is an escaped marker-like line ("// %%%…").
func escaped(line string) bool { return strings.HasPrefix(line, marker+"%") }

// ParseScript reads a percent-format Go script (see the package doc). It
// fails only for input over MaxSize or that is not UTF-8.
func ParseScript(data []byte) (*Notebook, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(data), MaxSize)
	}
	if !utf8.Valid(data) {
		line, col := lineCol(data, firstInvalid(data))
		return nil, &ParseError{Line: line, Col: col, Msg: "script is not valid UTF-8"}
	}
	nb := New()
	lines := strings.Split(string(data), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	var cur *Cell
	var body []string
	flush := func() {
		for len(body) > 0 && body[len(body)-1] == "" {
			body = body[:len(body)-1]
		}
		if cur == nil {
			// Content before the first marker: a code cell if not blank.
			start := 0
			for start < len(body) && strings.TrimSpace(body[start]) == "" {
				start++
			}
			if start == len(body) {
				body = nil
				return
			}
			body = body[start:]
			cur = &Cell{Type: "code", Metadata: map[string]any{}}
		}
		for i, l := range body {
			if escaped(l) {
				l = marker + l[len(marker)+1:]
			}
			if cur.Type != "code" {
				switch {
				case strings.HasPrefix(l, "// "):
					l = l[3:]
				case strings.HasPrefix(l, "//"):
					l = l[2:]
				}
			}
			body[i] = l
		}
		cur.Source = strings.Join(body, "\n")
		cur.ID = fmt.Sprintf("cell-%d", len(nb.Cells)+1)
		nb.Cells = append(nb.Cells, cur)
		cur, body = nil, nil
	}
	for _, l := range lines {
		if !isMarker(l) {
			body = append(body, l)
			continue
		}
		flush()
		cur = &Cell{Type: "code", Metadata: map[string]any{}}
		title := l[len(marker):]
		for _, t := range []struct{ tag, typ string }{{"[markdown]", "markdown"}, {"[md]", "markdown"}, {"[raw]", "raw"}} {
			if i := strings.Index(title, t.tag); i >= 0 {
				cur.Type = t.typ
				title = title[:i] + " " + title[i+len(t.tag):]
				break
			}
		}
		title = strings.Join(strings.Fields(title), " ")
		if title != "" {
			cur.Metadata["title"] = title
		}
	}
	flush()
	return nb, nil
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// FormatScript writes nb as a percent-format Go script. Outputs, execution
// counts, ids and metadata other than "title" are not written.
func FormatScript(nb *Notebook) []byte {
	var b strings.Builder
	for i, c := range nb.Cells {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(marker)
		title, _ := c.Metadata["title"].(string)
		title = strings.Join(strings.Fields(title), " ") // one line
		if title != "" {
			b.WriteString(" " + title)
		}
		switch c.Type {
		case "markdown":
			b.WriteString(" [markdown]")
		case "raw":
			b.WriteString(" [raw]")
		}
		b.WriteString("\n")
		if c.Source == "" {
			continue
		}
		for _, l := range strings.Split(c.Source, "\n") {
			if c.Type != "code" {
				if l == "" {
					l = "//"
				} else {
					l = "// " + l
				}
			}
			if isMarker(l) || escaped(l) {
				l = marker + "%" + l[len(marker):]
			}
			b.WriteString(l)
			b.WriteString("\n")
		}
	}
	return []byte(b.String())
}
