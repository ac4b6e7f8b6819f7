package display

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/png"
	"reflect"
	"strings"
	"unicode/utf8"
)

// MIME types used in bundles.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMELaTeX    = "text/latex"
	MIMESVG      = "image/svg+xml"
	MIMEPNG      = "image/png"
	MIMEJSON     = "application/json"
)

// maxFallbackText bounds the text/plain of a value printed with %v, so an
// accidental display of a huge slice does not flood the notebook.
const maxFallbackText = 20000

// The method shapes of the rendering contract (contracts.md).
type (
	stringer   interface{ String() string }
	htmler     interface{ HTML() string }
	svger      interface{ SVG() string }
	pnger      interface{ PNG() []byte }
	markdowner interface{ Markdown() string }
	latexer    interface{ LaTeX() string }
	bundler    interface{ MIMEBundle() map[string]any }
)

// tensorLike is what a tensor offers: rendered as a table.
type tensorLike interface {
	Shape() []int
	Data() []float32
}

// Render returns the MIME bundle of v: MIME type → value, where every value
// is a string (image/png is base64-encoded) except application/json, which
// holds a JSON-able value. The bundle always has text/plain. A nil v renders
// as "<nil>".
func Render(v any) map[string]any {
	if isNilPointer(v) {
		// A nil *T would panic in its methods: show it as Go prints it.
		return map[string]any{MIMEText: "<nil>"}
	}
	if b, ok := v.(bundler); ok {
		if m := b.MIMEBundle(); len(m) > 0 {
			out := make(map[string]any, len(m)+1)
			for k, x := range m {
				out[k] = normalize(k, x)
			}
			if _, ok := out[MIMEText]; !ok {
				out[MIMEText] = plainText(v)
			}
			return out
		}
	}
	out := map[string]any{}
	rich := false
	if h, ok := v.(htmler); ok {
		out[MIMEHTML] = h.HTML()
		rich = true
	}
	if s, ok := v.(svger); ok {
		out[MIMESVG] = s.SVG()
		rich = true
	}
	if p, ok := v.(pnger); ok {
		out[MIMEPNG] = base64.StdEncoding.EncodeToString(p.PNG())
		rich = true
	}
	if m, ok := v.(markdowner); ok {
		out[MIMEMarkdown] = m.Markdown()
		rich = true
	}
	if l, ok := v.(latexer); ok {
		out[MIMELaTeX] = l.LaTeX()
		rich = true
	}
	if !rich {
		builtin(v, out)
	}
	if _, ok := out[MIMEText]; !ok {
		out[MIMEText] = plainText(v)
	}
	return out
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

// builtin renders values without rich methods by what they are.
func builtin(v any, out map[string]any) {
	switch x := v.(type) {
	case nil:
		out[MIMEText] = "<nil>"
	case error:
		msg := x.Error()
		out[MIMEText] = "error: " + msg
		out[MIMEHTML] = `<pre style="color:#b00020;white-space:pre-wrap;margin:0">` + html.EscapeString("error: "+msg) + `</pre>`
	case string:
		out[MIMEText] = x
	case image.Image:
		out[MIMEPNG] = base64.StdEncoding.EncodeToString(encodePNG(x))
		b := x.Bounds()
		out[MIMEText] = fmt.Sprintf("image %d×%d", b.Dx(), b.Dy())
	case []byte:
		switch sniff(x) {
		case MIMEPNG:
			out[MIMEPNG] = base64.StdEncoding.EncodeToString(x)
			out[MIMEText] = fmt.Sprintf("PNG image, %d bytes", len(x))
		case MIMESVG:
			out[MIMESVG] = string(x)
			out[MIMEText] = fmt.Sprintf("SVG image, %d bytes", len(x))
		default:
			out[MIMEText] = truncate(fmt.Sprintf("%v", x))
		}
	case Dataset:
		b := Table(x).MIMEBundle()
		out[MIMEHTML] = b[MIMEHTML]
		if _, ok := v.(stringer); !ok {
			out[MIMEText] = b[MIMEText]
		}
	case tensorLike:
		out[MIMEHTML] = tensorHTML(x.Shape(), x.Data())
		if _, ok := v.(stringer); !ok {
			out[MIMEText] = tensorText(x.Shape(), x.Data())
		}
	}
}

// plainText is the text/plain of v: String() if it has one, else %v.
func plainText(v any) string {
	if v == nil {
		return "<nil>"
	}
	if s, ok := v.(stringer); ok {
		return s.String()
	}
	if e, ok := v.(error); ok {
		return "error: " + e.Error()
	}
	return truncate(fmt.Sprintf("%v", v))
}

func truncate(s string) string {
	if len(s) <= maxFallbackText {
		return s
	}
	cut := maxFallbackText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d more bytes)", len(s)-cut)
}

// normalize makes a MIMEBundle value JSON-ready: bytes of binary images
// become base64, bytes of text become strings.
func normalize(mime string, x any) any {
	b, ok := x.([]byte)
	if !ok {
		return x
	}
	if strings.HasPrefix(mime, "image/") && mime != MIMESVG {
		return base64.StdEncoding.EncodeToString(b)
	}
	return string(b)
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// sniff recognises PNG and SVG bytes; "" otherwise.
func sniff(b []byte) string {
	if bytes.HasPrefix(b, pngMagic) {
		return MIMEPNG
	}
	head := b
	if len(head) > 512 {
		head = head[:512]
	}
	head = bytes.TrimSpace(head)
	if bytes.HasPrefix(head, []byte("<svg")) ||
		(bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<svg"))) {
		return MIMESVG
	}
	return ""
}

// encodePNG encodes img with the fastest compression: notebook images are
// sent once and speed matters more than a few kilobytes.
func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		// png.Encode fails only on invalid dimensions or writer errors;
		// a bytes.Buffer does not fail, so this is a malformed image.
		panic(Error{"display: encode PNG: " + err.Error()})
	}
	return buf.Bytes()
}
