package kernel

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"go/token"
	"io"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/traefik/yaegi/interp"
	ystdlib "github.com/traefik/yaegi/stdlib"
	"tandem.dev/tandem/kernel/cell"
	"tandem.dev/tandem/runtime/host"
)

// ErrNotImplemented is kept for adapters written against the first stub.
var ErrNotImplemented = errors.New("kernel: not implemented")

// ErrClosed is the message of the error Execute reports on a closed
// session.
var ErrClosed = errors.New("kernel: session closed")

// Defaults of Options.
const (
	DefaultMaxOutput = 1 << 20
	// DefaultInterruptGrace: a cell that has not reached an interrupt
	// check by then (blocked on a channel, in a compiled call) is cancelled
	// through yaegi, which no longer breaks closures (setRunID).
	DefaultInterruptGrace = 300 * time.Millisecond
	DefaultStuckGrace     = 2 * time.Second
	// DefaultCodeBudget is how many bytes of source an interpreter compiles
	// before the session recycles it. yaegi never frees compiled code; at
	// the ≈120 bytes of heap per source byte measured here (a 200-line
	// cell re-run 1,000 times grew the heap by 254 MB with a 2 MiB budget),
	// 512 KiB keeps compiled code near 64 MB (see Session).
	DefaultCodeBudget = 512 << 10
)

// import paths of the kernel's private packages.
const (
	hostKey   = "tandem.dev/tandem/runtime/host/host"
	hostPath  = "tandem.dev/tandem/runtime/host"
	tkKey     = "tandem.dev/tandem/kernel/tk/tk"
	tkPath    = "tandem.dev/tandem/kernel/tk"
	carryKey  = "tandem.dev/tandem/kernel/carry/carry"
	carryPath = "tandem.dev/tandem/kernel/carry"
)

// Session is one yaegi interpreter with REPL semantics: cells may mix
// imports, declarations and statements; re-running a cell replaces what it
// defined; errors and panics come back in cell coordinates; output streams
// while the cell runs.
//
// # Redefinition
//
// yaegi binds calls early and ignores redefined types and methods. The
// session keeps every top-level definition (kernel/cell Items, with the
// names each uses): a redefined func or a redeclared variable makes it
// compile again, transitively, the funcs and closures that use it; a
// changed type or method rebuilds the interpreter (see Memory).
//
// # Interrupts
//
// Interrupt sets runtime/host's flag. Interpreted code stops at the next
// check the rewriter inserted (loop heads, function entries), which ends
// the goroutine with runtime.Goexit (no panic to unwind or recover);
// compiled runtime code stops at its next host.Check; time.Sleep in a cell
// wakes up. Closures and callbacks keep working. A cell that reaches no
// check within Options.InterruptGrace (blocked on a channel, say) is
// cancelled through yaegi's context; once yaegi's goroutine is gone the
// session restores yaegi's run id (setRunID), which the cancellation
// bumped and which would otherwise leave closures created inside
// functions returning zero values. If the cell still runs after
// Options.StuckGrace (busy or blocked in compiled code, e.g. a
// sync.WaitGroup's Wait), Execute returns KindStuck and the process must
// be restarted.
//
// # Output
//
// fmt.Print*, println and log reach the session directly, after whatever
// the pipes behind os.Stdout and os.Stderr (and compiled code's writes)
// hold unread, so the two streams keep the order a cell wrote them in;
// fmt.Fprint*(os.Stdout|os.Stderr, …) is rewritten to the same ordered
// writers. Only other writes to os.Stdout against os.Stderr (two pipes)
// may swap. Past
// Options.MaxOutput a notice is sent at once and the rest is dropped.
//
// # Errors
//
// yaegi runs cell code through reflect; its panics are turned into Go's
// messages. An index or slice-bounds panic at a cell's top level, or in a
// cell func called from there, gets Go's detail ("[5] with length 2") by
// evaluating the failing statement's plain operands again (parameters
// replaced by the call's arguments), never when a local is involved.
//
// # Memory
//
// yaegi never frees what it compiled. The session counts the source bytes
// it compiles and, past Options.CodeBudget, transparently rebuilds the
// interpreter: imports and the latest declarations are replayed, variables
// of compiled types are carried over, and so are values of cell-defined
// types whose declarations did not change (the new interpreter builds the
// same reflect types). What cannot be carried is named in a note on the
// cell's stderr. Measured with DefaultCodeBudget (TestSession_Memory, on
// the 2-core machine): 10,000 executions of a small cell grew the live heap
// by at most 32 MB (2 rebuilds), 1,000 re-runs of a 200-line cell by at
// most 61 MB (17 rebuilds); the bound the test enforces is MemoryBound.
// yaegi also gives every redeclared global a new slot, so a long session
// slows down a little until the next rebuild.
//
// # Packages
//
// Options.Preload packages are imported before the first cell, so cells
// use them with no import line; any other package of Options.Symbols is
// one import away, and an import of a package that is not there says so
// and lists those that are (or, for Options.Refused, why the policy took
// it away). A variable a cell defines with a package's name (data := …)
// shadows that package for the rest of the session, as a variable
// shadows a package in Go; an error about a member of it (data.Iris)
// says which cell defined the variable and how to reach the package under
// another name.
//
// # Values crossing into compiled code
//
// yaegi passes a cell value to compiled code through generated interface
// wrappers; the session smooths the places where that falls short: a
// value given to display.Show or display.Render, or to a method taking
// `any` of a session variable (h.Update(v)), is wrapped in a render shape
// so its HTML, SVG, … methods are seen; methods with unnamed parameters get
// names (_p0, …); a compiled struct literal that sets an interface field
// (train.Config{Progress: p}) becomes an assignment; and pkg.FuncVar = f
// becomes a call of a setter, since yaegi loses that assignment.
//
// Execute, Complete, Inspect and IsComplete may be called from any
// goroutine; cells run one at a time. Interrupt is safe to call at any
// time from any goroutine.
type Session struct {
	opts Options

	mu       sync.Mutex // one cell at a time; guards everything below
	in       *interp.Interpreter
	count    int
	imports  []cell.ImportSpec // in order, deduplicated
	imported map[string]string // name in cells → path
	defs     map[string]*entry // top-level name → latest definition
	seq      int
	vars     map[string]varInfo // top-level variables → defining cell
	code     int                // source bytes compiled by the current interpreter
	stuck    bool
	closed   bool

	out    *streams
	errf   *stderrFilter
	devnul *os.File

	running   atomic.Bool
	intr      chan struct{}
	rebuilds  int
	replayErr *CellError
	rendered  map[string]any // what the value renderer reported for the last value
	snap      atomic.Pointer[snapshot]
	cur       string                        // source of the running cell
	sources   map[int]string                // sources of the cells that define funcs (for panic details)
	idIn      *interp.Interpreter           // the interpreter whose run id runID is
	runID     uint64                        // its run id when the cell started
	topCalls  map[int]map[string][]cell.Pos // calls in each recent cell's top-level code
}

