package stdlib

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
)

// extracted are the packages the go:generate line must cover.
var extracted = []string{
	"tandem.dev/tandem/runtime/host", "tandem.dev/tandem/runtime/tensor", "tandem.dev/tandem/runtime/autograd",
	"tandem.dev/tandem/runtime/nn", "tandem.dev/tandem/runtime/optim", "tandem.dev/tandem/runtime/data",
	"tandem.dev/tandem/runtime/train", "tandem.dev/tandem/runtime/metrics", "tandem.dev/tandem/runtime/feedback",
	"tandem.dev/tandem/runtime/chart", "tandem.dev/tandem/runtime/display", "tandem.dev/tandem/runtime/widget", "tandem.dev/tandem/runtime/ledger",
	"gonum.org/v1/gonum/mat", "gonum.org/v1/gonum/stat", "gonum.org/v1/gonum/floats", "gonum.org/v1/gonum/stat/distuv",
	"gonum.org/v1/gonum/optimize", "gonum.org/v1/gonum/diff/fd", "gonum.org/v1/plot", "gonum.org/v1/plot/plotter",
	"gonum.org/v1/plot/plotutil", "gonum.org/v1/plot/vg", "gonum.org/v1/plot/vg/draw", "gonum.org/v1/plot/vg/vgimg",
	"gonum.org/v1/plot/vg/vgsvg", "gonum.org/v1/plot/palette",
}

func TestSymbols(t *testing.T) {
	for _, p := range append([]string{"fmt", "strings"}, extracted...) {
		if !Has(Symbols, p) {
			t.Errorf("Symbols lacks %s", p)
		}
	}
	if _, ok := Symbols["tandem.dev/tandem/runtime/host/host"]["Check"]; !ok {
		t.Error("runtime/host table lacks Check")
	}
	// interface wrappers, through which cell types implement compiled interfaces
	for _, w := range []string{"tandem.dev/tandem/runtime/nn/nn._Module", "gonum.org/v1/plot/plotter/plotter._XYer", "tandem.dev/tandem/runtime/train/train._Progress"} {
		i := strings.LastIndexByte(w, '.')
		if _, ok := Symbols[w[:i]][w[i+1:]]; !ok {
			t.Errorf("no wrapper %s", w)
		}
	}
	if Symbols["."]["MapTypes"].Len() == 0 {
		t.Error("MapTypes lost yaegi's interface wrappers")
	}
}

func TestPreload(t *testing.T) {
	if len(Preload) == 0 || Preload[0] != "fmt" {
		t.Fatalf("Preload = %v", Preload)
	}
	for _, p := range Preload {
		if !Has(Symbols, p) {
			t.Errorf("Preload lists %s, which is not in Symbols", p)
		}
	}
	// every listed package that is in Symbols is preloaded (the generated
	// tables' init functions ran before Preload was computed)
	for _, p := range preload {
		in := false
		for _, q := range Preload {
			in = in || q == p
		}
		if in != Has(Symbols, p) {
			t.Errorf("%s: preloaded %v, in Symbols %v", p, in, Has(Symbols, p))
		}
		if !in {
			t.Errorf("%s is not preloaded", p)
		}
	}
	if Has(interp.Exports{"a/b/b": nil}, "a/b/c") || !Has(interp.Exports{"a/b/b": nil}, "a/b") {
		t.Error("Has compares import paths wrongly")
	}
}

func TestRestricted(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "nb")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(root, "secret"), []byte("s"), 0o644)
	os.WriteFile(filepath.Join(dir, "mine"), []byte("m"), 0o644)
	os.Symlink(filepath.Join(root, "secret"), filepath.Join(dir, "link"))
	t.Chdir(dir)
	syms, err := Restricted(dir)
	if err != nil {
		t.Fatal(err)
	}
	for p := range Refused {
		if Has(syms, p) {
			t.Errorf("restricted symbols keep %s", p)
		}
	}
	if !Has(Symbols, "net/http") || !Has(syms, "net/url") || !Has(syms, "tandem.dev/tandem/runtime/chart") {
		t.Error("Restricted took too much, or changed Symbols")
	}
	readFile := syms["os/os"]["ReadFile"].Interface().(func(string) ([]byte, error))
	for _, c := range []struct {
		path string
		err  error
	}{
		{"mine", nil},
		{filepath.Join(dir, "mine"), nil},
		{"../secret", ErrOutside},
		{"link", ErrOutside},
		{filepath.Join(root, "secret"), ErrOutside},
		{"sub/../../secret", ErrOutside},
		{"/etc/hostname", ErrOutside},
	} {
		_, err := readFile(c.path)
		if c.err == nil && err != nil || c.err != nil && !errors.Is(err, c.err) {
			t.Errorf("ReadFile(%q): %v, want %v", c.path, err, c.err)
		}
		var pe *fs.PathError
		if c.err != nil && (!errors.As(err, &pe) || pe.Path != c.path) {
			t.Errorf("ReadFile(%q): error %v does not name the path", c.path, err)
		}
	}
	// the unrestricted table is untouched
	if reflect.ValueOf(os.ReadFile).Pointer() != Symbols["os/os"]["ReadFile"].Pointer() {
		t.Error("Restricted changed Symbols")
	}
}
