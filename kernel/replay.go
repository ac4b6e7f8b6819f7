package kernel

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/traefik/yaegi/interp"
	"tandem.dev/tandem/kernel/cell"
)

// rebuild replaces the interpreter by a fresh one: imports, the latest
// declarations (types, consts, methods, funcs, closures) are replayed, and
// variables whose values have compiled types are carried over. yaegi
// ignores redefined types and methods and never frees compiled code, so
// this is how a type changes and how memory is bounded. It returns notes
// for the user (what could not be carried or replayed); s.replayErr is set
// when a declaration of the current cell fails to compile.
func (s *Session) rebuild(reason string, stale map[string]bool) (notes []string) {
	old := s.in
	notes, failed := s.rebuildFrom(old, reason, stale)
	if failed {
		// a declaration that failed to compile can leave yaegi's state
		// half-built (a method registered with a broken body): build again
		// without the failed declarations, which are out of s.defs now
		replayErr := s.replayErr
		more, _ := s.rebuildFrom(old, reason, stale)
		s.replayErr = replayErr
		for _, n := range more {
			if !contains(notes, n) {
				notes = append(notes, n)
			}
		}
		sort.Strings(notes)
	}
	return notes
}

// rebuildFrom builds a fresh interpreter from the state of old (see
// rebuild); failed reports whether a declaration failed to replay.
func (s *Session) rebuildFrom(old *interp.Interpreter, reason string, stale map[string]bool) (notes []string, failedAny bool) {
	s.replayErr = nil
	s.rebuilds++
	globals, _ := s.globals()
	if s.in != old {
		s.in = old
		globals, _ = s.globals()
	}
	in, err := s.newInterp()
	if err != nil {
		s.replayErr = &CellError{Kind: KindInterpreter, Cell: s.count, Msg: "rebuild the interpreter: " + err.Error()}
		return nil, false
	}
	s.in = in
	ctx := context.Background()

	// imports
	if len(s.imports) > 0 {
		var b strings.Builder
		for _, im := range s.imports {
			b.WriteString("\nimport " + im.Name + " " + quote(im.Path) + "\n")
		}
		if e := s.eval(ctx, b.String(), cell.Segment{}); e != nil {
			notes = append(notes, "note: imports could not be restored: "+e.Msg)
		}
	}
	all := s.latest()
	var types, funcs []*entry
	for _, e := range all {
		switch e.item.Kind {
		case cell.Type, cell.Const:
			types = append(types, e)
		default:
			funcs = append(funcs, e)
		}
	}
	failed := map[*entry]*CellError{}
	s.replay(types, failed)

	// variables
	carry := map[string]reflect.Value{}
	var dropped []string
	var cellVals []cellVal
	names := make([]string, 0, len(s.vars))
	for n := range s.vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if d, ok := s.defs[n]; ok && d.item.Kind == cell.Closure {
			continue // replayed below
		}
		v, ok := globals[n]
		if !ok || !v.IsValid() {
			delete(s.vars, n)
			continue
		}
		if !carriable(v) || s.cellTyped(s.vars[n]) || !sameStatic(old, n, v) {
			if te := s.cellTypeExpr(old, n, stale); te != "" {
				cellVals = append(cellVals, cellVal{n, te, v})
				continue
			}
			dropped = append(dropped, fmt.Sprintf("%s (cell %d)", n, s.vars[n].cell))
			delete(s.vars, n)
			continue
		}
		nv := reflect.New(v.Type()).Elem()
		nv.Set(v)
		carry["V_"+n] = nv
	}
	if len(carry) > 0 {
		if err := in.Use(interp.Exports{carryKey: carry}); err == nil {
			var b strings.Builder
			b.WriteString(";\n")
			for k := range carry {
				n := k[2:]
				b.WriteString("var " + n + " = __tc." + k + "\n")
			}
			if _, err := in.Eval("import __tc " + quote(carryPath)); err != nil {
				notes = append(notes, "note: values could not be carried over: "+err.Error())
			} else if e := s.eval(ctx, b.String(), cell.Segment{}); e != nil {
				notes = append(notes, "note: values could not be carried over: "+e.Msg)
			}
		}
	}
	// values of cell types: same type source, so the same reflect type
	if len(cellVals) > 0 {
		var b strings.Builder
		b.WriteString(";\n")
		for _, c := range cellVals {
			b.WriteString("var " + c.name + " " + c.typ + "\n")
		}
		ok := s.eval(ctx, b.String(), cell.Segment{}) == nil
		g := in.Globals()
		for _, c := range cellVals {
			if !ok || !setValue(g[c.name], c.v) {
				dropped = append(dropped, fmt.Sprintf("%s (cell %d)", c.name, s.vars[c.name].cell))
				delete(s.vars, c.name)
			}
		}
	}
	s.replay(funcs, failed)
	for e, ce := range failed {
		failedAny = true
		for _, n := range e.item.Names {
			if s.defs[n] == e {
				delete(s.defs, n)
			}
		}
		if e.cell == s.count && s.replayErr == nil {
			s.replayErr = ce
			continue
		}
		notes = append(notes, fmt.Sprintf("note: %s (cell %d) could not be restored: %s", strings.Join(e.item.Names, ", "), e.cell, ce.Msg))
	}
	if len(dropped) > 0 {
		why := "their types are defined in cells"
		if reason == "memory" {
			why = "the interpreter was recycled to free memory, and their types are defined in cells"
		}
		notes = append(notes, fmt.Sprintf("note: these variables were lost (%s; re-run the cells that create them): %s",
			why, strings.Join(dropped, ", ")))
	}
	sort.Strings(notes)
	return notes, failedAny
}

