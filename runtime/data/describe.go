package data

import (
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// ColumnSummary describes one column: for numeric columns the count of
// present values, mean, standard deviation (population), minimum and
// maximum; for the others the number of distinct values and the most
// frequent one.
type ColumnSummary struct {
	Name                string
	Kind                Kind
	Count, Missing      int
	Mean, Std, Min, Max float64 // numeric columns; NaN otherwise
	Distinct            int     // categorical and text columns
	Top                 string  // most frequent value (first on ties)
	TopCount            int
}

// Summary describes every column of a dataset and its classes. It renders
// itself (String, HTML).
type Summary struct {
	Shape       string
	Columns     []ColumnSummary
	Classes     []string
	ClassCounts []int
}

// Describe summarises the columns (Columns order) and the class balance.
func (ds *Dataset) Describe() *Summary {
	ds = ds.Snapshot()
	s := ds.s()
	sum := &Summary{Shape: ds.Shape(), Classes: ds.Classes(), ClassCounts: ds.ClassCounts()}
	for _, c := range s.t.cols {
		cs := ColumnSummary{Name: c.name, Kind: c.kind, Mean: math.NaN(), Std: math.NaN(), Min: math.NaN(), Max: math.NaN()}
		if c.kind == Numeric {
			var total float64
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, r := range s.rows {
				v := c.at(r)
				if math.IsNaN(v) {
					cs.Missing++
					continue
				}
				cs.Count++
				total += v
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			if cs.Count > 0 {
				cs.Mean, cs.Min, cs.Max = total/float64(cs.Count), lo, hi
				var sq float64
				for _, r := range s.rows {
					if v := c.at(r); !math.IsNaN(v) {
						sq += (v - cs.Mean) * (v - cs.Mean)
					}
				}
				cs.Std = math.Sqrt(sq / float64(cs.Count))
			}
		} else {
			freq := map[string]int{}
			var order []string
			for _, r := range s.rows {
				v := c.cell(r)
				if v == "" {
					cs.Missing++
					continue
				}
				cs.Count++
				if freq[v] == 0 {
					order = append(order, v)
				}
				freq[v]++
			}
			cs.Distinct = len(freq)
			for _, v := range order {
				if freq[v] > cs.TopCount {
					cs.Top, cs.TopCount = v, freq[v]
				}
			}
		}
		sum.Columns = append(sum.Columns, cs)
	}
	return sum
}

func (cs ColumnSummary) cells() []string {
	if cs.Kind == Numeric {
		f := func(v float64) string {
			if math.IsNaN(v) {
				return ""
			}
			return fmt.Sprintf("%.4g", v)
		}
		return []string{cs.Name, cs.Kind.String(), fmt.Sprint(cs.Count), fmt.Sprint(cs.Missing), f(cs.Mean), f(cs.Std), f(cs.Min), f(cs.Max), ""}
	}
	top := ""
	if cs.TopCount > 0 {
		top = fmt.Sprintf("%s (%d)", cs.Top, cs.TopCount)
	}
	return []string{cs.Name, cs.Kind.String(), fmt.Sprint(cs.Count), fmt.Sprint(cs.Missing), "", "", "", "", fmt.Sprintf("%d distinct; top %s", cs.Distinct, top)}
}

var summaryHead = []string{"column", "kind", "count", "missing", "mean", "std", "min", "max", "values"}

func (s *Summary) classLine() string {
	if s.Classes == nil {
		return ""
	}
	parts := make([]string, len(s.Classes))
	for i, c := range s.Classes {
		parts[i] = fmt.Sprintf("%s %d", c, s.ClassCounts[i])
	}
	return "classes: " + strings.Join(parts, ", ")
}

func (s *Summary) String() string {
	rows := [][]string{summaryHead}
	for _, c := range s.Columns {
		rows = append(rows, c.cells())
	}
	w := make([]int, len(summaryHead))
	for _, r := range rows {
		for j, v := range r {
			w[j] = max(w[j], len([]rune(v)))
		}
	}
	var b strings.Builder
	b.WriteString(s.Shape)
	for _, r := range rows {
		b.WriteByte('\n')
		line := ""
		for j, v := range r {
			if j > 0 {
				line += "  "
			}
			pad := strings.Repeat(" ", w[j]-len([]rune(v)))
			if j >= 2 && j <= 7 {
				line += pad + v
			} else {
				line += v + pad
			}
		}
		b.WriteString(strings.TrimRight(line, " "))
	}
	if l := s.classLine(); l != "" {
		b.WriteString("\n" + l)
	}
	return b.String()
}

// HTML renders the summary as a table.
func (s *Summary) HTML() string {
	var b strings.Builder
	b.WriteString(`<table class="tandem-describe"><caption>` + html.EscapeString(s.Shape) + "</caption><thead><tr>")
	for _, h := range summaryHead {
		b.WriteString("<th>" + h + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, c := range s.Columns {
		b.WriteString("<tr>")
		for _, v := range c.cells() {
			b.WriteString("<td>" + html.EscapeString(v) + "</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	if l := s.classLine(); l != "" {
		b.WriteString("<p>" + html.EscapeString(l) + "</p>")
	}
	return b.String()
}

// WriteCSV writes the rows as CSV with a header: a "key" column, the
// columns, then the label or target. Missing values are empty cells;
// numbers are written exactly (shortest form that reads back the same).
func (ds *Dataset) WriteCSV(w io.Writer) error {
	s := ds.s()
	cw := csv.NewWriter(w)
	head := []string{"key"}
	for _, c := range s.t.cols {
		head = append(head, c.name)
	}
	if s.t.label != "" {
		head = append(head, s.t.label)
	}
	if s.t.target != "" {
		head = append(head, s.t.target)
	}
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	rec := make([]string, len(head))
	for _, r := range s.rows {
		rec = rec[:0]
		rec = append(rec, s.t.keys[r])
		for _, c := range s.t.cols {
			rec = append(rec, c.cell(r))
		}
		if s.t.label != "" {
			v := ""
			if y := s.t.y[r]; y >= 0 {
				v = s.t.classes[y]
			}
			rec = append(rec, v)
		}
		if s.t.target != "" {
			v := ""
			if !math.IsNaN(s.t.tv[r]) {
				v = formatFloat(s.t.tv[r])
			}
			rec = append(rec, v)
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
