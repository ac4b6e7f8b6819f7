package metrics

import (
	"fmt"
	"html"
	"strings"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/nn"
)

// Flip is a row whose predicted class changed between two models.
type Flip struct {
	Key           string
	Row           int // position in the dataset
	Label         string
	Before, After string  // predicted class names
	PBefore       float64 // probability the first model gave its prediction
	PAfter        float64 // probability the second model gave its prediction
}

// Fixed reports whether the second model is right where the first was wrong.
func (f Flip) Fixed() bool { return f.After == f.Label && f.Before != f.Label }

// Broken reports whether the second model is wrong where the first was right.
func (f Flip) Broken() bool { return f.Before == f.Label && f.After != f.Label }

// Comparison is what changed between two classifiers on one dataset: both
// evaluations and the rows whose prediction flipped. It renders itself.
type Comparison struct {
	Before, After *Evaluation
	Flips         []Flip
}

// Compare evaluates two classifiers (say, before and after retraining on
// corrected labels) on ds and lists the rows whose predicted class
// changed, fixed ones first. It panics with Error if ds has no labels.
func Compare(before, after nn.Module, ds *data.Dataset) *Comparison {
	ds = ds.Snapshot()
	c := &Comparison{Before: Evaluate(before, ds), After: Evaluate(after, ds)}
	pb, pa := predictProba(before, ds), predictProba(after, ds)
	yb, ya := ArgMax(pb), ArgMax(pa)
	classes, keys, labels := ds.Classes(), ds.Keys(), ds.Labels()
	var fixed, broken, other []Flip
	for i := range yb {
		if yb[i] == ya[i] {
			continue
		}
		f := Flip{Key: keys[i], Row: i, Before: classes[yb[i]], After: classes[ya[i]], PBefore: pb[i][yb[i]], PAfter: pa[i][ya[i]]}
		if labels[i] >= 0 {
			f.Label = classes[labels[i]]
		}
		switch {
		case f.Fixed():
			fixed = append(fixed, f)
		case f.Broken():
			broken = append(broken, f)
		default:
			other = append(other, f)
		}
	}
	c.Flips = append(append(fixed, broken...), other...)
	return c
}

// Fixed returns the number of flips to the true label.
func (c *Comparison) Fixed() int { return c.count(Flip.Fixed) }

// Broken returns the number of flips away from the true label.
func (c *Comparison) Broken() int { return c.count(Flip.Broken) }

func (c *Comparison) count(f func(Flip) bool) int {
	n := 0
	for _, fl := range c.Flips {
		if f(fl) {
			n++
		}
	}
	return n
}

func (c *Comparison) summary() string {
	b, a := c.Before, c.After
	return fmt.Sprintf("accuracy %.4f → %.4f (%+.4f), log loss %.4f → %.4f, macro F1 %.4f → %.4f; %d predictions changed: %d fixed, %d broken",
		b.Accuracy, a.Accuracy, a.Accuracy-b.Accuracy, b.LogLoss, a.LogLoss, b.Report.Macro.F1, a.Report.Macro.F1, len(c.Flips), c.Fixed(), c.Broken())
}

const maxFlipsShown = 20

func (c *Comparison) String() string {
	var s strings.Builder
	s.WriteString(c.summary())
	for i, f := range c.Flips {
		if i == maxFlipsShown {
			fmt.Fprintf(&s, "\n  … %d more", len(c.Flips)-maxFlipsShown)
			break
		}
		mark := " "
		if f.Fixed() {
			mark = "+"
		} else if f.Broken() {
			mark = "-"
		}
		fmt.Fprintf(&s, "\n%s %s: label %s, %s (%.2f) → %s (%.2f)", mark, f.Key, f.Label, f.Before, f.PBefore, f.After, f.PAfter)
	}
	return s.String()
}

// HTML renders the summary and the flipped rows as a table.
func (c *Comparison) HTML() string {
	var s strings.Builder
	s.WriteString(`<div class="tandem-compare"><p>` + html.EscapeString(c.summary()) + "</p>")
	if len(c.Flips) > 0 {
		s.WriteString("<table><thead><tr><th></th><th>key</th><th>label</th><th>before</th><th>after</th></tr></thead><tbody>")
		for i, f := range c.Flips {
			if i == maxFlipsShown {
				fmt.Fprintf(&s, `<tr><td colspan="5">… %d more</td></tr>`, len(c.Flips)-maxFlipsShown)
				break
			}
			mark, color := "", ""
			if f.Fixed() {
				mark, color = "fixed", "rgba(49,163,84,.2)"
			} else if f.Broken() {
				mark, color = "broken", "rgba(222,45,38,.2)"
			}
			fmt.Fprintf(&s, `<tr style="background:%s"><td>%s</td><td><code>%s</code></td><td>%s</td><td>%s (%.2f)</td><td>%s (%.2f)</td></tr>`,
				color, mark, html.EscapeString(f.Key), html.EscapeString(f.Label), html.EscapeString(f.Before), f.PBefore, html.EscapeString(f.After), f.PAfter)
		}
		s.WriteString("</tbody></table>")
	}
	s.WriteString("</div>")
	return s.String()
}
