package feedback

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"
	"sync"

	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/host"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/tensor"
	"tandem.dev/tandem/runtime/train"
)

// ExplainOptions holds the options of ExplainWith. The zero value shows
// the 5 nearest rows and the 10 strongest features, and measures
// permutation importance with 3 repeats on up to 1,000 rows (1 repeat on
// 500 rows for more than 100 features).
type ExplainOptions struct {
	Neighbors    int   // nearest rows shown; default 5
	Features     int   // features shown; default 10
	Repeats      int   // shuffles per feature for permutation importance
	Rows         int   // rows (a seeded sample) used for permutation importance
	Seed         int64 // the sample and the shuffles
	NoImportance bool  // skip permutation importance (Features × Repeats passes over the rows)
}

// Neighbor is a row near the explained one.
type Neighbor struct {
	Key      string
	Row      int // position in the dataset
	Label    string
	Distance float64 // Euclidean, over features standardised on the dataset
}

// Contribution is how much one feature pushes the prediction.
type Contribution struct {
	Feature string
	Value   float64 // the row's value
	Mean    float64 // the feature's mean over the dataset (the reference)
	Amount  float64 // > 0 pushes towards the predicted class over the runner-up
}

// Importance is how much the model relies on one feature overall: the
// drop of its accuracy when that feature's values are shuffled among the
// rows (Breiman 2001; scikit-learn's permutation_importance).
type Importance struct {
	Feature   string
	Mean, Std float64 // accuracy drop over the repeats
}

// Explanation is why a model says what it says about one row: the nearest
// rows with their labels, the features that drive this prediction, and
// the features the model relies on overall. It renders itself (String,
// HTML; image rows also as pixel and contribution maps).
type Explanation struct {
	Key       string
	Row       int // position in the dataset
	Given     string
	Predicted string
	RunnerUp  string
	Classes   []string
	Proba     []float64 // the model's probabilities for the row

	// Contributions holds, strongest first, every feature's gradient ×
	// input for the logit gap between Predicted and RunnerUp (Shrikumar et
	// al., "Not Just a Black Box", 2016), with the input taken from the
	// dataset's mean row, as DeepLIFT's reference: ∂gap/∂x_f · (x_f − x̄_f).
	// The reference keeps a feature with large raw values (a length in cm)
	// from dominating just by its scale. For a linear model it is exact:
	// the gap of the row minus the gap of the mean row is the sum of
	// (w_f,pred − w_f,runner-up)·(x_f − x̄_f).
	Contributions []Contribution
	Neighbors     []Neighbor
	// Importance holds the permutation importance of every feature on the
	// dataset, largest first (nil with NoImportance or without labels);
	// Baseline is the accuracy it starts from.
	Importance []Importance
	Baseline   float64

	shown   int
	pixels  []float64 // the row, for an image row
	amounts []float64 // the contributions in feature order, for an image row
}

// Explain explains model m's prediction for row (0-based position) of ds;
// use ds.Index(key) for a row key. It is ExplainWith with the zero
// options. It panics with Error if row is out of range.
func Explain(m nn.Module, ds *data.Dataset, row int) *Explanation {
	return ExplainWith(m, ds, row, ExplainOptions{})
}

// ExplainWith is Explain with options. It panics with Error if the row has
// a missing feature. Permutation importance is
// remembered per model version and dataset version, so explaining another
// row of the same data with the same weights does not measure it again.
func ExplainWith(m nn.Module, ds *data.Dataset, row int, opt ExplainOptions) *Explanation {
	ds = ds.Snapshot()
	if row < 0 || row >= ds.Len() {
		fail("Explain: row %d is out of range (the dataset has %d rows)", row, ds.Len())
	}
	if opt.Neighbors == 0 {
		opt.Neighbors = 5
	}
	if opt.Features == 0 {
		opt.Features = 10
	}
	feats := ds.Features()
	if opt.Repeats == 0 {
		opt.Repeats = 3
		if len(feats) > 100 {
			opt.Repeats = 1
		}
	}
	if opt.Rows == 0 {
		opt.Rows = 1000
		if len(feats) > 100 {
			opt.Rows = 500
		}
	}
	x := ds.Row(row)
	var missing []string
	for f, v := range x {
		if math.IsNaN(v) {
			missing = append(missing, feats[f])
		}
	}
	if len(missing) > 0 {
		fail("Explain: row %d has missing features (%s); fill them or drop the row (DropMissing) first", row, strings.Join(missing, ", "))
	}
	e := &Explanation{Key: ds.Keys()[row], Row: row, shown: opt.Features}
	proba := train.PredictProba(m, ds.Select([]int{row}))[0]
	classes := ds.Classes()
	if classes == nil || len(classes) != len(proba) {
		classes = make([]string, len(proba))
		for c := range classes {
			classes[c] = fmt.Sprint(c)
		}
	}
	e.Classes, e.Proba = classes, proba
	a, b := top2(proba)
	e.Predicted, e.RunnerUp = classes[a], classes[b]
	if l := ds.Labels(); l != nil && l[row] >= 0 {
		e.Given = classes[l[row]]
	}
	g := inputGradient(m, x, a, b)
	mean, scale := columnStats(ds)
	amount := make([]float64, len(x))
	for f, name := range feats {
		if d := x[f] - mean[f]; !math.IsNaN(d) {
			amount[f] = g[f] * d
		}
		e.Contributions = append(e.Contributions, Contribution{Feature: name, Value: x[f], Mean: mean[f], Amount: amount[f]})
	}
	sort.SliceStable(e.Contributions, func(i, j int) bool {
		return math.Abs(e.Contributions[i].Amount) > math.Abs(e.Contributions[j].Amount)
	})
	e.Neighbors = neighbors(ds, row, opt.Neighbors, scale)
	if !opt.NoImportance && ds.Labels() != nil {
		e.Importance, e.Baseline = importance(m, ds, opt)
	}
	if s := int(math.Sqrt(float64(len(x)))); s*s == len(x) && s >= 4 {
		e.pixels, e.amounts = x, amount
	}
	return e
}

