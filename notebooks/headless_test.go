package notebooks

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tandem.dev/tandem/internal/testbin"
	"tandem.dev/tandem/kernel/notebook"
	"tandem.dev/tandem/kernel/runner"
)

// tandemBinary is the tandem binary, built once per test process.
func tandemBinary(t *testing.T) string { return testbin.Tandem(t) }

// TestRun runs every notebook the way `tandem run` does (kernel/runner, a
// kernel process per notebook) and compares its transcript with the
// golden one. Only cells tagged raises-exception may fail.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tandem binary and runs a kernel process per notebook")
	}
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	bin := tandemBinary(t)
	// eda's percent-format twin runs too, and must give eda's transcript.
	for _, name := range append(append([]string(nil), names...), twin) {
		t.Run(name, func(t *testing.T) {
			file, golden := name+".ipynb", name
			if name == twin {
				file, golden = twin, "eda"
			}
			dir := t.TempDir()
			for _, f := range []string{"flats.csv", "credit.csv"} {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			nb := readNotebook(t, file)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			rep, err := runner.Run(ctx, nb, runner.Options{
				Argv: []string{bin, "kernel", "--stdio"}, Dir: dir, CellTimeout: cellTimeout, KeepGoing: true,
				Env: append(os.Environ(), "TANDEM_WORKSPACE="+dir, "TANDEM_USER=notebook-test"),
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: tandem run took %v", name, rep.Elapsed.Round(time.Millisecond))
			for _, f := range rep.Failures {
				if !expectsError(nb.Cells[f.Cell]) {
					t.Errorf("%v", f)
				}
			}
			got := progress.ReplaceAllString(runner.Transcript(nb, runner.TranscriptOptions{Image: images(t, testdata, golden)}), "[<time>]")
			want, err := os.ReadFile(filepath.Join(testdata, golden+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(string(want), got); d != "" {
				t.Errorf("tandem run's transcript of %s differs from testdata/%s.golden (-want +got):\n%s", file, golden, d)
			}
		})
	}
}

// debianPython is the interpreter with Debian's jupyter packages
// (python3-jupyter-client, python3-ipykernel, jupyter-nbconvert); a python3
// earlier on PATH may be another installation without them.
const debianPython = "/usr/bin/python3"

// TestNBConvert runs every notebook through `jupyter nbconvert --execute`
// with the tandem kernel (bin built here, kernelspec installed into a
// temporary JUPYTER_PATH) and compares the executed notebook's transcript
// with the golden one: a Jupyter client must see what the app sees. Cells
// tagged raises-exception may fail (nbclient knows the tag); any other
// error fails the run. Without nbconvert it skips, except under CI=true.
func TestNBConvert(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tandem binary and runs nbconvert for each notebook (about a minute)")
	}
	for _, m := range []string{"jupyter_client", "nbconvert", "nbclient"} {
		if err := exec.Command(debianPython, "-c", "import "+m).Run(); err != nil {
			msg := "python module " + m + " is missing (apt-get install python3-jupyter-client jupyter-nbconvert): " + err.Error()
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	bin := tandemBinary(t)
	prefix := t.TempDir()
	if out, err := exec.Command(bin, "kernelspec", "install", "--prefix", prefix).CombinedOutput(); err != nil {
		t.Fatalf("kernelspec install: %v\n%s", err, out)
	}
	home := t.TempDir()
	env := append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(home, "runtime"),
		"JUPYTER_DATA_DIR="+filepath.Join(home, "data"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(home, "config"),
		"IPYTHONDIR="+filepath.Join(home, "ipython"),
		"TANDEM_USER=notebook-test",
	)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{name + ".ipynb", "flats.csv", "credit.csv"} {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(debianPython, "-m", "nbconvert", "--execute", "--to", "notebook",
				"--output", "out.ipynb", "--ExecutePreprocessor.timeout=120", "--ExecutePreprocessor.kernel_name=tandem", name+".ipynb")
			cmd.Env = append(env, "TANDEM_WORKSPACE="+dir)
			cmd.Dir = dir
			start := time.Now()
			out, err := cmd.CombinedOutput()
			t.Logf("%s: nbconvert took %v", name, time.Since(start).Round(time.Millisecond))
			if err != nil {
				t.Fatalf("nbconvert: %v\n%s", err, out)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "out.ipynb"))
			if err != nil {
				t.Fatal(err)
			}
			nb, err := notebook.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range nb.Cells {
				if c.Type == "code" && strings.TrimSpace(c.Source) != "" && c.ExecutionCount == nil {
					t.Errorf("cell %d was not run", i+1)
				}
			}
			got := progress.ReplaceAllString(runner.Transcript(nb, runner.TranscriptOptions{Image: images(t, testdata, name)}), "[<time>]")
			want, err := os.ReadFile(filepath.Join(testdata, name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(string(want), got); d != "" {
				t.Errorf("nbconvert's transcript of %s differs from testdata/%s.golden (-want +got):\n%s", name, name, d)
			}
		})
	}
}
