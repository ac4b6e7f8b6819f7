package data

import (
	"fmt"
	"math"
	"strings"
)

// Op is the kind of a Change.
type Op int

const (
	Relabel Op = iota + 1 // set the row's label to Value (a class name; "" = unlabeled)
	Exclude               // leave the row out
	Include               // bring an excluded row back
	Edit                  // set column Field of the row to Value ("" = missing)
)

func (o Op) String() string {
	switch o {
	case Relabel:
		return "relabel"
	case Exclude:
		return "exclude"
	case Include:
		return "include"
	case Edit:
		return "edit"
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Change is one correction of a row, addressed by its stable key. The
// correction ledger (the durable, append-only record of who changed what
// and why) folds its events, undo included, into a list of Changes and
// replays them over the base data with Replay.
type Change struct {
	Op    Op
	Key   string // the row's stable key
	Field string // Edit: the column; ignored by the other ops
	Value string // Relabel: class name; Edit: the new cell text
}

func (c Change) String() string {
	switch c.Op {
	case Relabel:
		return fmt.Sprintf("relabel %s → %q", c.Key, c.Value)
	case Edit:
		return fmt.Sprintf("edit %s.%s → %q", c.Key, c.Field, c.Value)
	}
	return c.Op.String() + " " + c.Key
}

// Replay makes ds show its base data (as loaded or made) with cs applied in
// order, replacing any changes replayed before. The swap is atomic: a
// training loop that already took its rows keeps them. Views made before
// (Split halves, Head) are not affected; Train and Test made after are.
//
// Changes whose key is not in the base data are not applied and are
// returned as orphans (a row that vanished after a reload), never dropped
// silently. Replay returns an error, and changes nothing, if a change is
// invalid: an unknown op, a class that is not one of Classes(), an unknown
// column, or a value that is not a number for a numeric column.
func (ds *Dataset) Replay(cs []Change) (orphans []Change, err error) {
	b := ds.base
	t0 := b.t
	t := *t0.clone() // shallow copy; columns copied when touched
	t.cols = append([]*column(nil), t0.cols...)
	copied := map[string]bool{}
	yCopied := false
	excluded := map[int]bool{}
	classID := make(map[string]int, len(t0.classes))
	for i, c := range t0.classes {
		classID[c] = i
	}
	for _, c := range cs {
		r, ok := t0.pos(c.Key)
		if !ok {
			if c.Op < Relabel || c.Op > Edit {
				return nil, fmt.Errorf("replay %v: unknown op", c)
			}
			orphans = append(orphans, c)
			continue
		}
		switch c.Op {
		case Exclude:
			excluded[r] = true
		case Include:
			delete(excluded, r)
		case Relabel:
			if err := relabel(&t, r, c, classID, &yCopied); err != nil {
				return nil, err
			}
		case Edit:
			if c.Field == t.label && c.Field != "" {
				if err := relabel(&t, r, c, classID, &yCopied); err != nil {
					return nil, err
				}
				continue
			}
			if c.Field == t.target && c.Field != "" {
				v, err := cellNumber(c)
				if err != nil {
					return nil, err
				}
				if !copied["\x00target"] {
					t.tv = append([]float64(nil), t.tv...)
					copied["\x00target"] = true
				}
				t.tv[r] = v
				continue
			}
			j := -1
			for k, col := range t.cols {
				if col.name == c.Field {
					j = k
				}
			}
			if j < 0 {
				return nil, fmt.Errorf("replay %v: no column %q; columns: %s", c, c.Field, strings.Join(ds.Columns(), ", "))
			}
			if !copied[c.Field] {
				nc := *t.cols[j]
				if nc.blk != nil { // take the column out of its block
					nc.f32 = make([]float32, len(t.keys))
					for r := range nc.f32 {
						nc.f32[r] = nc.blk.data[r*nc.blk.nf+nc.bj]
					}
					nc.blk = nil
				}
				nc.num = append([]float64(nil), nc.num...)
				nc.f32 = append([]float32(nil), nc.f32...)
				nc.codes = append([]int(nil), nc.codes...)
				nc.levels = append([]string(nil), nc.levels...)
				nc.str = append([]string(nil), nc.str...)
				t.cols[j] = &nc
				copied[c.Field] = true
			}
			col := t.cols[j]
			switch col.kind {
			case Numeric:
				v, err := cellNumber(c)
				if err != nil {
					return nil, err
				}
				if col.f32 != nil {
					col.f32[r] = float32(v)
				} else {
					col.num[r] = v
				}
			case Categorical:
				col.codes[r] = levelOf(col, c.Value)
			default:
				col.str[r] = c.Value
			}
		default:
			return nil, fmt.Errorf("replay %v: unknown op", c)
		}
	}
	rows := make([]int, 0, len(b.rows))
	for _, r := range b.rows {
		if !excluded[r] {
			rows = append(rows, r)
		}
	}
	ds.cur.Store(&state{t: &t, rows: rows, changes: append([]Change(nil), cs...)})
	return orphans, nil
}

func relabel(t *table, r int, c Change, classID map[string]int, copied *bool) error {
	if t.y == nil {
		return fmt.Errorf("replay %v: the dataset has no label column", c)
	}
	id := -1
	if c.Value != "" {
		var ok bool
		id, ok = classID[c.Value]
		if !ok {
			return fmt.Errorf("replay %v: %q is not a class; classes: %s", c, c.Value, strings.Join(t.classes, ", "))
		}
	}
	if !*copied {
		t.y = append([]int(nil), t.y...)
		*copied = true
	}
	t.y[r] = id
	return nil
}

func cellNumber(c Change) (float64, error) {
	if strings.TrimSpace(c.Value) == "" {
		return math.NaN(), nil
	}
	v, ok := parseNum(strings.TrimSpace(c.Value))
	if !ok {
		return 0, fmt.Errorf("replay %v: %q is not a number", c, c.Value)
	}
	return v, nil
}

// levelOf returns the level id of v in a categorical column (adding the
// level to the column's own copy if new), or -1 for "".
func levelOf(col *column, v string) int {
	if v == "" {
		return -1
	}
	for i, l := range col.levels {
		if l == v {
			return i
		}
	}
	col.levels = append(col.levels, v)
	return len(col.levels) - 1
}

// Changes returns the changes replayed over the base data (nil if none).
func (ds *Dataset) Changes() []Change {
	return append([]Change(nil), ds.s().changes...)
}

// Base returns a view of the data as loaded, without replayed changes.
func (ds *Dataset) Base() *Dataset {
	return ds.view(ds.base.t, append([]int(nil), ds.base.rows...))
}

// Excluded returns the keys of the base rows that the replayed changes
// leave out.
func (ds *Dataset) Excluded() []string {
	s := ds.s()
	in := make(map[int]bool, len(s.rows))
	for _, r := range s.rows {
		in[r] = true
	}
	var out []string
	for _, r := range ds.base.rows {
		if !in[r] {
			out = append(out, ds.base.t.keys[r])
		}
	}
	return out
}
