package kernel

//go:generate go run ../internal/cmd/docgen -o docs_gen.go builtin fmt math strings sort time strconv errors os tandem.dev/tandem/runtime/host

// docs holds documentation of compiled packages, keyed by import path
// (package doc), "path.Name" (func, type, var, const) or "path.Type.Method".
// docs_gen.go fills it at go generate time; to document another runtime
// package, add its import path to the go:generate line above.
var docs = map[string]string{}
