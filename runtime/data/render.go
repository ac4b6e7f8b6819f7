package data

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// headRows is how many rows String and HTML show.
const headRows = 10

// maxCols is how many columns String and HTML show before eliding the
// middle ones.
const maxCols = 10

// Shape describes the dataset in one line, e.g.
// "iris: 150 rows × 4 features, label \"label\" (3 classes)".
func (ds *Dataset) Shape() string {
	s := ds.s()
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d rows × %d features", ds.name, len(s.rows), ds.NumFeatures())
	if other := len(s.t.cols) - ds.NumFeatures(); other > 0 {
		fmt.Fprintf(&b, " + %d other columns", other)
	}
	if s.t.label != "" {
		fmt.Fprintf(&b, ", label %q (%d classes)", s.t.label, len(s.t.classes))
	}
	if s.t.target != "" {
		fmt.Fprintf(&b, ", target %q", s.t.target)
	}
	if n := len(s.changes); n > 0 {
		fmt.Fprintf(&b, ", %d corrections", n)
	}
	return b.String()
}

// grid returns the header and the first rows of cells for rendering, with
// the middle columns elided when there are many.
func (ds *Dataset) grid() (head []string, rows [][]string, more int) {
	s := ds.s()
	cols := s.t.cols
	idx := make([]int, 0, len(cols))
	elide := -1
	if len(cols) > maxCols {
		for j := 0; j < maxCols-2; j++ {
			idx = append(idx, j)
		}
		elide = len(idx)
		idx = append(idx, len(cols)-2, len(cols)-1)
	} else {
		for j := range cols {
			idx = append(idx, j)
		}
	}
	head = append(head, "key")
	for k, j := range idx {
		if k == elide {
			head = append(head, "…")
		}
		head = append(head, cols[j].name)
	}
	if s.t.label != "" {
		head = append(head, s.t.label)
	}
	if s.t.target != "" {
		head = append(head, s.t.target)
	}
	n := len(s.rows)
	if n > headRows {
		more = n - headRows
		n = headRows
	}
	for _, r := range s.rows[:n] {
		row := []string{s.t.keys[r]}
		for k, j := range idx {
			if k == elide {
				row = append(row, "…")
			}
			row = append(row, cols[j].show(r))
		}
		if s.t.label != "" {
			v := ""
			if y := s.t.y[r]; y >= 0 {
				v = s.t.classes[y]
			}
			row = append(row, v)
		}
		if s.t.target != "" {
			row = append(row, strconv.FormatFloat(s.t.tv[r], 'g', 6, 64))
		}
		rows = append(rows, row)
	}
	return head, rows, more
}

// String renders the shape and the first rows as an aligned text table.
func (ds *Dataset) String() string {
	ds = ds.Snapshot()
	head, rows, more := ds.grid()
	width := make([]int, len(head))
	for j, h := range head {
		width[j] = len([]rune(h))
	}
	for _, row := range rows {
		for j, c := range row {
			if j == 0 && len(c) > 16 {
				c = c[:16]
			}
			if n := len([]rune(c)); n > width[j] {
				width[j] = n
			}
		}
	}
	var b strings.Builder
	b.WriteString(ds.Shape())
	line := func(cells []string) {
		b.WriteByte('\n')
		for j, c := range cells {
			if j == 0 && len(c) > 16 {
				c = c[:16]
			}
			if j > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			if j < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", width[j]-len([]rune(c))))
			}
		}
	}
	line(head)
	for _, row := range rows {
		line(row)
	}
	if more > 0 {
		fmt.Fprintf(&b, "\n… %d more rows", more)
	}
	return b.String()
}

// HTML renders the shape and the first rows as a table.
func (ds *Dataset) HTML() string {
	ds = ds.Snapshot()
	head, rows, more := ds.grid()
	var b strings.Builder
	b.WriteString(`<div class="tandem-dataset"><table><caption>`)
	b.WriteString(html.EscapeString(ds.Shape()))
	b.WriteString("</caption><thead><tr>")
	for _, h := range head {
		b.WriteString("<th>" + html.EscapeString(h) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, row := range rows {
		b.WriteString("<tr>")
		for j, c := range row {
			if j == 0 {
				b.WriteString(`<td title="` + html.EscapeString(c) + `"><code>` + html.EscapeString(shortKey(c)) + "</code></td>")
				continue
			}
			b.WriteString("<td>" + html.EscapeString(c) + "</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	if more > 0 {
		fmt.Fprintf(&b, "<p>… %d more rows</p>", more)
	}
	b.WriteString("</div>")
	return b.String()
}

func shortKey(k string) string {
	if len(k) > 16 {
		return k[:16] + "…"
	}
	return k
}
