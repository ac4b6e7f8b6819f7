// Package stdlib holds the compiled symbols cells can use: yaegi's standard
// library plus generated tables for Tandem's runtime packages, gonum and
// gonum/plot, and the list of packages a cell may use with no import line.
//
// Every file here except stdlib.go, restricted.go and zz_preload.go is
// generated. To expose another package to cells, add its import path to the
// go:generate line below and run `go generate ./stdlib` (the extractor is
// pinned in go.mod's tool block); a runtime package named in preload is
// then usable with no import line as well. `make check` regenerates the
// tables and fails when the committed ones are stale.
//
// Keep kernel/docs.go's go:generate line in step, so Inspect documents the
// same packages.
package stdlib

//go:generate go tool yaegi extract tandem.dev/tandem/runtime/host tandem.dev/tandem/runtime/tensor tandem.dev/tandem/runtime/autograd tandem.dev/tandem/runtime/nn tandem.dev/tandem/runtime/optim tandem.dev/tandem/runtime/data tandem.dev/tandem/runtime/train tandem.dev/tandem/runtime/metrics tandem.dev/tandem/runtime/feedback tandem.dev/tandem/runtime/chart tandem.dev/tandem/runtime/display tandem.dev/tandem/runtime/widget tandem.dev/tandem/runtime/ledger gonum.org/v1/gonum/mat gonum.org/v1/gonum/stat gonum.org/v1/gonum/floats gonum.org/v1/gonum/stat/distuv gonum.org/v1/gonum/optimize gonum.org/v1/gonum/diff/fd gonum.org/v1/plot gonum.org/v1/plot/plotter gonum.org/v1/plot/plotutil gonum.org/v1/plot/vg gonum.org/v1/plot/vg/draw gonum.org/v1/plot/vg/vgimg gonum.org/v1/plot/vg/vgsvg gonum.org/v1/plot/palette

import (
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// Symbols maps "import/path/name" to the exported symbols of that package,
// in the form interp.Interpreter.Use takes. It holds yaegi's standard library
// and the generated tables.
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
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[:i]
	}
	return key
}
