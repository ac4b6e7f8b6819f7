package data

import (
	"fmt"
	"html"
	"math"
	"strings"

	"tandem.dev/tandem/runtime/tensor"
)

// Scaler maps each numeric feature x to (x − Shift) / Scale. Fit it on the
// training rows (Standardize, MinMax) and apply the same scaler to the
// training and the test rows, so no test statistics leak into training.
type Scaler struct {
	Method   string // "standardize" or "min-max"
	Features []string
	Shift    []float64
	Scale    []float64
}

// Standardize fits a scaler that gives each feature mean 0 and standard
// deviation 1 on ds (the population deviation, as scikit-learn's
// StandardScaler). Missing values are ignored; a constant feature gets
// Scale 1.
func Standardize(ds *Dataset) *Scaler {
	ds = ds.Snapshot()
	s := &Scaler{Method: "standardize", Features: ds.Features()}
	for _, name := range s.Features {
		var sum, sq float64
		n := 0
		for _, v := range ds.Column(name) {
			if !math.IsNaN(v) {
				sum += v
				n++
			}
		}
		mean := 0.0
		if n > 0 {
			mean = sum / float64(n)
		}
		for _, v := range ds.Column(name) {
			if !math.IsNaN(v) {
				sq += (v - mean) * (v - mean)
			}
		}
		sd := 0.0
		if n > 0 {
			sd = math.Sqrt(sq / float64(n))
		}
		if sd == 0 {
			sd = 1
		}
		s.Shift = append(s.Shift, mean)
		s.Scale = append(s.Scale, sd)
	}
	return s
}

// MinMax fits a scaler that maps each feature's range on ds to [0, 1].
// Missing values are ignored; a constant feature gets Scale 1.
func MinMax(ds *Dataset) *Scaler {
	ds = ds.Snapshot()
	s := &Scaler{Method: "min-max", Features: ds.Features()}
	for _, name := range s.Features {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range ds.Column(name) {
			if !math.IsNaN(v) {
				lo = math.Min(lo, v)
				hi = math.Max(hi, v)
			}
		}
		if math.IsInf(lo, 1) {
			lo, hi = 0, 1
		}
		scale := hi - lo
		if scale == 0 {
			scale = 1
		}
		s.Shift = append(s.Shift, lo)
		s.Scale = append(s.Scale, scale)
	}
	return s
}

// Apply returns a view of ds with its numeric features scaled. It panics
// with Error if ds does not have the features the scaler was fitted on.
func (s *Scaler) Apply(ds *Dataset) *Dataset {
	ds = ds.Snapshot()
	have := ds.Features()
	if strings.Join(have, "\x00") != strings.Join(s.Features, "\x00") {
		fail("scaler fitted on features [%s], dataset has [%s]", strings.Join(s.Features, ", "), strings.Join(have, ", "))
	}
	st := ds.s()
	num := make([][]float64, len(s.Features))
	k := 0
	for _, c := range st.t.cols {
		if c.kind != Numeric {
			continue
		}
		out := make([]float64, len(st.t.keys))
		for _, r := range st.rows {
			out[r] = (c.at(r) - s.Shift[k]) / s.Scale[k]
		}
		num[k] = out
		k++
	}
	return ds.view(st.t.withNumeric(num, nil), append([]int(nil), st.rows...))
}

func (s *Scaler) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s scaler, %d features", s.Method, len(s.Features))
	for i, f := range s.Features {
		if i == 8 {
			fmt.Fprintf(&b, "\n  … %d more", len(s.Features)-8)
			break
		}
		fmt.Fprintf(&b, "\n  %-14s shift %-10.4g scale %.4g", f, s.Shift[i], s.Scale[i])
	}
	return b.String()
}

// HTML renders the scaler's parameters as a table.
func (s *Scaler) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<table><caption>%s scaler</caption><thead><tr><th>feature</th><th>shift</th><th>scale</th></tr></thead><tbody>", s.Method)
	for i, f := range s.Features {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%.4g</td><td>%.4g</td></tr>", html.EscapeString(f), s.Shift[i], s.Scale[i])
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// OneHot returns a view of ds in which every categorical column is replaced
// by one numeric 0/1 feature per level, named "column=level" (a missing
// value gives all zeros). Train and test views of one dataset get the same
// columns, since the levels belong to the shared data.
func (ds *Dataset) OneHot() *Dataset {
	st := ds.s()
	nt := st.t.clone()
	nt.cols = nil
	for _, c := range st.t.cols {
		if c.kind != Categorical {
			nt.cols = append(nt.cols, c)
			continue
		}
		for l, level := range c.levels {
			nc := &column{name: c.name + "=" + level, kind: Numeric, num: make([]float64, len(c.codes))}
			for r, code := range c.codes {
				if code == l {
					nc.num[r] = 1
				}
			}
			nt.cols = append(nt.cols, nc)
		}
	}
	return ds.view(nt, append([]int(nil), st.rows...))
}

// OneHotLabels returns a float32 tensor [len(labels), classes] with a 1 in
// each row's class column; a row with label -1 is all zeros. It panics
// with Error if a label is ≥ classes.
func OneHotLabels(labels []int, classes int) *tensor.Tensor {
	out := make([]float32, len(labels)*classes)
	for i, y := range labels {
		if y >= classes || y < -1 {
			fail("label %d of row %d out of range [-1, %d)", y, i, classes)
		}
		if y >= 0 {
			out[i*classes+y] = 1
		}
	}
	return tensor.New(out, len(labels), classes)
}

// FlipLabels returns a copy of ds in which a seeded random fraction frac of
// the labeled rows has a wrong label (another class, uniformly), and the
// keys of those rows: noisy data for teaching and for measuring how well
// label errors are found. The copy's flipped labels are its base data, so
// corrections replayed over it can fix them. It panics with Error unless
// 0 ≤ frac ≤ 1 and ds has labels of at least two classes.
func (ds *Dataset) FlipLabels(frac float64, seed int64) (noisy *Dataset, flipped []string) {
	ds = ds.Snapshot()
	st := ds.s()
	if !(frac >= 0 && frac <= 1) {
		fail("flip fraction %v is not in [0, 1]", frac)
	}
	k := len(st.t.classes)
	if st.t.y == nil || k < 2 {
		fail("FlipLabels needs labels of at least two classes; %s has %d", ds.name, k)
	}
	var labeled []int
	for _, r := range st.rows {
		if st.t.y[r] >= 0 {
			labeled = append(labeled, r)
		}
	}
	rng := Rand(seed)
	rng.Shuffle(len(labeled), func(i, j int) { labeled[i], labeled[j] = labeled[j], labeled[i] })
	n := int(math.Round(frac * float64(len(labeled))))
	nt := st.t.clone()
	nt.y = append([]int(nil), st.t.y...)
	chosen := append([]int(nil), labeled[:n]...)
	sortInts(chosen)
	for _, r := range chosen {
		c := rng.IntN(k - 1)
		if c >= nt.y[r] {
			c++
		}
		nt.y[r] = c
		flipped = append(flipped, nt.keys[r])
	}
	return newDataset(ds.name, nt, append([]int(nil), st.rows...)), flipped
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
