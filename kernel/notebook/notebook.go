package notebook

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// MaxSize is the largest file Parse and ParseScript accept, in bytes.
const MaxSize = 64 << 20

// ErrTooLarge is returned (wrapped, with the size) for input over MaxSize.
var ErrTooLarge = errors.New("notebook too large")

// Version written by Format.
const (
	FormatMajor = 4
	FormatMinor = 5
)

// Notebook is a parsed notebook. Multi-line text (sources, stream text,
// text outputs) is held as one string; Format splits it into lines again.
type Notebook struct {
	Cells         []*Cell
	Metadata      map[string]any // never nil after Parse; numbers are json.Number
	NBFormat      int            // 4
	NBFormatMinor int            // at least 5 after Parse
	Extra         map[string]any // unknown top-level fields, kept as read
}

// Cell is one notebook cell.
type Cell struct {
	ID             string
	Type           string // "code", "markdown" or "raw"
	Source         string
	Metadata       map[string]any   // never nil after Parse
	ExecutionCount *int             // code cells only; nil is null
	Outputs        []map[string]any // code cells only; text fields joined
	Attachments    map[string]any   // markdown and raw cells; nil when absent
	Extra          map[string]any   // unknown cell fields, kept as read
}

// ParseError describes invalid notebook input. Cell is the 1-based cell
// number (0 when the problem is not in a cell); Line and Col locate JSON
// syntax errors (1-based, Col in bytes; 0 when not a syntax error).
type ParseError struct {
	Cell  int
	Field string // the offending field, "" if none
	Line  int
	Col   int
	Msg   string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("notebook: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Col)
	}
	if e.Cell > 0 {
		fmt.Fprintf(&b, "cell %d: ", e.Cell)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "%s: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// New returns an empty nbformat 4.5 notebook with the tandem kernelspec.
func New() *Notebook {
	nb := &Notebook{Metadata: map[string]any{}, NBFormat: FormatMajor, NBFormatMinor: FormatMinor}
	nb.EnsureKernelspec()
	return nb
}

// EnsureKernelspec sets the tandem kernelspec and Go language_info in the
// metadata unless a kernelspec is already there.
func (nb *Notebook) EnsureKernelspec() {
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	if _, ok := nb.Metadata["kernelspec"]; !ok {
		nb.Metadata["kernelspec"] = map[string]any{"name": "tandem", "display_name": "Go (Tandem)", "language": "go"}
	}
	if _, ok := nb.Metadata["language_info"]; !ok {
		nb.Metadata["language_info"] = map[string]any{"name": "go", "file_extension": ".go", "mimetype": "text/x-go"}
	}
}

// Parse reads an nbformat 4 .ipynb file. Errors are *ParseError, or
// ErrTooLarge wrapped.
func Parse(data []byte) (*Notebook, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(data), MaxSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ParseError{Msg: "file is empty"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return nil, syntaxError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, int(dec.InputOffset()))
		return nil, &ParseError{Line: line, Col: col, Msg: "unexpected data after the notebook"}
	}
	return FromJSON(top)
}

// FromJSON builds a notebook from decoded JSON (an object from
// encoding/json, numbers as float64 or json.Number), as the server receives
// it in a save request. Errors are *ParseError.
func FromJSON(v any) (*Notebook, error) {
	top, ok := v.(map[string]any)
	if !ok {
		return nil, &ParseError{Msg: "top level is " + kind(v) + ", want an object"}
	}
	top = clone(top)
	major, ok := intOf(top["nbformat"])
	switch {
	case top["nbformat"] == nil:
		return nil, &ParseError{Field: "nbformat", Msg: "missing: not a Jupyter notebook"}
	case !ok:
		return nil, &ParseError{Field: "nbformat", Msg: "is " + kind(top["nbformat"]) + ", want an integer"}
	case major != 4:
		return nil, &ParseError{Field: "nbformat", Msg: fmt.Sprintf("version %d is not supported (only 4; convert with `jupyter nbconvert --to notebook`)", major)}
	}
	minor := 0
	if m, present := top["nbformat_minor"]; present {
		if minor, ok = intOf(m); !ok || minor < 0 {
			return nil, &ParseError{Field: "nbformat_minor", Msg: "is " + kind(m) + ", want a non-negative integer"}
		}
	}
	nb := &Notebook{NBFormat: 4, NBFormatMinor: max(minor, FormatMinor)}
	delete(top, "nbformat")
	delete(top, "nbformat_minor")
	var err error
	if nb.Metadata, err = object(top, "metadata", 0); err != nil {
		return nil, err
	}
	rawCells, present := top["cells"]
	delete(top, "cells")
	cells, ok := rawCells.([]any)
	if !present {
		return nil, &ParseError{Field: "cells", Msg: "missing"}
	} else if !ok {
		return nil, &ParseError{Field: "cells", Msg: "is " + kind(rawCells) + ", want an array"}
	}
	seen := map[string]bool{}
	for i, rc := range cells {
		c, err := parseCell(rc, i+1)
		if err != nil {
			return nil, err
		}
		if !validID.MatchString(c.ID) || seen[c.ID] {
			c.ID = newID(seen)
		}
		seen[c.ID] = true
		nb.Cells = append(nb.Cells, c)
	}
	if len(top) > 0 {
		nb.Extra = top
	}
	return nb, nil
}

var validID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

func newID(seen map[string]bool) string {
	for {
		var b [4]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		if !seen[id] {
			return id
		}
	}
}

func parseCell(v any, n int) (*Cell, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &ParseError{Cell: n, Msg: "is " + kind(v) + ", want an object"}
	}
	m = clone(m)
	c := &Cell{}
	t, ok := m["cell_type"].(string)
	if !ok {
		if m["cell_type"] == nil {
			return nil, &ParseError{Cell: n, Field: "cell_type", Msg: "missing"}
		}
		return nil, &ParseError{Cell: n, Field: "cell_type", Msg: "is " + kind(m["cell_type"]) + ", want a string"}
	}
	switch t {
	case "code", "markdown", "raw":
	default:
		return nil, &ParseError{Cell: n, Field: "cell_type", Msg: fmt.Sprintf("unknown type %q (want code, markdown or raw)", t)}
	}
	c.Type = t
	delete(m, "cell_type")
	if id, ok := m["id"].(string); ok {
		c.ID = id
	}
	delete(m, "id")
	src, err := multiline(m["source"])
	if err != nil {
		return nil, &ParseError{Cell: n, Field: "source", Msg: err.Error()}
	}
	c.Source = src
	delete(m, "source")
	if c.Metadata, err = object(m, "metadata", n); err != nil {
		return nil, err
	}
	if t == "code" {
		if ec, present := m["execution_count"]; present && ec != nil {
			x, ok := intOf(ec)
			if !ok {
				return nil, &ParseError{Cell: n, Field: "execution_count", Msg: "is " + kind(ec) + ", want an integer or null"}
			}
			c.ExecutionCount = &x
		}
		delete(m, "execution_count")
		if ro, present := m["outputs"]; present {
			outs, ok := ro.([]any)
			if !ok {
				return nil, &ParseError{Cell: n, Field: "outputs", Msg: "is " + kind(ro) + ", want an array"}
			}
			for j, o := range outs {
				om, ok := o.(map[string]any)
				if !ok {
					return nil, &ParseError{Cell: n, Field: fmt.Sprintf("outputs[%d]", j), Msg: "is " + kind(o) + ", want an object"}
				}
				if err := joinOutput(om); err != nil {
					return nil, &ParseError{Cell: n, Field: fmt.Sprintf("outputs[%d].%s", j, err.Error()), Msg: "want a string or an array of strings"}
				}
				c.Outputs = append(c.Outputs, om)
			}
		}
		delete(m, "outputs")
	} else if a, present := m["attachments"]; present {
		am, ok := a.(map[string]any)
		if !ok {
			return nil, &ParseError{Cell: n, Field: "attachments", Msg: "is " + kind(a) + ", want an object"}
		}
		c.Attachments = am
		delete(m, "attachments")
	}
	if len(m) > 0 {
		c.Extra = m
	}
	return c, nil
}

