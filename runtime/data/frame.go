package data

import (
	"fmt"
	"math"
)

// Frame describes a Dataset built from Go values with New. Only X is
// required.
type Frame struct {
	Name     string      // default "data"
	Features []string    // feature names; default x0, x1, …
	X        [][]float64 // one slice of features per row
	// Labels gives each row's class name ("" = unlabeled). Alternatively Y
	// gives class ids into Classes.
	Labels  []string
	Y       []int
	Classes []string  // class names (ids); default: the labels found, sorted
	Targets []float64 // regression target per row
	Keys    []string  // stable row keys; default "<name>-<row>"
}

// New builds a Dataset from f. It panics with Error if the rows have
// different lengths, or Labels, Y, Targets or Keys do not have one entry per
// row, or keys repeat.
func New(f Frame) *Dataset {
	n := len(f.X)
	name := f.Name
	if name == "" {
		name = "data"
	}
	nf := 0
	if n > 0 {
		nf = len(f.X[0])
	} else {
		nf = len(f.Features)
	}
	names := f.Features
	if names == nil {
		names = make([]string, nf)
		for j := range names {
			names[j] = fmt.Sprintf("x%d", j)
		}
	}
	if len(names) != nf {
		fail("%d feature names for %d features", len(names), nf)
	}
	t := &table{}
	for j, fn := range names {
		c := &column{name: fn, kind: Numeric, num: make([]float64, n)}
		for i, row := range f.X {
			if len(row) != nf {
				fail("row %d has %d features, row 0 has %d", i, len(row), nf)
			}
			c.num[i] = row[j]
		}
		t.cols = append(t.cols, c)
	}
	check := func(what string, m int) {
		if m != n {
			fail("%d %s for %d rows", m, what, n)
		}
	}
	switch {
	case f.Labels != nil:
		check("labels", len(f.Labels))
		cr := ColumnReport{}
		miss := map[string]bool{"": true}
		keys := make([]string, n)
		t.classes, t.y = labelColumn(f.Labels, f.Classes, miss, &cr, keys, func(i int) int { return i })
		if cr.Invalid > 0 {
			fail("label %q is not one of the classes %v", cr.Examples[0].Value, f.Classes)
		}
		t.label = "label"
	case f.Y != nil:
		check("class ids", len(f.Y))
		k := 0
		for _, y := range f.Y {
			if y >= k {
				k = y + 1
			}
		}
		t.classes = f.Classes
		if t.classes == nil {
			for c := 0; c < k; c++ {
				t.classes = append(t.classes, fmt.Sprint(c))
			}
		}
		for i, y := range f.Y {
			if y < -1 || y >= len(t.classes) {
				fail("class id %d of row %d out of range [-1, %d)", y, i, len(t.classes))
			}
		}
		t.y = append([]int(nil), f.Y...)
		t.label = "label"
	}
	if f.Targets != nil {
		check("targets", len(f.Targets))
		t.tv = append([]float64(nil), f.Targets...)
		t.target = "target"
	}
	if f.Keys != nil {
		check("keys", len(f.Keys))
		seen := make(map[string]bool, n)
		for _, k := range f.Keys {
			if seen[k] {
				fail("key %q repeats", k)
			}
			seen[k] = true
		}
		t.keys = append([]string(nil), f.Keys...)
	} else {
		t.keys = make([]string, n)
		for i := range t.keys {
			t.keys[i] = fmt.Sprintf("%s-%d", name, i)
		}
	}
	return newDataset(name, t, nil)
}

// withNumeric returns a copy of t whose numeric columns are replaced by
// the given ones (same order as the numeric columns of t).
func (t *table) withNumeric(num [][]float64, names []string) *table {
	nt := t.clone()
	nt.cols = nil
	k := 0
	for _, c := range t.cols {
		if c.kind == Numeric {
			nc := *c
			nc.num = num[k]
			nc.f32, nc.blk = nil, nil
			if names != nil {
				nc.name = names[k]
			}
			k++
			nt.cols = append(nt.cols, &nc)
			continue
		}
		nt.cols = append(nt.cols, c)
	}
	return nt
}

func isNaN(v float64) bool { return math.IsNaN(v) }
