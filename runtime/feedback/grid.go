package feedback

import (
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/widget"
)

//go:embed grid.js
var gridESM string

// GridOptions configure GridWith. The zero value shows 50 rows and 12
// columns a page and writes edits to the workspace ledger as the current
// user.
type GridOptions struct {
	PageSize int          // rows per page (0: 50; at most 500)
	Columns  int          // columns per page (0: 12)
	Store    ledger.Store // nil: the workspace ledger (see ReviewOptions)
	Author   string       // "": $TANDEM_USER, else the operating-system user
}

// DataGrid is the data grid widget: a paged, sortable, filterable table of
// a dataset with inline edits of values and labels. Only the page shown is
// sent to the browser, so it stays fast on millions of rows; sorting and
// filtering run in compiled code (a sort of 1,000,000 rows is computed
// once per column and data version). Each edit is an event in the ledger
// (ledger.Edit, or ledger.Relabel for the label column), committed before
// the browser marks it saved, and the dataset then shows it.
type DataGrid struct {
	m      *widget.Model
	ds     *data.Dataset
	o      GridOptions
	author string

	linkOnce sync.Once
	link     *ledgerLink

	mu    sync.Mutex
	views map[string][]int // cached row orders by data version + sort + filter
	gen   string
}

// Grid shows the data grid of ds.
func Grid(ds *data.Dataset) *DataGrid { return GridWith(ds, GridOptions{}) }

// GridWith is Grid with options.
func GridWith(ds *data.Dataset, o GridOptions) *DataGrid {
	if ds == nil {
		panic(Error{"feedback: Grid needs a dataset"})
	}
	if o.PageSize <= 0 {
		o.PageSize = 50
	}
	o.PageSize = min(o.PageSize, 500)
	if o.Columns <= 0 {
		o.Columns = 12
	}
	g := &DataGrid{ds: ds, o: o, author: o.Author, views: map[string][]int{}}
	if g.author == "" {
		g.author = currentAuthor()
	}
	cols := ds.Columns()
	st := map[string]any{"kind": "grid", "dataset": ds.Name(), "label": ds.Label(), "columns": anyStrings(cols),
		"classes": anyStrings(ds.Classes()), "page_size": o.PageSize, "col_page": o.Columns, "total": ds.Len(),
		"author": g.author, "error": ""}
	first, err := g.page(gridQuery{})
	if err == nil {
		st["first"] = first
	}
	g.m = widget.NewCustom(widget.CustomOptions{ESM: gridESM, State: st})
	g.m.HandleNow(g.handle)
	return g
}

// Model returns the widget's model.
func (g *DataGrid) Model() *widget.Model { return g.m }

// MIMEBundle shows the grid (a summary line where widgets are not shown).
func (g *DataGrid) MIMEBundle() map[string]any {
	b := g.m.MIMEBundle()
	b["text/plain"] = fmt.Sprintf("grid of %s: %d rows × %d columns", g.ds.Name(), g.ds.Len(), len(g.ds.Columns()))
	return b
}

// Wait blocks until every message delivered so far is handled and shown
// in the dataset (tests).
func (g *DataGrid) Wait() {
	g.m.Idle()
	if g.link != nil {
		g.link.settle()
	}
}

// Page returns what the browser gets for a page: rows (key, label, cells)
// of page p (0-based) ordered by sortBy ("" keeps the data order; a column,
// the label column or "key"), descending if desc, keeping only rows whose
// column filterCol satisfies op value ("=", "!=", "<", "<=", ">", ">=",
// "contains"; filterCol "" keeps every row). Code and tests use it; the
// widget asks for the same through its messages.
func (g *DataGrid) Page(p int, sortBy string, desc bool, filterCol, op, value string) (map[string]any, error) {
	return g.page(gridQuery{Page: p, Sort: sortBy, Desc: desc, FilterCol: filterCol, Op: op, Value: value})
}

type gridQuery struct {
	Page          int
	Sort          string
	Desc          bool
	FilterCol, Op string
	Value         string
	ColStart      int
}

func queryOf(c map[string]any) gridQuery {
	return gridQuery{Page: int(jsonNum(c["page"])), Sort: str(c["sort"]), Desc: c["desc"] == true,
		FilterCol: str(c["filter_col"]), Op: str(c["op"]), Value: str(c["value"]), ColStart: int(jsonNum(c["col_start"]))}
}

// generation names the data version of snap cheaply: its length and the
// corrections replayed into it.
func generation(snap *data.Dataset) string {
	cs := snap.Changes()
	last := ""
	if len(cs) > 0 {
		last = cs[len(cs)-1].String()
	}
	return fmt.Sprintf("%d/%d/%s", snap.Len(), len(cs), last)
}