// joinOutput joins the multi-line fields of an output in place; the error
// names the bad field.
func joinOutput(o map[string]any) error {
	if t, ok := o["text"]; ok {
		s, err := multiline(t)
		if err != nil {
			return errors.New("text")
		}
		o["text"] = s
	}
	if d, ok := o["data"].(map[string]any); ok {
		for mime, v := range d {
			if isJSONMime(mime) {
				continue
			}
			if _, ok := v.([]any); !ok {
				continue
			}
			s, err := multiline(v)
			if err != nil {
				return errors.New("data." + mime)
			}
			d[mime] = s
		}
	}
	return nil
}

func isJSONMime(mime string) bool {
	return mime == "application/json" || strings.HasSuffix(mime, "+json")
}

// multiline accepts a string, an array of strings, or nothing.
func multiline(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case []any:
		var b strings.Builder
		for i, s := range v {
			str, ok := s.(string)
			if !ok {
				return "", fmt.Errorf("line %d is %s, want a string", i+1, kind(s))
			}
			b.WriteString(str)
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("is %s, want a string or an array of strings", kind(v))
}

func object(m map[string]any, field string, cell int) (map[string]any, error) {
	v, present := m[field]
	delete(m, field)
	if !present || v == nil {
		return map[string]any{}, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, &ParseError{Cell: cell, Field: field, Msg: "is " + kind(v) + ", want an object"}
	}
	return o, nil
}

func intOf(v any) (int, bool) {
	switch v := v.(type) {
	case json.Number:
		i, err := v.Int64()
		if err != nil || int64(int(i)) != i {
			return 0, false
		}
		return int(i), true
	case float64:
		if v != float64(int(v)) {
			return 0, false
		}
		return int(v), true
	}
	return 0, false
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// clone copies the top-level map so FromJSON does not alter its argument's
// outer object (inner values are shared and may be rewritten in place).
func clone(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(data, int(se.Offset)-1) // Offset is just past the bad byte
		return &ParseError{Line: line, Col: col, Msg: "invalid JSON: " + se.Error()}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := lineCol(data, len(data))
		return &ParseError{Line: line, Col: col, Msg: "invalid JSON: file ends in the middle of a value (truncated?)"}
	}
	return &ParseError{Msg: "invalid JSON: " + err.Error()}
}

// lineCol converts a byte offset to a 1-based line and column (in bytes).
func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// Format writes nb in the .ipynb file form: keys sorted, indent of one
// space, multi-line strings as arrays of lines, a trailing newline. It fails
// only for values JSON cannot hold (such as NaN in metadata).
func Format(nb *Notebook) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb.toMap(true)); err != nil {
		return nil, fmt.Errorf("format notebook: %w", err)
	}
	return buf.Bytes(), nil
}

