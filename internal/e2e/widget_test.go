package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tandem.dev/tandem/runtime/ledger/sqlite"
)

// reviewCells train on noisy digits, find the suspects and show the review
// widget (with the model's explanations); then retrain on the corrected rows
// and compare.
var reviewCells = []cell{
	{Source: `ds := data.Digits()
noisy, _ := ds.FlipLabels(0.1, 1)
tr, te := noisy.Split(0.75, 1)
nn.Seed(1)
m := nn.NewLinear(64, 10)
train.Fit(m, tr, train.Config{Epochs: 10, Quiet: true})
sus := feedback.SuspectsWith(m, tr, feedback.Options{Folds: 3, Seed: 1, Config: train.Config{Epochs: 10, Quiet: true}, Quiet: true})
rev := feedback.ReviewWith(tr, sus, feedback.ReviewOptions{Model: m})
rev`},
	{Source: `nn.Seed(1)
m2 := nn.NewLinear(64, 10)
train.Fit(m2, tr, train.Config{Epochs: 10, Quiet: true})
rev.Wait()
fmt.Println(len(rev.Events()), "decisions in the ledger")
fmt.Println(metrics.Compare(m, m2, te))`},
}

// reviewState reads a state attribute of the page's review widget model.
func reviewState(attr string) string {
	return `(() => { for (const m of window.tandem.page.widgets.models.values()) if (m.state.kind === "review") return m.state[` + jsString(attr) + `]; return null })()`
}

// outboxEmpty is true when no review decision waits in a durable outbox
// (the frame's localStorage, which the app keeps under tandem.widget: keys).
const outboxEmpty = `Object.keys(localStorage).filter(function (k) { return k.indexOf("tandem.widget:tandem-outbox:") === 0 }).every(function (k) { return Object.keys(JSON.parse(localStorage.getItem(k))).length === 0 })`

const reviewFrame = ".cells > .cell:nth-child(1) iframe.widget-frame"

// TestReviewFiveSuspects: train on noisy digits, review five suspects with
// the keyboard, reload the page and find them saved (and an unacknowledged
// decision from the outbox resent once), retrain and see the comparison.
func TestReviewFiveSuspects(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "review5.ipynb", reviewCells...)
	p.openNotebook(name)
	p.waitKernel()
	p.runCell(0)
	p.waitFor(`!!document.querySelector("`+reviewFrame+`") && document.querySelector("`+reviewFrame+`").offsetHeight > 60`, 180*time.Second)
	time.Sleep(300 * time.Millisecond)
	p.clickFrame(reviewFrame, 40, 12) // the header bar: focuses the widget

	// Five decisions from the keyboard: accept, exclude, relabel (keys 3 and
	// 4 choose classes "2" and "3"), accept; each is counted once the kernel
	// has committed it.
	var lat []time.Duration
	for i, k := range []struct {
		key string
		vk  int64
	}{{"a", 65}, {"x", 88}, {"3", 51}, {"4", 52}, {"a", 65}} {
		start := time.Now()
		p.press(k.key, k.vk)
		p.waitFor(fmt.Sprintf(`%s === %d`, reviewState("done"), i+1), 20*time.Second)
		lat = append(lat, time.Since(start))
		time.Sleep(150 * time.Millisecond) // the widget moves to the next row
	}
	t.Logf("keypress to committed (browser round trip, fsynced): %v", lat)

	store, err := sqlite.OpenWorkspace(env.root, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := store.Events(context.Background(), "")
	store.Close()
	if err != nil || len(evs) != 5 {
		t.Fatalf("ledger %s: got %d events, %v want 5", filepath.Join(env.root, ".tandem"), len(evs), err)
	}

	// A decision left unacknowledged in the durable outbox (a reconnect or
	// a kernel restart cut it off) is resent when the widget renders again.
	// Inject it only once the frame has written back its own outbox (every
	// ack handled): under load a late write-back replaced the injected entry.
	p.waitFor(outboxEmpty, 20*time.Second)
	inject := `(() => {
		let m = null;
		for (const x of window.tandem.page.widgets.models.values()) if (x.state.kind === "review") m = x;
		const key = "tandem.widget:tandem-outbox:" + m.state.dataset + ":" + m.state.version;
		const b = JSON.parse(localStorage.getItem(key) || "{}");
		const msg = { type: "decide", id: "from-outbox-1", key: m.state.current.key, kind: "note", new: "left in the outbox",
			version: m.state.version, time: 1764000000000, index: 0 };
		b[msg.id] = { msg, sent: 0 };
		localStorage.setItem(key, JSON.stringify(b));
		return true })()`
	eval[bool](p, inject)
	time.Sleep(300 * time.Millisecond)
	if eval[bool](p, outboxEmpty) {
		t.Fatal("the injected outbox entry was overwritten before the reload")
	}

	// Save and reload: the widget comes back live with the decisions saved.
	p.press("s", 83, chromedp.ModifierCtrl)
	p.waitFor(`document.querySelector(".dirty-mark").hidden`, 10*time.Second)
	p.do(chromedp.Reload())
	p.waitFor(`document.body.dataset.ready === "1"`, 20*time.Second)
	p.waitKernel()
	p.waitFor(`!!document.querySelector("`+reviewFrame+`")`, 20*time.Second)
	p.waitFor(reviewState("done")+` === 5`, 20*time.Second)
	p.waitFor(outboxEmpty, 20*time.Second)
	eval[bool](p, inject) // resent once more: already stored, acknowledged as a duplicate
	p.do(chromedp.Reload())
	p.waitFor(`document.body.dataset.ready === "1"`, 20*time.Second)
	p.waitKernel()
	p.waitFor(`!!document.querySelector("`+reviewFrame+`")`, 20*time.Second)
	p.waitFor(outboxEmpty, 20*time.Second)

	// Retrain on the corrected rows and compare.
	p.runCell(1)
	p.waitOutput(1, "6 decisions in the ledger", 120*time.Second)
	p.waitOutput(1, "predictions changed", 120*time.Second)
}

