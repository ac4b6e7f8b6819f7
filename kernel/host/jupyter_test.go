package host

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tandem.dev/tandem/internal/testbin"
)

// debianPython is the interpreter that has Debian's jupyter packages
// (.ci/run installs python3-jupyter-client, python3-ipykernel and
// jupyter-nbconvert when they are missing).
const debianPython = "/usr/bin/python3"

// requireJupyter returns the python to use. Without it the test fails under
// CI=true (the packages are part of the CI set-up) and skips elsewhere.
func requireJupyter(t *testing.T, modules ...string) string {
	t.Helper()
	for _, m := range modules {
		if err := exec.Command(debianPython, "-c", "import "+m).Run(); err != nil {
			msg := "python module " + m + " is missing (apt-get install python3-jupyter-client python3-ipykernel jupyter-nbconvert): " + err.Error()
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	return debianPython
}

// tandemBinary is the tandem binary, built once per test process.
func tandemBinary(t *testing.T) string { return testbin.Tandem(t) }

// installSpec installs the tandem kernelspec into a temporary prefix and
// returns the environment that makes Jupyter find it (and only it).
func installSpec(t *testing.T, bin string) []string {
	t.Helper()
	prefix := t.TempDir()
	out, err := exec.Command(bin, "kernelspec", "install", "--prefix", prefix).CombinedOutput()
	if err != nil {
		t.Fatalf("kernelspec install: %v\n%s", err, out)
	}
	specFile := filepath.Join(prefix, "share", "jupyter", "kernels", "tandem", "kernel.json")
	b, err := os.ReadFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Argv          []string `json:"argv"`
		Language      string   `json:"language"`
		InterruptMode string   `json:"interrupt_mode"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	if len(spec.Argv) != 4 || !filepath.IsAbs(spec.Argv[0]) || spec.Argv[1] != "kernel" || spec.Argv[3] != "{connection_file}" ||
		spec.Language != "go" || spec.InterruptMode != "message" {
		t.Fatalf("kernel.json: %s", b)
	}
	for _, logo := range []string{"logo-32x32.png", "logo-64x64.png"} {
		if _, err := os.Stat(filepath.Join(filepath.Dir(specFile), logo)); err != nil {
			t.Errorf("kernelspec: %v", err)
		}
	}
	home := t.TempDir()
	return append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(home, "runtime"),
		"JUPYTER_DATA_DIR="+filepath.Join(home, "data"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(home, "config"),
		"IPYTHONDIR="+filepath.Join(home, "ipython"),
	)
}

// TestJupyterClient drives `tandem kernel --connection-file` with Debian's
// jupyter_client over ZMQ: execute, streams, errors, completion,
// inspection, is_complete, interrupt by message and by SIGINT.
func TestJupyterClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tandem binary and runs python")
	}
	py := requireJupyter(t, "jupyter_client")
	env := installSpec(t, tandemBinary(t))
	cmd := exec.Command(py, "testdata/client.py")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("client.py: %v", err)
	}
}

// TestNbconvert runs a notebook with the tandem kernel through
// `jupyter nbconvert --execute --to notebook`.
func TestNbconvert(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tandem binary and runs nbconvert")
	}
	py := requireJupyter(t, "jupyter_client", "nbconvert", "nbclient")
	env := installSpec(t, tandemBinary(t))
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/notebook.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.ipynb")
	os.WriteFile(in, src, 0o644)
	cmd := exec.Command(py, "-m", "nbconvert", "--execute", "--to", "notebook", "--output", "out.ipynb",
		"--ExecutePreprocessor.timeout=60", in)
	cmd.Env = env
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			ExecutionCount *int `json:"execution_count"`
			Outputs        []struct {
				OutputType string         `json:"output_type"`
				Text       any            `json:"text"`
				Data       map[string]any `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 3 {
		t.Fatalf("%d cells", len(nb.Cells))
	}
	for i, c := range nb.Cells {
		if c.ExecutionCount == nil {
			t.Errorf("cell %d not executed", i)
		}
	}
	if o := nb.Cells[1].Outputs; len(o) != 1 || o[0].OutputType != "stream" || flat(o[0].Text) != "twice: 42\n" {
		t.Errorf("cell 2 outputs: %+v", o)
	}
	if o := nb.Cells[2].Outputs; len(o) != 1 || o[0].OutputType != "execute_result" || flat(o[0].Data["text/plain"]) != "42" {
		t.Errorf("cell 3 outputs: %+v", o)
	}
}

// flat joins a notebook's multi-line string (a string or a list of them).
func flat(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var s strings.Builder
		for _, x := range v {
			s.WriteString(flat(x))
		}
		return s.String()
	}
	return ""
}
