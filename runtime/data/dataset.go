package data

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"tandem.dev/tandem/runtime/host"
)

// Error is the panic value for misuse of the package (an unknown column, a
// bad fraction) and for loaders called in the one-value cell form. Its
// message starts with "data: ".
type Error struct{ Msg string }

func (e Error) Error() string { return e.Msg }

func fail(format string, args ...any) {
	panic(Error{"data: " + fmt.Sprintf(format, args...)})
}

// Kind is the type of a column.
type Kind int

const (
	Numeric     Kind = iota // float64 values; NaN marks a missing value
	Categorical             // one of a few levels; used as a feature after OneHot
	Text                    // free text, kept for display and editing only
)

func (k Kind) String() string {
	switch k {
	case Numeric:
		return "numeric"
	case Categorical:
		return "categorical"
	case Text:
		return "text"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// column is one column of a table. Columns are never modified once a table
// is built: corrections copy the column they touch.
type column struct {
	name   string
	kind   Kind
	num    []float64 // Numeric: one value per table row, NaN = missing
	f32    []float32 // Numeric, instead of num for large image sets (half the memory)
	blk    *block    // Numeric, instead of num: column bj of a row-major block
	bj     int
	codes  []int    // Categorical: level index per table row, -1 = missing
	levels []string // Categorical: level names
	str    []string // Text: one value per table row
}

func (c *column) cell(i int) string {
	switch c.kind {
	case Numeric:
		v := c.at(i)
		if math.IsNaN(v) {
			return ""
		}
		if c.f32 != nil || c.blk != nil {
			return strconv.FormatFloat(v, 'g', -1, 32)
		}
		return formatFloat(v)
	case Categorical:
		if c.codes[i] < 0 {
			return ""
		}
		return c.levels[c.codes[i]]
	}
	return c.str[i]
}

// show renders the cell of table row i for display: numbers with at most
// 6 significant digits.
func (c *column) show(i int) string {
	if c.kind != Numeric {
		return c.cell(i)
	}
	v := c.at(i)
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// block holds the numeric columns of an image set row-major, float32, so
// that a batch of rows is a run of copies.
type block struct {
	data  []float32
	nf    int
	noNaN bool // no value is missing
}

// at returns the numeric value of table row i.
func (c *column) at(i int) float64 {
	if c.blk != nil {
		return float64(c.blk.data[i*c.blk.nf+c.bj])
	}
	if c.f32 != nil {
		return float64(c.f32[i])
	}
	return c.num[i]
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// table is the immutable storage under one or more Datasets. Row i of the
// table is the i-th row of the source (file, generator); Datasets select and
// order rows by table index.
type table struct {
	keys    []string
	cols    []*column // feature and extra columns, in source order
	label   string    // name of the label column; "" when none
	classes []string  // class names, index = class id
	y       []int     // class id per table row, -1 = no label
	target  string    // name of the regression target column; "" when none
	tv      []float64 // target value per table row
	report  *Report
	index   *keyIndex // built on first use; shared by copies with the same keys
	dense   *dense    // built on first use; never shared by copies (clone)
}

// clone returns a shallow copy of t for a derived table: same keys (and key
// index), its own dense cache, since the caller is about to change columns
// or labels.
func (t *table) clone() *table {
	nt := *t
	nt.dense = &dense{}
	return &nt
}

// dense is a row-major float32 copy of a table's numeric columns, made once
// on first use (X, Batches, DropMissing), so that reading a batch of rows is
// a run of copies however the columns are stored.
type dense struct {
	once sync.Once
	data []float32
	nf   int
	nan  []bool // per table row: some numeric value is missing; nil if none is
}

// matrix returns the table's dense cache, building it on first use.
func (t *table) matrix() *dense {
	d := t.dense
	d.once.Do(func() {
		var num []*column
		for _, c := range t.cols {
			if c.kind == Numeric {
				num = append(num, c)
			}
		}
		n, f := len(t.keys), len(num)
		d.nf = f
		if f > 0 && num[0].blk != nil && num[0].blk.nf == f {
			whole := true
			for j, c := range num {
				whole = whole && c.blk == num[0].blk && c.bj == j
			}
			if whole && num[0].blk.noNaN {
				d.data = num[0].blk.data // already row-major: share it
				return
			}
		}
		d.data = make([]float32, n*f)
		// Tiles of 64 rows keep the strided writes within cache.
		const tile = 64
		for r0 := 0; r0 < n; r0 += tile {
			r1 := r0 + tile
			if r1 > n {
				r1 = n
			}
			for j, c := range num {
				for r := r0; r < r1; r++ {
					d.data[r*f+j] = float32(c.at(r))
				}
			}
		}
		for r := 0; r < n; r++ {
			for _, v := range d.data[r*f : (r+1)*f] {
				if v != v {
					if d.nan == nil {
						d.nan = make([]bool, n)
					}
					d.nan[r] = true
					break
				}
			}
		}
	})
	return d
}

type keyIndex struct {
	once sync.Once
	pos  map[string]int
}

func (t *table) pos(key string) (int, bool) {
	if t.index == nil {
		panic("data: table without key index")
	}
	t.index.once.Do(func() {
		t.index.pos = make(map[string]int, len(t.keys))
		for i, k := range t.keys {
			t.index.pos[k] = i
		}
	})
	i, ok := t.index.pos[key]
	return i, ok
}

func (t *table) col(name string) *column {
	for _, c := range t.cols {
		if c.name == name {
			return c
		}
	}
	return nil
}

// state is one immutable version of a Dataset: a table and the rows of it
// that the Dataset shows, in order.
type state struct {
	t       *table
	rows    []int
	changes []Change // corrections replayed over the base to get t and rows
}

// Dataset is an in-memory table of rows with stable keys, typed columns and
// an optional label (classification) or target (regression) column.
//
// A Dataset is a handle on an immutable version of its data. Views made from
// it (Split, Head, Select, Standardize) are new Datasets sharing the storage.
// Replay swaps in a new version (base data with corrections applied)
// atomically, so a training loop that took its rows at the start is not
// disturbed by corrections written while it runs.
//
// Row positions (the i in Labels()[i]) are 0-based positions in this
// Dataset; keys identify rows across every view, reload and re-sort.
// Make Datasets with the loaders, generators or New: the zero Dataset is
// not usable.
type Dataset struct {
	name string
	cur  atomic.Pointer[state]
	base *state // as loaded; Replay starts from it

	mu    sync.Mutex
	split map[string]bool // keys on the test side of the last Split; nil before
}

func newDataset(name string, t *table, rows []int) *Dataset {
	if t.index == nil {
		t.index = &keyIndex{}
	}
	if t.dense == nil {
		t.dense = &dense{}
	}
	if rows == nil {
		rows = make([]int, len(t.keys))
		for i := range rows {
			rows[i] = i
		}
	}
	ds := &Dataset{name: name}
	s := &state{t: t, rows: rows}
	ds.base = s
	ds.cur.Store(s)
	return ds
}

func (ds *Dataset) s() *state { return ds.cur.Load() }

// view returns a new Dataset over the same table with the given table rows.
func (ds *Dataset) view(t *table, rows []int) *Dataset {
	return newDataset(ds.name, t, rows)
}

// Snapshot returns a view of the current version of ds: later Replays on
// ds do not change it. Code that reads a dataset in several calls (its
// rows, then its labels) while corrections may arrive reads a snapshot.
func (ds *Dataset) Snapshot() *Dataset {
	s := ds.s()
	snap := &Dataset{name: ds.name, base: s}
	snap.cur.Store(s)
	return snap
}

// Name returns the dataset's name (the file name without extension, or the
// built-in or generator name).
func (ds *Dataset) Name() string { return ds.name }

// Len returns the number of rows.
func (ds *Dataset) Len() int { return len(ds.s().rows) }

// Features returns the names of the numeric feature columns, in the order
// of the columns of X and of a batch.
func (ds *Dataset) Features() []string {
	var out []string
	for _, c := range ds.s().t.cols {
		if c.kind == Numeric {
			out = append(out, c.name)
		}
	}
	return out
}

// NumFeatures returns len(Features()).
func (ds *Dataset) NumFeatures() int {
	n := 0
	for _, c := range ds.s().t.cols {
		if c.kind == Numeric {
			n++
		}
	}
	return n
}

// Columns returns the names of all columns except the label/target: numeric
// features, categorical and text columns, in source order.
func (ds *Dataset) Columns() []string {
	var out []string
	for _, c := range ds.s().t.cols {
		out = append(out, c.name)
	}
	return out
}

// Kind returns the kind of the named column. It panics with Error if there
// is no such column.
func (ds *Dataset) Kind(name string) Kind { return ds.mustCol(name).kind }

func (ds *Dataset) mustCol(name string) *column {
	t := ds.s().t
	if c := t.col(name); c != nil {
		return c
	}
	have := make([]string, 0, len(t.cols))
	for _, c := range t.cols {
		have = append(have, c.name)
	}
	if name == t.label && name != "" {
		fail("column %q is the label: use Labels() or LabelStrings()", name)
	}
	fail("no column %q; columns: %s", name, strings.Join(have, ", "))
	return nil
}

// Column returns a copy of the numeric feature column called name, one value
// per row (NaN where missing). It panics with Error naming the column and
// listing the available ones if there is none, or if the column is not
// numeric (use Strings for those, or OneHot).
func (ds *Dataset) Column(name string) []float64 {
	ds = ds.Snapshot()
	c := ds.mustCol(name)
	if c.kind != Numeric {
		fail("column %q is %s, not numeric: use Strings(%q), or OneHot() to make numeric features of it", name, c.kind, name)
	}
	s := ds.s()
	out := make([]float64, len(s.rows))
	for i, r := range s.rows {
		out[i] = c.at(r)
	}
	return out
}

// Strings returns the named column rendered as text, one value per row ("" where
// missing). It works for every kind of column and for the label/target.
func (ds *Dataset) Strings(name string) []string {
	ds = ds.Snapshot()
	s := ds.s()
	if name != "" && name == s.t.label {
		return ds.LabelStrings()
	}
	if name != "" && name == s.t.target {
		out := make([]string, len(s.rows))
		for i, r := range s.rows {
			out[i] = formatFloat(s.t.tv[r])
		}
		return out
	}
	c := ds.mustCol(name)
	out := make([]string, len(s.rows))
	for i, r := range s.rows {
		out[i] = c.cell(r)
	}
	return out
}

// Label returns the name of the label column, or "" if the dataset has none.
func (ds *Dataset) Label() string { return ds.s().t.label }

// Target returns the name of the regression target column, or "".
func (ds *Dataset) Target() string { return ds.s().t.target }

// Classes returns the class names; the index of a name is its class id. It
// is nil for a dataset without a label.
func (ds *Dataset) Classes() []string {
	return append([]string(nil), ds.s().t.classes...)
}

// NumClasses returns len(Classes()).
func (ds *Dataset) NumClasses() int { return len(ds.s().t.classes) }

// Labels returns the class id of each row; -1 marks a row without a label.
// It is nil for a dataset without a label column.
func (ds *Dataset) Labels() []int {
	s := ds.s()
	if s.t.y == nil {
		return nil
	}
	out := make([]int, len(s.rows))
	for i, r := range s.rows {
		out[i] = s.t.y[r]
	}
	return out
}

// LabelStrings returns the class name of each row ("" where unlabeled).
func (ds *Dataset) LabelStrings() []string {
	s := ds.s()
	if s.t.y == nil {
		return nil
	}
	out := make([]string, len(s.rows))
	for i, r := range s.rows {
		if y := s.t.y[r]; y >= 0 {
			out[i] = s.t.classes[y]
		}
	}
	return out
}

// Targets returns the regression target of each row, or nil when the
// dataset has no target column.
func (ds *Dataset) Targets() []float64 {
	s := ds.s()
	if s.t.tv == nil {
		return nil
	}
	out := make([]float64, len(s.rows))
	for i, r := range s.rows {
		out[i] = s.t.tv[r]
	}
	return out
}

// Keys returns the stable key of each row: the key column's value when the
// dataset was loaded with one, else a hash of the row's cells other than
// the label and target (so a row keeps its key when a file with corrected
// labels is loaded again). Rows with the same cells get the hash of their
// label appended after a dot, and repeats of the same row "#2", "#3" ….
func (ds *Dataset) Keys() []string {
	s := ds.s()
	out := make([]string, len(s.rows))
	for i, r := range s.rows {
		out[i] = s.t.keys[r]
	}
	return out
}

// Index returns the row position of the row with the given key in this
// dataset, or -1.
func (ds *Dataset) Index(key string) int {
	s := ds.s()
	p, ok := s.t.pos(key)
	if !ok {
		return -1
	}
	for i, r := range s.rows {
		if r == p {
			return i
		}
	}
	return -1
}

// Key returns the key of row i (0-based position).
func (ds *Dataset) Key(i int) string {
	s := ds.s()
	if i < 0 || i >= len(s.rows) {
		fail("row %d out of range [0, %d)", i, len(s.rows))
	}
	return s.t.keys[s.rows[i]]
}

// LabelString returns the class name of row i ("" if unlabeled or the
// dataset has no label).
func (ds *Dataset) LabelString(i int) string {
	s := ds.s()
	if i < 0 || i >= len(s.rows) {
		fail("row %d out of range [0, %d)", i, len(s.rows))
	}
	if s.t.y == nil {
		return ""
	}
	if y := s.t.y[s.rows[i]]; y >= 0 {
		return s.t.classes[y]
	}
	return ""
}

// Row returns the features of row i (0-based position) as float64.
func (ds *Dataset) Row(i int) []float64 {
	s := ds.s()
	if i < 0 || i >= len(s.rows) {
		fail("row %d out of range [0, %d)", i, len(s.rows))
	}
	r := s.rows[i]
	var out []float64
	for _, c := range s.t.cols {
		if c.kind == Numeric {
			out = append(out, c.at(r))
		}
	}
	return out
}

// Matrix returns the numeric features as a row-major float64 slice of
// Len()×NumFeatures() values.
func (ds *Dataset) Matrix() []float64 {
	s := ds.s()
	var num []*column
	for _, c := range s.t.cols {
		if c.kind == Numeric {
			num = append(num, c)
		}
	}
	f := len(num)
	out := make([]float64, len(s.rows)*f)
	for j, c := range num {
		for i, r := range s.rows {
			out[i*f+j] = c.at(r)
		}
	}
	return out
}

// Select returns a view of the rows at the given positions, in that order.
// It panics with Error if a position is out of range.
func (ds *Dataset) Select(rows []int) *Dataset {
	s := ds.s()
	out := make([]int, len(rows))
	for i, p := range rows {
		if p < 0 || p >= len(s.rows) {
			fail("row %d out of range [0, %d)", p, len(s.rows))
		}
		out[i] = s.rows[p]
	}
	return ds.view(s.t, out)
}

// Head returns a view of the first n rows (all of them if there are fewer).
func (ds *Dataset) Head(n int) *Dataset {
	s := ds.s()
	if n > len(s.rows) {
		n = len(s.rows)
	}
	if n < 0 {
		n = 0
	}
	return ds.view(s.t, append([]int(nil), s.rows[:n]...))
}

// Report returns what loading found missing or invalid. It is an empty
// report for generated and built-in datasets.
func (ds *Dataset) Report() *Report {
	if r := ds.s().t.report; r != nil {
		return r
	}
	return &Report{Rows: ds.Len()}
}

// DropMissing returns a view without the rows that have a missing numeric
// feature, a missing label or a missing target.
func (ds *Dataset) DropMissing() *Dataset {
	s := ds.s()
	nan := s.t.matrix().nan
	keep := make([]int, 0, len(s.rows))
	for _, r := range s.rows {
		if nan != nil && nan[r] {
			continue
		}
		if s.t.y != nil && s.t.y[r] < 0 {
			continue
		}
		if s.t.tv != nil && math.IsNaN(s.t.tv[r]) {
			continue
		}
		keep = append(keep, r)
	}
	return ds.view(s.t, keep)
}

// ClassCounts returns the number of rows of each class, indexed by class
// id; nil for a dataset without a label.
func (ds *Dataset) ClassCounts() []int {
	s := ds.s()
	if s.t.y == nil {
		return nil
	}
	out := make([]int, len(s.t.classes))
	for _, r := range s.rows {
		if y := s.t.y[r]; y >= 0 {
			out[y]++
		}
	}
	return out
}

// Hash returns a content hash of the rows of this dataset (keys, columns,
// labels and targets, in row order) as 16 hex digits. Equal data, equal hash.
func (ds *Dataset) Hash() string {
	s := ds.s()
	h := sha256.New()
	for _, c := range s.t.cols {
		fmt.Fprintf(h, "%s\x1f%d\x1e", c.name, c.kind)
	}
	fmt.Fprintf(h, "%s\x1f%s\x1e", s.t.label, s.t.target)
	for _, r := range s.rows {
		h.Write([]byte(s.t.keys[r]))
		for _, c := range s.t.cols {
			h.Write([]byte{0x1f})
			h.Write([]byte(c.cell(r)))
		}
		if s.t.y != nil {
			h.Write([]byte{0x1f})
			if y := s.t.y[r]; y >= 0 {
				h.Write([]byte(s.t.classes[y]))
			}
		}
		if s.t.tv != nil {
			fmt.Fprintf(h, "\x1f%v", s.t.tv[r])
		}
		h.Write([]byte{0x1e})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// contentKeys hashes each record into a key. Records whose content is
// repeated get the hash of their tag (the label, which the content leaves
// out) appended, "<hash>.<tag hash>", and repeats of that "#2", "#3" … in
// order, so that rows with the same features but different labels keep
// their keys when the file is re-sorted, while a row whose content is
// unique keeps its key when its label is corrected.
func contentKeys(records [][]string, tags []string) []string {
	hash := func(parts []string) string {
		h := sha256.New()
		for j, v := range parts {
			if j > 0 {
				h.Write([]byte{0x1f})
			}
			h.Write([]byte(v))
		}
		return hex.EncodeToString(h.Sum(nil)[:8])
	}
	base := make([]string, len(records))
	count := make(map[string]int, len(records))
	for i, rec := range records {
		base[i] = hash(rec)
		count[base[i]]++
	}
	keys := make([]string, len(records))
	seen := map[string]int{}
	for i, k := range base {
		if count[k] > 1 {
			if tags != nil {
				k += "." + hash([]string{tags[i]})[:6]
			}
			seen[k]++
			if n := seen[k]; n > 1 {
				k += "#" + strconv.Itoa(n)
			}
		}
		keys[i] = k
	}
	return keys
}

// sortClasses orders class names numerically when all are numbers, else
// lexically, so class ids do not depend on row order.
func sortClasses(names []string) {
	numeric := true
	for _, n := range names {
		if _, err := strconv.ParseFloat(n, 64); err != nil {
			numeric = false
			break
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if numeric {
			a, _ := strconv.ParseFloat(names[i], 64)
			b, _ := strconv.ParseFloat(names[j], 64)
			return a < b
		}
		return names[i] < names[j]
	})
}

// SelectColumns returns a view with only the named columns, in that order
// (the label and target stay). It panics with Error naming an unknown
// column: ds.SelectColumns([]string{"petal_length", "petal_width"}).
func (ds *Dataset) SelectColumns(names []string) *Dataset {
	ds = ds.Snapshot()
	s := ds.s()
	nt := s.t.clone()
	nt.cols = nil
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			fail("column %q named twice", n)
		}
		seen[n] = true
		nt.cols = append(nt.cols, ds.mustCol(n))
	}
	return ds.view(nt, append([]int(nil), s.rows...))
}

// Filter returns a view of the rows for which keep(i) is true, i being the
// row's position in ds: ds.Filter(func(i int) bool { return ds.LabelString(i) != "setosa" }).
func (ds *Dataset) Filter(keep func(i int) bool) *Dataset {
	ds = ds.Snapshot()
	var rows []int
	for i := 0; i < ds.Len(); i++ {
		if i&1023 == 0 {
			host.Check()
		}
		if keep(i) {
			rows = append(rows, i)
		}
	}
	return ds.Select(rows)
}
