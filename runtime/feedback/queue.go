package feedback

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"html"
	"math"
	"reflect"
	"sort"
	"strings"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/nn"
)

// Item is one row proposed for review.
type Item struct {
	Key       string  // the row's stable key
	Row       int     // 0-based position in the dataset the queue was made from
	Given     string  // the row's label ("" = unlabelled)
	Suggested string  // the model's most probable class
	Prob      float64 // the probability of Suggested
	Score     float64 // the ranking score: lower is reviewed first (see Queue.Method)
	Why       string  // why the row is in the queue, in words
}

// Queue is a ranked list of rows for a person to review: the likely label
// errors (Suspects) or the rows the model is least sure of (Uncertain).
// It renders itself (String, HTML) as a table of the first rows; code
// reads Items, Keys, Scores and Rank.
type Queue struct {
	Kind         string // "suspects" or "uncertain"
	Method       string // how rows were chosen and ranked, in words
	Dataset      string // the dataset's name
	Version      string // content hash (data.Dataset.Hash) of the rows scored, replayed corrections included
	ModelVersion string // the model's version (see ModelVersion), for the ledger's events
	Classes      []string
	Items        []Item // the rows proposed, the one to review first first

	// Scores holds the ranking score of every row of the dataset, by
	// position; lower is more suspect or less certain. NaN marks a row that
	// was not scored (Suspects: an unlabelled row).
	Scores []float64
	// Proba holds the probabilities the scores come from, one row per row
	// of the dataset: out-of-fold for Suspects, the model's for Uncertain.
	Proba [][]float64
	// Joint is the confident joint Suspects computed (nil for Uncertain).
	Joint *Joint

	keys   []string
	thumbs map[string]string // row key → PNG data URI, for image rows shown in HTML
}

// Len returns the number of rows proposed.
func (q *Queue) Len() int { return len(q.Items) }

// Keys returns the keys of the rows proposed, in review order.
func (q *Queue) Keys() []string {
	k := make([]string, len(q.Items))
	for i, it := range q.Items {
		k[i] = it.Key
	}
	return k
}

// Rows returns the positions of the rows proposed, in review order.
func (q *Queue) Rows() []int {
	r := make([]int, len(q.Items))
	for i, it := range q.Items {
		r[i] = it.Row
	}
	return r
}

// Rank returns the positions of every scored row of the dataset by
// ascending score: the whole ranking, of which Items are the rows
// confident learning (or Limit) picked. A review that goes on past the
// proposed rows visits them in this order.
func (q *Queue) Rank() []int {
	out := make([]int, 0, len(q.Scores))
	for i, s := range q.Scores {
		if !math.IsNaN(s) {
			out = append(out, i)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return q.Scores[out[a]] < q.Scores[out[b]] })
	return out
}

// Top returns a copy of q with only its first n rows proposed (all of them
// if there are fewer).
func (q *Queue) Top(n int) *Queue {
	c := *q
	if n < len(c.Items) {
		c.Items = append([]Item(nil), c.Items[:max(n, 0)]...)
	}
	return &c
}

// Find returns the proposed item of the row with the given key, and
// whether there is one.
func (q *Queue) Find(key string) (Item, bool) {
	for _, it := range q.Items {
		if it.Key == key {
			return it, true
		}
	}
	return Item{}, false
}

// shown is how many rows String and HTML list.
const shown = 20

func (q *Queue) header() string {
	if q.Kind == "uncertain" {
		return fmt.Sprintf("%s: %d of %d rows, the model's least sure first (%s)", q.Dataset, len(q.Items), len(q.Scores), q.Method)
	}
	return fmt.Sprintf("%s: %d likely label errors in %d rows (%s)", q.Dataset, len(q.Items), len(q.Scores), q.Method)
}

