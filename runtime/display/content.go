package display

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
)

// Content is a value of one MIME type that renders itself; the
// constructors HTML, Markdown, LaTeX, SVG, PNG, Image, JSON and Text make it.
// The zero value renders as empty text.
type Content struct {
	mime string
	data any    // string, or a JSON-able value for application/json
	text string // text/plain shown where the rich type cannot be
}

// HTML returns content shown as HTML. Notebook front ends render it in a
// sandboxed frame.
func HTML(s string) Content {
	return Content{mime: MIMEHTML, data: s, text: fmt.Sprintf("HTML (%d bytes)", len(s))}
}

// Markdown returns content shown as Markdown; its text form is the source.
func Markdown(s string) Content { return Content{mime: MIMEMarkdown, data: s, text: s} }

// LaTeX returns content shown as LaTeX math, e.g. `$\theta \leftarrow \theta - \alpha\nabla J$`.
// Its text form is the source.
func LaTeX(s string) Content { return Content{mime: MIMELaTeX, data: s, text: s} }

// SVG returns content shown as an SVG image.
func SVG(s string) Content {
	return Content{mime: MIMESVG, data: s, text: fmt.Sprintf("SVG image, %d bytes", len(s))}
}

// PNG returns content shown as a PNG image from its encoded bytes.
// PNG panics with Error if b is not a PNG.
func PNG(b []byte) Content {
	if sniff(b) != MIMEPNG {
		panic(Error{"display: PNG: the bytes are not a PNG image"})
	}
	return Content{mime: MIMEPNG, data: base64.StdEncoding.EncodeToString(b), text: fmt.Sprintf("PNG image, %d bytes", len(b))}
}

// Image returns content showing img, encoded as a PNG.
func Image(img image.Image) Content {
	b := img.Bounds()
	return Content{mime: MIMEPNG, data: base64.StdEncoding.EncodeToString(encodePNG(img)), text: fmt.Sprintf("image %d×%d", b.Dx(), b.Dy())}
}

// JSON returns content shown as a JSON tree; its text form is indented JSON.
// JSON panics with Error if v cannot be encoded as JSON.
func JSON(v any) Content {
	b, err := json.Marshal(v)
	if err != nil {
		panic(Error{"display: JSON: " + err.Error()})
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		panic(Error{"display: JSON: " + err.Error()})
	}
	ind, _ := json.MarshalIndent(tree, "", "  ")
	return Content{mime: MIMEJSON, data: tree, text: string(ind)}
}

// Text returns content shown as plain text, as written (no quotes).
func Text(s string) Content { return Content{mime: MIMEText, data: s, text: s} }

// MIME returns the content's MIME type ("" for the zero value).
func (c Content) MIME() string { return c.mime }

// String returns the text form of the content.
func (c Content) String() string { return c.text }

// MIMEBundle returns the content's bundle: its MIME type and text/plain.
func (c Content) MIMEBundle() map[string]any {
	m := map[string]any{MIMEText: c.text}
	if c.mime != "" && c.mime != MIMEText {
		m[c.mime] = c.data
	}
	return m
}
