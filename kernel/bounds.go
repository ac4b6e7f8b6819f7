package kernel

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"reflect"
	"strings"

	"tandem.dev/tandem/kernel/cell"
)

// boundsDetail returns Go's detail for an index or slice-bounds panic
// ("[5] with length 2", "[:5] with capacity 2") of a statement at the top
// level of the running cell, found again after the panic: yaegi panics
// through reflect, whose messages carry no values. The statement's index
// and slice expressions are evaluated again when they are plain (names,
// selectors, literals, arithmetic, indexing, len and cap), so this has no
// side effects; the first one out of range gives the detail. It returns ""
// when the statement spans lines, the operands are not plain, or none is
// out of range (e.g. the panic came from inside a call).
func (s *Session) boundsDetail(line, col int, slice bool) string {
	lines := strings.Split(s.cur, "\n")
	if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 {
		return ""
	}
	stmt := lines[line-1][col-1:]
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+stmt+"\n}", 0)
	if err != nil {
		return ""
	}
	src := "package p\nfunc _() {\n" + stmt + "\n}"
	text := func(e ast.Expr) (string, bool) {
		if e == nil {
			return "", true
		}
		return src[e.Pos()-1 : e.End()-1], plain(e)
	}
	return s.detailIn(f, text, slice)
}

// detailIn finds the first index or slice expression under root whose
// operands, as text gives them for evaluation at the top level (false if
// they cannot be), are out of range, and returns Go's detail for it.
func (s *Session) detailIn(root ast.Node, text func(ast.Expr) (string, bool), slice bool) string {
	detail := ""
	ast.Inspect(root, func(n ast.Node) bool {
		if detail != "" {
			return false
		}
		switch x := n.(type) {
		case *ast.IndexExpr:
			xs, ok1 := text(x.X)
			is, ok2 := text(x.Index)
			if slice || !ok1 || !ok2 {
				return true
			}
			k, n, ok := s.lenOf(xs, false)
			i, ok3 := s.intOf(is)
			if ok && ok3 && k != reflect.Map && (i < 0 || i >= n) {
				if i < 0 {
					detail = fmt.Sprintf("[%d]", i)
				} else {
					detail = fmt.Sprintf("[%d] with length %d", i, n)
				}
			}
		case *ast.SliceExpr:
			xs, ok1 := text(x.X)
			ls, ok2 := text(x.Low)
			hs, ok3 := text(x.High)
			if !slice || x.Slice3 || !ok1 || !ok2 || !ok3 {
				return true
			}
			k, c, ok := s.lenOf(xs, true)
			if !ok {
				return true
			}
			_, n, _ := s.lenOf(xs, false)
			lo, hi := int64(0), n
			if x.Low != nil {
				if lo, ok = s.intOf(ls); !ok {
					return true
				}
			}
			if x.High != nil {
				if hi, ok = s.intOf(hs); !ok {
					return true
				}
			}
			what := "capacity"
			if k == reflect.String {
				what = "length"
			}
			switch {
			case hi < 0 || hi > c:
				detail = fmt.Sprintf("[:%d] with %s %d", hi, what, c)
			case lo < 0 || lo > hi:
				detail = fmt.Sprintf("[%d:%d]", lo, hi)
			}
		}
		return true
	})
	return detail
}

