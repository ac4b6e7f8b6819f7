package kernel

import (
	"encoding/base64"
	"reflect"
	"strconv"
)

// bundleData converts what the interpreted renderer returned into the
// values of a MIME bundle: bytes (image/png) become base64, as Jupyter
// carries binary data.
func bundleData(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case []byte:
			out[k] = base64.StdEncoding.EncodeToString(x)
		default:
			out[k] = v
		}
	}
	return out
}

// renderValue fills m with the bundle of a value the cell's last
// expression produced: through runtime/display's Render when the session
// has it (tables for tensors and datasets, errors, images, the method
// shapes), else through renderCompiled. Values of cell-defined types reach
// here without their methods (reflection cannot see them); the
// interpreted renderSwitch handles those that have rendering methods.
func (s *Session) renderValue(v reflect.Value, m map[string]any) {
	render := s.opts.Symbols[keyOf(s.opts.Symbols, displayPath)]["Render"]
	want := reflect.TypeOf(func(any) map[string]any { return nil })
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.String {
		m["text/plain"] = strconv.Quote(v.String()) // a string shows as Go writes it
		return
	}
	if !render.IsValid() || render.Type() != want || !v.CanInterface() {
		renderCompiled(v, m)
		return
	}
	if v.Kind() == reflect.Interface && v.IsNil() {
		v = reflect.Zero(want.In(0))
	}
	out := render.Call([]reflect.Value{v})[0].Interface().(map[string]any)
	for k, x := range out {
		m[k] = x
	}
}
