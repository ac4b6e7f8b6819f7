package e2e

import (
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Jupyter's command-mode shortcuts: Esc, A, B, D D, Z, M, Y, J/K, Ctrl+S.
func TestKeyboardShortcuts(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "keys.ipynb", cell{Source: "a"}, cell{Source: "b"}, cell{Source: "c"})
	p.openNotebook(name)
	sources := func() []string { return eval[[]string](p, `window.tandem.page.nb.cells.map(c => c.source)`) }
	current := func() int { return eval[int](p, `window.tandem.page.current`) }
	mode := func() string { return eval[string](p, `window.tandem.page.mode`) }
	check := func(step string, want []string, wantCur int) {
		t.Helper()
		if got := sources(); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: cells %q want %q", step, got, want)
		}
		if got := current(); got != wantCur {
			t.Fatalf("%s: current cell %d want %d", step, got, wantCur)
		}
		if n := eval[int](p, `document.querySelectorAll(".cells > .cell").length`); n != len(want) {
			t.Fatalf("%s: %d cells on the page, %d in the model", step, n, len(want))
		}
	}
	p.focusEditor(0)
	p.escape()
	if m := mode(); m != "command" {
		t.Fatalf("Esc: mode %q want command", m)
	}
	p.waitFor(`document.activeElement === document.querySelector(".cells > .cell.selected")`, 2*time.Second)
	p.key("b")
	check("B", []string{"a", "", "b", "c"}, 1)
	if m := mode(); m != "edit" {
		t.Errorf("B: mode %q want edit", m)
	}
	p.escape()
	p.key("a")
	check("A", []string{"a", "", "", "b", "c"}, 1)
	p.escape()
	p.key("d")
	p.key("d")
	check("D D", []string{"a", "", "b", "c"}, 1)
	p.key("d")
	p.key("d")
	check("D D again", []string{"a", "b", "c"}, 1)
	p.key("z")
	check("Z", []string{"a", "", "b", "c"}, 1)
	p.key("j")
	check("J", []string{"a", "", "b", "c"}, 2)
	p.key("m")
	if typ := eval[string](p, `window.tandem.page.nb.cells[2].type`); typ != "markdown" {
		t.Fatalf("M: cell type %q", typ)
	}
	if !eval[bool](p, `document.querySelector(".cells > .cell:nth-child(3)").classList.contains("markdown")`) {
		t.Error("M: the cell does not look like a Markdown cell")
	}
	p.key("y")
	if typ := eval[string](p, `window.tandem.page.nb.cells[2].type`); typ != "code" {
		t.Fatalf("Y: cell type %q", typ)
	}
	p.key("k")
	p.key("k")
	check("K K", []string{"a", "", "b", "c"}, 0)
	p.press("s", 83, chromedp.ModifierCtrl)
	p.waitFor(`document.querySelector(".dirty-mark").hidden`, 10*time.Second)
	if n := len(readNotebook(t, name)["cells"].([]any)); n != 4 {
		t.Errorf("Ctrl+S: %d cells on disk, want 4", n)
	}
	// Enter goes back to edit mode in the current cell.
	p.enter()
	p.waitFor(`document.activeElement.classList.contains("cm-content") && window.tandem.page.mode === "edit"`, 2*time.Second)
}

// Shift+M merges with the cell below; Ctrl+Shift+- splits at the cursor.
func TestSplitAndMerge(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "split.ipynb", cell{Source: "a := 1"}, cell{Source: "b := 2"}, cell{Source: "c := 3"})
	p.openNotebook(name)
	sources := func() []string { return eval[[]string](p, `window.tandem.page.nb.cells.map(c => c.source)`) }
	p.focusEditor(0)
	p.escape()
	p.press("M", 77, chromedp.ModifierShift)
	if got := sources(); !reflect.DeepEqual(got, []string{"a := 1\nb := 2", "c := 3"}) {
		t.Fatalf("Shift+M: %q", got)
	}
	p.focusEditor(0)
	p.do(chromedpEval(`(() => { const v = window.tandem.page.views[0].editor; v.dispatch({ selection: { anchor: 7 } }); })()`))
	p.press("_", 189, chromedp.ModifierCtrl, chromedp.ModifierShift)
	if got := sources(); !reflect.DeepEqual(got, []string{"a := 1", "b := 2", "c := 3"}) {
		t.Fatalf("Ctrl+Shift+-: %q", got)
	}
	if got := eval[string](p, `document.querySelector(".cells > .cell:nth-child(2) .cm-content").innerText`); got != "b := 2" {
		t.Errorf("the split-off cell shows %q", got)
	}
}

// Edits are saved by themselves a few seconds after typing stops.
func TestAutosave(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "autosave.ipynb", cell{Source: "v := 1"})
	p.openNotebook(name)
	p.typeInto(0, "2")
	p.waitFor(`document.querySelector(".dirty-mark").hidden`, 20*time.Second)
	if got := joinSource(readNotebook(t, name)["cells"].([]any)[0].(map[string]any)["source"]); got != "v := 12" {
		t.Fatalf("autosaved source: %q", got)
	}
}

// O hides a cell's outputs (saved as metadata.jupyter.outputs_hidden) and shows them again.
func TestHideOutputs(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "hide.ipynb", cell{Source: "x", Outputs: []map[string]any{{"output_type": "stream", "name": "stdout", "text": "visible\n"}}})
	p.openNotebook(name)
	p.focusEditor(0)
	p.escape()
	p.key("o")
	p.waitFor(`getComputedStyle(document.querySelector(".cells > .cell:nth-child(1) .cell-outputs")).display === "none" && !!document.querySelector(".outputs-collapsed")`, 5*time.Second)
	p.press("s", 83, chromedp.ModifierCtrl)
	p.waitFor(`document.querySelector(".dirty-mark").hidden`, 10*time.Second)
	meta := readNotebook(t, name)["cells"].([]any)[0].(map[string]any)["metadata"].(map[string]any)
	if j, _ := meta["jupyter"].(map[string]any); j == nil || j["outputs_hidden"] != true {
		t.Fatalf("saved metadata: %v", meta)
	}
	p.do(chromedp.Click(chromedp.CSS(".outputs-collapsed")))
	p.waitFor(`getComputedStyle(document.querySelector(".cells > .cell:nth-child(1) .cell-outputs")).display !== "none" && !document.querySelector(".outputs-collapsed")`, 5*time.Second)
}