type entry struct {
	item cell.Item
	cell int
	norm string
	seq  int
}

type varInfo struct {
	cell int
	typ  string   // guessed type name from the defining statement ("" if unknown)
	uses []string // identifiers the defining statement mentions
}

// MemoryBound is the live-heap growth TestSession_Memory allows for 10,000
// small cells or 1,000 re-runs of a 200-line cell with DefaultCodeBudget
// (measured: 32 MB and 61 MB).
const MemoryBound = 128 << 20

// check is the cooperative interrupt check inserted into interpreted code
// (the rewriter's __th.Check). It ends the goroutine with runtime.Goexit
// rather than a panic: deferred calls still run, but yaegi unwinds a panic
// through deep interpreted recursion in quadratic time (10 ms of recursion
// took 5 s to unwind) and re-raises it at every frame, and a panic in a
// goroutine the cell started would kill the process. user recover() calls
// cannot swallow it either. The cell's own goroutine is yaegi's, so Execute
// sees a normal return and reports the interrupt from the flag.
func (s *Session) check() {
	if atomic.LoadInt32(host.Stop) != 0 {
		runtime.Goexit()
	}
}

// New starts a session.
func New(opts Options) (*Session, error) {
	if opts.Symbols == nil {
		opts.Symbols = ystdlib.Symbols
	}
	if opts.MaxOutput <= 0 {
		opts.MaxOutput = DefaultMaxOutput
	}
	if opts.InterruptGrace <= 0 {
		opts.InterruptGrace = DefaultInterruptGrace
	}
	if opts.StuckGrace <= 0 {
		opts.StuckGrace = DefaultStuckGrace
	}
	if opts.CodeBudget <= 0 {
		opts.CodeBudget = DefaultCodeBudget
	}
	for _, p := range opts.Preload {
		if keyOf(opts.Symbols, p) == "" {
			return nil, fmt.Errorf("preload %s: package not in symbols", p)
		}
	}
	if opts.Dir != "" {
		if err := os.Chdir(opts.Dir); err != nil {
			return nil, fmt.Errorf("enter working directory: %w", err)
		}
	}
	out, err := newStreams(opts.MaxOutput)
	if err != nil {
		return nil, err
	}
	dn, err := os.Open(os.DevNull)
	if err != nil {
		out.close()
		return nil, fmt.Errorf("open %s: %w", os.DevNull, err)
	}
	s := &Session{opts: opts, out: out, devnul: dn, intr: make(chan struct{}, 1),
		defs: map[string]*entry{}, vars: map[string]varInfo{}, imported: map[string]string{}}
	s.errf = &stderrFilter{s: out}
	in, err := s.newInterp()
	if err != nil {
		s.Close()
		return nil, err
	}
	s.in = in
	s.takeSnapshot()
	s.installDisplay()
	s.installTrainProgress()
	return s, nil
}

// keyOf returns the Exports key of import path p ("" if absent).
func keyOf(syms interp.Exports, p string) string {
	for k := range syms {
		if i := strings.LastIndexByte(k, '/'); i > 0 && k[:i] == p {
			return k
		}
	}
	return ""
}

// helpers is interpreted code every interpreter gets.
const helpers = `
func __tmin[T int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64 | uintptr | float32 | float64 | string](a, b T) T { if a < b { return a }; return b }
func __tmax[T int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64 | uintptr | float32 | float64 | string](a, b T) T { if a > b { return a }; return b }
var __tl int
`

// newInterp creates an interpreter with the symbols, the kernel's helpers
// and the preloaded packages.
func (s *Session) newInterp() (*interp.Interpreter, error) {
	in := interp.New(interp.Options{
		Stdin:  s.devnul,
		Stdout: direct{s.out, "stdout"},
		Stderr: s.errf,
	})
	if err := in.Use(s.opts.Symbols); err != nil {
		return nil, fmt.Errorf("use symbols: %w", err)
	}
	var stdoutW, stderrW io.Writer = direct{s.out, "stdout"}, direct{s.out, "stderr"}
	own := interp.Exports{
		hostKey: {
			"Stop":  reflect.ValueOf(&host.Stop).Elem(),
			"Check": reflect.ValueOf(s.check),
		},
		tkKey: {
			"Clear": reflect.ValueOf(clearValue),
			"GoPanic": reflect.ValueOf(func(v any) {
				s.out.write("stderr", []byte(fmt.Sprintf("panic in a goroutine started by a cell (recovered; the kernel keeps running): %s\n", panicMsg(v))))
			}),
			"Set": reflect.ValueOf(func(k, v string) { s.rendered[k] = v }),
			"SetBytes": reflect.ValueOf(func(k string, v []byte) {
				s.rendered[k] = base64.StdEncoding.EncodeToString(v)
			}),
			"SetBundle": reflect.ValueOf(func(m map[string]any) {
				for k, v := range bundleData(m) {
					s.rendered[k] = v
				}
			}),
			"SetFunc": reflect.ValueOf(s.setFunc),
			"TypeTag": reflect.ValueOf((*typeTag)(nil)),
			"Stdout":  reflect.ValueOf(&stdoutW).Elem(),
			"Stderr":  reflect.ValueOf(&stderrW).Elem(),
			"Shape":   shapeValue,
		},
	}
	if s.opts.Symbols["time/time"] != nil {
		// an interrupt wakes a sleeping cell (the next check stops it)
		own["time/time"] = map[string]reflect.Value{"Sleep": reflect.ValueOf(sleep)}
	}
	if s.opts.Symbols["os/os"] != nil {
		errw, outw := s.out.errW, s.out.outW
		own["os/os"] = map[string]reflect.Value{
			"Stdout": reflect.ValueOf(&outw).Elem(),
			"Stderr": reflect.ValueOf(&errw).Elem(),
			"Stdin":  reflect.ValueOf(&s.devnul).Elem(),
		}
	}
	for k, v := range shapeExports(s.opts.Symbols) {
		own[k] = v
	}
	if err := in.Use(own); err != nil {
		return nil, fmt.Errorf("use kernel symbols: %w", err)
	}
	src := "import (\n\t" + cell.HostAlias + " " + quote(hostPath) + "\n\t" + cell.HelperAlias + " " + quote(tkPath) +
		"\n\t__tfmt \"fmt\"\n)"
	if _, err := in.Eval(src); err != nil {
		return nil, fmt.Errorf("import kernel helpers: %w", err)
	}
	if _, err := in.Eval(helpers); err != nil {
		return nil, fmt.Errorf("define kernel helpers: %w", err)
	}
	for _, p := range s.opts.Preload {
		if _, err := in.Eval("import " + quote(p)); err != nil {
			return nil, fmt.Errorf("preload %s: %w", p, err)
		}
	}
	s.code = 0
	return in, nil
}

