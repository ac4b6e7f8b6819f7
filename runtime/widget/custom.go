package widget

// The anywidget convention: a custom widget's model carries its front-end
// code as an ES module in the _esm attribute (and optional CSS in _css),
// with these model and view names, so any front end that knows the
// convention (anywidget in JupyterLab, marimo, Tandem) renders it.
const (
	AnyModule  = "anywidget"
	AnyVersion = "~0.9.*"
)

// CustomOptions describe a custom widget.
type CustomOptions struct {
	// ESM is the source of an ES module whose default export has a
	// render({model, el}) function (anywidget's API: model.get, set,
	// save_changes, on("change:x"), send, on("msg:custom")).
	ESM string
	CSS string // optional stylesheet
	// State holds the initial synchronised attributes.
	State map[string]any
}

// NewCustom creates a custom widget model.
func NewCustom(o CustomOptions) *Model {
	st := header(AnyModule, AnyVersion, "AnyModel", "AnyView", AnyModule, AnyVersion)
	st["_esm"] = o.ESM
	if o.CSS != "" {
		st["_css"] = o.CSS
	}
	for k, v := range o.State {
		st[k] = v
	}
	return NewModel(st)
}
