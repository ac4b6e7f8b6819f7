package kernel

import (
	"errors"
	"fmt"
	"go/scanner"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
	"tandem.dev/tandem/kernel/cell"
	"tandem.dev/tandem/runtime/host"
)

// Kinds of CellError.
const (
	// KindCompile: the cell does not compile (syntax or type error, an
	// unavailable package, a refused construct such as func main).
	KindCompile = "CompileError"
	// KindPanic: the cell panicked at run time.
	KindPanic = "Panic"
	// KindInterrupted: the cell was interrupted and stopped; the session's
	// state is intact.
	KindInterrupted = "Interrupted"
	// KindStuck: the cell was interrupted but did not stop within the grace
	// period (it is blocked or busy in compiled code). The session is no
	// longer usable: the supervisor should restart the kernel process, and
	// every later Execute returns KindStuck.
	KindStuck = "Stuck"
	// KindInterpreter: the interpreter itself failed on the cell (a yaegi
	// bug); the session is intact.
	KindInterpreter = "InterpreterError"
	// KindRestarted is for adapters: the kernel process was restarted and
	// its state lost.
	KindRestarted = "Restarted"
)

// posRe matches an encoded position in a yaegi message: "_.go:3000002:5"
// or "3000002:5" (the line is Encode(cell, line)).
var posRe = regexp.MustCompile(`(?:_\.go:)?(\d{5,}):(\d+)`)

// tracePos matches a line of yaegi's interpreted panic trace.
var tracePos = regexp.MustCompile(`^(?:_\.go:)?\d+:\d+: panic: [\w.]+\(\.\.\.\)$`)

// decodePos returns cell, line and column of the first encoded position
// in msg and msg with that leading position removed and the others
// rewritten to cell coordinates.
func decodePos(msg string) (c, line, col int, rest string) {
	if m := posRe.FindStringSubmatchIndex(msg); m != nil {
		enc, _ := strconv.Atoi(msg[m[2]:m[3]])
		col, _ = strconv.Atoi(msg[m[4]:m[5]])
		c, line = cell.Decode(enc)
		if m[0] == 0 {
			msg = strings.TrimPrefix(msg[m[1]:], ": ")
		}
	}
	rest = posRe.ReplaceAllStringFunc(msg, func(s string) string {
		sm := posRe.FindStringSubmatch(s)
		enc, _ := strconv.Atoi(sm[1])
		cc, l := cell.Decode(enc)
		return fmt.Sprintf("cell %d, line %d:%s", cc, l, sm[2])
	})
	return
}

// compileError turns an error returned by Compile into a CellError.
func compileError(count int, err error, seg cell.Segment) *CellError {
	var ce *CellError
	if errors.As(err, &ce) {
		if ce.Line == 0 {
			ce.Line = seg.Line
		}
		return ce
	}
	var el scanner.ErrorList
	msg := err.Error()
	if errors.As(err, &el) && len(el) > 0 {
		msg = el[0].Error()
	}
	c, l, col, rest := decodePos(msg)
	if r, ok := strings.CutSuffix(rest, " in call to "); ok {
		// yaegi leaves out a selector callee's name
		if seg.Call != "" && seg.Call != "?" && !strings.HasPrefix(seg.Call, "func/") {
			rest = r + " in call to " + seg.Call
		} else {
			rest = r
		}
	}
	e := &CellError{Kind: KindCompile, Cell: count, Line: l, Col: col, Msg: goTypeNames(rest)}
	if c == 0 || l == 0 {
		e.Cell, e.Line, e.Col = count, seg.Line, 0
	} else {
		e.Cell = c
	}
	return e
}