// order returns the row positions of snap for q (sorted, filtered).
func (g *DataGrid) order(snap *data.Dataset, q gridQuery) ([]int, error) {
	gen := generation(snap)
	vkey := fmt.Sprintf("%s|%s|%v|%s|%s|%s", gen, q.Sort, q.Desc, q.FilterCol, q.Op, q.Value)
	g.mu.Lock()
	if g.gen != gen {
		g.views = map[string][]int{}
		g.gen = gen
	}
	if v, ok := g.views[vkey]; ok {
		g.mu.Unlock()
		return v, nil
	}
	g.mu.Unlock()
	n := snap.Len()
	var idx []int
	if q.Sort == "" {
		idx = make([]int, n)
		for i := range idx {
			idx[i] = i
		}
	} else {
		nums, strs, err := g.column(snap, q.Sort)
		if err != nil {
			return nil, err
		}
		idx = make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		if nums != nil {
			sort.SliceStable(idx, func(a, b int) bool {
				x, y := nums[idx[a]], nums[idx[b]]
				if math.IsNaN(x) || math.IsNaN(y) { // missing values last either way
					return !math.IsNaN(x) && math.IsNaN(y)
				}
				if q.Desc {
					return x > y
				}
				return x < y
			})
		} else {
			sort.SliceStable(idx, func(a, b int) bool {
				if q.Desc {
					return strs[idx[a]] > strs[idx[b]]
				}
				return strs[idx[a]] < strs[idx[b]]
			})
		}
	}
	if q.FilterCol != "" {
		keep, err := g.filter(snap, q)
		if err != nil {
			return nil, err
		}
		out := idx[:0:0]
		for _, i := range idx {
			if keep[i] {
				out = append(out, i)
			}
		}
		idx = out
	}
	g.mu.Lock()
	g.views[vkey] = idx
	g.mu.Unlock()
	return idx, nil
}

// column returns column name of snap as numbers (numeric columns) or text.
func (g *DataGrid) column(snap *data.Dataset, name string) ([]float64, []string, error) {
	switch {
	case name == "key":
		return nil, snap.Keys(), nil
	case name == snap.Label() && name != "":
		return nil, snap.LabelStrings(), nil
	}
	for _, c := range snap.Columns() {
		if c == name {
			if snap.Kind(name) == data.Numeric {
				return snap.Column(name), nil, nil
			}
			return nil, snap.Strings(name), nil
		}
	}
	return nil, nil, fmt.Errorf("feedback: grid: no column %q (columns: %s)", name, listSome(snap.Columns()))
}

func listSome(names []string) string {
	if len(names) > 12 {
		return strings.Join(names[:12], ", ") + fmt.Sprintf(" and %d more", len(names)-12)
	}
	return strings.Join(names, ", ")
}

func (g *DataGrid) filter(snap *data.Dataset, q gridQuery) ([]bool, error) {
	nums, strs, err := g.column(snap, q.FilterCol)
	if err != nil {
		return nil, err
	}
	keep := make([]bool, snap.Len())
	if nums != nil && q.Op != "contains" {
		v, err := strconv.ParseFloat(strings.TrimSpace(q.Value), 64)
		if err != nil {
			return nil, fmt.Errorf("feedback: grid: filter %s %s %q: not a number", q.FilterCol, q.Op, q.Value)
		}
		for i, x := range nums {
			keep[i] = compare(x, v, q.Op)
		}
		return keep, nil
	}
	if nums != nil {
		strs = make([]string, len(nums))
		for i, x := range nums {
			strs[i] = formatCell(x)
		}
	}
	lv := strings.ToLower(q.Value)
	for i, s := range strs {
		switch q.Op {
		case "contains", "":
			keep[i] = strings.Contains(strings.ToLower(s), lv)
		case "=":
			keep[i] = s == q.Value
		case "!=":
			keep[i] = s != q.Value
		case "<":
			keep[i] = s < q.Value
		case "<=":
			keep[i] = s <= q.Value
		case ">":
			keep[i] = s > q.Value
		case ">=":
			keep[i] = s >= q.Value
		default:
			return nil, fmt.Errorf("feedback: grid: unknown filter %q (want =, !=, <, <=, >, >= or contains)", q.Op)
		}
	}
	return keep, nil
}

func compare(x, v float64, op string) bool {
	switch op {
	case "=", "":
		return x == v
	case "!=":
		return x != v
	case "<":
		return x < v
	case "<=":
		return x <= v
	case ">":
		return x > v
	case ">=":
		return x >= v
	}
	return false
}