// replay evaluates entries in definition order: all at once first (so
// mutually recursive declarations work), then one by one, twice, to get
// past an order dependency.
func (s *Session) replay(es []*entry, failed map[*entry]*CellError) {
	if len(es) == 0 {
		return
	}
	var decl, stmt strings.Builder
	for _, e := range es {
		if e.item.Kind == cell.Closure {
			stmt.WriteString(e.item.Src + "\n")
		} else {
			decl.WriteString(e.item.Src + "\n")
		}
	}
	ctx := context.Background()
	ok := true
	if decl.Len() > 0 {
		ok = s.eval(ctx, decl.String(), cell.Segment{}) == nil
	}
	if ok && stmt.Len() > 0 {
		ok = s.eval(ctx, stmt.String(), cell.Segment{}) == nil
	}
	if ok {
		return
	}
	todo := es
	for round := 0; round < 2 && len(todo) > 0; round++ {
		var again []*entry
		for _, e := range todo {
			if ce := s.eval(ctx, e.item.Src, cell.Segment{Line: e.item.Line}); ce != nil {
				failed[e] = ce
				again = append(again, e)
			} else {
				delete(failed, e)
			}
		}
		todo = again
	}
}

// carriable reports whether a value can move to another interpreter: its
// type must be built from compiled types only (no anonymous structs, which
// is how yaegi represents cell-defined structs, no funcs, no yaegi
// internals).
func carriable(v reflect.Value) bool {
	t := v.Type()
	if t.Kind() == reflect.Interface {
		if v.IsNil() {
			return true
		}
		return carriable(v.Elem())
	}
	return compiledType(t, map[reflect.Type]bool{})
}

func compiledType(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	if strings.HasPrefix(t.PkgPath(), "github.com/traefik/yaegi") {
		return false
	}
	switch t.Kind() {
	case reflect.Func, reflect.UnsafePointer:
		return false
	case reflect.Struct:
		if t.Name() == "" {
			return false
		}
		return true
	case reflect.Ptr, reflect.Slice, reflect.Array, reflect.Chan:
		return compiledType(t.Elem(), seen)
	case reflect.Map:
		return compiledType(t.Key(), seen) && compiledType(t.Elem(), seen)
	}
	return true
}

