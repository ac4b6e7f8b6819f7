package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// loadMillis opens a page and returns the app's time to interactive: from
// navigation start to the notebook rendered with its first editors mounted.
func loadMillis(p *page, url string) float64 {
	p.t.Helper()
	p.do(navigateWithReports(url))
	p.waitFor(`document.body.dataset.ready === "1"`, 30*time.Second)
	return eval[float64](p, `window.tandem.ready`)
}

// bestOf returns the fastest of n loads (the machine is shared: the best run
// is the app's own cost).
func bestOf(p *page, n int, url string) (best float64, all []float64) {
	for i := 0; i < n; i++ {
		ms := loadMillis(p, url)
		all = append(all, ms)
		if i == 0 || ms < best {
			best = ms
		}
	}
	return best, all
}

// Page load to interactive on localhost, goal ≤ 500 ms, and a 1,000-cell
// notebook, goal ≤ 2 s. Figures go to the test log.
func TestPerfPageLoad(t *testing.T) {
	p := newPage(t)
	small := writeNotebook(t, "small.ipynb",
		cell{Type: "markdown", Source: "# A small notebook\nWith $x^2$."},
		cell{Source: "x := 1", Outputs: []map[string]any{{"output_type": "stream", "name": "stdout", "text": "1\n"}}},
		cell{Source: "fmt.Println(x)"})
	best, all := bestOf(p, 5, env.base+"/notebooks/"+small)
	t.Logf("page load to interactive (small notebook): best %.0f ms, runs %v (goal ≤ 500 ms)", best, all)
	for _, v := range all {
		benchSample("page load to interactive, small notebook (goal <= 500 ms)", v, "ms")
	}
	// The kernel (a new process) is ready a little later; the page is usable before.
	p.waitKernel()
	kernelReady := eval[float64](p, `performance.now()`)
	t.Logf("kernel connected and idle %.0f ms after navigation (last load; the notebook's kernel kept running across the reloads)", kernelReady)
	if best > 500 {
		t.Errorf("page load to interactive: %.0f ms, goal ≤ 500 ms", best)
	}
	bbest, ball := bestOf(p, 3, env.base+"/")
	t.Logf("page load to interactive (file browser): best %.0f ms, runs %v", bbest, ball)

	var cells []cell
	for i := 0; i < 1000; i++ {
		switch i % 4 {
		case 0:
			cells = append(cells, cell{Type: "markdown", Source: fmt.Sprintf("## Section %d\nSome text with math $a_%d = \\sqrt{%d}$.", i, i, i)})
		case 1:
			cells = append(cells, cell{Source: fmt.Sprintf("v%d := %d\nfor i := 0; i < 3; i++ {\n\tfmt.Println(v%d + i)\n}", i, i, i),
				Outputs: []map[string]any{{"output_type": "stream", "name": "stdout", "text": strings.Repeat(fmt.Sprintf("%d\n", i), 3)}}})
		case 2:
			cells = append(cells, cell{Source: fmt.Sprintf("type T%d struct{ A, B int }\nfunc (t T%d) Sum() int { return t.A + t.B }", i, i)})
		default:
			cells = append(cells, cell{Source: fmt.Sprintf("T%d{1, 2}.Sum()", i-1), Outputs: []map[string]any{{
				"output_type": "execute_result", "execution_count": i, "metadata": map[string]any{}, "data": map[string]any{"text/plain": "3"}}}})
		}
	}
	big := writeNotebook(t, "big1000.ipynb", cells...)
	best, all = bestOf(p, 2, env.base+"/notebooks/"+big)
	t.Logf("1,000-cell notebook open to interactive: best %.0f ms, runs %v (goal ≤ 2000 ms)", best, all)
	for _, v := range all {
		benchSample("open a 1,000-cell notebook to interactive (goal <= 2000 ms)", v, "ms")
	}
	if n := eval[int](p, `window.tandem.cells`); n != 1000 {
		t.Fatalf("cells: got %d want 1000", n)
	}
	if best > 2000 {
		t.Errorf("1,000-cell open: %.0f ms, goal ≤ 2000 ms", best)
	}
	// Scrolling to the end hydrates the last cells (editors, rendered math).
	p.do(chromedpEval(`window.tandem.page.select(999, false)`))
	p.waitFor(`!!document.querySelector(".cells > .cell:nth-child(997) .katex") && !!document.querySelector(".cells > .cell:nth-child(1000) .cm-editor")`, 10*time.Second)
}

// benchSample prints one sample for internal/cmd/benchreport (make bench)
// when TANDEM_BENCH is set:
//
//	TANDEM_BENCH=1 go test ./internal/e2e -run 'TestPerf|TestTenMegabyte' -count=1 -v | grep '^{'
func benchSample(figure string, value float64, unit string) {
	if os.Getenv("TANDEM_BENCH") == "" {
		return
	}
	b, _ := json.Marshal(map[string]any{"group": "notebook UI", "figure": figure, "impl": "tandem", "value": value, "unit": unit, "better": "lower", "note": "headless Chromium, localhost"})
	fmt.Println(string(b))
}