// typeTag is the type of the blank field the cell rewriter adds to an
// empty cell struct type to give it a reflect type of its own
// (cell.TypeTag). It formats as nothing, so the struct prints as "{}".
type typeTag struct{}

// Format writes nothing.
func (typeTag) Format(fmt.State, rune) {}

func quote(s string) string { return "\"" + s + "\"" }

// clearValue implements the clear builtin for maps and slices.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	default:
		panic(fmt.Sprintf("invalid argument: clear of %T", x))
	}
}

// Execute runs one cell. Output goes to sink while the cell runs. A
// cancelled ctx interrupts the cell like Interrupt.
func (s *Session) Execute(ctx context.Context, code string, sink Sink) Result {
	if sink == nil {
		sink = discard{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	res := Result{Count: s.count}
	if s.closed {
		res.Err = &CellError{Kind: KindInterpreter, Cell: s.count, Msg: ErrClosed.Error()}
		return res
	}
	if s.stuck {
		res.Err = &CellError{Kind: KindStuck, Cell: s.count, Msg: "an earlier cell is still running in compiled code and could not be stopped; restart the kernel"}
		return res
	}
	select { // an interrupt sent between cells is not for this one
	case <-s.intr:
	default:
	}
	host.Reset()
	s.out.begin(sink)
	s.errf.takeTrace()
	s.running.Store(true)

	s.idIn, s.runID = s.in, runID(s.in)
	cctx, cancel := context.WithCancel(context.Background())
	done := make(chan Result, 1)
	go func() {
		r := Result{Count: s.count}
		defer func() {
			if p := recover(); p != nil {
				if m := panicMsg(p); strings.HasPrefix(m, "runtime error: ") {
					// a panic of the cell's code that escaped yaegi (a
					// method call on a nil interface)
					func() {
						defer func() { recover() }()
						s.heal()
						r.Err = s.panicError(p, s.mark(), s.errf.takeTrace())
					}()
				}
				if r.Err == nil || r.Err.Kind != KindPanic {
					r.Err = &CellError{Kind: KindInterpreter, Cell: s.count, Msg: fmt.Sprintf("the interpreter failed: %v; the session is intact", p)}
				}
			}
			done <- r
		}()
		r = s.run(cctx, code, sink)
	}()
	res = s.wait(ctx, done, cancel)
	cancel()
	s.takeSnapshot()
	s.running.Store(false)
	s.out.end()
	return res
}

// wait waits for the cell, escalating an interrupt: the cooperative flag
// first (already set by Interrupt), then, after InterruptGrace, yaegi's
// context cancellation; if the cell still runs after StuckGrace it is
// declared stuck.
func (s *Session) wait(ctx context.Context, done chan Result, cancel func()) Result {
	select {
	case r := <-done:
		return r
	case <-s.intr:
	case <-ctx.Done():
		host.Interrupt()
	}
	select {
	case r := <-done:
		return r
	case <-time.After(s.opts.InterruptGrace):
	}
	cancel()
	deadline := time.Now().Add(s.opts.StuckGrace)
	for {
		select {
		case r := <-done:
			// stopped by yaegi's cancellation, which leaves closures made
			// inside functions before now returning zero values
			r.Err = &CellError{Kind: KindInterrupted, Cell: s.count,
				Msg: "interrupted (the cell did not reach an interrupt check, so the interpreter was cancelled: callbacks created inside functions before this cell may have stopped working; re-run the cells that create them)"}
			// cancelled through yaegi: make sure its goroutine is gone
			for time.Now().Before(deadline) {
				// cells run one at a time: once yaegi's goroutine for this
				// cell is gone, none is left
				if goroutinesIn("interp.(*Interpreter).ExecuteWithContext") == 0 {
					if s.in == s.idIn && setRunID(s.in, s.runID) {
						// the closures made before work again
						r.Err.Msg = "interrupted"
					}
					return r
				}
				time.Sleep(10 * time.Millisecond)
			}
			s.stuck = true
			r.Err = &CellError{Kind: KindStuck, Cell: s.count, Msg: "the cell did not stop after an interrupt (it is blocked or busy in compiled code); restart the kernel: its state will be lost"}
			return r
		case <-time.After(time.Until(deadline)):
			s.stuck = true
			return Result{Count: s.count, Err: &CellError{Kind: KindStuck, Cell: s.count, Msg: "the cell did not stop after an interrupt (it is blocked or busy in compiled code); restart the kernel: its state will be lost"}}
		}
	}
}

// runIDField returns yaegi's run id counter of in (the unexported field
// Interpreter.id, which its cancellation increments), nil if this yaegi
// has none.
func runIDField(in *interp.Interpreter) *uint64 {
	if in == nil {
		return nil
	}
	f := reflect.ValueOf(in).Elem().FieldByName("id")
	if !f.IsValid() || f.Kind() != reflect.Uint64 {
		return nil
	}
	return (*uint64)(unsafe.Pointer(f.UnsafeAddr()))
}

func runID(in *interp.Interpreter) uint64 {
	if p := runIDField(in); p != nil {
		return atomic.LoadUint64(p)
	}
	return 0
}

// setRunID undoes yaegi's cancellation once its goroutine is gone: the
// cancellation increments the run id, and every frame made before (the
// frames of closures made inside functions, which callbacks run in) then
// stops at its first step, so those closures return zero values for
// ever. With the id back, they run again. It reports whether it could.
func setRunID(in *interp.Interpreter, id uint64) bool {
	p := runIDField(in)
	// exactly one cancellation since the cell started
	if p == nil || !atomic.CompareAndSwapUint64(p, id+1, id) {
		return false
	}
	return true
}

// goroutinesIn counts goroutines whose stack holds fn.
func goroutinesIn(fn string) int {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	return strings.Count(string(buf[:n]), fn)
}

type discard struct{}

func (discard) Stream(string, string)        {}
func (discard) Display(Bundle, string, bool) {}

// run splits and evaluates a cell.
func (s *Session) run(ctx context.Context, code string, sink Sink) Result {
	res := Result{Count: s.count}
	if s.code > s.opts.CodeBudget {
		if notes := s.rebuild("memory", nil); len(notes) > 0 {
			s.out.write("stderr", []byte(strings.Join(notes, "\n")+"\n"))
		}
	}
	s.cur = code
	c, err := cell.Split(code, cell.Options{Cell: s.count, TypeOf: s.typeOf, Defined: s.defined,
		Generic: s.generic, RecoverGo: s.opts.RecoverGoroutines})
	if err != nil {
		var ce *cell.Error
		if errors.As(err, &ce) {
			res.Err = &CellError{Kind: KindCompile, Cell: s.count, Line: ce.Line, Col: ce.Col, Msg: ce.Msg}
		} else {
			res.Err = &CellError{Kind: KindCompile, Cell: s.count, Msg: err.Error()}
		}
		return res
	}
	nameAllParams(c)
	s.fixAllLiterals(c)
	s.keepSource(c, code)
	calls := map[string][]cell.Pos{}
	for _, seg := range c.Segments {
		for k, v := range seg.Calls {
			calls[k] = append(calls[k], v...)
		}
	}
	if s.topCalls == nil {
		s.topCalls = map[int]map[string][]cell.Pos{}
	}
	s.topCalls[s.count] = calls
	delete(s.topCalls, s.count-100)
	for _, seg := range c.Segments {
		if host.Stopped() {
			res.Err = &CellError{Kind: KindInterrupted, Cell: s.count, Msg: "interrupted"}
			return res
		}
		var e *CellError
		switch seg.Kind {
		case cell.Import:
			e = s.imports1(ctx, seg)
		case cell.Decl:
			e = s.decls(ctx, seg)
		case cell.Stmt:
			e = s.stmts(ctx, seg)
		case cell.Expr:
			res.Value, e = s.expr(ctx, seg)
		}
		if e != nil {
			res.Err = e
			return res
		}
	}
	return res
}

// eval compiles and runs src. Compile errors, runtime panics and crashes
// of the interpreter come back as CellErrors.
func (s *Session) eval(ctx context.Context, src string, seg cell.Segment) (e *CellError) {
	defer func() {
		if p := recover(); p != nil {
			e = crashError(s.count, seg, p)
			s.heal()
		}
	}()
	s.setMark(0) // before Compile: Globals fails between Compile and Execute
	prog, err := s.in.Compile(src)
	s.code += len(src)
	if err != nil {
		s.heal()
		return s.explainShadow(s.explain(compileError(s.count, err, seg)))
	}
	_, err = s.in.ExecuteWithContext(ctx, prog)
	if err == nil {
		if host.Stopped() {
			return &CellError{Kind: KindInterrupted, Cell: s.count, Msg: "interrupted"}
		}
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return &CellError{Kind: KindInterrupted, Cell: s.count, Msg: "interrupted"}
	}
	if v, ok := interpPanic(err); ok {
		if pe, ok := v.(interp.Panic); ok {
			v = pe.Value
		}
		return s.panicError(v, s.mark(), s.errf.takeTrace())
	}
	return compileError(s.count, err, seg)
}

func (s *Session) global(name string) reflect.Value {
	g, ok := s.globals()
	if !ok {
		s.heal()
		if g, ok = s.globals(); !ok {
			return reflect.Value{}
		}
	}
	return g[name]
}

// globals returns the interpreter's globals; false if yaegi panicked.
func (s *Session) globals() (g map[string]reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return s.in.Globals(), true
}

// heal runs an empty program: a compile that failed halfway leaves yaegi's
// global symbols ahead of its frame (Globals then panics with an index out
// of range, and so does every later run) until a program is executed,
// which resizes the frame.
func (s *Session) heal() {
	defer func() { recover() }()
	if prog, err := s.in.Compile(";\n0"); err == nil {
		s.in.Execute(prog)
	}
}

func (s *Session) mark() int {
	v := s.global(cell.MarkVar)
	if v.IsValid() && v.Kind() == reflect.Int {
		return int(v.Int())
	}
	return 0
}

func (s *Session) setMark(n int) {
	v := s.global(cell.MarkVar)
	if v.IsValid() && v.CanSet() && v.Kind() == reflect.Int {
		v.SetInt(int64(n))
	}
}

// imports1 evaluates the new imports of a segment.
func (s *Session) imports1(ctx context.Context, seg cell.Segment) *CellError {
	var b strings.Builder
	for _, im := range seg.Imports {
		key := keyOf(s.opts.Symbols, im.Path)
		if why, ok := s.opts.Refused[im.Path]; ok && key == "" {
			return &CellError{Kind: KindCompile, Cell: s.count, Line: im.Line, Col: im.Col,
				Msg: fmt.Sprintf("package %s is refused by this kernel's restricted policy: %s", im.Path, why)}
		}
		if key == "" {
			return &CellError{Kind: KindCompile, Cell: s.count, Line: im.Line, Col: im.Col,
				Msg: fmt.Sprintf("package %s is not available in this kernel%s; available: %s", im.Path, s.didYouMean(im.Path), strings.Join(s.available(), ", "))}
		}
		name := im.Name
		if name == "" {
			name = key[strings.LastIndexByte(key, '/')+1:]
		}
		if name == "_" {
			continue
		}
		if p, ok := s.imported[name]; ok && p == im.Path {
			continue
		}
		if s.preloaded(im.Path) && im.Name == "" {
			continue
		}
		b.WriteString("\n" + cell.Directive(s.count, im.Line, im.Col) + "import " + im.Name + " " + quote(im.Path) + "\n")
		s.imported[name] = im.Path
		s.imports = append(s.imports, im)
	}
	if b.Len() == 0 {
		return nil
	}
	e := s.eval(ctx, b.String(), seg)
	if e != nil && strings.HasSuffix(e.Msg, " redeclared in this block") {
		for _, im := range seg.Imports {
			if im.Line == e.Line {
				e.Col = im.Col // yaegi points at the path, Go at the name
			}
		}
	}
	return e
}

func (s *Session) preloaded(p string) bool {
	for _, x := range s.opts.Preload {
		if x == p {
			return true
		}
	}
	return false
}

// didYouMean suggests available packages with the same last element as
// the missing import path p (" (did you mean gonum.org/v1/plot?)"), or "".
func (s *Session) didYouMean(p string) string {
	base := p[strings.LastIndexByte(p, '/')+1:]
	var l []string
	for _, a := range s.available() {
		if a[strings.LastIndexByte(a, '/')+1:] == base {
			l = append(l, a)
		}
	}
	if len(l) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(l, " or ") + "?)"
}

// available lists the import paths cells may use, sorted.
func (s *Session) available() []string {
	var l []string
	for k := range s.opts.Symbols {
		if i := strings.LastIndexByte(k, '/'); i > 0 && !strings.HasPrefix(k, "github.com/traefik/yaegi") {
			l = append(l, k[:i])
		}
	}
	sort.Strings(l)
	return l
}

var normRe = regexp.MustCompile(`//line [^\n]*\n|/\*line [^*]*\*/|` + cell.MarkVar + ` = \d+; `)

func norm(src string) string { return normRe.ReplaceAllString(src, "") }

// decls evaluates a declaration segment, rebuilding the interpreter when a
// type or method changes and re-evaluating the dependents of redefined
// funcs.
func (s *Session) decls(ctx context.Context, seg cell.Segment) *CellError {
	rebuild := false
	stale := map[string]bool{}
	var changed []string
	for _, it := range seg.Items {
		for _, n := range it.Names {
			old, ok := s.defs[n]
			if !ok {
				continue // new (a new method on an earlier type is fine: yaegi adds it)
			}
			if old.norm == norm(it.Src) {
				continue
			}
			switch it.Kind {
			case cell.Type:
				rebuild = true
				stale[n] = true
			case cell.Method:
				rebuild = true
			default:
				changed = append(changed, n)
			}
		}
	}
	if rebuild {
		// check that the new declarations compile on their own before
		// throwing the interpreter away: compile them in a scratch copy
		s.register(seg.Items)
		notes := s.rebuild("redefined type", stale)
		if len(notes) > 0 {
			s.out.write("stderr", []byte(strings.Join(notes, "\n")+"\n"))
		}
		return s.replayErr
	}
	if e := s.eval(ctx, seg.Src, seg); e != nil {
		return e
	}
	s.register(seg.Items)
	return s.redo(ctx, changed, seg.Items)
}

func (s *Session) register(items []cell.Item) {
	for _, it := range items {
		s.seq++
		e := &entry{item: it, cell: s.count, norm: norm(it.Src), seq: s.seq}
		for _, n := range it.Names {
			s.defs[n] = e
		}
	}
}

// redo re-evaluates, in definition order, every definition that uses a
// redefined name (transitively), so code compiled earlier calls the new
// funcs (yaegi binds calls early).
func (s *Session) redo(ctx context.Context, changed []string, fresh []cell.Item) *CellError {
	if len(changed) == 0 {
		return nil
	}
	skip := map[*entry]bool{}
	for _, it := range fresh {
		for _, n := range it.Names {
			skip[s.defs[n]] = true
		}
	}
	set := map[string]bool{}
	for _, n := range changed {
		set[n] = true
	}
	var todo []*entry
	for grew := true; grew; {
		grew = false
		for _, e := range s.latest() {
			if skip[e] || (e.item.Kind != cell.Func && e.item.Kind != cell.Closure && e.item.Kind != cell.Method) {
				continue
			}
			for _, u := range e.item.Uses {
				if set[u] {
					skip[e] = true
					todo = append(todo, e)
					for _, n := range e.item.Names {
						set[n] = true
					}
					grew = true
					break
				}
			}
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].seq < todo[j].seq })
	for _, e := range todo {
		if e.item.Kind == cell.Method {
			notes := s.rebuild("redefined func used by a method", nil)
			if len(notes) > 0 {
				s.out.write("stderr", []byte(strings.Join(notes, "\n")+"\n"))
			}
			return s.replayErr
		}
	}
	for _, e := range todo {
		if ce := s.eval(ctx, e.item.Src, cell.Segment{Line: e.item.Line}); ce != nil {
			s.out.write("stderr", []byte(fmt.Sprintf("note: %s (cell %d) could not be updated for the new definition: %s\n",
				strings.Join(e.item.Names, ", "), e.cell, ce.Msg)))
		}
	}
	return nil
}

// latest returns the current definitions, each once, in definition order.
func (s *Session) latest() []*entry {
	seen := map[*entry]bool{}
	var l []*entry
	for _, e := range s.defs {
		if !seen[e] {
			seen[e] = true
			l = append(l, e)
		}
	}
	sort.Slice(l, func(i, j int) bool { return l[i].seq < l[j].seq })
	return l
}

// stmts evaluates a statement segment.
func (s *Session) stmts(ctx context.Context, seg cell.Segment) *CellError {
	var changed []string
	for _, it := range seg.Items {
		for _, n := range it.Names {
			if old, ok := s.defs[n]; ok && old.norm != norm(it.Src) {
				changed = append(changed, n)
			}
		}
	}
	for _, v := range seg.Vars {
		// a redeclared variable is a new slot in yaegi: code compiled
		// against the old one must be compiled again
		if _, ok := s.vars[v]; ok {
			changed = append(changed, v)
		}
	}
	src, hoist := seg.Src, seg.Hoist
	if seg.Direct != "" {
		// `v := x[i]` as written when yaegi compiles it, hoisted otherwise
		if _, err := s.compile(seg.Direct); err == nil {
			src, hoist = seg.Direct, ""
		}
	}
	e := s.eval(ctx, src, seg)
	if e == nil && seg.Then != "" {
		e = s.eval(ctx, seg.Then, seg)
	}
	// variables defined before a panic exist; record them either way
	for _, v := range seg.Vars {
		s.vars[v] = varInfo{cell: s.count, typ: seg.VarTypes[v], uses: seg.VarUses[v]}
		if d, ok := s.defs[v]; ok && d.item.Kind != cell.Closure {
			delete(s.defs, v)
		}
	}
	closures := map[string]bool{}
	for _, it := range seg.Items {
		for _, n := range it.Names {
			closures[n] = true
		}
	}
	for _, v := range seg.Vars {
		if d, ok := s.defs[v]; ok && d.item.Kind == cell.Closure && !closures[v] {
			delete(s.defs, v) // no longer a closure definition
		}
	}
	if e != nil {
		return e
	}
	if hoist != "" {
		if e := s.defineHoisted(ctx, seg); e != nil {
			return e
		}
	}
	s.register(seg.Items)
	return s.redo(ctx, changed, seg.Items)
}

// generic reports whether name is a generic func defined in a cell.
func (s *Session) generic(name string) bool {
	e, ok := s.defs[name]
	return ok && e.item.Generic
}

// defineHoisted defines the variable of a hoisted generic call (see
// cell.Segment.Hoist) with the dynamic type of the value the segment left
// in cell.HoistVar: its compiled type, else a cell type, else any.
func (s *Session) defineHoisted(ctx context.Context, seg cell.Segment) *CellError {
	name := seg.Hoist
	v := s.global(cell.HoistVar)
	head := ";\n" + cell.Directive(s.count, seg.Line, seg.Col)
	if seg.Direct != "" {
		// a pointer to the value of x[i]: its element type is the static type
		if v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		if v.IsValid() && v.Kind() == reflect.Ptr && compiledType(v.Type().Elem(), map[reflect.Type]bool{}) {
			typ := v.Type().Elem().String()
			if e := s.eval(ctx, head+"var "+name+" "+typ+" = *"+cell.HoistVar+".(*"+typ+")", seg); e == nil {
				return nil
			}
		}
		return &CellError{Kind: KindCompile, Cell: s.count, Line: seg.Line, Col: seg.Col,
			Msg: fmt.Sprintf("cannot define %s: yaegi cannot compile this top-level definition from an index expression, nor name its type; declare the variable first, `var %s T`, then assign `%s = …`", name, name, name)}
	}
	typ := ""
	if v.IsValid() {
		if v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		if v.IsValid() && v.Kind() != reflect.Interface && compiledType(v.Type(), map[reflect.Type]bool{}) {
			typ = v.Type().String()
		}
	}
	if typ == "" {
		typ = s.cellTypeExpr(s.in, cell.HoistVar, nil)
	}
	if typ != "" {
		if e := s.eval(ctx, head+"var "+name+" "+typ+" = "+cell.HoistVar+".("+typ+")", seg); e == nil {
			return nil
		}
	}
	s.out.write("stderr", []byte(fmt.Sprintf("note: %s has type any: the type of the generic call's value could not be named\n", name)))
	return s.eval(ctx, head+"var "+name+" = "+cell.HoistVar, seg)
}

// valueErr matches compile errors saying an expression has no single value.
var valueErr = regexp.MustCompile(`used as value|no value|multiple-value|single-value|assignment mismatch|cannot assign|use of untyped nil|is not an expression|not a type|cannot use .* as value`)

// expr evaluates the final expression of a cell and renders its value.
func (s *Session) expr(ctx context.Context, seg cell.Segment) (*Bundle, *CellError) {
	head := ";\n" + cell.Directive(s.count, seg.Line, 1)
	mark := fmt.Sprintf("%s = %d; ", cell.MarkVar, cell.EncodeMark(s.count, seg.Line, seg.Col))
	pos := cell.Mark(s.count, seg.Line, seg.Col)
	src := head + mark + "__tv := " + pos + seg.Src + "\n" + cell.MarkVar + " = 0; " + s.renderSwitch()
	if !s.hasValue(seg.Call) {
		return nil, s.eval(ctx, head+mark+pos+seg.Src, seg)
	}
	s.setMark(0)
	s.rendered = map[string]any{}
	prog, err := s.compile(src)
	if err != nil && !strings.Contains(seg.Src[strings.LastIndexByte(seg.Src, '\n')+1:], "//") {
		// yaegi fails to compile some top-level `v := expr` that are fine
		// (an index into a global slice that came from a compiled call:
		// "constant definition loop", or a crash of its compiler);
		// `v := any(expr)` compiles, and the value renders the same
		src2 := head + mark + "__tv := any(" + pos + seg.Src + ")\n" + cell.MarkVar + " = 0; " + s.renderSwitch()
		if p2, err2 := s.compile(src2); err2 == nil {
			prog, err = p2, nil
		}
	}
	if err != nil {
		if seg.Call != "" {
			// a call: the statement form runs it if it merely has no single
			// value, and gives the better message otherwise
			return nil, s.eval(ctx, head+mark+pos+seg.Src, seg)
		}
		// yaegi's messages for `v := expr` are poor ("constant definition
		// loop"); `_ = expr` gives the real one
		if _, err2 := s.compile(head + "_ = " + pos + seg.Src); err2 != nil {
			err = err2
		}
		ce := compileError(s.count, err, seg)
		if ce.Kind == KindInterpreter && ce.Line == 0 {
			ce.Line = seg.Line
		}
		return nil, s.explainShadow(s.explain(ce))
	}
	_, err = s.in.ExecuteWithContext(ctx, prog)
	if err == nil && host.Stopped() {
		return nil, &CellError{Kind: KindInterrupted, Cell: s.count, Msg: "interrupted"}
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, &CellError{Kind: KindInterrupted, Cell: s.count, Msg: "interrupted"}
		}
		if v, ok := interpPanic(err); ok {
			return nil, s.panicError(v, s.mark(), s.errf.takeTrace())
		}
		return nil, compileError(s.count, err, seg)
	}
	m := s.rendered
	if v := s.global("__tv"); v.IsValid() {
		if shownAlready(v) {
			return nil, nil
		}
		if len(m) == 0 {
			s.renderValue(v, m)
		} else {
			renderCompiled(v, m) // a cell type: text/plain only
		}
	}
	if len(m) == 0 {
		return nil, nil
	}
	for k, v := range m {
		// a displayed value obeys the output bound too
		if t, ok := v.(string); ok && len(t) > s.opts.MaxOutput && strings.HasPrefix(k, "text/") {
			m[k] = t[:s.opts.MaxOutput] + fmt.Sprintf("\n[value truncated: %s more]", size(int64(len(t)-s.opts.MaxOutput)))
		}
	}
	return &Bundle{Data: m, Metadata: map[string]any{}}, nil
}

