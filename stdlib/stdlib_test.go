package stdlib

import (
	"testing"

	"github.com/traefik/yaegi/interp"
)

func TestSymbols(t *testing.T) {
	for _, p := range []string{"fmt", "strings", "tandem.dev/tandem/runtime/host"} {
		if !Has(Symbols, p) {
			t.Errorf("Symbols lacks %s", p)
		}
	}
	if _, ok := Symbols["tandem.dev/tandem/runtime/host/host"]["Check"]; !ok {
		t.Error("runtime/host table lacks Check")
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
	// every listed package that is in Symbols is preloaded
	for _, p := range preload {
		in := false
		for _, q := range Preload {
			in = in || q == p
		}
		if in != Has(Symbols, p) {
			t.Errorf("%s: preloaded %v, in Symbols %v", p, in, Has(Symbols, p))
		}
	}
	// a package absent from the symbols is not preloaded
	if Has(interp.Exports{"a/b/b": nil}, "a/b/c") || !Has(interp.Exports{"a/b/b": nil}, "a/b") {
		t.Error("Has compares import paths wrongly")
	}
}
