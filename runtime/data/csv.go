package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"tandem.dev/tandem/runtime/host"
)

// CSV holds the options of LoadCSV and ReadCSV. The zero value reads a
// comma-separated file with a header row, no label, content-hash keys and
// column kinds inferred from the values.
type CSV struct {
	Label  string          // class label column; "" = none
	Target string          // numeric regression target column; "" = none
	Key    string          // column of stable row keys; "" = hash each row's content
	Kinds  map[string]Kind // force the kind of some columns; the rest are inferred
	Skip   []string        // columns to leave out
	// Classes fixes the class names and their order (ids). Labels not in it
	// are reported invalid. Default: the labels found, sorted (numerically
	// if all are numbers).
	Classes []string
	// Missing lists the cell values that mean "missing". Default: "", "NA",
	// "N/A", "NaN", "nan", "null", "NULL", "None", "?".
	Missing []string
	Comma   rune   // field separator; default ','
	Name    string // dataset name; default: the file name without extension
}

var defaultMissing = []string{"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"}

// LoadCSV reads the CSV file at path into a Dataset. It is the one-value
// form for cells: it panics with Error if the file cannot be read or is
// malformed (ReadCSV returns the error instead). Missing and invalid cells do
// not fail the load: they are counted in ds.Report().
func LoadCSV(path string, opt CSV) *Dataset {
	f, err := os.Open(path)
	if err != nil {
		msg := "data: " + err.Error()
		switch strings.ToLower(filepath.Base(path)) {
		case "iris.csv":
			msg += " (the built-in copy is data.Iris())"
		case "digits.csv":
			msg += " (the built-in copy is data.Digits())"
		}
		panic(Error{msg})
	}
	defer f.Close()
	if opt.Name == "" {
		opt.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	ds, err := ReadCSV(f, opt)
	if err != nil {
		panic(Error{fmt.Sprintf("data: read %s: %v", path, err)})
	}
	return ds
}

// ReadCSV reads CSV from r (header row first) into a Dataset. It returns an
// error for unreadable or ragged input and for option columns (Label,
// Target, Key) that the header lacks, or a key column with repeated or
// empty keys.
func ReadCSV(r io.Reader, opt CSV) (*Dataset, error) {
	cr := csv.NewReader(r)
	if opt.Comma != 0 {
		cr.Comma = opt.Comma
	}
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty input: no header row")
	}
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	index := map[string]int{}
	for i, h := range header {
		if _, dup := index[h]; dup {
			return nil, fmt.Errorf("repeated column name %q in header", h)
		}
		index[h] = i
	}
	for _, need := range []struct{ what, name string }{{"label", opt.Label}, {"target", opt.Target}, {"key", opt.Key}} {
		if need.name == "" {
			continue
		}
		if _, ok := index[need.name]; !ok {
			return nil, fmt.Errorf("no %s column %q; columns: %s", need.what, need.name, strings.Join(header, ", "))
		}
	}
	var records [][]string
	for n := 0; ; n++ {
		if n&4095 == 0 {
			host.Check()
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read row: %w", err)
		}
		records = append(records, rec)
	}
	return buildTable(opt, header, records)
}