// plain reports whether e can be evaluated again without side effects.
func plain(e ast.Expr) bool {
	if e == nil {
		return true
	}
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case nil, *ast.Ident, *ast.BasicLit, *ast.ParenExpr, *ast.SelectorExpr, *ast.BinaryExpr, *ast.IndexExpr, *ast.StarExpr:
		case *ast.UnaryExpr:
			ok = ok && x.Op != token.ARROW
		case *ast.CallExpr:
			if id, isID := x.Fun.(*ast.Ident); !isID || (id.Name != "len" && id.Name != "cap") {
				ok = false
			}
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// evalValue evaluates a plain expression in the session.
func (s *Session) evalValue(expr string) (v reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
		if !ok {
			s.heal()
		}
	}()
	v, err := s.in.Eval(";" + expr)
	if err != nil || !v.IsValid() {
		return reflect.Value{}, false
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return v, true
}

// intOf evaluates an integer expression.
func (s *Session) intOf(expr string) (int64, bool) {
	v, ok := s.evalValue(expr)
	if !ok {
		return 0, false
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return int64(v.Uint()), true
	}
	return 0, false
}

// lenOf returns the kind of the value of expr and its length (its
// capacity when capacity is set and it is a slice).
func (s *Session) lenOf(expr string, capacity bool) (reflect.Kind, int64, bool) {
	v, ok := s.evalValue(expr)
	if !ok {
		return 0, 0, false
	}
	if v.Kind() == reflect.Ptr && !v.IsNil() && v.Elem().Kind() == reflect.Array {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice:
		if capacity {
			return v.Kind(), int64(v.Cap()), true
		}
		return v.Kind(), int64(v.Len()), true
	case reflect.Array, reflect.String:
		return v.Kind(), int64(v.Len()), true
	case reflect.Map:
		return v.Kind(), 0, true
	}
	return 0, 0, false
}

// funcBoundsDetail is boundsDetail for a panic in func fn (defined in a
// cell) called from the running cell's top level at call: fn's parameters
// are replaced by the call's arguments, so `s[i]` in fn(a, 5) is
// evaluated as a[5]. It gives up (returns "") unless every name in the
// operands is a parameter or a global, fn assigns neither its parameters
// nor the globals the arguments use and takes no address, and the
// arguments are plain.
func (s *Session) funcBoundsDetail(fn string, line, col int, call cell.Pos, slice bool) string {
	e, ok := s.defs[fn]
	if !ok || e.item.Kind != cell.Func || e.item.Generic {
		return ""
	}
	fd, fsrc, first := s.funcSource(e)
	if fd == nil || fd.Body == nil || fd.Type.Params == nil {
		return ""
	}
	var params []string
	for _, f := range fd.Type.Params.List {
		if _, v := f.Type.(*ast.Ellipsis); v || len(f.Names) == 0 {
			return ""
		}
		for _, n := range f.Names {
			params = append(params, n.Name)
		}
	}
	args := s.callArgs(fn, call)
	if args == nil || len(args) != len(params) {
		return ""
	}
	argOf := map[string]string{}
	for i, p := range params {
		argOf[p] = args[i].text
	}
	// names the body declares or may change
	local, changed := map[string]bool{}, map[string]bool{}
	root := func(x ast.Expr) {
		for {
			switch y := x.(type) {
			case *ast.Ident:
				changed[y.Name] = true
				return
			case *ast.SelectorExpr:
				x = y.X
			case *ast.IndexExpr:
				x = y.X
			case *ast.StarExpr:
				x = y.X
			case *ast.ParenExpr:
				x = y.X
			default:
				return
			}
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok && x.Tok == token.DEFINE {
					local[id.Name] = true
				}
				root(l)
			}
		case *ast.IncDecStmt:
			root(x.X)
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				root(x.X)
			}
		case *ast.ValueSpec:
			for _, id := range x.Names {
				local[id.Name] = true
			}
		case *ast.RangeStmt:
			for _, k := range []ast.Expr{x.Key, x.Value} {
				if id, ok := k.(*ast.Ident); ok {
					local[id.Name] = true
				}
			}
		case *ast.FuncLit:
			for _, f := range x.Type.Params.List {
				for _, id := range f.Names {
					local[id.Name] = true
				}
			}
		}
		return true
	})
	for _, p := range params {
		if changed[p] || local[p] {
			return ""
		}
	}
	for _, a := range args {
		for _, n := range a.names {
			if changed[n] {
				return ""
			}
		}
	}
	// the failing statement: the body's statement at line:col
	var stmt ast.Stmt
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if st, ok := n.(ast.Stmt); ok && stmt == nil {
			p := fsrc.Position(st.Pos())
			if p.Line-1+first == line && p.Column == col {
				if _, block := st.(*ast.BlockStmt); !block {
					stmt = st
				}
			}
		}
		return stmt == nil
	})
	if stmt == nil {
		return ""
	}
	src := fsrc.Src
	text := func(x ast.Expr) (string, bool) {
		if x == nil {
			return "", true
		}
		if !plain(x) {
			return "", false
		}
		base := fsrc.Base
		var b strings.Builder
		cur := int(x.Pos()) - base
		good := true
		ast.Inspect(x, func(n ast.Node) bool {
			switch y := n.(type) {
			case *ast.SelectorExpr:
				ast.Inspect(y.X, func(m ast.Node) bool { // not the selected name
					if id, ok := m.(*ast.Ident); ok {
						if !s.substitute(id, argOf, local, &b, src, &cur, base) {
							good = false
						}
					}
					return true
				})
				return false
			case *ast.Ident:
				if !s.substitute(y, argOf, local, &b, src, &cur, base) {
					good = false
				}
			}
			return true
		})
		b.WriteString(src[cur : int(x.End())-base])
		return b.String(), good
	}
	return s.detailIn(stmt, text, slice)
}

