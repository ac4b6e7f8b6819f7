package kernel

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"

	"tandem.dev/tandem/kernel/cell"
)

// fixLiterals rewrites the composite literals of compiled struct types
// (train.Config{…}) that set an interface-typed field, so that the field is
// assigned after the literal is built:
//
//	train.Config{Epochs: 3, Progress: p}
//	→ func() train.Config { __tc := train.Config{Epochs: 3}; __tc.Progress = p; return __tc }()
//
// yaegi cannot put a value of a cell-defined type in an interface field of
// a compiled struct literal ("reflect.Set: value of type *struct {…} is not
// assignable to type train.Progress"), but the assignment works. Line
// numbers after the literal are kept. src is returned unchanged when it
// does not parse or has nothing to rewrite.
func (s *Session) fixLiterals(src string, kind cell.Kind) string {
	if !strings.Contains(src, "{") {
		return src
	}
	f, off, ok := parseSegment(src, kind, true)
	if !ok {
		return src
	}
	pkgs := s.pkgNames()
	var edits []splice
	ast.Inspect(f, func(n ast.Node) bool {
		var lit *ast.CompositeLit
		addr := false
		switch x := n.(type) {
		case *ast.UnaryExpr:
			if l, ok := x.X.(*ast.CompositeLit); ok && x.Op == token.AND {
				lit, addr = l, true
			}
		case *ast.CompositeLit:
			lit = x
		}
		if lit == nil {
			return true
		}
		sel, ok := lit.Type.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pk, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		path, ok := pkgs[pk.Name]
		if _, shadowed := s.vars[pk.Name]; !ok || shadowed {
			return true
		}
		tv := s.opts.Symbols[keyOf(s.opts.Symbols, path)][sel.Sel.Name]
		if !tv.IsValid() || tv.Kind() != reflect.Ptr || !tv.IsNil() || tv.Type().Elem().Kind() != reflect.Struct {
			return true
		}
		st := tv.Type().Elem()
		var moved []*ast.KeyValueExpr
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				return true
			}
			k, ok := kv.Key.(*ast.Ident)
			if !ok {
				return true
			}
			if sf, ok := st.FieldByName(k.Name); ok && sf.Type.Kind() == reflect.Interface && sf.Type.NumMethod() > 0 {
				if id, ok := kv.Value.(*ast.Ident); ok && id.Name == "nil" {
					continue
				}
				moved = append(moved, kv)
			}
		}
		if len(moved) == 0 {
			return true
		}
		var start int
		if addr {
			start = off(n.Pos())
		} else {
			start = off(lit.Pos())
		}
		end := off(lit.End())
		if start < 0 || end > len(src) {
			return true
		}
		// the literal without the moved elements; their newlines stay so
		// that later lines keep their numbers
		body := src[off(lit.Lbrace)+1 : off(lit.Rbrace)]
		base := off(lit.Lbrace) + 1
		for i := len(moved) - 1; i >= 0; i-- {
			a, b := off(moved[i].Pos())-base, off(moved[i].End())-base
			if rest := body[b:]; strings.HasPrefix(strings.TrimLeft(rest, " \t"), ",") {
				b += strings.Index(rest, ",") + 1
			}
			body = body[:a] + body[b:]
		}
		typ := src[off(lit.Type.Pos()):off(lit.Type.End())]
		var t strings.Builder
		rt := typ
		amp := ""
		if addr {
			rt, amp = "*"+typ, "&"
		}
		t.WriteString("func() " + rt + " { __tc := " + amp + typ + "{" + body + "}; ")
		for _, kv := range moved {
			t.WriteString("__tc." + kv.Key.(*ast.Ident).Name + " = " + src[off(kv.Value.Pos()):off(kv.Value.End())] + "; ")
		}
		t.WriteString("return __tc }()")
		edits = append(edits, splice{start, end, t.String()})
		return false // an inner literal is left as it is
	})
	return applySplices(src, edits)
}

// fixAllLiterals applies fixLiterals, fixFuncVars and fixShapedMethods to
// the segments of c and to their items (which replays evaluate).
func (s *Session) fixAllLiterals(c *cell.Cell) {
	for i := range c.Segments {
		seg := &c.Segments[i]
		seg.Src = s.fixShapedMethods(s.fixFuncVars(s.fixLiterals(seg.Src, seg.Kind), seg.Kind), seg.Kind)
		for j := range seg.Items {
			seg.Items[j].Src = s.fixShapedMethods(s.fixFuncVars(s.fixLiterals(seg.Items[j].Src, seg.Kind), seg.Kind), seg.Kind)
		}
	}
}

// setFunc stores f in the compiled package variable name of the package
// with import path path (see fixFuncVars).
func (s *Session) setFunc(path, name string, f any) {
	v := s.opts.Symbols[keyOf(s.opts.Symbols, path)][name]
	if !v.IsValid() || !v.CanSet() || v.Kind() != reflect.Func {
		panic("cannot assign to " + path + "." + name)
	}
	if f == nil {
		v.Set(reflect.Zero(v.Type()))
		return
	}
	fv := reflect.ValueOf(f)
	if !fv.Type().AssignableTo(v.Type()) {
		if !fv.Type().ConvertibleTo(v.Type()) {
			panic("cannot use " + fv.Type().String() + " as " + v.Type().String() + " in assignment to " + name)
		}
		fv = fv.Convert(v.Type())
	}
	v.Set(fv)
}

