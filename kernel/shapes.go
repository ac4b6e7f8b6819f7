package kernel

//go:generate go run ../internal/cmd/shapegen -o shapes_gen.go

import (
	"reflect"

	"github.com/traefik/yaegi/interp"
)

// shapesKey is where the render-shape wrappers are registered: yaegi looks
// a wrapper up by the import path of its interface (this package's).
const shapesKey = "tandem.dev/tandem/kernel/kernel"

// shapedFuncs are the compiled functions that get a cell value wrapped in
// a render shape (shapes_gen.go) when it has rendering methods, so that
// display.Show(v) of a cell type with an HTML method shows its HTML.
// Methods cannot be listed (yaegi matches calls by function value): the
// session rewrites h.Update(v) into h.Update(__tk.Shape(v)) instead (see
// fixShapedMethods).
var shapedFuncs = []struct{ path, name string }{
	{displayPath, "Show"},
	{displayPath, "Render"},
}

// shapeExports returns the symbols and interface mappings that make yaegi
// wrap cell values passed to shapedFuncs.
func shapeExports(syms interp.Exports) interp.Exports {
	bases, wrappers, composed := shapeBases()
	mt := map[reflect.Value][]reflect.Type{}
	for k, v := range composed {
		mt[k] = v
	}
	for _, f := range shapedFuncs {
		if v, ok := syms[keyOf(syms, f.path)][f.name]; ok && v.Kind() == reflect.Func {
			mt[v] = bases
		}
	}
	mt[shapeValue] = bases
	return interp.Exports{
		shapesKey: wrappers,
		".":       {"MapTypes": reflect.ValueOf(mt)},
	}
}

// shape returns v; listed in MapTypes, it hands compiled code a cell value
// wrapped in its render shape.
func shape(v any) any { return v }

// shapeValue is the symbol of shape, the MapTypes key.
var shapeValue = reflect.ValueOf(shape)