// panicError turns a runtime panic into a CellError. mark is the last
// statement mark (cell.EncodeMark; 0 if none); trace is yaegi's
// interpreted trace, innermost frame first, one "pos: panic: fn(...)" line
// per frame, where pos is the frame's entry. The stack gives, for each
// function, where it was: the failing statement for the innermost one, and
// the call of the next one for the others when that call is the only one
// of its name in the function (else the function's declaration line).
func (s *Session) panicError(v any, mark int, trace []string) *CellError {
	if _, ok := v.(host.Interrupted); ok {
		return &CellError{Kind: KindInterrupted, Cell: s.count, Msg: "interrupted"}
	}
	e := &CellError{Kind: KindPanic, Cell: s.count, Msg: explainPanic(panicMsg(v))}
	type frame struct {
		name       string // "" for the cell's top level
		cell, line int    // entry
	}
	var frs []frame
	for _, t := range trace {
		c, l, _, rest := decodePos(t)
		if c == 0 {
			continue // kernel code
		}
		fn := strings.TrimSuffix(strings.TrimPrefix(rest, "panic: "), "(...)")
		fn = strings.TrimPrefix(fn, "main.")
		if fn == "main" || fn == "func" || strings.HasPrefix(fn, "func.") {
			fn = "" // the top level, or a function literal run there
		}
		if fn == cell.MainFunc {
			fn = "main"
		}
		frs = append(frs, frame{fn, c, l})
	}
	if mark > 0 {
		e.Cell, e.Line, e.Col = cell.DecodeMark(mark)
	} else if len(frs) > 0 {
		e.Cell, e.Line = frs[0].cell, frs[0].line
	}
	if len(frs) == 0 || frs[0].name == "" {
		// failed at the top level: the error's position says where, and
		// the statement's operands are globals that tell the bounds
		if mark > 0 && e.Cell == s.count {
			for _, b := range []struct {
				msg   string
				slice bool
			}{{"runtime error: index out of range", false}, {"runtime error: slice bounds out of range", true}} {
				if e.Msg == b.msg {
					if d := s.boundsDetail(e.Line, e.Col, b.slice); d != "" {
						e.Msg += " " + d
					}
				}
			}
		}
		return e
	}
	if mark > 0 && len(frs) >= 2 && frs[1].name == "" && !strings.Contains(frs[0].name, ".") {
		// failed in a cell func called from the cell's top level
		if p, ok := s.callSite("", frs[0].name); ok && e.Cell == frs[0].cell {
			for _, b := range []struct {
				msg   string
				slice bool
			}{{"runtime error: index out of range", false}, {"runtime error: slice bounds out of range", true}} {
				if e.Msg == b.msg {
					if d := s.funcBoundsDetail(frs[0].name, e.Line, e.Col, p, b.slice); d != "" {
						e.Msg += " " + d
					}
				}
			}
		}
	}
	for i, f := range frs {
		if f.name == "" && i > 0 && frs[i-1].name == "" {
			continue // nested top-level wrappers
		}
		fr := Frame{Func: f.name, Cell: f.cell, Line: f.line}
		if f.name == "" {
			fr.Cell, fr.Line = s.count, 0
		}
		if i == 0 {
			if mark > 0 {
				fr.Cell, fr.Line, fr.Col = e.Cell, e.Line, e.Col
			}
		} else if p, ok := s.callSite(f.name, base(frs[i-1].name)); ok {
			fr.Line, fr.Col = p.Line, p.Col
		}
		if fr.Line == 0 {
			continue
		}
		e.Stack = append(e.Stack, fr)
	}
	return e
}

// base strips the closure suffixes yaegi adds to a function's name.
func base(fn string) string {
	if i := strings.Index(fn, ".func"); i >= 0 {
		return fn[:i]
	}
	return fn
}

// callSite returns the only call of callee in function fn ("" for the
// running cell's top level).
func (s *Session) callSite(fn, callee string) (cell.Pos, bool) {
	if callee == "" {
		return cell.Pos{}, false
	}
	if callee == "main" {
		callee = cell.MainFunc
	}
	var calls map[string][]cell.Pos
	if fn == "" {
		calls = s.topCalls[s.count]
	} else if e, ok := s.defs[base(fn)]; ok {
		calls = e.item.Calls
	} else {
		for n, e := range s.defs { // a method: "T.M"
			if strings.HasSuffix(n, "."+base(fn)) {
				if calls != nil {
					return cell.Pos{}, false // ambiguous
				}
				calls = e.item.Calls
			}
		}
	}
	if c := calls[callee]; len(c) == 1 {
		return c[0], true
	}
	return cell.Pos{}, false
}

// panicMsg is the message of a panic value (without "panic: ": the Kind
// says it).
func panicMsg(v any) string {
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface() // panic(err) of an error-typed variable
	}
	var m string
	switch x := v.(type) {
	case error:
		m = x.Error()
	case string:
		m = x
	case fmt.Stringer:
		m = x.String()
	default:
		m = fmt.Sprintf("%v", v)
	}
	if c, _, _, rest := decodePos(m); c > 0 {
		// a failed type assertion: "<pos>: interface conversion: …"
		m = rest
	}
	// yaegi runs cell code through reflect: say what Go would say
	for _, r := range reflectPanics {
		if strings.HasPrefix(m, r[0]) {
			return r[1]
		}
	}
	if sm := callNonFunc.FindStringSubmatch(m); sm != nil {
		return "invalid operation: cannot call non-function (value of type " + sm[1] + ")"
	}
	return m
}

// callNonFunc matches reflect's panic when a cell calls a value that is
// not a func (yaegi does not check it when compiling).
var callNonFunc = regexp.MustCompile(`^reflect: call of reflect\.Value\.Call on (\S+) Value$`)

// yaegiType matches yaegi's internal names of type categories ("intT",
// "sliceT") in its compile errors.
var yaegiType = regexp.MustCompile(`\b(nil|bool|int|int8|int16|int32|int64|uint|uint8|uint16|uint32|uint64|uintptr|float32|float64|complex64|complex128|string|error|array|slice|map|ptr|struct|func|chan|interface)T\b`)