// fixFuncVars rewrites an assignment to a compiled package's func variable
// (train.DefaultProgress = f), which yaegi silently loses, into a call of
// the kernel's setter, which stores the function where compiled code sees
// it. Only statements of the form pkg.Var = expr are rewritten.
func (s *Session) fixFuncVars(src string, kind cell.Kind) string {
	if !strings.Contains(src, "=") {
		return src
	}
	f, off, ok := parseSegment(src, kind, false)
	if !ok {
		return src
	}
	pkgs := s.pkgNames()
	var edits []splice
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		sel, ok := as.Lhs[0].(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pk, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		path, ok := pkgs[pk.Name]
		if _, shadowed := s.vars[pk.Name]; !ok || shadowed {
			return true
		}
		v := s.opts.Symbols[keyOf(s.opts.Symbols, path)][sel.Sel.Name]
		if !v.IsValid() || !v.CanSet() || v.Kind() != reflect.Func {
			return true
		}
		start, end := off(as.Pos()), off(as.End())
		if start < 0 || end > len(src) {
			return true
		}
		rhs := src[off(as.Rhs[0].Pos()):off(as.Rhs[0].End())]
		edits = append(edits, splice{start, end, cell.HelperAlias + ".SetFunc(" + quote(path) + ", " + quote(sel.Sel.Name) + ", " + rhs + ")"})
		return true
	})
	return applySplices(src, edits)
}

// fixShapedMethods rewrites x.M(v), where x is a session variable of a
// compiled type whose method M takes one `any` (display's Handle.Update,
// widget's Output.Show), into x.M(__tk.Shape(v)): yaegi wraps a cell value
// in a render shape only for the functions listed in MapTypes, which
// methods cannot be, and Shape is one.
func (s *Session) fixShapedMethods(src string, kind cell.Kind) string {
	if !strings.Contains(src, ".") {
		return src
	}
	f, off, ok := parseSegment(src, kind, true)
	if !ok {
		return src
	}
	anyT := reflect.TypeOf((*any)(nil)).Elem()
	var edits []splice
	// the types of variables this code defines from a compiled call
	// (h := display.Show(…)), and of the session's variables
	pkgs := s.pkgNames()
	local := map[string]reflect.Type{}
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			call, ok2 := as.Rhs[i].(*ast.CallExpr)
			if !ok || !ok2 {
				continue
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				continue
			}
			pk, ok := sel.X.(*ast.Ident)
			if !ok || pkgs[pk.Name] == "" {
				continue
			}
			fv := s.opts.Symbols[keyOf(s.opts.Symbols, pkgs[pk.Name])][sel.Sel.Name]
			if fv.IsValid() && fv.Kind() == reflect.Func && fv.Type().NumOut() >= 1 {
				local[id.Name] = fv.Type().Out(0)
			}
		}
		return true
	})
	var globals map[string]reflect.Value // read once, when first needed
	typeOf := func(name string) reflect.Type {
		if t, ok := local[name]; ok {
			return t
		}
		if _, ok := s.vars[name]; !ok {
			return nil
		}
		if globals == nil {
			globals, _ = s.globals()
		}
		if v, ok := globals[name]; ok && v.IsValid() && v.Kind() != reflect.Interface {
			return v.Type()
		}
		return nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 || call.Ellipsis.IsValid() {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		t := typeOf(x.Name)
		if t == nil {
			return true
		}
		m, ok := t.MethodByName(sel.Sel.Name)
		if !ok || m.Type.NumIn() != 2 || m.Type.In(1) != anyT {
			return true
		}
		if t.Kind() == reflect.Ptr && t.Elem().PkgPath() == "" || t.Kind() != reflect.Ptr && t.PkgPath() == "" {
			return true // not a named compiled type (cell types have none)
		}
		a, b := off(call.Args[0].Pos()), off(call.Args[0].End())
		if a < 0 || b > len(src) {
			return true
		}
		edits = append(edits, splice{b, b, ")"}, splice{a, a, cell.HelperAlias + ".Shape("})
		return true
	})
	return applySplices(src, edits)
}

// parseSegment parses a segment of the given kind as Go, wrapped so that it
// is a file (statements in a func body, an expression in a list when
// withExpr). off maps a position back to a byte offset in src. ok is false
// for another kind or code that does not parse.
func parseSegment(src string, kind cell.Kind, withExpr bool) (f *ast.File, off func(token.Pos) int, ok bool) {
	var head, tail string
	switch {
	case kind == cell.Decl:
		head = "package p\n"
	case kind == cell.Stmt:
		head, tail = "package p\nfunc _() {\n", "\n}"
	case kind == cell.Expr && withExpr:
		head, tail = "package p\nvar _ = []any{\n", ",\n}"
	default:
		return nil, nil, false
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", head+src+tail, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, false
	}
	return f, func(p token.Pos) int { return fset.Position(p).Offset - len(head) }, true
}

// splice replaces src[start:end] with text (an insertion when start == end).
type splice struct {
	start, end int
	text       string
}

// applySplices applies non-overlapping splices to src, last first, so that
// earlier offsets stay valid.
func applySplices(src string, edits []splice) string {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	for _, e := range edits {
		src = src[:e.start] + e.text + src[e.end:]
	}
	return src
}
