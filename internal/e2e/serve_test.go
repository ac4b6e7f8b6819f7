package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// `tandem serve` (what make run starts) serves the embedded app: the printed
// URL signs the browser in, the file browser lists the folder, a notebook
// runs, and SIGINT stops the server and its kernels.
func TestServeCommand(t *testing.T) {
	p := newPage(t)
	dir := t.TempDir()
	nb, err := os.ReadFile(filepath.Join(env.root, writeNotebook(t, "served.ipynb", cell{Source: "20 + 22"})))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "served.ipynb"), nb, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(env.bin, "serve", "--port", "0", dir)
	cmd.Env = append(kernelEnv(), "TANDEM_TOKEN="+env.token)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody reads any more: keep draining the pipe
			}
		}
		close(lines)
		done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	urlRe := regexp.MustCompile(`http://127\.0\.0\.1:\d+/\?token=\S+`)
	var url string
	deadline := time.After(30 * time.Second)
	for url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("tandem serve exited before printing its URL")
			}
			url = urlRe.FindString(l)
		case <-deadline:
			t.Fatal("tandem serve printed no URL within 30 s")
		}
	}
	base := url[:strings.Index(url, "/?token=")]
	p.do(chromedp.Navigate(url))
	p.waitFor(`location.search === "" && document.body.dataset.ready === "1" && [...document.querySelectorAll("table.files .file-link")].some(a => a.textContent === "served.ipynb")`, 20*time.Second)
	p.do(chromedp.Navigate(base + "/notebooks/served.ipynb"))
	p.waitFor(`document.body.dataset.ready === "1"`, 20*time.Second)
	p.waitKernel()
	p.runCell(0)
	p.waitOutput(0, "42", 30*time.Second)

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("tandem serve after SIGINT: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("tandem serve did not stop within 20 s of SIGINT")
	}
}