// inputGradient returns ∂(z_a − z_b)/∂x for the model's logits z at x (for
// a single-output model, ±z).
func inputGradient(m nn.Module, x []float64, a, b int) []float64 {
	nn.Eval(m)
	was := autograd.SetGradEnabled(true)
	defer autograd.SetGradEnabled(was)
	defer nn.ZeroGrad(m) // leave no trace in the model's gradients
	xs := make([]float32, len(x))
	for i, v := range x {
		xs[i] = float32(v)
	}
	in := autograd.New(tensor.New(xs, 1, len(x)), true)
	out := m.Forward(in)
	k := out.Value.Shape()[len(out.Value.Shape())-1]
	sel := make([]float32, k)
	if k == 1 {
		sel[0] = 1
		if a == 0 {
			sel[0] = -1
		}
	} else {
		sel[a], sel[b] = 1, -1
	}
	gap := autograd.Sum(autograd.Mul(out, autograd.Const(tensor.New(sel, 1, k))))
	gap.Backward()
	g := make([]float64, len(x))
	if in.Grad != nil {
		for i, v := range in.Grad.Data() {
			g[i] = float64(v)
		}
	}
	return g
}

// scan calls f with every row of ds in order (position, features as
// float32), reading it in batches without copying the whole dataset;
// host.Check runs between batches.
func scan(ds *data.Dataset, f func(i int, x []float32)) {
	b := ds.Batches(data.Batching{Size: 4096, NoShuffle: true})
	nf := ds.NumFeatures()
	for b.Next() {
		d := b.X().Data()
		for j, i := range b.Rows() {
			f(i, d[j*nf:j*nf+nf])
		}
	}
}

// columnStats returns the mean of every feature over ds and the inverse
// of its population standard deviation (1 for a constant feature);
// missing values are skipped.
func columnStats(ds *data.Dataset) (mean, scale []float64) {
	nf := ds.NumFeatures()
	sum, sq := make([]float64, nf), make([]float64, nf)
	cnt := make([]int, nf)
	scan(ds, func(_ int, x []float32) {
		for j, v := range x {
			if w := float64(v); !math.IsNaN(w) {
				sum[j] += w
				sq[j] += w * w
				cnt[j]++
			}
		}
	})
	mean, scale = make([]float64, nf), make([]float64, nf)
	for j := range mean {
		scale[j], mean[j] = 1, math.NaN()
		if cnt[j] > 0 {
			mean[j] = sum[j] / float64(cnt[j])
			if sd := math.Sqrt(math.Max(sq[j]/float64(cnt[j])-mean[j]*mean[j], 0)); sd > 1e-12 {
				scale[j] = 1 / sd
			}
		}
	}
	return mean, scale
}

// neighbors returns the n rows nearest to row, over features standardised
// with scale (features missing in either row are skipped).
func neighbors(ds *data.Dataset, row, n int, scale []float64) []Neighbor {
	me := ds.Row(row)
	type cand struct {
		i int
		d float64
	}
	var cs []cand
	scan(ds, func(i int, x []float32) {
		if i == row {
			return
		}
		d := 0.0
		for j, v := range x {
			if w := (float64(v) - me[j]) * scale[j]; !math.IsNaN(w) {
				d += w * w
			}
		}
		cs = append(cs, cand{i, math.Sqrt(d)})
	})
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].d < cs[b].d })
	keys, labels := ds.Keys(), ds.LabelStrings()
	var out []Neighbor
	for _, c := range cs[:min(n, len(cs))] {
		nb := Neighbor{Key: keys[c.i], Row: c.i, Distance: c.d}
		if labels != nil {
			nb.Label = labels[c.i]
		}
		out = append(out, nb)
	}
	return out
}

