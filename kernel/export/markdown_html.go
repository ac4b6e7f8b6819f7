package export

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	gmtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown cells are rendered the way the app renders them (markdown-it
// with linkify and tables, plus $…$ and $$…$$ math): CommonMark with the
// GFM extensions, through goldmark. Math is not typeset here: it is kept as
// TeX inside its delimiters in a "math-tex" element, readable as text, and
// typeset by KaTeX in the page when the export carries it.

var kindMath = ast.NewNodeKind("Math")
var kindMathBlock = ast.NewNodeKind("MathBlock")

// mathNode is inline math ($…$, or $$…$$ inside a paragraph).
type mathNode struct {
	ast.BaseInline
	tex     string
	display bool
}

func (n *mathNode) Kind() ast.NodeKind { return kindMath }
func (n *mathNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"TeX": n.tex}, nil)
}

// mathBlockNode is display math: lines from $$ to $$.
type mathBlockNode struct {
	ast.BaseBlock
	tex    strings.Builder
	closed bool // the opening line was the whole block ($$x$$)
}

func (n *mathBlockNode) Kind() ast.NodeKind { return kindMathBlock }
func (n *mathBlockNode) IsRaw() bool        { return true }
func (n *mathBlockNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"TeX": n.tex.String()}, nil)
}

// mathInlineParser follows the app's rule (frontend/src/outputs/markdown.ts):
// no space after the opening $, none before the closing one, and no digit
// right after it ("$5 and $6" stays text).
type mathInlineParser struct{}

func (mathInlineParser) Trigger() []byte { return []byte{'$'} }

func (mathInlineParser) Parse(parent ast.Node, block gmtext.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) < 2 {
		return nil
	}
	if line[1] == '$' {
		end := bytes.Index(line[2:], []byte("$$"))
		if end < 0 {
			return nil
		}
		block.Advance(end + 4)
		return &mathNode{tex: string(line[2 : 2+end]), display: true}
	}
	if line[1] == ' ' || line[1] == '\t' {
		return nil
	}
	end := 1
	for {
		i := bytes.IndexByte(line[end:], '$')
		if i < 0 {
			return nil
		}
		end += i
		if line[end-1] == '\\' {
			end++
			continue
		}
		break
	}
	if end == 1 || line[end-1] == ' ' || line[end-1] == '\t' {
		return nil
	}
	if end+1 < len(line) && line[end+1] >= '0' && line[end+1] <= '9' {
		return nil
	}
	block.Advance(end + 1)
	return &mathNode{tex: string(line[1:end])}
}

type mathBlockParser struct{}

func (mathBlockParser) Trigger() []byte { return []byte{'$'} }

func (mathBlockParser) Open(parent ast.Node, reader gmtext.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, _ := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || !bytes.HasPrefix(line[pos:], []byte("$$")) {
		return nil, parser.NoChildren
	}
	rest := bytes.TrimSpace(line[pos+2:])
	n := &mathBlockNode{}
	if len(rest) >= 2 && bytes.HasSuffix(rest, []byte("$$")) {
		// goldmark keeps a block Open returned open (it ignores Close
		// there), so Continue must end it before the next line.
		n.tex.Write(bytes.TrimSpace(rest[:len(rest)-2]))
		n.closed = true
		reader.AdvanceToEOL()
		return n, parser.NoChildren
	}
	if len(rest) > 0 {
		n.tex.Write(rest)
		n.tex.WriteByte('\n')
	}
	reader.AdvanceToEOL()
	return n, parser.NoChildren
}

func (mathBlockParser) Continue(node ast.Node, reader gmtext.Reader, pc parser.Context) parser.State {
	n := node.(*mathBlockNode)
	line, _ := reader.PeekLine()
	if line == nil || n.closed {
		return parser.Close
	}
	t := bytes.TrimRight(line, " \t\r\n")
	if i := bytes.LastIndex(t, []byte("$$")); i >= 0 && i == len(t)-2 {
		n.tex.Write(t[:i])
		reader.AdvanceToEOL()
		return parser.Close
	}
	n.tex.Write(bytes.TrimRight(line, "\r\n"))
	n.tex.WriteByte('\n')
	reader.AdvanceToEOL()
	return parser.Continue | parser.NoChildren
}

func (mathBlockParser) Close(node ast.Node, reader gmtext.Reader, pc parser.Context) {}
func (mathBlockParser) CanInterruptParagraph() bool                                  { return true }
func (mathBlockParser) CanAcceptIndentedLine() bool                                  { return false }

type mathRenderer struct{}

func (mathRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMath, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			m := n.(*mathNode)
			w.WriteString(mathHTML(m.tex, m.display))
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(kindMathBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			m := n.(*mathBlockNode)
			w.WriteString(`<div class="math-block">` + mathHTML(strings.TrimSpace(m.tex.String()), true) + "</div>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

// mathHTML is TeX in its delimiters, typeset later by the page's KaTeX.
func mathHTML(tex string, display bool) string {
	cls, shown := "math-tex math-pending", "$"+tex+"$"
	if display {
		cls, shown = "math-tex math-pending display", "$$"+tex+"$$"
	}
	return `<span class="` + cls + `" data-tex="` + html.EscapeString(tex) + `">` + html.EscapeString(shown) + `</span>`
}

var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(
		parser.WithInlineParsers(util.Prioritized(mathInlineParser{}, 150)),
		parser.WithBlockParsers(util.Prioritized(mathBlockParser{}, 150)),
	),
	goldmark.WithRendererOptions(
		gmhtml.WithUnsafe(), // raw HTML is kept, then sanitized like the app's DOMPurify pass
		renderer.WithNodeRenderers(util.Prioritized(mathRenderer{}, 100)),
	),
)

// renderMarkdown renders Markdown with math to sanitized HTML. resolve
// maps an image source (attachment:, a relative path) to a data URI, or ""
// to keep it.
func renderMarkdown(src string, resolve func(string) string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "<pre>" + html.EscapeString(src) + "</pre>"
	}
	return sanitize(buf.String(), resolve)
}