// MarshalJSON encodes the notebook as the Jupyter Server API returns it:
// multi-line strings joined, not split into lines.
func (nb *Notebook) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(nb.toMap(false)); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func (nb *Notebook) toMap(split bool) map[string]any {
	m := map[string]any{}
	for k, v := range nb.Extra {
		m[k] = v
	}
	cells := make([]any, 0, len(nb.Cells))
	for _, c := range nb.Cells {
		cells = append(cells, c.toMap(split))
	}
	meta := nb.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	m["cells"] = cells
	m["metadata"] = meta
	m["nbformat"] = nb.NBFormat
	m["nbformat_minor"] = nb.NBFormatMinor
	if nb.NBFormat == 0 {
		m["nbformat"] = FormatMajor
		m["nbformat_minor"] = FormatMinor
	}
	return m
}

func (c *Cell) toMap(split bool) map[string]any {
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	meta := c.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	m["cell_type"] = c.Type
	m["id"] = c.ID
	m["metadata"] = meta
	m["source"] = text(c.Source, split)
	if c.Type == "code" {
		if c.ExecutionCount != nil {
			m["execution_count"] = *c.ExecutionCount
		} else {
			m["execution_count"] = nil
		}
		outs := make([]any, 0, len(c.Outputs))
		for _, o := range c.Outputs {
			outs = append(outs, outputMap(o, split))
		}
		m["outputs"] = outs
	} else if c.Attachments != nil {
		m["attachments"] = c.Attachments
	}
	return m
}

func outputMap(o map[string]any, split bool) map[string]any {
	if !split {
		return o
	}
	m := make(map[string]any, len(o))
	for k, v := range o {
		m[k] = v
	}
	if s, ok := m["text"].(string); ok {
		m["text"] = text(s, true)
	}
	if d, ok := m["data"].(map[string]any); ok {
		nd := make(map[string]any, len(d))
		for mime, v := range d {
			if s, ok := v.(string); ok && !isJSONMime(mime) {
				nd[mime] = text(s, true)
			} else {
				nd[mime] = v
			}
		}
		m["data"] = nd
	}
	return m
}

// text returns s, or when split its lines, each keeping its "\n" (the form
// nbformat writes; "" is an empty array).
func text(s string, split bool) any {
	if !split {
		return s
	}
	lines := []string{}
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}
