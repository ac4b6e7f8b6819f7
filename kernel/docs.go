package kernel

//go:generate go run ../internal/cmd/docgen -o docs_gen.go builtin fmt math strings sort time strconv errors os tandem.dev/tandem/runtime/host tandem.dev/tandem/runtime/tensor tandem.dev/tandem/runtime/autograd tandem.dev/tandem/runtime/nn tandem.dev/tandem/runtime/optim tandem.dev/tandem/runtime/data tandem.dev/tandem/runtime/train tandem.dev/tandem/runtime/metrics tandem.dev/tandem/runtime/feedback tandem.dev/tandem/runtime/chart tandem.dev/tandem/runtime/display tandem.dev/tandem/runtime/widget tandem.dev/tandem/runtime/ledger gonum.org/v1/gonum/mat gonum.org/v1/gonum/stat gonum.org/v1/gonum/floats gonum.org/v1/gonum/stat/distuv gonum.org/v1/gonum/optimize gonum.org/v1/gonum/diff/fd gonum.org/v1/plot gonum.org/v1/plot/plotter gonum.org/v1/plot/plotutil gonum.org/v1/plot/vg gonum.org/v1/plot/vg/draw gonum.org/v1/plot/vg/vgimg gonum.org/v1/plot/vg/vgsvg gonum.org/v1/plot/palette

// docs holds documentation of compiled packages, keyed by import path
// (package doc), "path.Name" (func, type, var, const) or "path.Type.Method".
// docs_gen.go fills it at go generate time; to document another runtime
// package, add its import path to the go:generate line above.
var docs = map[string]string{}
