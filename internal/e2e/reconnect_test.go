package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The server restarts under an open notebook: the page shows it is
// reconnecting, keeps the unsaved edit, reconnects to the new server and
// its new kernel, and saves.
func TestReconnectAfterServerRestart(t *testing.T) {
	p := newPage(t)
	addr, stop, err := startServer("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	p.do(chromedp.Navigate(base + "/?token=" + env.token))
	name := writeNotebook(t, "reconnect.ipynb", cell{Source: "r := 1"})
	p.do(chromedp.Navigate(base + "/notebooks/" + name))
	p.waitFor(`document.body.dataset.ready === "1"`, 20*time.Second)
	p.waitKernel()
	p.typeInto(0, "00")
	stop()
	p.waitFor(`document.querySelector(".kernel-status").dataset.state === "reconnecting"`, 15*time.Second)
	// Saving while the server is down keeps the edit (in the page and in the browser's storage).
	p.press("s", 83, chromedp.ModifierCtrl)
	p.waitFor(`document.querySelector(".save-state").textContent === "Not saved"`, 10*time.Second)
	if d := eval[string](p, `localStorage.getItem("tandem.draft:reconnect.ipynb") || ""`); d == "" {
		t.Error("the unsaved edit is not kept in browser storage while the server is down")
	}
	_, stop2, err := startServer(addr)
	if err != nil {
		t.Fatalf("restart the server on %s: %v", addr, err)
	}
	defer stop2()
	p.waitFor(`document.querySelector(".kernel-status").dataset.state === "idle"`, 30*time.Second)
	if got := eval[string](p, `window.tandem.page.nb.cells[0].source`); got != "r := 100" {
		t.Fatalf("edit after reconnect: got %q", got)
	}
	p.press("s", 83, chromedp.ModifierCtrl)
	p.waitFor(`document.querySelector(".dirty-mark").hidden`, 10*time.Second)
	if got := joinSource(readNotebook(t, name)["cells"].([]any)[0].(map[string]any)["source"]); got != "r := 100" {
		t.Fatalf("saved after reconnect: got %q", got)
	}
}