func buildTable(opt CSV, header []string, records [][]string) (*Dataset, error) {
	missing := opt.Missing
	if missing == nil {
		missing = defaultMissing
	}
	isMissing := make(map[string]bool, len(missing))
	for _, m := range missing {
		isMissing[m] = true
	}
	skip := map[string]bool{}
	for _, s := range opt.Skip {
		skip[s] = true
	}
	t := &table{label: opt.Label, target: opt.Target}
	rep := &Report{Rows: len(records)}
	t.report = rep
	n := len(records)
	line := func(i int) int { return i + 2 } // 1-based, header is line 1

	// Keys first, so the report can name rows.
	if opt.Key != "" {
		k := indexOf(header, opt.Key)
		t.keys = make([]string, n)
		seen := make(map[string]int, n)
		for i, rec := range records {
			v := strings.TrimSpace(rec[k])
			if v == "" {
				return nil, fmt.Errorf("line %d: empty key in column %q", line(i), opt.Key)
			}
			if j, dup := seen[v]; dup {
				return nil, fmt.Errorf("line %d: key %q repeats line %d", line(i), v, line(j))
			}
			seen[v] = i
			t.keys[i] = v
		}
	} else {
		// The label and target are left out of the hash: they are what
		// people correct, and a row must keep its key when a corrected file
		// is loaded again.
		content := records
		drop := map[int]bool{}
		var tags []string
		for j, h := range header {
			if (h == opt.Label && h != "") || (h == opt.Target && h != "") {
				drop[j] = true
			}
		}
		if len(drop) > 0 {
			tags = make([]string, len(records))
			for i, rec := range records {
				var tag []string
				for j, v := range rec {
					if drop[j] {
						tag = append(tag, v)
					}
				}
				tags[i] = strings.Join(tag, "\x1f")
			}
		}
		if len(drop) > 0 {
			content = make([][]string, len(records))
			for i, rec := range records {
				row := make([]string, 0, len(rec))
				for j, v := range rec {
					if !drop[j] {
						row = append(row, v)
					}
				}
				content[i] = row
			}
		}
		t.keys = contentKeys(content, tags)
	}

	for j, name := range header {
		if skip[name] || name == opt.Key {
			continue
		}
		cr := ColumnReport{Name: name}
		vals := make([]string, n)
		for i, rec := range records {
			vals[i] = strings.TrimSpace(rec[j])
		}
		switch {
		case name == opt.Label:
			cr.Kind = Categorical
			t.classes, t.y = labelColumn(vals, opt.Classes, isMissing, &cr, t.keys, line)
		case name == opt.Target:
			cr.Kind = Numeric
			t.tv = numericColumn(vals, isMissing, &cr, t.keys, line)
		default:
			kind, forced := opt.Kinds[name]
			if !forced {
				kind = inferKind(vals, isMissing)
			}
			cr.Kind = kind
			c := &column{name: name, kind: kind}
			switch kind {
			case Numeric:
				c.num = numericColumn(vals, isMissing, &cr, t.keys, line)
			case Categorical:
				c.levels, c.codes = labelColumn(vals, nil, isMissing, &cr, t.keys, line)
			default:
				c.str = vals
				for i, v := range vals {
					if isMissing[v] {
						c.str[i] = ""
						cr.add(true, line(i), t.keys[i], v)
					}
				}
			}
			t.cols = append(t.cols, c)
		}
		rep.Columns = append(rep.Columns, cr)
	}
	for k := range opt.Kinds {
		if indexOf(header, k) < 0 {
			return nil, fmt.Errorf("no column %q (in Kinds); columns: %s", k, strings.Join(header, ", "))
		}
	}
	name := opt.Name
	if name == "" {
		name = "csv"
	}
	return newDataset(name, t, nil), nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func parseNum(v string) (float64, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// inferKind picks Numeric when at least 90% of the present values are
// numbers (the others are then reported invalid), Categorical when the
// values repeat (at most 50 distinct, and at most half as many as the
// present values), else Text.
func inferKind(vals []string, isMissing map[string]bool) Kind {
	present, numeric := 0, 0
	distinct := map[string]bool{}
	for _, v := range vals {
		if isMissing[v] {
			continue
		}
		present++
		if _, ok := parseNum(v); ok {
			numeric++
		}
		if len(distinct) <= 50 {
			distinct[v] = true
		}
	}
	switch {
	case present == 0 || numeric == present:
		return Numeric
	case numeric*10 >= present*9:
		return Numeric
	case len(distinct) <= 50 && len(distinct)*2 <= present:
		return Categorical
	}
	return Text
}

func numericColumn(vals []string, isMissing map[string]bool, cr *ColumnReport, keys []string, line func(int) int) []float64 {
	out := make([]float64, len(vals))
	for i, v := range vals {
		if isMissing[v] {
			out[i] = math.NaN()
			cr.add(true, line(i), keys[i], v)
			continue
		}
		f, ok := parseNum(v)
		if !ok {
			out[i] = math.NaN()
			cr.add(false, line(i), keys[i], v)
			continue
		}
		out[i] = f
	}
	return out
}

// labelColumn maps values to level ids. With fixed levels, other values are
// invalid; without, the levels are the values found, sorted.
func labelColumn(vals []string, fixed []string, isMissing map[string]bool, cr *ColumnReport, keys []string, line func(int) int) ([]string, []int) {
	levels := append([]string(nil), fixed...)
	if fixed == nil {
		seen := map[string]bool{}
		for _, v := range vals {
			if !isMissing[v] && !seen[v] {
				seen[v] = true
				levels = append(levels, v)
			}
		}
		sortClasses(levels)
	}
	id := make(map[string]int, len(levels))
	for i, l := range levels {
		id[l] = i
	}
	codes := make([]int, len(vals))
	for i, v := range vals {
		if isMissing[v] {
			codes[i] = -1
			cr.add(true, line(i), keys[i], v)
			continue
		}
		c, ok := id[v]
		if !ok {
			codes[i] = -1
			cr.add(false, line(i), keys[i], v)
			continue
		}
		codes[i] = c
	}
	return levels, codes
}

// Report tells what loading found: per column, its kind and the cells that
// were missing or could not be read as the column's kind (those are stored
// as missing). It renders itself (String, HTML).
type Report struct {
	Rows    int
	Columns []ColumnReport
}

// ColumnReport is the part of a Report about one column.
type ColumnReport struct {
	Name     string
	Kind     Kind
	Missing  int
	Invalid  int
	Examples []Cell // the first few missing or invalid cells
}

// Cell locates one reported cell.
type Cell struct {
	Line    int    // 1-based line in the file; the header is line 1
	Key     string // the row's key
	Value   string // the text as read
	Invalid bool   // true: not a valid value; false: a missing-value marker
}

const maxExamples = 5

func (c *ColumnReport) add(missing bool, line int, key, v string) {
	if missing {
		c.Missing++
	} else {
		c.Invalid++
	}
	if len(c.Examples) < maxExamples {
		c.Examples = append(c.Examples, Cell{Line: line, Key: key, Value: v, Invalid: !missing})
	}
}

// Missing returns the number of missing cells in all columns.
func (r *Report) Missing() int {
	n := 0
	for _, c := range r.Columns {
		n += c.Missing
	}
	return n
}

// Invalid returns the number of invalid cells in all columns.
func (r *Report) Invalid() int {
	n := 0
	for _, c := range r.Columns {
		n += c.Invalid
	}
	return n
}

// OK reports whether nothing was missing or invalid.
func (r *Report) OK() bool { return r.Missing() == 0 && r.Invalid() == 0 }

func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows, %d columns", r.Rows, len(r.Columns))
	if r.OK() {
		b.WriteString(": no missing or invalid values")
		return b.String()
	}
	fmt.Fprintf(&b, ": %d missing, %d invalid\n", r.Missing(), r.Invalid())
	for _, c := range r.Columns {
		if c.Missing == 0 && c.Invalid == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s (%s): %d missing, %d invalid", c.Name, c.Kind, c.Missing, c.Invalid)
		var ex []string
		for _, e := range c.Examples {
			if e.Invalid {
				ex = append(ex, fmt.Sprintf("line %d %q", e.Line, e.Value))
			}
		}
		if len(ex) > 0 {
			b.WriteString("; e.g. " + strings.Join(ex, ", "))
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// HTML renders the report as a table with one row per column.
func (r *Report) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<div class=\"tandem-report\"><p>%d rows, %d columns: %d missing, %d invalid</p>", r.Rows, len(r.Columns), r.Missing(), r.Invalid())
	b.WriteString("<table><thead><tr><th>column</th><th>kind</th><th>missing</th><th>invalid</th><th>examples</th></tr></thead><tbody>")
	for _, c := range r.Columns {
		var ex []string
		for _, e := range c.Examples {
			ex = append(ex, fmt.Sprintf("line %d: %q", e.Line, e.Value))
		}
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%s</td></tr>",
			html.EscapeString(c.Name), c.Kind, c.Missing, c.Invalid, html.EscapeString(strings.Join(ex, "; ")))
	}
	b.WriteString("</tbody></table></div>")
	return b.String()
}
