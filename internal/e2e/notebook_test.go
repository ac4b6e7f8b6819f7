package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Open a notebook, type Go, run it, see the output and the execution count.
func TestTypeRunSeeOutput(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "run.ipynb", cell{Source: ""})
	p.openNotebook(name)
	p.waitKernel()
	p.typeInto(0, `import "fmt"`)
	p.enter()
	p.do(chromedp.KeyEvent(`x := 6 * 7`))
	p.enter()
	p.do(chromedp.KeyEvent(`fmt.Println("answer", x)`))
	src := eval[string](p, `window.tandem.page.views[0].cell.source`)
	if src != "import \"fmt\"\nx := 6 * 7\nfmt.Println(\"answer\", x)" {
		t.Fatalf("cell source: got %q", src)
	}
	p.enter(chromedp.ModifierShift)
	p.waitOutput(0, "answer 42", 30*time.Second)
	p.waitIdle(10 * time.Second)
	if got := eval[string](p, `document.querySelector(".cells > .cell:nth-child(1) .cell-prompt").textContent`); got != "[1]" {
		t.Errorf("prompt: got %q want [1]", got)
	}
	// Shift+Enter on the last cell adds a new one and moves into it.
	if n := eval[int](p, `document.querySelectorAll(".cells > .cell").length`); n != 2 {
		t.Errorf("cells after Shift+Enter on the last cell: got %d want 2", n)
	}
	if got := eval[string](p, `document.querySelector(".cells > .cell:nth-child(1) .cell-footer").textContent`); !strings.HasPrefix(got, "ran in ") {
		t.Errorf("footer: got %q want elapsed time", got)
	}
}
