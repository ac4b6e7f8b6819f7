package data

import "strings"

// Concat returns a new dataset with the rows of a followed by those of b:
// new observations added to a dataset, say. Both must have the same columns
// (names and kinds, in order) and the same label or target column; class
// names are matched by name (b's new classes are added after a's).
// It panics with Error if the columns differ or a key is in both.
func Concat(a, b *Dataset) *Dataset {
	a, b = a.Snapshot(), b.Snapshot()
	sa, sb := a.s(), b.s()
	ca, cb := colSig(sa.t), colSig(sb.t)
	if ca != cb {
		fail("Concat: columns differ: [%s] and [%s]", ca, cb)
	}
	if sa.t.label != sb.t.label || sa.t.target != sb.t.target {
		fail("Concat: label/target %q/%q and %q/%q differ", sa.t.label, sa.t.target, sb.t.label, sb.t.target)
	}
	n := len(sa.rows) + len(sb.rows)
	t := &table{label: sa.t.label, target: sa.t.target, keys: make([]string, 0, n)}
	seen := make(map[string]bool, n)
	for _, s := range []*state{sa, sb} {
		for _, r := range s.rows {
			k := s.t.keys[r]
			if seen[k] {
				fail("Concat: key %q is in both datasets", k)
			}
			seen[k] = true
			t.keys = append(t.keys, k)
		}
	}
	for j, c := range sa.t.cols {
		nc := &column{name: c.name, kind: c.kind}
		for _, s := range []*state{sa, sb} {
			src := s.t.cols[j]
			for _, r := range s.rows {
				switch c.kind {
				case Numeric:
					nc.num = append(nc.num, src.at(r))
				case Categorical:
					v := src.cell(r)
					nc.codes = append(nc.codes, -1)
					if v != "" {
						nc.codes[len(nc.codes)-1] = levelOf(nc, v)
					}
				default:
					nc.str = append(nc.str, src.str[r])
				}
			}
		}
		t.cols = append(t.cols, nc)
	}
	if sa.t.y != nil {
		t.classes = append([]string(nil), sa.t.classes...)
		id := map[string]int{}
		for i, c := range t.classes {
			id[c] = i
		}
		for _, s := range []*state{sa, sb} {
			for _, r := range s.rows {
				y := s.t.y[r]
				if y < 0 {
					t.y = append(t.y, -1)
					continue
				}
				name := s.t.classes[y]
				if _, ok := id[name]; !ok {
					id[name] = len(t.classes)
					t.classes = append(t.classes, name)
				}
				t.y = append(t.y, id[name])
			}
		}
	}
	if sa.t.tv != nil {
		for _, s := range []*state{sa, sb} {
			for _, r := range s.rows {
				t.tv = append(t.tv, s.t.tv[r])
			}
		}
	}
	return newDataset(a.name, t, nil)
}

func colSig(t *table) string {
	parts := make([]string, len(t.cols))
	for i, c := range t.cols {
		parts[i] = c.name + " " + c.kind.String()
	}
	return strings.Join(parts, ", ")
}
