package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tandem.dev/tandem/kernel/notebook"
	"tandem.dev/tandem/kernel/runner"
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
