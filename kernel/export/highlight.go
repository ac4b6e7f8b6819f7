package export

import (
	"go/scanner"
	"go/token"
	"html"
	"strings"
)

// highlightGo returns Go source as HTML with tokens in spans whose classes
// take the app's editor colours (--tok-keyword, --tok-string, …). Source
// the scanner cannot read is still written whole, unhighlighted.
func highlightGo(src string) string {
	var b strings.Builder
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(f, []byte(src), func(token.Position, string) {}, scanner.ScanComments)
	last := 0
	prevIdent := ""
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := f.Offset(pos)
		if off < last || off > len(src) {
			continue
		}
		end := off + len(lit)
		if lit == "" || tok == token.SEMICOLON && lit == "\n" {
			end = off + len(tok.String())
			if tok == token.SEMICOLON && lit == "\n" {
				continue // automatic semicolon
			}
		}
		if end > len(src) {
			end = len(src)
		}
		b.WriteString(html.EscapeString(src[last:off]))
		text := src[off:end]
		cls := ""
		switch {
		case tok.IsKeyword():
			cls = "tok-k"
		case tok == token.STRING || tok == token.CHAR:
			cls = "tok-s"
		case tok == token.INT || tok == token.FLOAT || tok == token.IMAG:
			cls = "tok-n"
		case tok == token.COMMENT:
			cls = "tok-c"
		case tok == token.IDENT:
			switch {
			case text == "true" || text == "false" || text == "nil" || text == "iota":
				cls = "tok-n"
			case builtinTypes[text]:
				cls = "tok-t"
			case strings.HasPrefix(src[end:], "("):
				cls = "tok-f"
			case prevIdent == "func" || prevIdent == "type":
				cls = "tok-d"
			}
		case tok.IsOperator():
			cls = "tok-o"
		}
		if cls == "" {
			b.WriteString(html.EscapeString(text))
		} else {
			b.WriteString(`<span class="` + cls + `">` + html.EscapeString(text) + "</span>")
		}
		prevIdent = text
		last = end
	}
	b.WriteString(html.EscapeString(src[last:]))
	return b.String()
}

var builtinTypes = map[string]bool{
	"bool": true, "byte": true, "complex64": true, "complex128": true, "error": true, "float32": true, "float64": true,
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true, "rune": true, "string": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true, "any": true,
}

// highlightCSS colours the spans of highlightGo like the app's editor
// (frontend/src/editor/theme.ts).
const highlightCSS = `.tok-k{color:var(--tok-keyword);font-weight:600}.tok-s{color:var(--tok-string)}.tok-n{color:var(--tok-number)}
.tok-c{color:var(--tok-comment);font-style:italic}.tok-t{color:var(--tok-type)}.tok-f{color:var(--tok-func)}.tok-d{color:var(--tok-def);font-weight:600}.tok-o{color:var(--tok-op)}`