func formatCell(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// page renders one page for the browser.
func (g *DataGrid) page(q gridQuery) (map[string]any, error) {
	snap := g.ds.Snapshot()
	idx, err := g.order(snap, q)
	if err != nil {
		return nil, err
	}
	ps := g.o.PageSize
	pages := max(1, (len(idx)+ps-1)/ps)
	p := min(max(q.Page, 0), pages-1)
	cols := snap.Columns()
	c0 := min(max(q.ColStart, 0), max(len(cols)-1, 0))
	c1 := min(c0+g.o.Columns, len(cols))
	shown := cols[c0:c1]
	feat := map[string]int{}
	for j, f := range snap.Features() {
		feat[f] = j
	}
	texts := map[string][]string{}
	for _, c := range shown {
		if _, ok := feat[c]; !ok {
			texts[c] = snap.Strings(c) // non-numeric columns are few and small
		}
	}
	var rows []any
	for _, i := range idx[min(p*ps, len(idx)):min((p+1)*ps, len(idx))] {
		vals := snap.Row(i)
		cells := make([]any, len(shown))
		for j, c := range shown {
			if k, ok := feat[c]; ok {
				cells[j] = formatCell(vals[k])
			} else {
				cells[j] = texts[c][i]
			}
		}
		rows = append(rows, map[string]any{"key": snap.Key(i), "label": snap.LabelString(i), "cells": cells})
	}
	if rows == nil {
		rows = []any{}
	}
	return map[string]any{"page": p, "pages": pages, "total": len(idx), "rows": rows, "columns": anyStrings(shown),
		"col_start": c0, "col_total": len(cols), "sort": q.Sort, "desc": q.Desc,
		"filter_col": q.FilterCol, "op": q.Op, "value": q.Value}, nil
}

// ledger returns the grid's ledger link, made on first use: registering
// the data version hashes every row, which a grid that is only looked at
// never needs.
func (g *DataGrid) ledger() *ledgerLink {
	g.linkOnce.Do(func() {
		g.link = linkFor(g.ds, g.o.Store)
		g.m.Set("version", g.link.version)
		if g.link.err != nil {
			g.m.Set("error", g.link.err.Error())
		}
	})
	return g.link
}

func (g *DataGrid) handle(msg widget.Msg) {
	c := msg.Content
	switch str(c["type"]) {
	case "page":
		if g.link != nil {
			g.link.settle()
		}
		pg, err := g.page(queryOf(c))
		if err != nil {
			g.m.Reply(msg.From, map[string]any{"type": "error", "req": c["req"], "message": err.Error(), "final": true}, nil)
			return
		}
		pg["type"] = "page"
		pg["req"] = c["req"]
		g.m.Reply(msg.From, pg, nil)
	case "edit":
		g.edit(msg)
	default:
		g.m.Reply(msg.From, map[string]any{"type": "error", "message": fmt.Sprintf("feedback: grid: unknown message %q", str(c["type"]))}, nil)
	}
}

// edit commits one inline edit and acknowledges it after the commit.
func (g *DataGrid) edit(msg widget.Msg) {
	c := msg.Content
	l := g.ledger()
	id, key, field, val := str(c["id"]), str(c["key"]), str(c["field"]), str(c["new"])
	fail := func(err error, final bool) {
		g.m.Reply(msg.From, map[string]any{"type": "error", "id": id, "key": key, "field": field, "message": err.Error(), "final": final}, nil)
	}
	version := str(c["version"])
	if version == "" {
		version = l.version // the browser had not learnt it yet: the data it was shown is this one
	}
	e := ledger.Event{ID: id, Dataset: l.name, DatasetVersion: version, RowKey: key, Field: field,
		Old: str(c["old"]), New: val, Author: g.author, Source: ledger.Human, Reason: str(c["reason"]), Time: msTime(c["time"])}
	if a := str(c["author"]); a != "" {
		e.Author = a
	}
	if field != "" && field == g.ds.Label() {
		e.Kind = ledger.Relabel
	} else {
		e.Kind = ledger.Edit
		if isNumeric(l.base, field) && strings.TrimSpace(val) != "" {
			if _, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err != nil {
				fail(&ledger.Error{ID: id, Err: ledger.ErrInvalid, Msg: fmt.Sprintf("%q is not a number (column %s is numeric)", val, field)}, true)
				return
			}
		}
	}
	ack, err := l.commit(e)
	if err != nil {
		fail(err, finalError(err))
		return
	}
	g.m.Reply(msg.From, map[string]any{"type": "ack", "id": id, "seq": ack.Seq, "duplicate": ack.Duplicate, "key": key, "field": field, "new": val}, nil)
	// the browser asks for the page again after the ack: page requests
	// wait for this refresh (settle), so they show the edit
	l.refreshLater(func() { g.m.Set("total", g.ds.Len()) })
}

func isNumeric(ds *data.Dataset, field string) bool {
	for _, f := range ds.Features() {
		if f == field {
			return true
		}
	}
	return false
}
