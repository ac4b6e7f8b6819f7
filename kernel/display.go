package kernel

import (
	"os"
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

const trainPath = "tandem.dev/tandem/runtime/train"

// HeadlessEnv, when set in the kernel's environment, marks a run with no
// one watching live: `tandem run` (kernel/runner sets it to the
// notebook's path as TANDEM_NOTEBOOK). train.Fit then reports as text,
// train.Text's lines on the cell's stdout, rather than a live view whose
// updates a terminal would not show.
const HeadlessEnv = "TANDEM_NOTEBOOK"

// installTextProgress sets train.DefaultProgress to train.Text writing to
// the cell's stdout.
func (s *Session) installTextProgress(tr map[string]reflect.Value) {
	dp, text := tr["DefaultProgress"], tr["Text"]
	if !dp.IsValid() || !dp.CanSet() || !text.IsValid() || text.Type().NumIn() != 1 || text.Type().NumOut() != 1 ||
		!reflect.TypeOf(s.out.outW).AssignableTo(text.Type().In(0)) || !text.Type().Out(0).AssignableTo(dp.Type()) {
		return
	}
	dp.Set(text.Call([]reflect.Value{reflect.ValueOf(s.out.outW)})[0])
}

// installTrainProgress sets train.DefaultProgress to make runtime/display's
// live training view (display.Training), so train.Fit in a cell shows a
// progress bar and loss curve. Both packages are reached through
// Options.Symbols by reflection: the kernel does not import the runtime,
// and no interpreted callback is involved.
func (s *Session) installTrainProgress() {
	tr := s.opts.Symbols[keyOf(s.opts.Symbols, trainPath)]
	ds := s.opts.Symbols[keyOf(s.opts.Symbols, displayPath)]
	if os.Getenv(HeadlessEnv) != "" {
		s.installTextProgress(tr)
		return
	}
	dp, training, opts := tr["DefaultProgress"], ds["Training"], ds["TrainingOptions"]
	if !dp.IsValid() || !dp.CanSet() || dp.Kind() != reflect.Func || !training.IsValid() || !opts.IsValid() {
		return
	}
	ft := dp.Type()
	ot := opts.Type()
	if ot.Kind() == reflect.Ptr {
		ot = ot.Elem()
	}
	if ft.NumIn() != 2 || ft.NumOut() != 1 || training.Type().NumIn() != 1 || training.Type().In(0) != ot ||
		!training.Type().Out(0).Implements(ft.Out(0)) || ot.Kind() != reflect.Struct {
		return
	}
	dp.Set(reflect.MakeFunc(ft, func(args []reflect.Value) []reflect.Value {
		o := reflect.New(ot).Elem()
		for i, f := range []string{"Epochs", "StepsPerEpoch"} {
			if fv := o.FieldByName(f); fv.IsValid() && fv.CanSet() && fv.Kind() == args[i].Kind() {
				fv.Set(args[i])
			}
		}
		v := training.Call([]reflect.Value{o})[0]
		r := reflect.New(ft.Out(0)).Elem()
		r.Set(v)
		return []reflect.Value{r}
	}))
}
