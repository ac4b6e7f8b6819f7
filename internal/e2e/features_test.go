package e2e

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A 4x4 red PNG.
var redPNG = func() string {
	b, _ := base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEklEQVR4nGP4z8CAB+GTG8HSALfKY52fTcuYAAAAAElFTkSuQmCC")
	return base64.StdEncoding.EncodeToString(b)
}()

// Edit, save with Ctrl+S, reload: the edit is on disk and on the page.
func TestSaveReloadIntact(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "save.ipynb", cell{Source: "a := 1"}, cell{Type: "markdown", Source: "# Notes"})
	p.openNotebook(name)
	p.typeInto(0, "23")
	p.waitFor(`!document.querySelector(".dirty-mark").hidden`, 5*time.Second)
	p.press("s", 83, chromedp.ModifierCtrl)
	p.waitFor(`document.querySelector(".dirty-mark").hidden`, 10*time.Second)
	nb := readNotebook(t, name)
	cells := nb["cells"].([]any)
	if got := joinSource(cells[0].(map[string]any)["source"]); got != "a := 123" {
		t.Fatalf("saved source: got %q want %q", got, "a := 123")
	}
	if nb["nbformat_minor"].(float64) != 5 {
		t.Errorf("nbformat_minor: got %v want 5", nb["nbformat_minor"])
	}
	p.do(chromedp.Reload())
	p.waitFor(`document.body.dataset.ready === "1"`, 20*time.Second)
	if got := eval[string](p, `window.tandem.page.views[0].cell.source`); got != "a := 123" {
		t.Fatalf("after reload: got %q", got)
	}
	if got := eval[string](p, `document.querySelector(".cells > .cell:nth-child(2) .cell-md h1").textContent`); got != "Notes" {
		t.Errorf("markdown after reload: got %q", got)
	}
}

// Unsaved edits survive a reload (kept in the browser until saved).
func TestUnsavedEditsSurviveReload(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "draft.ipynb", cell{Source: "b := 1"})
	p.openNotebook(name)
	p.typeInto(0, "0")
	time.Sleep(time.Second) // the draft is written 0.7 s after the last change
	p.do(chromedp.Navigate(env.base + "/notebooks/" + name))
	p.waitFor(`document.body.dataset.ready === "1"`, 20*time.Second)
	if got := eval[string](p, `window.tandem.page.views[0].cell.source`); got != "b := 10" {
		t.Fatalf("after reload without saving: got %q want %q", got, "b := 10")
	}
	if !eval[bool](p, `!document.querySelector(".dirty-mark").hidden`) {
		t.Error("restored edits are not marked unsaved")
	}
	if got := joinSource(readNotebook(t, name)["cells"].([]any)[0].(map[string]any)["source"]); got != "b := 1" {
		t.Errorf("file on disk changed without a save: %q", got)
	}
}

// A save against a newer file on disk opens the conflict dialog, never overwrites.
func TestSaveConflictDialog(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "conflict.ipynb", cell{Source: "c := 1"})
	p.openNotebook(name)
	p.typeInto(0, "9")
	// Someone else writes the file.
	time.Sleep(20 * time.Millisecond)
	other := writeNotebook(t, name, cell{Source: "// changed elsewhere"})
	future := time.Now().Add(2 * time.Second)
	_ = os.Chtimes(filepath.Join(env.root, other), future, future)
	p.press("s", 83, chromedp.ModifierCtrl)
	p.waitFor(`!!document.querySelector("dialog.conflict-dialog[open]")`, 10*time.Second)
	if got := joinSource(readNotebook(t, name)["cells"].([]any)[0].(map[string]any)["source"]); got != "// changed elsewhere" {
		t.Fatalf("conflicting save overwrote the file: %q", got)
	}
	// Overwrite with mine.
	p.do(chromedp.Click(chromedp.CSS(`dialog.conflict-dialog button[data-value="overwrite"]`)))
	p.waitFor(`document.querySelector(".dirty-mark").hidden`, 10*time.Second)
	if got := joinSource(readNotebook(t, name)["cells"].([]any)[0].(map[string]any)["source"]); got != "c := 19" {
		t.Fatalf("after overwrite: got %q", got)
	}
}

