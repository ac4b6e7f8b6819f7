package nn

import (
	"fmt"
	"html"
	"strings"
)

// Summary describes a model layer by layer: what Summarize returns, shown
// as a table in a notebook.
type Summary struct {
	Rows   []SummaryRow
	Params int // trainable values in the whole model
}

// SummaryRow is one layer of a Summary.
type SummaryRow struct {
	Name   string // position in the model, e.g. "0" or "2.1"
	Layer  string // the layer's String(), or its type
	Shapes string // parameter shapes, e.g. "[784 256] [256]"
	Params int
}

// Summarize lists the layers of m (walking Containers) with their
// parameter shapes and counts.
func Summarize(m Module) *Summary {
	s := &Summary{Params: NumParams(m)}
	var walk func(m Module, name string)
	walk = func(m Module, name string) {
		if c, ok := m.(Container); ok {
			for i, ch := range c.Children() {
				n := fmt.Sprint(i)
				if name != "" {
					n = name + "." + n
				}
				walk(ch, n)
			}
			return
		}
		var shapes []string
		for _, p := range m.Parameters() {
			shapes = append(shapes, fmt.Sprint(p.Value.Shape()))
		}
		s.Rows = append(s.Rows, SummaryRow{Name: name, Layer: describe(m), Shapes: strings.Join(shapes, " "), Params: NumParams(m)})
	}
	walk(m, "")
	return s
}

func describe(m Module) string {
	if s, ok := m.(fmt.Stringer); ok {
		if _, isSeq := m.(*Sequential); !isSeq {
			return s.String()
		}
	}
	return typeName(m)
}

// String renders the summary as an aligned text table.
func (s *Summary) String() string {
	// fmt pads by runes, so widths are rune counts (layer names contain →).
	w0, w1, w2, w3 := len("#"), len("layer"), len("parameters"), len("count")
	for _, r := range s.Rows {
		w0 = max(w0, len([]rune(r.Name)))
		w1 = max(w1, len([]rune(r.Layer)))
		w2 = max(w2, len([]rune(r.Shapes)))
		w3 = max(w3, len(fmt.Sprint(r.Params)))
	}
	var b strings.Builder
	line := func(a, l, sh, n string) {
		fmt.Fprintf(&b, "%-*s  %-*s  %-*s  %*s\n", w0, a, w1, l, w2, sh, w3, n)
	}
	rule := strings.Repeat("─", w0+w1+w2+w3+6) + "\n"
	line("#", "layer", "parameters", "count")
	b.WriteString(rule)
	for _, r := range s.Rows {
		line(r.Name, r.Layer, r.Shapes, fmt.Sprint(r.Params))
	}
	b.WriteString(rule)
	fmt.Fprintf(&b, "total trainable parameters: %d", s.Params)
	return b.String()
}

// HTML renders the summary as a table.
func (s *Summary) HTML() string {
	var b strings.Builder
	b.WriteString(`<table class="tandem-summary"><thead><tr><th>#</th><th>layer</th><th>parameters</th><th style="text-align:right">count</th></tr></thead><tbody>`)
	for _, r := range s.Rows {
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td><code>%s</code></td><td style="text-align:right">%d</td></tr>`,
			html.EscapeString(r.Name), html.EscapeString(r.Layer), html.EscapeString(r.Shapes), r.Params)
	}
	fmt.Fprintf(&b, `</tbody><tfoot><tr><td colspan="3">total trainable parameters</td><td style="text-align:right">%d</td></tr></tfoot></table>`, s.Params)
	return b.String()
}