// compile compiles src, turning a crash of yaegi's compiler into an error.
func (s *Session) compile(src string) (p *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = crashError(s.count, cell.Segment{}, r)
		}
		if err != nil {
			s.heal()
		}
	}()
	s.code += len(src)
	return s.in.Compile(src)
}

// Interrupt stops the running cell, if any, keeping the session's state.
// It is safe to call from any goroutine at any time; between cells it does
// nothing.
func (s *Session) Interrupt() {
	if !s.running.Load() {
		return
	}
	host.Interrupt()
	select {
	case s.intr <- struct{}{}:
	default:
	}
}

// Close releases the interpreter and the output pipes.
func (s *Session) Close() error {
	if s.running.Load() {
		s.Interrupt()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.in = nil
	s.out.close()
	if s.devnul != nil {
		s.devnul.Close()
	}
	return nil
}

// typeOf returns the Go type of a session global as source ("" if
// unknown), for the cell rewriter.
func (s *Session) typeOf(name string) string {
	if e, ok := s.defs[name]; ok && e.item.Kind == cell.Func {
		// "func name(…) R" → "func(…) R"
		return "func" + strings.TrimPrefix(strings.TrimPrefix(e.item.Sig, "func"), " "+name)
	}
	if _, ok := s.vars[name]; !ok {
		return ""
	}
	v := s.global(name)
	if !v.IsValid() {
		return ""
	}
	return v.Type().String()
}

// defined reports whether the user defined a top-level name.
func (s *Session) defined(name string) bool {
	if _, ok := s.defs[name]; ok {
		return true
	}
	_, ok := s.vars[name]
	return ok
}

// noValue lists builtins whose calls have no value.
var noValue = map[string]bool{"print": true, "println": true, "panic": true, "close": true, "delete": true, "clear": true}

// hasValue tells whether a final call expression has exactly one value, as
// far as the session knows (yaegi does not check result counts: it would
// display the first of several values). call is Segment.Call.
func (s *Session) hasValue(call string) bool {
	if call == "" || call == "?" {
		return true
	}
	if n, ok := strings.CutPrefix(call, "func/"); ok {
		return n == "1"
	}
	one := func(t reflect.Type) bool { return t.Kind() != reflect.Func || t.NumOut() == 1 }
	if parts := strings.Split(call, "."); len(parts) > 2 {
		return s.chainHasValue(parts)
	}
	x, name, sel := strings.Cut(call, ".")
	if !sel {
		if noValue[x] {
			return false
		}
		if e, ok := s.defs[x]; ok {
			return e.item.Results == 1 || e.item.Kind == cell.Type
		}
		if _, ok := s.vars[x]; ok {
			if v := s.global(x); v.IsValid() && v.Kind() == reflect.Func {
				return v.Type().NumOut() == 1
			}
		}
		return true
	}
	if _, isVar := s.vars[x]; !isVar {
		if p, ok := s.pkgNames()[x]; ok {
			v, ok := s.opts.Symbols[keyOf(s.opts.Symbols, p)][name]
			if ok && v.IsValid() {
				return one(v.Type())
			}
			return true
		}
	}
	if vi, ok := s.vars[x]; ok {
		if e, ok := s.defs[vi.typ+"."+name]; ok {
			return e.item.Results == 1
		}
		if v := s.global(x); v.IsValid() && (v.Kind() != reflect.Interface || !v.IsNil()) {
			if m := v.MethodByName(name); m.IsValid() {
				return m.Type().NumOut() == 1
			}
			if v.CanAddr() {
				if m := v.Addr().MethodByName(name); m.IsValid() {
					return m.Type().NumOut() == 1
				}
			}
		}
	}
	return true
}

// keepSource keeps the source of a cell that defines funcs, and drops
// the sources no definition comes from any more.
func (s *Session) keepSource(c *cell.Cell, code string) {
	if s.sources == nil {
		s.sources = map[int]string{}
	}
	for _, seg := range c.Segments {
		for _, it := range seg.Items {
			if it.Kind == cell.Func {
				s.sources[s.count] = code
			}
		}
	}
	if len(s.sources) > 64 {
		used := map[int]bool{s.count: true}
		for _, e := range s.defs {
			used[e.cell] = true
		}
		for n := range s.sources {
			if !used[n] {
				delete(s.sources, n)
			}
		}
	}
}

// chainHasValue tells whether a call of x.y….f has one value, by
// reflection over a package variable or a session global and its fields
// (os.Stdout.WriteString has two); true when it cannot tell.
func (s *Session) chainHasValue(parts []string) bool {
	var v reflect.Value
	if _, isVar := s.vars[parts[0]]; isVar {
		v = s.global(parts[0])
	} else if p, ok := s.pkgNames()[parts[0]]; ok {
		v = s.opts.Symbols[keyOf(s.opts.Symbols, p)][parts[1]]
		parts = parts[1:]
	}
	for _, n := range parts[1:] {
		if !v.IsValid() || (v.Kind() == reflect.Interface && v.IsNil()) {
			return true
		}
		if m := v.MethodByName(n); m.IsValid() {
			v = m
			continue
		}
		if v.CanAddr() {
			if m := v.Addr().MethodByName(n); m.IsValid() {
				v = m
				continue
			}
		}
		for v.Kind() == reflect.Ptr || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return true
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return true
		}
		v = v.FieldByName(n)
	}
	if !v.IsValid() || v.Kind() != reflect.Func {
		return true
	}
	return v.Type().NumOut() == 1
}