// sameStatic asks the old interpreter whether variable n has exactly the
// compiled type of its value (a cell type `type C float64` is a float64
// to reflection, but not to yaegi).
func sameStatic(old *interp.Interpreter, n string, v reflect.Value) (ok bool) {
	t := v.Type()
	if t.Kind() == reflect.Interface {
		return true
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	src := ";\nfunc() bool { var __tx any = " + n + "; _, ok := __tx.(" + t.String() + "); return ok }()"
	r, err := old.Eval(src)
	if err != nil {
		// the type's package is not imported in cells: no cell type can
		// be built on it
		return strings.Contains(err.Error(), "undefined")
	}
	return r.IsValid() && r.Kind() == reflect.Bool && r.Bool()
}

// cellTyped reports whether a variable's definition names a type defined
// in a cell (its value may then have that type, which reflection cannot
// tell from its underlying type).
func (s *Session) cellTyped(vi varInfo) bool {
	if e, ok := s.defs[vi.typ]; ok && e.item.Kind == cell.Type {
		return true
	}
	for _, u := range vi.uses {
		if e, ok := s.defs[u]; ok && e.item.Kind == cell.Type {
			return true
		}
	}
	return false
}

type cellVal struct {
	name, typ string
	v         reflect.Value
}

// setValue sets dst to v, reporting false if their types differ.
func setValue(dst, v reflect.Value) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	if !dst.IsValid() || !dst.CanSet() || dst.Type() != v.Type() {
		return false
	}
	dst.Set(v)
	return true
}

// cellTypeExpr finds, by asking the old interpreter, which of a few type
// expressions over the cell-defined types (T, *T, []T, []*T, map[string]T,
// map[string]*T) variable n has, skipping stale (redefined) types and the
// types built on them. It returns "" if none matches.
func (s *Session) cellTypeExpr(old *interp.Interpreter, n string, stale map[string]bool) (te string) {
	bad := map[string]bool{}
	for k := range stale {
		bad[k] = true
	}
	for grew := true; grew; {
		grew = false
		for name, e := range s.defs {
			if e.item.Kind != cell.Type || bad[name] {
				continue
			}
			for _, u := range e.item.Uses {
				if bad[u] {
					bad[name], grew = true, true
					break
				}
			}
		}
	}
	var cands []string
	for name, e := range s.defs {
		if e.item.Kind == cell.Type && !bad[name] && len(e.item.Names) == 1 {
			for _, f := range []string{"%s", "*%s", "[]%s", "[]*%s", "map[string]%s", "map[string]*%s"} {
				cands = append(cands, fmt.Sprintf(f, name))
			}
		}
	}
	if len(cands) == 0 {
		return ""
	}
	sort.Strings(cands)
	if g := s.vars[n].typ; g != "" && !bad[strings.TrimLeft(strings.TrimPrefix(strings.TrimLeft(g, "*[]"), "map[string]"), "*")] {
		// the guessed type first: yaegi's assertion cannot tell apart cell
		// structs with the same fields
		cands = append([]string{g}, cands...)
	}
	// comma-ok assertions: yaegi's type switch on a cell value misses
	var b strings.Builder
	b.WriteString(";\nfunc() int { var __tx any = " + n + ";")
	for i, c := range cands {
		fmt.Fprintf(&b, " if _, ok := __tx.(%s); ok { return %d };", c, i)
	}
	b.WriteString(" return -1 }()")
	defer func() {
		if recover() != nil {
			te = ""
		}
	}()
	r, err := old.Eval(b.String())
	if err != nil || !r.IsValid() || r.Kind() != reflect.Int {
		return ""
	}
	if i := int(r.Int()); i >= 0 && i < len(cands) {
		return cands[i]
	}
	return ""
}