// String renders a summary line and the first 20 rows as an aligned table.
func (q *Queue) String() string {
	var b strings.Builder
	b.WriteString(q.header())
	if len(q.Items) == 0 {
		return b.String()
	}
	rows := [][]string{{"#", "key", "given", "suggested", "p", "score", "why"}}
	for i, it := range q.Items {
		if i == shown {
			break
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), it.Key, it.Given, it.Suggested, fmt.Sprintf("%.3f", it.Prob), fmt.Sprintf("%.3f", it.Score), it.Why})
	}
	w := make([]int, len(rows[0]))
	for _, r := range rows {
		for c, s := range r {
			w[c] = max(w[c], len([]rune(s)))
		}
	}
	for _, r := range rows {
		b.WriteByte('\n')
		for c, s := range r {
			if c == len(r)-1 {
				b.WriteString(s)
				continue
			}
			pad := strings.Repeat(" ", w[c]-len([]rune(s)))
			if c == 0 || c == 4 || c == 5 {
				b.WriteString(pad + s + "  ")
			} else {
				b.WriteString(s + pad + "  ")
			}
		}
	}
	if n := len(q.Items) - shown; n > 0 {
		fmt.Fprintf(&b, "\n… %d more", n)
	}
	return b.String()
}

// HTML renders the summary and the first 20 rows as a table.
func (q *Queue) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="tandem-queue"><p>%s</p>`, html.EscapeString(q.header()))
	if len(q.Items) > 0 {
		img := ""
		if q.thumbs != nil {
			img = "<th>row</th>"
		}
		fmt.Fprintf(&b, `<table><thead><tr><th>#</th>%s<th>key</th><th>given</th><th>suggested</th><th>p</th><th>score</th><th>why</th></tr></thead><tbody>`, img)
		for i, it := range q.Items {
			if i == shown {
				break
			}
			if q.thumbs != nil {
				img = fmt.Sprintf(`<td><img src="%s" alt="row %s" style="image-rendering:pixelated"></td>`, q.thumbs[it.Key], html.EscapeString(it.Key))
			}
			fmt.Fprintf(&b, `<tr><td>%d</td>%s<td><code>%s</code></td><td>%s</td><td><b>%s</b></td><td>%.3f</td><td>%.3f</td><td>%s</td></tr>`,
				i+1, img, html.EscapeString(it.Key), html.EscapeString(it.Given), html.EscapeString(it.Suggested), it.Prob, it.Score, html.EscapeString(it.Why))
		}
		b.WriteString("</tbody></table>")
		if n := len(q.Items) - shown; n > 0 {
			fmt.Fprintf(&b, "<p>… %d more</p>", n)
		}
	}
	b.WriteString("</div>")
	return b.String()
}

// thumbnails keeps small pictures of the first rows shown when the rows of
// ds are square images (digits, Fashion-MNIST), for HTML.
func (q *Queue) thumbnails(ds *data.Dataset) {
	f := ds.NumFeatures()
	side := int(math.Sqrt(float64(f)))
	if side*side != f || side < 4 {
		return
	}
	q.thumbs = map[string]string{}
	for i, it := range q.Items {
		if i == shown {
			break
		}
		im := ds.Image(it.Row)
		im.Scale = max(1, 32/side)
		q.thumbs[it.Key] = "data:image/png;base64," + base64.StdEncoding.EncodeToString(im.PNG())
	}
}

// ModelVersion returns a short version string for m's current state: its
// type and a hash of its parameters, e.g. "Sequential@9f86d081884c7d65".
// The same weights give the same version; any training step changes it.
// Review decisions record it in the ledger (ledger.Event.ModelVersion) as
// the model output that prompted them.
func ModelVersion(m nn.Module) string {
	if m == nil {
		return ""
	}
	h := fnv.New64a()
	var buf [4]byte
	for _, p := range m.Parameters() {
		for _, d := range p.Value.Shape() {
			binary.LittleEndian.PutUint32(buf[:], uint32(d))
			h.Write(buf[:])
		}
		for _, v := range p.Value.Data() {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
			h.Write(buf[:])
		}
	}
	t := reflect.TypeOf(m)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	name := t.Name()
	if name == "" || strings.HasPrefix(name, "_") { // the interpreter's wrapper of a cell-defined type
		name = "model"
	}
	return fmt.Sprintf("%s@%016x", name, h.Sum64())
}
