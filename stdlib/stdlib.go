// Package stdlib holds the compiled symbols cells can use: yaegi's standard
// library plus generated tables for Tandem's runtime packages, and the list
// of packages a cell may use with no import line.
//
// Every file here except stdlib.go is generated. To expose another runtime
// package to cells, add its import path to the go:generate line below and
// run `go generate ./stdlib` (the extractor is pinned in go.mod's tool block).
package stdlib

//go:generate go tool yaegi extract tandem.dev/tandem/runtime/host

import (
	"reflect"

	"github.com/traefik/yaegi/interp"
	ystdlib "github.com/traefik/yaegi/stdlib"
)

// Symbols maps "import/path/name" to the exported symbols of that package,
// in the form interp.Interpreter.Use takes. It holds yaegi's standard library
// and the generated runtime tables.
var Symbols = interp.Exports{}

// MapTypes is where generated tables register interface wrappers; extract
// emits references to it.
var MapTypes = map[reflect.Value][]reflect.Type{}

// preload is the hand-written list of packages usable in a cell with no
// import line (DESIGN.md §4), in the order they are imported.
var preload = []string{
	"fmt", "math", "strings", "sort", "time",
	"tandem.dev/tandem/runtime/tensor",
	"tandem.dev/tandem/runtime/nn",
	"tandem.dev/tandem/runtime/optim",
	"tandem.dev/tandem/runtime/data",
	"tandem.dev/tandem/runtime/train",
	"tandem.dev/tandem/runtime/metrics",
	"tandem.dev/tandem/runtime/feedback",
	"tandem.dev/tandem/runtime/chart",
	"tandem.dev/tandem/runtime/display",
	"tandem.dev/tandem/runtime/widget",
}

// Preload lists the import paths of preload that are present in Symbols:
// a runtime package not generated yet is left out rather than failing the
// session.
var Preload []string

func init() {
	for k, v := range ystdlib.Symbols {
		if _, ok := Symbols[k]; !ok {
			Symbols[k] = v
		}
	}
	for k, v := range ystdlib.MapTypes {
		MapTypes[k] = v
	}
	Symbols["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(MapTypes)}
	for _, p := range preload {
		if Has(Symbols, p) {
			Preload = append(Preload, p)
		}
	}
}

// Has reports whether syms holds the package with import path p (keys of
// Exports are "path/name").
func Has(syms interp.Exports, p string) bool {
	for k := range syms {
		if k != "." && pathOf(k) == p {
			return true
		}
	}
	return false
}

// pathOf strips the trailing "/name" of an Exports key.
func pathOf(key string) string {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '/' {
			return key[:i]
		}
	}
	return key
}
