package e2e

import (
	"flag"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var screenshotOut = flag.String("screenshot", "", "write a screenshot of a real notebook with outputs to this `file` (docs/screenshot.png)")

// TestScreenshot runs a small real notebook and saves a screenshot of it.
// It runs only with -screenshot (it writes a file in the repository):
//
//	go test ./internal/e2e -run TestScreenshot -screenshot $PWD/docs/screenshot.png
func TestScreenshot(t *testing.T) {
	if *screenshotOut == "" {
		t.Skip("writes docs/screenshot.png only when asked: -screenshot FILE")
	}
	p := newPage(t)
	name := writeNotebook(t, "gradient-descent.ipynb", screenshotCells...)
	p.do(chromedp.EmulateViewport(1366, 1300))
	p.openNotebook(name)
	p.waitKernel()
	p.do(chromedpEval(`window.tandem.page.runAll()`))
	p.waitIdle(120 * time.Second)
	p.press("s", 83, chromedp.ModifierCtrl)
	p.waitFor(`document.querySelector(".dirty-mark").hidden`, 10*time.Second)
	p.do(chromedpEval(`window.tandem.page.select(2, false); window.scrollTo(0, 0)`))
	time.Sleep(1500 * time.Millisecond) // fonts, frames, images settle
	b, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*screenshotOut, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", *screenshotOut)
}

var screenshotCells = []cell{
	{Type: "markdown", Source: "# Gradient descent, one step at a time\n\nWe minimise $f(x) = (x - 3)^2 + 1$ with the update\n\n$$x_{k+1} = x_k - \\eta\\, f'(x_k), \\qquad f'(x) = 2(x - 3)$$"},
	{Source: "import \"fmt\"\n\nf := func(x float64) float64 { return (x-3)*(x-3) + 1 }\nx, eta := 0.0, 0.25\nvar path []float64\nfor k := 0; k < 5; k++ {\n\tpath = append(path, x)\n\tfmt.Printf(\"step %d  x = %.4f  f(x) = %.4f\\n\", k, x, f(x))\n\tx = x - eta*2*(x-3)\n}"},
	{Source: "var xs, ys []float64\nfor x := 0.0; x <= 6; x += 0.05 {\n\txs = append(xs, x)\n\tys = append(ys, f(x))\n}\nchart.Line(xs, ys).With(chart.Options{Title: \"f along the descent\", Width: 8, Height: 3.5})"},
	{Source: "fmt.Println(f(x) - minimum)"},
}