var incomplete = regexp.MustCompile(`^incomplete type (\w+)$`)

// crashError turns a panic of yaegi's compiler into a CellError: a
// compile error when the panic names a position in the cell (yaegi's
// "incomplete type X" is an undefined name), an interpreter error if not.
func crashError(count int, seg cell.Segment, p any) *CellError {
	msg := fmt.Sprint(p)
	if i := strings.LastIndex(msg, "CFG post-order panic: "); i >= 0 {
		msg = msg[i+len("CFG post-order panic: "):]
	}
	c, l, col, rest := decodePos(msg)
	if c > 0 && l > 0 {
		if m := incomplete.FindStringSubmatch(rest); m != nil {
			rest = "undefined: " + m[1]
		}
		return &CellError{Kind: KindCompile, Cell: c, Line: l, Col: col, Msg: rest}
	}
	return &CellError{Kind: KindInterpreter, Cell: count, Line: seg.Line,
		Msg: fmt.Sprintf("the interpreter failed on this code (a yaegi bug: %v); the session is intact", p)}
}

// renderMethods are the method shapes a value may render itself with
// (contracts.md), with the MIME type each produces.
var renderMethods = []struct{ name, mime, result string }{
	{"HTML", "text/html", "string"},
	{"SVG", "image/svg+xml", "string"},
	{"PNG", "image/png", "[]byte"},
	{"Markdown", "text/markdown", "string"},
	{"LaTeX", "text/latex", "string"},
	{"String", "text/plain", "string"},
	{"Error", "text/plain", "string"},
}

