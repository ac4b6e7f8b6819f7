package e2e

import (
	"strings"
	"testing"
	"time"
)

// maliciousHTML tries everything an output could do to act as the app.
const maliciousHTML = `<div id="m">malicious output</div>
<script>
const r = {};
try { r.cookie = document.cookie; } catch (e) { r.cookie = "error:" + e.name; }
try { r.parent = String(parent.document.cookie); } catch (e) { r.parent = "error:" + e.name; }
try { r.parentDOM = String(parent.document.body.innerHTML.length); } catch (e) { r.parentDOM = "error:" + e.name; }
try { r.storage = String(localStorage.length); } catch (e) { r.storage = "error:" + e.name; }
try { r.top = String(top.location.href); } catch (e) { r.top = "error:" + e.name; }
r.origin = String(self.origin);
function report() { parent.postMessage({ malicious: r }, "*"); }
const api = (u, opts) => fetch(u, Object.assign({ credentials: "include" }, opts))
  .then(res => res.status + ":" + res.type, e => "error:" + e.name);
Promise.all([
  api("/api/contents"),
  api(location.origin + "/api/kernels"),
  api("/api/contents/stolen.ipynb", { method: "PUT", body: JSON.stringify({ type: "notebook", format: "json", content: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 } }) }),
]).then(([a, b, c]) => { r.fetchContents = a; r.fetchKernels = b; r.fetchPut = c; report(); });
</script>`

// A malicious HTML output runs only in a sandboxed frame: it cannot read the
// token cookie, the app's DOM or storage, nor call the API.
func TestMaliciousHTMLOutputIsContained(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "malicious.ipynb",
		cell{Source: "evil()", Outputs: []map[string]any{{
			"output_type": "display_data", "metadata": map[string]any{},
			"data": map[string]any{"text/html": maliciousHTML, "text/plain": "evil"},
		}}},
		cell{Type: "markdown", Source: "Hi <img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=2</script> [x](javascript:window.__pwned=3) $x^2$\n\n<div id=\"overlay\" style=\"position:fixed;inset:0;z-index:9999;background:red\">Session expired: enter your token</div>"},
	)
	p.do(navigateWithReports(env.base + "/notebooks/" + name))
	p.waitFor(`document.body.dataset.ready === "1"`, 20*time.Second)
	p.waitFor(`window.__reports && window.__reports.length > 0`, 15*time.Second)
	r := eval[map[string]string](p, `window.__reports[0]`)
	t.Logf("what the frame could do: %v", r)
	for _, k := range []string{"parent", "parentDOM", "storage"} {
		if !strings.HasPrefix(r[k], "error:") {
			t.Errorf("frame read %s: %q", k, r[k])
		}
	}
	if r["cookie"] != "" && !strings.HasPrefix(r["cookie"], "error:") {
		t.Errorf("frame read cookies: %q", r["cookie"])
	}
	if strings.Contains(strings.Join(values(r), " "), env.token) {
		t.Fatal("the token reached the frame")
	}
	if r["origin"] != "null" {
		t.Errorf("frame origin: got %q want null (opaque)", r["origin"])
	}
	for _, k := range []string{"fetchContents", "fetchKernels", "fetchPut"} {
		if strings.HasPrefix(r[k], "2") {
			t.Errorf("frame called the API: %s = %s", k, r[k])
		}
	}
	sandbox := eval[string](p, `document.querySelector("iframe.output-frame").getAttribute("sandbox")`)
	if sandbox != "allow-scripts" {
		t.Errorf("iframe sandbox: got %q want exactly allow-scripts", sandbox)
	}
	// Markdown HTML is sanitised: no handler or script ran in the app.
	p.waitFor(`!!document.querySelector(".cells > .cell:nth-child(2) .cell-md img")`, 5*time.Second)
	time.Sleep(200 * time.Millisecond)
	if v := eval[any](p, `window.__pwned ?? null`); v != nil {
		t.Errorf("markdown HTML ran script in the app: __pwned = %v", v)
	}
	if n := eval[int](p, `document.querySelectorAll(".cell-md script, .cell-md [onerror]").length`); n != 0 {
		t.Errorf("markdown kept %d script elements or handlers", n)
	}
	if pos := eval[string](p, `getComputedStyle(document.getElementById("overlay")).position`); pos == "fixed" {
		t.Error("markdown HTML can draw a fixed overlay over the app")
	}
	p.waitFor(`!!document.querySelector(".cells > .cell:nth-child(2) .katex")`, 10*time.Second)
	if n := eval[int](p, `document.querySelectorAll(".cells > .cell:nth-child(2) .katex [style]").length`); n == 0 {
		t.Error("KaTeX lost its inline styles")
	}
	if _, err := readNotebookErr("stolen.ipynb"); err == nil {
		t.Error("the frame created stolen.ipynb")
	}
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
