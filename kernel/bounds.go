package kernel

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
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
	text := func(e ast.Node) string { return src[e.Pos()-1 : e.End()-1] }
	detail := ""
	ast.Inspect(f, func(n ast.Node) bool {
		if detail != "" {
			return false
		}
		switch x := n.(type) {
		case *ast.IndexExpr:
			if slice || !plain(x.X) || !plain(x.Index) {
				return true
			}
			k, n, ok := s.lenOf(text(x.X), false)
			i, ok2 := s.intOf(text(x.Index))
			if ok && ok2 && k != reflect.Map && (i < 0 || i >= n) {
				if i < 0 {
					detail = fmt.Sprintf("[%d]", i)
				} else {
					detail = fmt.Sprintf("[%d] with length %d", i, n)
				}
			}
		case *ast.SliceExpr:
			if !slice || x.Slice3 || !plain(x.X) || !plain(x.Low) || !plain(x.High) {
				return true
			}
			k, c, ok := s.lenOf(text(x.X), true)
			if !ok {
				return true
			}
			_, n, _ := s.lenOf(text(x.X), false)
			lo, hi := int64(0), n
			if x.Low != nil {
				if lo, ok = s.intOf(text(x.Low)); !ok {
					return true
				}
			}
			if x.High != nil {
				if hi, ok = s.intOf(text(x.High)); !ok {
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