// substitute writes the source up to identifier id and, for a parameter,
// its argument in parentheses; it reports false for a local name.
func (s *Session) substitute(id *ast.Ident, argOf map[string]string, local map[string]bool, b *strings.Builder, src string, cur *int, base int) bool {
	if local[id.Name] {
		return false
	}
	a, isParam := argOf[id.Name]
	if !isParam {
		return true // a global, a package, len or cap
	}
	p := int(id.Pos()) - base
	b.WriteString(src[*cur:p])
	b.WriteString("(" + a + ")")
	*cur = p + len(id.Name)
	return true
}

// funcFile is a func's source as parsed again for funcBoundsDetail.
type funcFile struct {
	*token.File
	Src  string
	Base int
}

// funcSource parses the declaration of a func again from its cell's
// source: the decl, its file and the cell line of the file's first line.
func (s *Session) funcSource(e *entry) (*ast.FuncDecl, *funcFile, int) {
	src, ok := s.sources[e.cell]
	if !ok {
		return nil, nil, 0
	}
	lines := strings.Split(src, "\n")
	if e.item.Line < 1 || e.item.Line > len(lines) {
		return nil, nil, 0
	}
	rest := lines[e.item.Line-1:]
	for k := 1; k <= len(rest) && k <= 2000; k++ {
		text := "package p\n" + strings.Join(rest[:k], "\n")
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "", text, parser.SkipObjectResolution)
		if err != nil {
			continue // not a whole declaration yet
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == e.item.Names[0] {
				tf := fset.File(fd.Pos())
				// the file's line 2 is the cell's line e.item.Line
				return fd, &funcFile{File: tf, Src: text, Base: tf.Base()}, e.item.Line - 1
			}
		}
	}
	return nil, nil, 0
}

// callArg is an argument of a top-level call: its source and the names it
// uses.
type callArg struct {
	text  string
	names []string
}

// callArgs returns the plain arguments of the call of fn at pos in the
// running cell, nil if there is no such call or an argument is not plain.
func (s *Session) callArgs(fn string, pos cell.Pos) []callArg {
	lines := strings.Split(s.cur, "\n")
	if pos.Line < 1 || pos.Line > len(lines) || pos.Col < 1 || pos.Col > len(lines[pos.Line-1]) {
		return nil
	}
	src := strings.Join(lines[pos.Line-1:], "\n")[pos.Col-1:]
	// the call ends at the parenthesis that closes its arguments
	depth, end := 0, -1
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", -1, len(src)), []byte(src), nil, 0)
	for {
		p, tok, _ := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.LPAREN {
			depth++
		} else if tok == token.RPAREN {
			depth--
			if depth == 0 {
				end = int(p) // the offset after ')' (the file's base is 1)
				break
			}
		}
	}
	if end < 0 {
		return nil
	}
	x, err := parser.ParseExpr(src[:end])
	if err != nil {
		return nil
	}
	c, ok := x.(*ast.CallExpr)
	if !ok || c.Ellipsis.IsValid() {
		return nil
	}
	if id, ok := c.Fun.(*ast.Ident); !ok || id.Name != fn {
		return nil
	}
	out := []callArg{}
	for _, a := range c.Args {
		if !plain(a) {
			return nil
		}
		ca := callArg{text: src[a.Pos()-1 : a.End()-1]}
		ast.Inspect(a, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				ca.names = append(ca.names, id.Name)
			}
			return true
		})
		out = append(out, ca)
	}
	return out
}
