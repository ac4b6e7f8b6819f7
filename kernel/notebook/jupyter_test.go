package notebook_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tandem.dev/tandem/kernel/notebook"
)

// debianPython is the interpreter with Debian's python3-nbformat.
const debianPython = "/usr/bin/python3"

// TestFormat_Nbformat checks what Format writes against Jupyter's nbformat
// library: it validates against the 4.5 schema, and for notebooks in
// canonical form nbformat writes the very same bytes. It needs
// python3-nbformat: it fails without it under CI=true and skips elsewhere.
func TestFormat_Nbformat(t *testing.T) {
	if err := exec.Command(debianPython, "-c", "import nbformat").Run(); err != nil {
		msg := "python3-nbformat is missing (apt-get install python3-nbformat): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	write := func(name string, nb *notebook.Notebook) string {
		b, err := notebook.Format(nb)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var same, valid []string
	for _, name := range []string{"jupyter.ipynb", "v40.ipynb"} {
		nb, err := notebook.Parse(read(t, name))
		if err != nil {
			t.Fatal(err)
		}
		nb.Extra = nil // kept by Parse and Format, but the schema forbids unknown top-level keys
		valid = append(valid, write(name, nb))
	}
	script, err := notebook.ParseScript(read(t, "script.percent"))
	if err != nil {
		t.Fatal(err)
	}
	same = append(same, write("script.ipynb", script), write("new.ipynb", notebook.New()))
	v40, _ := notebook.Parse(read(t, "v40.ipynb"))
	same = append(same, write("v40-upgraded.ipynb", v40))
	for _, args := range [][]string{append([]string{"--same"}, same...), valid} {
		out, err := exec.Command(debianPython, append([]string{"testdata/nbformat_check.py"}, args...)...).CombinedOutput()
		if err != nil {
			t.Errorf("%v\n%s", err, out)
		}
		if n := strings.Count(string(out), "ok "); n != len(args)-btoi(args[0] == "--same") {
			t.Errorf("checked %d files:\n%s", n, out)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