// yaegiOther matches a "(type xT)" of yaegi's categories that have no Go
// word (a named type is "linkedT"): left out of messages.
var yaegiOther = regexp.MustCompile(` \(type (linked|value|bin|binPkg|srcPkg|builtin|variadic|generic|comparable|constraint)T\)`)

// mainPkg matches yaegi's package qualifier of cell types ("main.T").
var mainPkg = regexp.MustCompile(`\bmain\.([A-Za-z_])`)

// fileRedeclared matches yaegi's message for an import name declared
// twice ("m/_.go redeclared"), which names the file the kernel compiles.
var fileRedeclared = regexp.MustCompile(`\b([\w.]+)/_\.go redeclared`)

// goTypeNames rewrites yaegi's type category names in a message to Go's
// words: "(type stringT)" becomes "(type string)".
func goTypeNames(msg string) string {
	msg = fileRedeclared.ReplaceAllString(msg, "$1 redeclared")
	if strings.HasSuffix(msg, " to kernel.typeTag") && strings.HasPrefix(msg, "cannot convert ") {
		// a value for the blank field cell.TypeTag adds to an empty struct
		return "too many values in struct literal"
	}
	msg = mainPkg.ReplaceAllString(msg, "$1")
	msg = yaegiOther.ReplaceAllString(msg, "")
	return yaegiType.ReplaceAllStringFunc(msg, func(w string) string {
		w = strings.TrimSuffix(w, "T")
		if w == "ptr" {
			return "pointer"
		}
		return w
	})
}

// reflectPanics maps reflect's panics in interpreted code to Go's.
var reflectPanics = [][2]string{
	{"reflect: slice index out of range", "runtime error: index out of range"},
	{"reflect: array index out of range", "runtime error: index out of range"},
	{"reflect: string index out of range", "runtime error: index out of range"},
	{"reflect: slice bounds out of range", "runtime error: slice bounds out of range"},
	{"reflect.Value.Slice: slice index out of bounds", "runtime error: slice bounds out of range"},
	{"reflect.Value.Call: call of nil function", "runtime error: call of nil func value"},
	{"reflect: call of reflect.Value.Set on zero Value", "runtime error: invalid memory address or nil pointer dereference"},
	{"reflect: call of reflect.Value.Field on zero Value", "runtime error: invalid memory address or nil pointer dereference"},
	{"reflect: call of reflect.Value.Elem on zero Value", "runtime error: invalid memory address or nil pointer dereference"},
	{"reflect: call of reflect.Value.Interface on zero Value", "runtime error: invalid memory address or nil pointer dereference"},
	{"reflect: Method on nil interface value", "runtime error: invalid memory address or nil pointer dereference"},
}

// interpPanic unwraps an interp.Panic.
func interpPanic(err error) (any, bool) {
	var p interp.Panic
	if errors.As(err, &p) {
		return p.Value, true
	}
	var pp *interp.Panic
	if errors.As(err, &pp) {
		return pp.Value, true
	}
	return nil, false
}

// String formats the error the way a notebook shows it: position in cell
// coordinates, message, interpreted stack.
func (e *CellError) String() string {
	var b strings.Builder
	msg := e.Msg
	if e.Kind == KindPanic {
		msg = "panic: " + msg
	}
	switch {
	case e.Line > 0 && e.Col > 0:
		fmt.Fprintf(&b, "cell %d, line %d:%d: %s", e.Cell, e.Line, e.Col, msg)
	case e.Line > 0:
		fmt.Fprintf(&b, "cell %d, line %d: %s", e.Cell, e.Line, msg)
	default:
		fmt.Fprintf(&b, "cell %d: %s", e.Cell, msg)
	}
	for _, f := range e.Stack {
		fn := f.Func
		if fn == "" {
			fn = "(cell)"
		}
		if f.Col > 0 {
			fmt.Fprintf(&b, "\n\t%s, cell %d, line %d:%d", fn, f.Cell, f.Line, f.Col)
		} else {
			fmt.Fprintf(&b, "\n\t%s, cell %d, line %d", fn, f.Cell, f.Line)
		}
	}
	return b.String()
}

// Error implements error, so a CellError can travel as one.
func (e *CellError) Error() string { return e.String() }

// assignRe matches yaegi's failure to store a cell value in an interface
// field of a compiled struct literal (train.Config{Progress: p}).
var assignRe = regexp.MustCompile(`^reflect\.Set: value of type (\*?struct \{.*\}|\S+) is not assignable to type (\S+)$`)

// explainPanic adds what to do to the panics yaegi raises for known
// limits of values crossing into compiled code.
func explainPanic(msg string) string {
	if m := assignRe.FindStringSubmatch(msg); m != nil && strings.Contains(m[1], "struct {") {
		return msg + "\n(a value of a type defined in a cell cannot be put in a " + m[2] +
			" field of a compiled struct literal, a limit of the interpreter; set the field by assignment instead: cfg := train.Config{…}; cfg.Progress = p)"
	}
	return msg
}