// renderSwitch returns interpreted code that reports the render methods of
// __tv when its type is defined in a cell. Compiled reflection cannot see
// methods of interpreted types, and yaegi's interface assertions on them
// are unreliable (a type switch on interface cases picks wrong cases), so
// the switch is over the concrete cell types that have such methods, as
// the session's definitions tell.
func (s *Session) renderSwitch() string {
	type tm struct {
		ptr   bool
		names []string
	}
	types := map[string]*tm{}
	for n, e := range s.defs {
		if e.item.Kind != cell.Method {
			continue
		}
		recv, m, _ := strings.Cut(n, ".")
		for _, r := range append(renderMethods, bundleMethod) {
			if m != r.name || !strings.Contains(e.item.Sig, m+"()") || !strings.HasSuffix(strings.ReplaceAll(e.item.Sig, "interface{}", "any"), " "+r.result) {
				continue
			}
			t := types[recv]
			if t == nil {
				t = &tm{}
				types[recv] = t
			}
			t.names = append(t.names, m)
			if strings.Contains(strings.SplitN(e.item.Sig, ")", 2)[0], "*") {
				t.ptr = true
			}
		}
	}
	if len(types) == 0 {
		return ""
	}
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("func() { switch __tm := any(__tv).(type) {")
	for _, n := range names {
		t := types[n]
		cases := []string{"*" + n}
		if !t.ptr {
			cases = append(cases, n)
		}
		for _, c := range cases {
			b.WriteString(" case " + c + ":")
			text := false
			for _, r := range renderMethods {
				if !contains(t.names, r.name) || (r.mime == "text/plain" && text) {
					continue
				}
				fn := "Set"
				if r.result == "[]byte" {
					fn = "SetBytes"
				}
				fmt.Fprintf(&b, " %s.%s(%q, __tm.%s());", cell.HelperAlias, fn, r.mime, r.name)
				if r.mime == "text/plain" {
					text = true
				}
			}
			if contains(t.names, bundleMethod.name) {
				// the whole bundle wins over the other methods
				fmt.Fprintf(&b, " %s.SetBundle(__tm.MIMEBundle());", cell.HelperAlias)
			}
		}
	}
	b.WriteString(" } }()")
	return b.String()
}