// Markdown with inline and display math renders with KaTeX when run.
func TestMarkdownMath(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "math.ipynb", cell{Type: "markdown", Source: ""})
	p.openNotebook(name)
	p.typeInto(0, `## Euler $e^{i\pi}+1=0$`)
	p.enter()
	p.enter()
	p.do(chromedp.KeyEvent(`$$\int_0^1 x^2\,dx = \frac{1}{3}$$`))
	p.enter(chromedp.ModifierCtrl)
	p.waitFor(`!!document.querySelector(".cells > .cell:nth-child(1) .cell-md .katex-display")`, 10*time.Second)
	got := eval[map[string]any](p, `(() => { const md = document.querySelector(".cells > .cell:nth-child(1) .cell-md");
		return { h2: md.querySelector("h2")?.innerText.includes("Euler"), inline: md.querySelectorAll("h2 .katex").length,
		  display: md.querySelectorAll(".katex-display").length, ann: md.querySelector("annotation")?.textContent || "",
		  font: document.fonts.check("16px KaTeX_Main") } })()`)
	if got["h2"] != true || got["inline"].(float64) != 1 || got["display"].(float64) != 1 {
		t.Fatalf("rendered markdown: %v", got)
	}
	if !strings.Contains(got["ann"].(string), `e^{i\pi}`) {
		t.Errorf("KaTeX annotation lost (DOMPurify): %q", got["ann"])
	}
	// KaTeX fonts are bundled: they load from /static, offline.
	p.waitFor(`document.fonts.status === "loaded"`, 10*time.Second)
	loaded := eval[bool](p, `[...document.fonts].some(f => f.family.includes("KaTeX_Main") && f.status === "loaded")`)
	if !loaded {
		t.Error("KaTeX_Main font did not load from the bundle")
	}
}

// Image outputs (PNG and SVG) appear, from a saved notebook.
func TestImageOutputAppears(t *testing.T) {
	p := newPage(t)
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="blue"/></svg>`
	name := writeNotebook(t, "image.ipynb", cell{Source: "plot()", Outputs: []map[string]any{
		{"output_type": "display_data", "metadata": map[string]any{}, "data": map[string]any{"image/png": redPNG, "text/plain": "<image>"}},
		{"output_type": "display_data", "metadata": map[string]any{}, "data": map[string]any{"image/svg+xml": svg, "text/plain": "<svg>"}},
	}})
	p.openNotebook(name)
	p.waitFor(`(() => { const imgs = document.querySelectorAll(".cells > .cell:nth-child(1) img.image-output"); return imgs.length === 2 && [...imgs].every(i => i.complete && i.naturalWidth > 0) })()`, 10*time.Second)
	w := eval[float64](p, `document.querySelector(".cells > .cell:nth-child(1) img.image-output").naturalWidth`)
	if w != 4 {
		t.Errorf("PNG width: got %v want 4", w)
	}
}

// joinSource turns an nbformat multiline string into a string.
func joinSource(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []any:
		var b strings.Builder
		for _, x := range s {
			b.WriteString(fmt.Sprint(x))
		}
		return b.String()
	}
	return ""
}

// A percent-format Go script opens as a notebook and saves back as a script.
func TestPercentScriptRoundTrip(t *testing.T) {
	p := newPage(t)
	src := "// %% [markdown]\n// # A script\n\n// %%\nx := 1\n\n// %%\nx + 1\n"
	if err := os.WriteFile(filepath.Join(env.root, "script.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p.openNotebook("script.go")
	got := eval[[]string](p, `window.tandem.page.nb.cells.map(c => c.type + ":" + c.source)`)
	if len(got) != 3 || got[0] != "markdown:# A script" || got[1] != "code:x := 1" || got[2] != "code:x + 1" {
		t.Fatalf("cells of script.go: %q", got)
	}
	p.typeInto(2, "0")
	p.press("s", 83, chromedp.ModifierCtrl)
	p.waitFor(`document.querySelector(".dirty-mark").hidden`, 10*time.Second)
	b, err := os.ReadFile(filepath.Join(env.root, "script.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "x + 10") || !strings.Contains(string(b), "// %%") || strings.Contains(string(b), `"cells"`) {
		t.Fatalf("script.go after save:\n%s", b)
	}
}

// Unsaved edits kept in the browser meet a file changed on disk: the page
// asks which to keep, and keeps the user's edits when told so.
func TestDraftAgainstChangedFile(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "draft-conflict.ipynb", cell{Source: "d := 1"})
	p.openNotebook(name)
	p.typeInto(0, "2")
	time.Sleep(time.Second) // the draft is written 0.7 s after the last change
	writeNotebook(t, name, cell{Source: "// edited on disk"})
	future := time.Now().Add(2 * time.Second)
	_ = os.Chtimes(filepath.Join(env.root, name), future, future)
	p.do(chromedp.Navigate(env.base + "/notebooks/" + name))
	p.waitFor(`!!document.querySelector("dialog[open] button[data-value=draft]")`, 20*time.Second)
	p.do(chromedp.Click(chromedp.CSS(`dialog[open] button[data-value=draft]`)))
	p.waitFor(`document.body.dataset.ready === "1"`, 20*time.Second)
	if got := eval[string](p, `window.tandem.page.nb.cells[0].source`); got != "d := 12" {
		t.Fatalf("restored edits: got %q", got)
	}
	if !eval[bool](p, `!document.querySelector(".dirty-mark").hidden`) {
		t.Error("restored edits are not marked unsaved")
	}
}