// TestReviewTwoTabs: a second tab on the same notebook follows the first
// one's decisions.
func TestReviewTwoTabs(t *testing.T) {
	p1 := newPage(t)
	// other flips than TestReviewFiveSuspects': another dataset version
	name := writeNotebook(t, "review2.ipynb", cell{Source: strings.Replace(reviewCells[0].Source, "FlipLabels(0.1, 1)", "FlipLabels(0.1, 2)", 1)})
	p1.openNotebook(name)
	p1.waitKernel()
	p1.runCell(0)
	p1.waitFor(`!!document.querySelector("`+reviewFrame+`") && document.querySelector("`+reviewFrame+`").offsetHeight > 60`, 180*time.Second)
	p1.press("s", 83, chromedp.ModifierCtrl)
	p1.waitFor(`document.querySelector(".dirty-mark").hidden`, 10*time.Second)

	p2 := newPage(t)
	p2.openNotebook(name)
	p2.waitKernel()
	p2.waitFor(`!!document.querySelector("`+reviewFrame+`") && !document.querySelector(".widget-stale")`, 20*time.Second)
	before := eval[float64](p2, reviewState("done"))

	time.Sleep(300 * time.Millisecond)
	p1.clickFrame(reviewFrame, 40, 12)
	p1.press("x", 88)
	p1.waitFor(fmt.Sprintf(`%s === %v`, reviewState("done"), before+1), 20*time.Second)
	p2.waitFor(fmt.Sprintf(`%s === %v`, reviewState("done"), before+1), 20*time.Second)
}

// TestGridEdit: the data grid saves an inline edit made from the keyboard.
func TestGridEdit(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "grid.ipynb", cell{Source: `iris := data.Iris()
feedback.Grid(iris)`}, cell{Source: "mx := 0.0\nfor _, v := range iris.Column(iris.Features()[0]) {\n\tif v > mx {\n\t\tmx = v\n\t}\n}\nfmt.Println(\"max\", mx)"})
	p.openNotebook(name)
	p.waitKernel()
	p.runCell(0)
	p.waitFor(`!!document.querySelector("`+reviewFrame+`") && document.querySelector("`+reviewFrame+`").offsetHeight > 200`, 60*time.Second)
	time.Sleep(500 * time.Millisecond)
	p.clickFrame(reviewFrame, 10, 8) // the name in the bar: focuses the grid; the first cell is selected
	p.press("Enter", 13)
	time.Sleep(200 * time.Millisecond)
	p.do(chromedp.KeyEvent("9.5"))
	p.press("Enter", 13)
	time.Sleep(500 * time.Millisecond)
	p.runCell(1)
	p.waitOutput(1, "max 9.5", 30*time.Second) // the largest was 7.9
}

// TestCallbackOutput: what a widget callback prints appears under the cell
// that shows the widget, and a callback clicked while a cell runs waits for
// it (callbacks run one at a time with cells).
func TestCallbackOutput(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "callback.ipynb",
		cell{Source: "n := 0\nb := widget.NewButton(\"Say\")\nb.OnClick(func() { n++; fmt.Println(\"clicked\", n) })\nwidget.NewHBox([]widget.Widget{b})"},
		cell{Source: "for i := 0; i < 30; i++ {\n\ttime.Sleep(50 * time.Millisecond)\n}\nfmt.Println(\"slow cell saw\", n)"})
	p.openNotebook(name)
	p.waitKernel()
	p.runCell(0)
	p.waitFor(`!!document.querySelector(".cells > .cell:nth-child(1) button.widget-button")`, 10*time.Second)
	p.do(chromedp.Click(chromedp.CSS(".cells > .cell:nth-child(1) button.widget-button")))
	p.waitOutput(0, "clicked 1", 10*time.Second)
	p.runCell(1)
	time.Sleep(200 * time.Millisecond)
	p.do(chromedp.Click(chromedp.CSS(".cells > .cell:nth-child(1) button.widget-button")))
	p.waitOutput(1, "slow cell saw 1", 20*time.Second) // the click waited for the cell
	p.waitOutput(0, "clicked 2", 10*time.Second)
}