type importanceKey struct {
	model, dataset string
	opt            ExplainOptions
}

type importanceValue struct {
	imp      []Importance
	baseline float64
}

var (
	importanceMu    sync.Mutex
	importanceCache = map[importanceKey]importanceValue{}
)

// importance measures permutation importance on a seeded sample of the
// labelled rows of ds, remembering the result per model and data version.
func importance(m nn.Module, ds *data.Dataset, opt ExplainOptions) ([]Importance, float64) {
	key := importanceKey{ModelVersion(m), ds.Hash(), opt}
	key.opt.Neighbors, key.opt.Features = 0, 0
	importanceMu.Lock()
	v, ok := importanceCache[key]
	importanceMu.Unlock()
	if ok {
		return v.imp, v.baseline
	}
	labels := ds.Labels()
	var rows []int
	for i, y := range labels {
		if y >= 0 {
			rows = append(rows, i)
		}
	}
	rng := data.Rand(opt.Seed)
	if len(rows) > opt.Rows {
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		rows = rows[:opt.Rows]
		sort.Ints(rows)
	}
	if len(rows) == 0 {
		return nil, math.NaN()
	}
	sub := ds.Select(rows)
	y := sub.Labels()
	x := sub.X()
	n, f := x.Shape()[0], x.Shape()[1]
	base := accuracyOn(m, x, y)
	feats := ds.Features()
	work := make([]float32, n*f)
	col := make([]float32, n)
	var out []Importance
	for j := 0; j < f; j++ {
		drops := make([]float64, opt.Repeats)
		for r := range drops {
			copy(work, x.Data())
			for i := 0; i < n; i++ {
				col[i] = work[i*f+j]
			}
			rng.Shuffle(n, func(a, b int) { col[a], col[b] = col[b], col[a] })
			for i := 0; i < n; i++ {
				work[i*f+j] = col[i]
			}
			drops[r] = base - accuracyOn(m, tensor.New(work, n, f), y)
		}
		var mean, sd float64
		for _, d := range drops {
			mean += d
		}
		mean /= float64(len(drops))
		for _, d := range drops {
			sd += (d - mean) * (d - mean)
		}
		out = append(out, Importance{Feature: feats[j], Mean: mean, Std: math.Sqrt(sd / float64(len(drops)))})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Mean > out[b].Mean })
	importanceMu.Lock()
	if len(importanceCache) > 64 {
		clear(importanceCache)
	}
	importanceCache[key] = importanceValue{out, base}
	importanceMu.Unlock()
	return out, base
}

// accuracyOn runs m over x [n, f] in batches (host.Check between them) and
// returns its accuracy against y.
func accuracyOn(m nn.Module, x *tensor.Tensor, y []int) float64 {
	nn.Eval(m)
	was := autograd.SetGradEnabled(false)
	defer autograd.SetGradEnabled(was)
	n, f := x.Shape()[0], x.Shape()[1]
	d := x.Data()
	ok := 0
	const batch = 512
	for s := 0; s < n; s += batch {
		host.Check()
		e := min(s+batch, n)
		out := m.Forward(autograd.Const(tensor.New(d[s*f:e*f], e-s, f))).Value
		k := out.Shape()[len(out.Shape())-1]
		o := out.Data()
		for i := s; i < e; i++ {
			row := o[(i-s)*k : (i-s)*k+k]
			pred := 0
			if k == 1 {
				if row[0] > 0 {
					pred = 1
				}
			} else {
				for c, v := range row {
					if v > row[pred] {
						pred = c
					}
				}
			}
			if pred == y[i] {
				ok++
			}
		}
	}
	return float64(ok) / float64(n)
}

func (e *Explanation) title() string {
	s := fmt.Sprintf("row %s (position %d): predicted %s (p %.3f), runner-up %s (p %.3f)", e.Key, e.Row, e.Predicted, e.prob(e.Predicted), e.RunnerUp, e.prob(e.RunnerUp))
	if e.Given != "" {
		s += ", labelled " + e.Given
		if e.Given != e.Predicted {
			s += fmt.Sprintf(" (p %.3f)", e.prob(e.Given))
		}
	}
	return s
}

func (e *Explanation) prob(class string) float64 {
	for c, name := range e.Classes {
		if name == class {
			return e.Proba[c]
		}
	}
	return math.NaN()
}