// bundleMethod is the MIMEBundle shape: the whole bundle, which wins over
// the other methods.
var bundleMethod = struct{ name, mime, result string }{"MIMEBundle", "", "map[string]any"}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// renderCompiled fills m from the render methods of a compiled value
// (reflection sees those), and text/plain from fmt.
func renderCompiled(v reflect.Value, m map[string]any) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			m["text/plain"] = "<nil>"
			return
		}
		v = v.Elem()
	}
	call := func(name string) (reflect.Value, bool) {
		f := v.MethodByName(name)
		if !f.IsValid() && v.CanAddr() {
			f = v.Addr().MethodByName(name)
		}
		if !f.IsValid() || f.Type().NumIn() != 0 || f.Type().NumOut() != 1 {
			return reflect.Value{}, false
		}
		return f.Call(nil)[0], true
	}
	if r, ok := call("MIMEBundle"); ok {
		if b, ok := r.Interface().(map[string]any); ok {
			for k, x := range bundleData(b) {
				m[k] = x
			}
		}
	}
	for _, rm := range renderMethods {
		if _, done := m[rm.mime]; done {
			continue
		}
		if r, ok := call(rm.name); ok {
			switch x := r.Interface().(type) {
			case string:
				m[rm.mime] = x
			case []byte:
				m[rm.mime] = base64.StdEncoding.EncodeToString(x)
			}
		}
	}
	if _, ok := m["text/plain"]; !ok {
		if v.IsValid() && v.Kind() == reflect.String {
			m["text/plain"] = fmt.Sprintf("%q", v.String())
		} else if v.IsValid() && v.CanInterface() {
			m["text/plain"] = fmt.Sprintf("%v", v.Interface())
		} else {
			m["text/plain"] = "<nil>"
		}
	}
}

