package kernel

import (
	"reflect"
	"strings"
	"time"
)

// displayPath is the runtime package whose displays the session routes to
// the cell's Sink. The session reaches it through Options.Symbols (no
// import), so a kernel built without it still works.
const displayPath = "tandem.dev/tandem/runtime/display"

// installDisplay calls display.SetSink with a sink that forwards to the
// running cell's Sink, after flushing the output written before the
// display (so a display follows the text printed before it).
func (s *Session) installDisplay() {
	syms := s.opts.Symbols[keyOf(s.opts.Symbols, displayPath)]
	set, ft := syms["SetSink"], syms["SinkFunc"]
	if !set.IsValid() || !ft.IsValid() || set.Kind() != reflect.Func || set.Type().NumIn() != 1 {
		return
	}
	t := ft.Type()
	if t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	want := reflect.TypeOf(func(map[string]any, map[string]any, string, bool) {})
	if t.Kind() != reflect.Func || !t.ConvertibleTo(want) || !want.ConvertibleTo(t) {
		return
	}
	fn := reflect.ValueOf(func(data, md map[string]any, id string, update bool) {
		s.out.sync(100 * time.Millisecond)
		s.out.flush()
		s.out.mu.Lock()
		sink := s.out.sink
		s.out.mu.Unlock()
		if sink != nil {
			if md == nil {
				md = map[string]any{}
			}
			sink.Display(Bundle{Data: bundleData(data), Metadata: md}, id, update)
		}
	}).Convert(t)
	if !fn.Type().AssignableTo(set.Type().In(0)) && !fn.Type().Implements(set.Type().In(0)) {
		return
	}
	set.Call([]reflect.Value{fn})
}

// shownAlready reports whether a value is the handle of something the
// cell displayed itself (display.Show returns a *display.Handle), which
// is not shown again.
func shownAlready(v reflect.Value) bool {
	if !v.IsValid() {
		return false
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	t := v.Type()
	return t.Kind() == reflect.Ptr && t.Elem().Name() == "Handle" && strings.HasSuffix(t.Elem().PkgPath(), "runtime/display")
}
