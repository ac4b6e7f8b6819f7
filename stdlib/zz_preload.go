package stdlib

// This file's name sorts after the generated tables on purpose: Go runs a
// package's init functions in file-name order, and Preload must see every
// table registered.

import (
	"reflect"

	ystdlib "github.com/traefik/yaegi/stdlib"
)

// Preload lists the import paths of preload that are present in Symbols:
// a runtime package not generated yet (runtime/widget until it is added to
// the go:generate line) is left out rather than failing the session.
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
