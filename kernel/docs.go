package kernel

// docs holds documentation of compiled packages, keyed by import path
// (package doc) or "path.Name" (member doc). It is empty until a doc table
// is generated.
var docs = map[string]string{}
