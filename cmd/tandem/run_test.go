package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tandem.dev/tandem/internal/testbin"
	"tandem.dev/tandem/kernel/notebook"
)

// buildTandem returns the tandem binary, built once per test process.
func buildTandem(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the tandem binary and starts kernels")
	}
	return testbin.Tandem(t)
}

// result is what a tandem process did.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

func tandem(t *testing.T, bin, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TANDEM_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: so.String(), stderr: se.String(), took: time.Since(start)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run tandem %v: %v", args, err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// lockedBuffer is a buffer a process writes to while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// writeNB writes a notebook of cells given as "code:..." / "md:..." (a
// "code[parameters]:" prefix tags the cell) and returns its path.
func writeNB(t *testing.T, dir, name string, cells ...string) string {
	t.Helper()
	nb := notebook.New()
	for i, c := range cells {
		kind, src, _ := strings.Cut(c, ":")
		cell := &notebook.Cell{ID: "c" + string(rune('a'+i)), Type: "code", Source: src, Metadata: map[string]any{}}
		switch kind {
		case "md":
			cell.Type = "markdown"
		case "code[parameters]":
			cell.Metadata["tags"] = []any{"parameters"}
		}
		nb.Cells = append(nb.Cells, cell)
	}
	data, err := notebook.Format(nb)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readNB(t *testing.T, path string) *notebook.Notebook {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := notebook.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

// texts returns the text of a cell's outputs, one string per output.
func texts(c *notebook.Cell) []string {
	var out []string
	for _, o := range c.Outputs {
		switch o["output_type"] {
		case "stream":
			out = append(out, o["name"].(string)+": "+o["text"].(string))
		case "error":
			out = append(out, "error: "+o["ename"].(string)+": "+o["evalue"].(string))
		default:
			d, _ := o["data"].(map[string]any)
			s, _ := d["text/plain"].(string)
			out = append(out, o["output_type"].(string)+": "+s)
		}
	}
	return out
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code: got %d want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

func wantContains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

func TestRun(t *testing.T) {
	bin := buildTandem(t)

	t.Run("Success", func(t *testing.T) {
		dir := t.TempDir()
		in := writeNB(t, dir, "a.ipynb",
			"md:# Title",
			"code:x := 6 * 7\nfmt.Println(\"x is\", x)",
			"code:",
			"code:x + 1",
			"code:import \"os\"\nfmt.Fprintln(os.Stderr, \"to stderr\")\nstrings.Repeat(\"ab\", 2)")
		before, _ := os.ReadFile(in)
		r := tandem(t, bin, dir, "run", "a.ipynb", "-o", "out.ipynb")
		wantCode(t, r, 0)
		wantContains(t, "stderr", r.stderr, "[1/3] cell 2 ok", "[2/3] cell 4 ok", "[3/3] cell 5 ok", "total ")
		if r.stdout != "" {
			t.Errorf("stdout with -o: got %q want nothing", r.stdout)
		}
		nb := readNB(t, filepath.Join(dir, "out.ipynb"))
		if got := len(nb.Cells); got != 5 {
			t.Fatalf("cells: got %d want 5", got)
		}
		for i, want := range [][]string{nil, {"stdout: x is 42\n"}, nil, {"execute_result: 43"}, {"stderr: to stderr\n", "execute_result: \"abab\""}} {
			got := texts(nb.Cells[i])
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("cell %d outputs: got %q want %q", i+1, got, want)
			}
		}
		if c := nb.Cells[1].ExecutionCount; c == nil || *c != 1 {
			t.Errorf("cell 2 execution count: got %v want 1", c)
		}
		if c := nb.Cells[2].ExecutionCount; c != nil {
			t.Errorf("empty cell 3 execution count: got %v want null", *c)
		}
		after, _ := os.ReadFile(in)
		if !bytes.Equal(before, after) {
			t.Error("the input notebook was rewritten")
		}

		// Without -o: outputs on stdout (stderr streams on stderr), nothing written.
		r = tandem(t, bin, dir, "run", "a.ipynb")
		wantCode(t, r, 0)
		if want := "x is 42\n43\n\"abab\"\n"; r.stdout != want {
			t.Errorf("stdout: got %q want %q", r.stdout, want)
		}
		wantContains(t, "stderr", r.stderr, "to stderr\n")
		entries, _ := os.ReadDir(dir)
		if len(entries) != 2 {
			t.Errorf("files in the folder: got %d want 2 (a.ipynb, out.ipynb)", len(entries))
		}

		// A golden transcript.
		r = tandem(t, bin, dir, "run", "a.ipynb", "-q", "--transcript", "a.golden")
		wantCode(t, r, 0)
		golden, _ := os.ReadFile(filepath.Join(dir, "a.golden"))
		want := "## cell 2 ok\nstdout: x is 42\n## cell 4 ok\ntext/plain: 43\n## cell 5 ok\nstderr: to stderr\ntext/plain: \"abab\"\n"
		if string(golden) != want {
			t.Errorf("transcript: got:\n%s\nwant:\n%s", golden, want)
		}
		if r.stderr != "to stderr\n" {
			t.Errorf("stderr with -q: got %q", r.stderr)
		}
	})

	// A failing cell tagged raises-exception is expected to fail (nbclient,
	// papermill): its error is kept and the run goes on, exit status 0.
	t.Run("RaisesException", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "s.go"), []byte("// %%\nx := 1\n\n// %% tags=[\"raises-exception\"]\nvar a []int\na[3]\n\n// %%\nfmt.Println(\"after\", x)\n"), 0o644)
		r := tandem(t, bin, dir, "run", "s.go", "-o", "s.ipynb")
		wantCode(t, r, 0)
		wantContains(t, "stderr", r.stderr, "[2/3] cell 2 failed as expected (Panic, tagged raises-exception)", "[3/3] cell 3 ok")
		nb := readNB(t, filepath.Join(dir, "s.ipynb"))
		if got := texts(nb.Cells[2]); len(got) != 1 || got[0] != "stdout: after 1\n" {
			t.Errorf("outputs after the expected error: got %q", got)
		}
		if got := strings.Join(texts(nb.Cells[1]), "|"); !strings.Contains(got, "index out of range") {
			t.Errorf("the expected error is not kept: %q", got)
		}
		// Go source without cell markers is not a notebook.
		os.WriteFile(filepath.Join(dir, "x_test.go"), []byte("package x\n\nfunc f() {}\n"), 0o644)
		r = tandem(t, bin, dir, "run", "x_test.go")
		wantCode(t, r, 2)
		wantContains(t, "stderr", r.stderr, `x_test.go has no "// %%" cell marker`)
		// Untagged, the same failure fails the run.
		os.WriteFile(filepath.Join(dir, "u.go"), []byte("// %%\nvar a []int\na[3]\n"), 0o644)
		wantCode(t, tandem(t, bin, dir, "run", "u.go"), 1)
	})

	t.Run("Script", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "s.go"), []byte("// %% [markdown]\n// # A script\n\n// %%\nsq := func(v int) int { return v * v }\n\n// %%\nfmt.Println(sq(9))\n"), 0o644)
		r := tandem(t, bin, dir, "run", "s.go", "-o", "s.ipynb")
		wantCode(t, r, 0)
		nb := readNB(t, filepath.Join(dir, "s.ipynb"))
		if got := texts(nb.Cells[2]); len(got) != 1 || got[0] != "stdout: 81\n" {
			t.Errorf("outputs: got %q want [stdout: 81]", got)
		}
	})

	t.Run("Parameters", func(t *testing.T) {
		dir := t.TempDir()
		writeNB(t, dir, "p.ipynb",
			"code[parameters]:n := 2\nrate := 0.5\nname := \"a\"\nverbose := false\nconst wait = 2 * time.Second",
			"code:fmt.Printf(\"%d %v %q %v %v %T %T\\n\", n, rate, name, verbose, wait, rate, wait)")
		r := tandem(t, bin, dir, "run", "p.ipynb", "-p", "n=5", "-p", "rate=1", "-p", "name=hello world", "-p", "verbose=true", "-p", "wait=1m30s", "-o", "out.ipynb", "--max-memory", "1G")
		wantCode(t, r, 0)
		nb := readNB(t, filepath.Join(dir, "out.ipynb"))
		if len(nb.Cells) != 3 {
			t.Fatalf("cells: got %d want 3 (the injected one after the parameters)", len(nb.Cells))
		}
		inj := nb.Cells[1]
		if tags, _ := inj.Metadata["tags"].([]any); len(tags) != 1 || tags[0] != "injected-parameters" {
			t.Errorf("injected cell tags: got %v", inj.Metadata["tags"])
		}
		want := "stdout: 5 1 \"hello world\" true 1m30s float64 time.Duration\n"
		if got := texts(nb.Cells[2]); len(got) != 1 || got[0] != want {
			t.Errorf("outputs: got %q want %q", got, want)
		}
		// Defaults when no -p is given.
		r = tandem(t, bin, dir, "run", "p.ipynb")
		wantCode(t, r, 0)
		if want := "2 0.5 \"a\" false 2s float64 time.Duration\n"; r.stdout != want {
			t.Errorf("stdout: got %q want %q", r.stdout, want)
		}
		// From a JSON file, -p winning; --prepare-only runs nothing.
		os.WriteFile(filepath.Join(dir, "params.json"), []byte(`{"n": 9, "rate": 0.25, "name": "from file", "verbose": true}`), 0o644)
		r = tandem(t, bin, dir, "run", "p.ipynb", "-f", "params.json", "-p", "name=flag")
		wantCode(t, r, 0)
		if want := "9 0.25 \"flag\" true 2s float64 time.Duration\n"; r.stdout != want {
			t.Errorf("stdout with -f: got %q want %q", r.stdout, want)
		}
		r = tandem(t, bin, dir, "run", "p.ipynb", "-f", "params.json", "--prepare-only", "-o", "prepared.ipynb")
		wantCode(t, r, 0)
		prep := readNB(t, filepath.Join(dir, "prepared.ipynb"))
		if len(prep.Cells) != 3 || prep.Cells[1].Source != "// Parameters\nn = 9\nname = \"from file\"\nrate = 0.25\nverbose = true" || prep.Cells[2].ExecutionCount != nil {
			t.Errorf("prepared notebook: %d cells, injected %q", len(prep.Cells), prep.Cells[1].Source)
		}
		if r.stderr != "" {
			t.Errorf("--prepare-only ran something: %s", r.stderr)
		}
		// --log-output prints the outputs with -o too.
		r = tandem(t, bin, dir, "run", "p.ipynb", "-o", "out.ipynb", "--log-output")
		wantCode(t, r, 0)
		if want := "2 0.5 \"a\" false 2s float64 time.Duration\n"; r.stdout != want {
			t.Errorf("stdout with --log-output: got %q want %q", r.stdout, want)
		}
		os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"n": [1]}`), 0o644)
		for _, tc := range []struct {
			arg  string
			want string
		}{
			{"-f=bad.json", "bad.json: parameter n: want a string, number or bool"},
			{"-f=none.json", "read parameters: open none.json"},
			{"--prepare-only", "--prepare-only needs -o"},
			{"n=five", `parameter n: "five" is not an integer`},
			{"rate=fast", `parameter rate: "fast" is not a number`},
			{"verbose=maybe", `parameter verbose: "maybe" is not a bool`},
			{"wait=soon", `parameter wait: "soon" is not a duration`},
			{"epochs=3", `parameter epochs: not declared in the parameters cell (it declares n, rate, name, verbose, wait)`},
			{"bad", `want name=value`},
		} {
			args := []string{"run", "p.ipynb", "-p", tc.arg}
			if strings.HasPrefix(tc.arg, "-") {
				args = []string{"run", "p.ipynb", tc.arg}
			}
			r := tandem(t, bin, dir, args...)
			wantCode(t, r, 2)
			wantContains(t, "stderr", r.stderr, tc.want)
		}
	})

	t.Run("CompileError", func(t *testing.T) {
		dir := t.TempDir()
		writeNB(t, dir, "c.ipynb", "code:fmt.Println(1)", "md:text", "code:a := 1\nb := a +\"x\"\nfmt.Println(b)", "code:fmt.Println(\"not run\")")
		r := tandem(t, bin, dir, "run", "c.ipynb", "-o", "out.ipynb")
		wantCode(t, r, 1)
		wantContains(t, "stderr", r.stderr, "c.ipynb: cell 3, line 2: CompileError: ", "2 | b := a +\"x\"", "1 of 3 code cells not run")
		nb := readNB(t, filepath.Join(dir, "out.ipynb"))
		if got := texts(nb.Cells[2]); len(got) != 1 || !strings.HasPrefix(got[0], "error: CompileError") {
			t.Errorf("failing cell outputs: got %q", got)
		}
		if got := texts(nb.Cells[3]); len(got) != 0 || nb.Cells[3].ExecutionCount != nil {
			t.Errorf("cell after the failure ran: %q", got)
		}
	})

	t.Run("Panic", func(t *testing.T) {
		dir := t.TempDir()
		writeNB(t, dir, "p.ipynb", "code:xs := []int{1, 2, 3}\ni := 5", "code:fmt.Println(\"before\")\nfmt.Println(xs[i])")
		r := tandem(t, bin, dir, "run", "p.ipynb")
		wantCode(t, r, 1)
		wantContains(t, "stderr", r.stderr, "p.ipynb: cell 2, line 2: Panic: ", "[2/2] cell 2 FAILED (Panic)")
		wantContains(t, "stdout", r.stdout, "before\n")
	})

	t.Run("KernelCrash", func(t *testing.T) {
		dir := t.TempDir()
		// A stack overflow is fatal: the kernel process dies, the supervisor
		// restarts it, and the run goes on in the new one.
		writeNB(t, dir, "k.ipynb", "code:var f func(n int) int\nf = func(n int) int { return f(n+1) + 1 }\nf(0)", "code:fmt.Println(\"after\")")
		r := tandem(t, bin, dir, "run", "k.ipynb", "--keep-going")
		wantCode(t, r, 1)
		wantContains(t, "stderr", r.stderr, "cell 1: KernelDied: The kernel died", "stack overflow", "[2/2] cell 2 ok")
		wantContains(t, "stdout", r.stdout, "after\n")
	})

	t.Run("KeepGoing", func(t *testing.T) {
		dir := t.TempDir()
		writeNB(t, dir, "k.ipynb", "code:panic(\"first\")", "code:undefinedName", "code:fmt.Println(\"third\")")
		r := tandem(t, bin, dir, "run", "k.ipynb", "--keep-going", "-o", "out.ipynb")
		wantCode(t, r, 1)
		wantContains(t, "stderr", r.stderr, "cell 1, line 1: Panic: first", "cell 2, line 1: CompileError: ", "[3/3] cell 3 ok")
		nb := readNB(t, filepath.Join(dir, "out.ipynb"))
		if got := texts(nb.Cells[2]); len(got) != 1 || got[0] != "stdout: third\n" {
			t.Errorf("third cell: got %q", got)
		}
	})

	t.Run("Timeout", func(t *testing.T) {
		dir := t.TempDir()
		// An interpreted loop stops at the interrupt; a wait in compiled
		// code (sync.WaitGroup.Wait) does not, so the kernel is killed and
		// restarted.
		writeNB(t, dir, "t.ipynb", "code:fmt.Println(\"start\")", "code:for {\n}", "code:import \"sync\"\nvar wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()", "code:fmt.Println(\"end\")")
		r := tandem(t, bin, dir, "run", "t.ipynb", "--timeout", "2s", "--keep-going")
		wantCode(t, r, 1)
		wantContains(t, "stderr", r.stderr, "cell 2: Timeout: the cell did not finish within 2s", "cell 3: Timeout: the cell did not finish within 2s", "killed and restarted", "[4/4] cell 4 ok")
		wantContains(t, "stdout", r.stdout, "start\n", "end\n")
		if r.took > 30*time.Second {
			t.Errorf("took %s; the timeouts should end it in about 7s", r.took)
		}
		// Without --keep-going the run stops at the first timeout.
		r = tandem(t, bin, dir, "run", "t.ipynb", "--timeout", "2s")
		wantCode(t, r, 1)
		wantContains(t, "stderr", r.stderr, "cell 2: Timeout", "2 of 4 code cells not run")
		// The overall limit.
		r = tandem(t, bin, dir, "run", "t.ipynb", "--total-timeout", "3s")
		wantCode(t, r, 1)
		wantContains(t, "stderr", r.stderr, ": Timeout: the run did not finish within its time limit")
	})

	t.Run("Signal", func(t *testing.T) {
		dir := t.TempDir()
		writeNB(t, dir, "s.ipynb", "code:fmt.Println(\"start\")", "code:for {\n}", "code:fmt.Println(\"never\")")
		cmd := exec.Command(bin, "run", "s.ipynb")
		cmd.Dir = dir
		var so, se lockedBuffer
		cmd.Stdout, cmd.Stderr = &so, &se
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(so.String(), "start") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond)
		cmd.Process.Signal(os.Interrupt)
		err := cmd.Wait()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 130 {
			t.Fatalf("exit: %v, want status 130\nstderr:\n%s", err, se.String())
		}
		wantContains(t, "stderr", se.String(), "cell 2: Stopped: the run was stopped (interrupt)", "1 of 3 code cells not run")
	})

	t.Run("Ledger", func(t *testing.T) {
		dir := t.TempDir()
		// Cells see an interpreter's environment, not the process's: the
		// kernel's real environment is read from /proc.
		writeNB(t, dir, "l.ipynb", "code:import \"os\"\nenv, _ := os.ReadFile(\"/proc/self/environ\")\nfor _, kv := range strings.Split(string(env), \"\\x00\") {\n\tif strings.HasPrefix(kv, \"TANDEM_\") {\n\t\tfmt.Println(kv)\n\t}\n}\nwd, _ := os.Getwd()\nfmt.Println(wd)")
		sub := t.TempDir() // run from elsewhere: the kernel works in the notebook's folder
		nbPath := filepath.Join(dir, "l.ipynb")
		r := tandem(t, bin, sub, "run", nbPath, "--no-ledger")
		wantCode(t, r, 0)
		if want := "TANDEM_NOTEBOOK=" + nbPath + "\nTANDEM_NO_LEDGER=1\n" + dir + "\n"; r.stdout != want {
			t.Errorf("stdout: got %q want %q", r.stdout, want)
		}
		r = tandem(t, bin, sub, "run", nbPath)
		wantCode(t, r, 0)
		if want := "TANDEM_NOTEBOOK=" + nbPath + "\n" + dir + "\n"; r.stdout != want {
			t.Errorf("stdout: got %q want %q", r.stdout, want)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "corrupt.ipynb"), []byte(`{"cells": [{"cell_type": "code", "source": "x"`), 0o644)
		os.WriteFile(filepath.Join(dir, "v3.ipynb"), []byte(`{"nbformat": 3, "worksheets": []}`), 0o644)
		os.WriteFile(filepath.Join(dir, "py.ipynb"), []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "cells": [{"cell_type": "code", "source": "print(1)", "metadata": {}, "outputs": [], "execution_count": null}]}`), 0o644)
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"run", "missing.ipynb"}, "tandem run: missing.ipynb: no such file"},
			{[]string{"run", "corrupt.ipynb"}, "tandem run: corrupt.ipynb: notebook: line 1, column"},
			{[]string{"run", "v3.ipynb"}, "version 3 is not supported"},
			{[]string{"run", "py.ipynb"}, "py.ipynb: the notebook is for the python3 kernel (python); tandem runs Go notebooks"},
			{[]string{"run"}, "usage: tandem run"},
			{[]string{"run", "a.ipynb", "b.ipynb"}, "usage: tandem run"},
			{[]string{"run", "--timeout", "soon", "a.ipynb"}, "invalid value"},
			{[]string{"run", "--max-memory", "lots", "corrupt.ipynb"}, "--max-memory: parse size"},
			{[]string{"run", "corrupt.ipynb", "-o", "nowhere/out.ipynb"}, "corrupt.ipynb"},
		} {
			r := tandem(t, bin, dir, tc.args...)
			wantCode(t, r, 2)
			wantContains(t, "stderr", r.stderr, tc.want)
		}
	})
}
