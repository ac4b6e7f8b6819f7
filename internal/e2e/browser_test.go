package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The file browser: folders, notebooks, new, rename, delete, running kernels.
func TestFileBrowser(t *testing.T) {
	p := newPage(t)
	dir := filepath.Join(env.root, "course")
	if err := os.MkdirAll(filepath.Join(dir, "week1"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeNotebook(t, "course/intro.ipynb", cell{Source: "1"})
	if err := os.WriteFile(filepath.Join(dir, "data.csv"), []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.Navigate(env.base + "/#/course"))
	p.waitFor(`document.body.dataset.ready === "1" && !!document.querySelector("table.files")`, 20*time.Second)
	names := eval[[]string](p, `[...document.querySelectorAll("table.files tbody .file-link")].map(a => a.textContent)`)
	if strings.Join(names, ",") != "..,week1,data.csv,intro.ipynb" {
		t.Fatalf("listing: %q", names)
	}
	// A new notebook opens in the notebook page and gets a kernel.
	p.do(chromedp.Click(chromedp.CSS(`.browser-actions .btn.primary`)))
	p.waitFor(`location.pathname.startsWith("/notebooks/course/") && document.body.dataset.ready === "1"`, 20*time.Second)
	created := eval[string](p, `decodeURIComponent(location.pathname.slice("/notebooks/".length))`)
	p.waitKernel()
	// It opens ready to type in.
	p.waitFor(`document.querySelectorAll(".cells > .cell").length >= 1`, 5*time.Second)
	// Back in the browser, it is listed as running.
	p.do(chromedp.Navigate(env.base + "/#/course"))
	p.waitFor(`!!document.querySelector("table.files") && !!document.querySelector(".running-list")`, 20*time.Second)
	base := filepath.Base(created)
	if !eval[bool](p, `[...document.querySelectorAll(".running-list a")].some(a => a.textContent === `+jsString(created)+`)`) {
		t.Errorf("%s is not among the running kernels", created)
	}
	// Rename it.
	p.do(chromedp.Click(chromedp.CSS(`button[aria-label="Rename ` + base + `"]`)))
	p.waitFor(`!!document.querySelector("dialog[open] input")`, 5*time.Second)
	p.do(chromedpEval(`document.querySelector("dialog[open] input").value = "renamed.ipynb"`))
	p.do(chromedp.Click(chromedp.CSS(`dialog[open] button[type=submit]`)))
	p.waitFor(`[...document.querySelectorAll("table.files .file-link")].some(a => a.textContent === "renamed.ipynb")`, 10*time.Second)
	if _, err := os.Stat(filepath.Join(dir, "renamed.ipynb")); err != nil {
		t.Fatalf("rename on disk: %v", err)
	}
	// Delete it.
	p.do(chromedp.Click(chromedp.CSS(`button[aria-label="Delete renamed.ipynb"]`)))
	p.waitFor(`!!document.querySelector("dialog[open] button[data-value=ok]")`, 5*time.Second)
	p.do(chromedp.Click(chromedp.CSS(`dialog[open] button[data-value=ok]`)))
	p.waitFor(`![...document.querySelectorAll("table.files .file-link")].some(a => a.textContent === "renamed.ipynb")`, 10*time.Second)
	if _, err := os.Stat(filepath.Join(dir, "renamed.ipynb")); !os.IsNotExist(err) {
		t.Fatalf("delete on disk: %v", err)
	}
	// Folders navigate.
	p.do(chromedp.Click(chromedp.CSS(`a.file-link[href="#/course/week1"]`)))
	p.waitFor(`document.querySelector(".crumbs [aria-current=page]")?.textContent === "week1"`, 10*time.Second)
}

// Renaming the notebook from its title keeps the page, the URL and the file in step.
func TestRenameFromTitle(t *testing.T) {
	p := newPage(t)
	name := writeNotebook(t, "title-old.ipynb", cell{Source: "1"})
	p.openNotebook(name)
	p.do(chromedp.Click(chromedp.CSS(`button.title`)))
	p.waitFor(`!!document.querySelector("dialog[open] input")`, 5*time.Second)
	p.do(chromedpEval(`document.querySelector("dialog[open] input").value = "title-new"`))
	p.do(chromedp.Click(chromedp.CSS(`dialog[open] button[type=submit]`)))
	p.waitFor(`location.pathname === "/notebooks/title-new.ipynb" && document.querySelector("button.title").textContent === "title-new"`, 10*time.Second)
	if _, err := os.Stat(filepath.Join(env.root, "title-new.ipynb")); err != nil {
		t.Fatalf("renamed file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(env.root, "title-old.ipynb")); !os.IsNotExist(err) {
		t.Fatalf("old file still there: %v", err)
	}
}

func jsString(s string) string {
	return "`" + strings.NewReplacer("`", "\\`", "\\", "\\\\", "$", "\\$").Replace(s) + "`"
}