// String renders the explanation as text: the prediction, the strongest
// features, the nearest rows and the most important features.
func (e *Explanation) String() string {
	var b strings.Builder
	b.WriteString(e.title())
	fmt.Fprintf(&b, "\n\nfeatures pushing %s over %s (gradient × (value − mean)):", e.Predicted, e.RunnerUp)
	for _, c := range e.Contributions[:min(e.shown, len(e.Contributions))] {
		fmt.Fprintf(&b, "\n  %-12s value %9s  mean %9s  %+9.4f", c.Feature, num(c.Value), num(c.Mean), c.Amount)
	}
	b.WriteString("\n\nnearest rows (standardised distance):")
	for _, n := range e.Neighbors {
		fmt.Fprintf(&b, "\n  %-20s %-12s %8.3f", n.Key, n.Label, n.Distance)
	}
	if e.Importance != nil {
		fmt.Fprintf(&b, "\n\nfeatures the model relies on (accuracy drop when shuffled, from %.4f):", e.Baseline)
		for _, im := range e.Importance[:min(e.shown, len(e.Importance))] {
			fmt.Fprintf(&b, "\n  %-12s %.4f ± %.4f", im.Feature, im.Mean, im.Std)
		}
	}
	return b.String()
}

// HTML renders the explanation as tables side by side; for an image row
// (a square number of features, such as 8×8 digits) also the pixels and a
// map of the contributions (red pushes towards the prediction, blue away).
func (e *Explanation) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="tandem-explain"><p>%s</p><div style="display:flex;gap:2em;align-items:flex-start;flex-wrap:wrap">`, html.EscapeString(e.title()))
	if e.pixels != nil {
		fmt.Fprintf(&b, `<div><div>row</div>%s</div><div><div>contributions</div>%s</div>`, heatmap(e.pixels, false), heatmap(e.amounts, true))
	}
	fmt.Fprintf(&b, `<table><caption>features pushing %s over %s</caption><thead><tr><th>feature</th><th>value</th><th>mean</th><th>gradient × (value − mean)</th></tr></thead><tbody>`,
		html.EscapeString(e.Predicted), html.EscapeString(e.RunnerUp))
	for _, c := range e.Contributions[:min(e.shown, len(e.Contributions))] {
		color := "#c0392b"
		if c.Amount < 0 {
			color = "#2e6da4"
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td style="color:%s">%+.4f</td></tr>`, html.EscapeString(c.Feature), num(c.Value), num(c.Mean), color, c.Amount)
	}
	b.WriteString(`</tbody></table><table><caption>nearest rows</caption><thead><tr><th>key</th><th>label</th><th>distance</th></tr></thead><tbody>`)
	for _, n := range e.Neighbors {
		fmt.Fprintf(&b, `<tr><td><code>%s</code></td><td>%s</td><td>%.3f</td></tr>`, html.EscapeString(n.Key), html.EscapeString(n.Label), n.Distance)
	}
	b.WriteString(`</tbody></table>`)
	if e.Importance != nil {
		fmt.Fprintf(&b, `<table><caption>features the model relies on (accuracy drop when shuffled, from %.4f)</caption><thead><tr><th>feature</th><th>drop</th><th>±</th></tr></thead><tbody>`, e.Baseline)
		for _, im := range e.Importance[:min(e.shown, len(e.Importance))] {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%.4f</td><td>%.4f</td></tr>`, html.EscapeString(im.Feature), im.Mean, im.Std)
		}
		b.WriteString(`</tbody></table>`)
	}
	b.WriteString(`</div></div>`)
	return b.String()
}

// num formats a feature value with 4 significant digits, showing the
// rounding residue of a standardised mean (1e-16) as 0.
func num(v float64) string {
	if math.Abs(v) < 1e-9 {
		return "0"
	}
	return fmt.Sprintf("%.4g", v)
}

// heatmap draws values on a square grid as SVG: grey from light (low) to
// dark (high), or, signed, blue (negative) through white to red (positive).
func heatmap(v []float64, signed bool) string {
	s := int(math.Sqrt(float64(len(v))))
	cell := max(4, 112/s)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if !math.IsNaN(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	lim := math.Max(math.Abs(lo), math.Abs(hi))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" shape-rendering="crispEdges">`, s*cell, s*cell)
	for i, x := range v {
		var r, g, bl int
		switch {
		case math.IsNaN(x):
			r, g, bl = 255, 255, 255
		case signed:
			t := 0.0
			if lim > 0 {
				t = x / lim
			}
			if t >= 0 {
				r, g, bl = 255, int(255*(1-t)), int(255*(1-t))
			} else {
				r, g, bl = int(255*(1+t)), int(255*(1+t)), 255
			}
		default:
			t := 0.0
			if hi > lo {
				t = (x - lo) / (hi - lo)
			}
			c := int(255 * (1 - t))
			r, g, bl = c, c, c
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="rgb(%d,%d,%d)"/>`, (i%s)*cell, (i/s)*cell, cell, cell, r, g, bl)
	}
	b.WriteString(`</svg>`)
	return b.String()
}
