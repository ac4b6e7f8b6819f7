package ledger

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Table is what the exporters need of a dataset: *data.Dataset has these
// methods (see notes/contracts.md), so it is passed as it is.
type Table interface {
	Keys() []string               // stable row keys, one per row
	Features() []string           // feature column names
	Column(name string) []float64 // a feature column, one value per row
	LabelStrings() []string       // labels, one per row (nil if unlabeled)
}

// ExportOptions tunes WriteCSV and WriteJSONL. The zero value exports every
// row, excluded ones flagged, with the label column named "label".
type ExportOptions struct {
	DropExcluded bool   // leave excluded rows out
	LabelColumn  string // name of the label column; "label" if empty
}

// The provenance columns, after the features and the label.
var provenanceColumns = []string{
	"original_label", "excluded", "edited", "authors", "event_ids",
	"model_versions", "last_changed", "notes", "conflict",
}

type exportRow struct {
	key      string
	values   []string  // features then extra edited fields; "" for missing
	nums     []float64 // the numeric value of values[j] when numeric[j]
	numeric  []bool
	label    string
	original string
	row      *Row
}

// export walks t with s applied and calls emit for each row to write.
func export(t Table, s *State, opts ExportOptions, header func(cols []string) error, emit func(exportRow) error) error {
	keys, feats, labels := t.Keys(), t.Features(), t.LabelStrings()
	cols := make([][]float64, len(feats))
	isFeat := map[string]int{}
	for j, f := range feats {
		cols[j] = t.Column(f)
		if len(cols[j]) != len(keys) {
			return fmt.Errorf("export dataset: column %q has %d values for %d keys", f, len(cols[j]), len(keys))
		}
		isFeat[f] = j
	}
	if labels != nil && len(labels) != len(keys) {
		return fmt.Errorf("export dataset: %d labels for %d keys", len(labels), len(keys))
	}
	// Edited fields that are not features become extra columns, sorted.
	extraSet := map[string]bool{}
	for _, r := range s.rows {
		for f := range r.Values {
			if _, ok := isFeat[f]; !ok {
				extraSet[f] = true
			}
		}
	}
	extra := make([]string, 0, len(extraSet))
	for f := range extraSet {
		extra = append(extra, f)
	}
	sort.Strings(extra)
	labelCol := opts.LabelColumn
	if labelCol == "" {
		labelCol = "label"
	}
	h := append([]string{"key"}, feats...)
	h = append(h, extra...)
	h = append(h, labelCol)
	h = append(h, provenanceColumns...)
	if err := header(h); err != nil {
		return err
	}
	empty := &Row{}
	for i, k := range keys {
		r := s.rows[k]
		if r == nil {
			r = empty
		}
		if opts.DropExcluded && r.Excluded {
			continue
		}
		n := len(feats) + len(extra)
		er := exportRow{key: k, row: r, values: make([]string, n), nums: make([]float64, n), numeric: make([]bool, n)}
		for j, f := range feats {
			if v, ok := r.Values[f]; ok {
				er.values[j] = v
				x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				er.nums[j], er.numeric[j] = x, err == nil && !math.IsNaN(x) && !math.IsInf(x, 0)
				continue
			}
			if x := cols[j][i]; !math.IsNaN(x) && !math.IsInf(x, 0) {
				er.values[j] = strconv.FormatFloat(x, 'g', -1, 64)
				er.nums[j], er.numeric[j] = x, true
			} else if math.IsInf(x, 0) {
				er.values[j] = strconv.FormatFloat(x, 'g', -1, 64)
			}
		}
		for j, f := range extra {
			er.values[len(feats)+j] = r.Values[f]
		}
		if labels != nil {
			er.original = labels[i]
		}
		er.label = er.original
		if r.Relabeled {
			er.label = r.Label
		}
		if err := emit(er); err != nil {
			return err
		}
	}
	return nil
}

// provenance of a row, as the exporters write it.
type provenance struct {
	edited, authors, ids, models, notes []string
	last                                string
}

func provenanceOf(r *Row) provenance {
	var p provenance
	uniq := func(list []string, v string) []string {
		if v == "" {
			return list
		}
		for _, x := range list {
			if x == v {
				return list
			}
		}
		return append(list, v)
	}
	var last time.Time
	for _, e := range r.Applied {
		if e.Kind == Edit {
			p.edited = uniq(p.edited, e.Field)
		}
		p.authors = uniq(p.authors, e.Author)
		p.ids = append(p.ids, e.ID)
		p.models = uniq(p.models, e.ModelVersion)
		if e.Time.After(last) {
			last = e.Time
		}
	}
	p.notes = r.Notes
	if !last.IsZero() {
		p.last = last.UTC().Format(time.RFC3339Nano)
	}
	return p
}

// WriteCSV writes t with s applied as CSV: key, the features (edited values
// in place), edited fields that are not features, the corrected label, then
// the provenance columns original_label, excluded, edited, authors,
// event_ids, model_versions, last_changed, notes (lists joined with "; ")
// and conflict. A NaN feature is written as an empty field.
func WriteCSV(w io.Writer, t Table, s *State, opts ExportOptions) error {
	cw := csv.NewWriter(w)
	err := export(t, s, opts, func(h []string) error { return cw.Write(h) }, func(er exportRow) error {
		p := provenanceOf(er.row)
		rec := append([]string{er.key}, er.values...)
		rec = append(rec, er.label, er.original, strconv.FormatBool(er.row.Excluded),
			strings.Join(p.edited, "; "), strings.Join(p.authors, "; "), strings.Join(p.ids, "; "),
			strings.Join(p.models, "; "), p.last, strings.Join(p.notes, "; "), strconv.FormatBool(er.row.Conflict))
		return cw.Write(rec)
	})
	if err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// WriteJSONL writes t with s applied as JSON Lines, one object per row with
// the same members, in the same order, as WriteCSV's columns. Numeric values
// are numbers (a NaN is null), lists are arrays, excluded and conflict are
// booleans.
func WriteJSONL(w io.Writer, t Table, s *State, opts ExportOptions) error {
	bw := bufio.NewWriter(w)
	var names []string
	err := export(t, s, opts, func(h []string) error { names = h; return nil }, func(er exportRow) error {
		p := provenanceOf(er.row)
		var b strings.Builder
		b.WriteByte('{')
		n := 0
		member := func(v any) {
			if n > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(names[n])
			vb, _ := json.Marshal(v)
			b.Write(kb)
			b.WriteByte(':')
			b.Write(vb)
			n++
		}
		member(er.key)
		for j, v := range er.values {
			switch {
			case er.numeric[j]:
				member(er.nums[j])
			case v == "":
				member(nil)
			default:
				member(v)
			}
		}
		member(er.label)
		member(er.original)
		member(er.row.Excluded)
		member(nonNil(p.edited))
		member(nonNil(p.authors))
		member(nonNil(p.ids))
		member(nonNil(p.models))
		member(p.last)
		member(nonNil(p.notes))
		member(er.row.Conflict)
		b.WriteString("}\n")
		_, err := bw.WriteString(b.String())
		return err
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("write jsonl: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