// sleep is time.Sleep for cells: an interrupt stops a sleeping cell at
// once (as the interrupt check does), so a long sleep does not turn an
// interrupt into a restart.
func sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-host.Context().Done():
		if host.Stopped() {
			runtime.Goexit() // as the interrupt check does
		}
	}
}

// explain replaces yaegi's "constant/variable definition loop", which it
// reports for an undefined name on the right of a top-level definition,
// by "undefined: name" when the failing line uses a name the session does
// not know.
func (s *Session) explain(e *CellError) *CellError {
	crash := e.Kind == KindInterpreter && strings.Contains(e.Msg, "nil type")
	if !strings.HasSuffix(e.Msg, "definition loop") && !crash || e.Cell != s.count || e.Line < 1 {
		return e
	}
	lines := strings.Split(s.cur, "\n")
	if e.Line > len(lines) {
		return e
	}
	line := lines[e.Line-1]
	// names the cell declares (roughly: anything before := or after var/func)
	declared := map[string]bool{}
	for _, m := range declRe.FindAllStringSubmatch(s.cur, -1) {
		for _, n := range strings.Split(m[1]+m[2], ",") {
			declared[strings.TrimSpace(n)] = true
		}
	}
	pk := s.pkgNames()
	for _, m := range identRe.FindAllStringSubmatchIndex(line, -1) {
		n := line[m[2]:m[3]]
		if m[2] > 0 && line[m[2]-1] == '.' {
			continue
		}
		if declared[n] || s.defined(n) || pk[n] != "" || contains(builtins, n) || token.Lookup(n).IsKeyword() {
			continue
		}
		e.Kind, e.Msg = KindCompile, "undefined: "+n
		e.Col = m[2] + 1
		return e
	}
	return e
}

var (
	identRe = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\b`)
	declRe  = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_, ]*)\s*:=|(?:var|func|const|type)\s+\(?\s*([A-Za-z_][A-Za-z0-9_]*)`)
)

// explainShadow adds to an "undefined selector" error on x.Name, where x
// is a variable of the session named like a package cells can use, that
// the variable hides the package. Such a variable shadows the package for
// the rest of the session, as a local variable shadows a package in Go
// (and as Python rebinds a module name): re-running the cells that use
// the package fails until the variable is renamed.
func (s *Session) explainShadow(e *CellError) *CellError {
	if e == nil || !strings.HasPrefix(e.Msg, "undefined selector") || e.Cell != s.count || e.Line < 1 {
		return e
	}
	lines := strings.Split(s.cur, "\n")
	if e.Line > len(lines) {
		return e
	}
	line := lines[e.Line-1]
	for _, m := range shadowRe.FindAllStringSubmatch(line, -1) {
		x := m[1]
		vi, isVar := s.vars[x]
		p, isPkg := s.pkgNames()[x]
		if !isVar || !isPkg {
			continue
		}
		e.Msg += fmt.Sprintf("\n(%s is the variable defined in cell %d, which hides package %s; rename the variable, or import the package under another name: import %s2 %q)",
			x, vi.cell, p, x, p)
		return e
	}
	return e
}

var shadowRe = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_]`)
