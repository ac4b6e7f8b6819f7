package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tandem.dev/tandem/kernel/notebook"
	"tandem.dev/tandem/kernel/runner"
	"tandem.dev/tandem/kernel/server"
)

// TestKernel_Restricted runs real `tandem kernel --stdio --restricted`
// processes (the argv `tandem serve --restricted` gives kernel/supervisor):
// refused imports and file access outside the notebook's folder fail with
// a clear error, and files inside it work.
func TestKernel_Restricted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "nb")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(root, "secret.txt"), []byte("secret"), 0o644)
	os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("mine"), 0o644)
	env := append(os.Environ(), "TANDEM_SERVE_TEST_MAIN=1")
	argv := []string{os.Args[0], "kernel", "--stdio", "--restricted"}
	for _, c := range []struct{ code, want string }{
		{`import "os/exec"`, "package os/exec is refused by this kernel's restricted policy: it runs programs"},
		{`import "net"`, "package net is refused by this kernel's restricted policy"},
		{"import \"os\"\n_, err := os.ReadFile(\"../secret.txt\")\npanic(err.Error())", "open ../secret.txt: outside the notebook's folder (restricted policy)"},
		{"import \"os\"\nb, _ := os.ReadFile(\"mine.txt\")\npanic(string(b))", "mine"},
	} {
		nb := &notebook.Notebook{Cells: []*notebook.Cell{{Type: "code", Source: c.code, Metadata: map[string]any{}}}, Metadata: map[string]any{}, NBFormat: 4, NBFormatMinor: 5}
		rep, err := runner.Run(context.Background(), nb, runner.Options{Argv: argv, Env: env, Dir: dir, NoLedger: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) != 1 || !strings.Contains(rep.Failures[0].Evalue, c.want) {
			t.Errorf("%q: got %s, want %q", c.code, fmt.Sprint(rep.Failures), c.want)
		}
	}
}

// TestKernel_RestrictedCompiled: under --restricted the kernel process is
// confined by Landlock, so compiled code that writes by path (which the
// symbol table cannot wrap) cannot leave the notebook's folder either.
func TestKernel_RestrictedCompiled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "nb")
	os.Mkdir(dir, 0o755)
	env := append(os.Environ(), "TANDEM_SERVE_TEST_MAIN=1")
	argv := []string{os.Args[0], "kernel", "--stdio", "--restricted"}
	code := "c := chart.Bar([]string{\"a\"}, []float64{1})\nerr := c.Save(\"../out.svg\")\nerr2 := c.Save(\"in.svg\")\npanic(fmt.Sprint(err, \" | \", err2))"
	nb := &notebook.Notebook{Cells: []*notebook.Cell{{Type: "code", Source: code, Metadata: map[string]any{}}}, Metadata: map[string]any{}, NBFormat: 4, NBFormatMinor: 5}
	rep, err := runner.Run(context.Background(), nb, runner.Options{Argv: argv, Env: env, Dir: dir, NoLedger: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) != 1 {
		t.Fatalf("failures %v", rep.Failures)
	}
	msg := rep.Failures[0].Evalue
	if _, err := os.Stat(filepath.Join(root, "out.svg")); err == nil {
		t.Errorf("a compiled write left the folder: %s", msg)
	}
	t.Log(msg)
	if !strings.Contains(msg, "permission denied | <nil>") {
		t.Errorf("got %q, want the outside write denied and the inside one done", msg)
	}
	if _, err := os.Stat(filepath.Join(dir, "in.svg")); err != nil {
		t.Errorf("the write inside the folder failed: %v", err)
	}
}

// TestKernel_RestrictedWorks: the confined kernel still does the usual
// work: load, train with the live view, chart, metrics, label suspects.
func TestKernel_RestrictedWorks(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	dir := t.TempDir()
	env := append(os.Environ(), "TANDEM_SERVE_TEST_MAIN=1")
	argv := []string{os.Args[0], "kernel", "--stdio", "--restricted"}
	var cells []*notebook.Cell
	for _, c := range []string{
		"nn.Seed(1)\nds := data.Iris()\ntr, te := ds.Split(0.8, 1)\nm := nn.NewSequential([]nn.Module{nn.NewLinear(4, 8), nn.NewReLU(), nn.NewLinear(8, 3)})\nh := train.Fit(m, tr, train.Config{Epochs: 20})",
		"chart.Loss(h)",
		"metrics.Confusion(m, te)",
		"feedback.Suspects(m, ds).Len() >= 0",
		"import \"os\"\nos.WriteFile(\"x.txt\", []byte(\"x\"), 0o644)\nb, _ := os.ReadFile(\"x.txt\")\nstring(b)",
		"time.Now().Year() > 2000",
	} {
		cells = append(cells, &notebook.Cell{Type: "code", Source: c, Metadata: map[string]any{}})
	}
	nb := &notebook.Notebook{Cells: cells, Metadata: map[string]any{}, NBFormat: 4, NBFormatMinor: 5}
	rep, err := runner.Run(context.Background(), nb, runner.Options{Argv: argv, Env: env, Dir: dir, NoLedger: true, KeepGoing: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) != 0 || rep.Ran != len(cells) {
		t.Fatalf("ran %d, failures %v", rep.Ran, rep.Failures)
	}
}

// TestServe_Restricted: `tandem serve --restricted` starts its kernels
// with --restricted.
func TestServe_Restricted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	token := server.NewToken()
	port := freePort(t)
	cmd := exec.Command(os.Args[0], "serve", dir, "--port", strconv.Itoa(port), "--restricted")
	cmd.Env = append(os.Environ(), "TANDEM_SERVE_TEST_MAIN=1", "TANDEM_TOKEN="+token, "XDG_CONFIG_HOME="+t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "http://") {
	}
	go io.Copy(io.Discard, stdout)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := dialKernel(t, base, token)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	reply, _, err := roundTrip(ctx, c, newMsg("execute_request", "t", map[string]any{"code": `import "net"`, "silent": false}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(reply.Content), "refused by this kernel's restricted policy") {
		t.Errorf("reply %s", reply.Content)
	}
}
