// Package fullsyms holds yaegi tables for every runtime package, for the
// kernel's integration test only (go test -tags integration ./kernel).
package fullsyms

import (
	"reflect"

	"github.com/traefik/yaegi/interp"
)

//go:generate go tool yaegi extract tandem.dev/tandem/runtime/tensor tandem.dev/tandem/runtime/autograd tandem.dev/tandem/runtime/nn tandem.dev/tandem/runtime/optim tandem.dev/tandem/runtime/data tandem.dev/tandem/runtime/train tandem.dev/tandem/runtime/metrics tandem.dev/tandem/runtime/feedback tandem.dev/tandem/runtime/chart tandem.dev/tandem/runtime/display tandem.dev/tandem/runtime/widget

// Symbols are the generated tables.
var Symbols = interp.Exports{}

// MapTypes is where generated tables register interface wrappers.
var MapTypes = map[reflect.Value][]reflect.Type{}
