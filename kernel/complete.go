package kernel

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"tandem.dev/tandem/kernel/cell"
)

var builtins = []string{"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make",
	"max", "min", "new", "panic", "print", "println", "real", "recover",
	"bool", "byte", "complex128", "complex64", "error", "float32", "float64", "int", "int16", "int32",
	"int64", "int8", "rune", "string", "uint", "uint16", "uint32", "uint64", "uint8", "uintptr", "any",
	"true", "false", "nil", "iota"}

func isIdent(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordAt returns the identifier around byte offset pos (start, end) and,
// if it follows "x.", the offset range of x.
func wordAt(code string, pos int) (start, end, qs, qe int) {
	if pos > len(code) {
		pos = len(code)
	}
	if pos < 0 {
		pos = 0
	}
	start = pos
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(code[:start])
		if !isIdent(r) {
			break
		}
		start -= n
	}
	end = pos
	for end < len(code) {
		r, n := utf8.DecodeRuneInString(code[end:])
		if !isIdent(r) {
			break
		}
		end += n
	}
	qs, qe = -1, -1
	if start > 0 && code[start-1] == '.' {
		qe = start - 1
		qs = qe
		for qs > 0 {
			r, n := utf8.DecodeLastRuneInString(code[:qs])
			if !isIdent(r) {
				break
			}
			qs -= n
		}
	}
	return
}

// Complete returns completions at byte offset pos of code: session
// variables, funcs and types, packages (imported and preloaded) and their
// exported members, fields and methods after "x.", keywords and builtins.
func (s *Session) Complete(code string, pos int) Completion {
	start, _, qs, qe := wordAt(code, pos)
	if pos > len(code) {
		pos = len(code)
	}
	prefix := code[start:pos]
	c := Completion{CursorStart: start, CursorEnd: pos, Matches: []string{}}
	r, unlock := s.reader()
	defer unlock()
	var cands []string
	if qs >= 0 && qs < qe {
		x := code[qs:qe]
		cands = r.members(x)
		if len(cands) == 0 {
			// a variable of the code being written (a local, or one the
			// cell defines before it runs): its type from its definition
			if te := r.localType(code[:qs], x); te != "" {
				cands = r.typeMembers(te)
			}
		}
	} else {
		cands = r.names()
	}
	seen := map[string]bool{}
	for _, n := range cands {
		if strings.HasPrefix(n, prefix) && !strings.HasPrefix(n, cell.Reserved) && !seen[n] {
			seen[n] = true
			c.Matches = append(c.Matches, n)
		}
	}
	sort.Strings(c.Matches)
	return c
}

// names lists the top-level names a cell can use.
func (s *Session) names() []string {
	var l []string
	for n := range s.vars {
		l = append(l, n)
	}
	for n, e := range s.defs {
		if e.item.Kind != cell.Method {
			l = append(l, n)
		}
	}
	for n := range s.pkgNames() {
		l = append(l, n)
	}
	for i := token.BREAK; i < token.TILDE; i++ {
		if i.IsKeyword() {
			l = append(l, i.String())
		}
	}
	return append(l, builtins...)
}

// pkgNames maps the package names cells can use to their import paths.
// The caller holds s.mu.
func (s *Session) pkgNames() map[string]string {
	m := map[string]string{}
	for _, p := range s.opts.Preload {
		if k := keyOf(s.opts.Symbols, p); k != "" {
			m[k[strings.LastIndexByte(k, '/')+1:]] = p
		}
	}
	for n, p := range s.imported {
		m[n] = p
	}
	return m
}

// members lists what may follow "x.".
func (s *Session) members(x string) []string {
	if p, ok := s.pkgNames()[x]; ok {
		if _, isVar := s.vars[x]; !isVar {
			var l []string
			for n := range s.opts.Symbols[keyOf(s.opts.Symbols, p)] {
				l = append(l, n)
			}
			return l
		}
	}
	var l []string
	vi, ok := s.vars[x]
	if !ok {
		// a type name: its methods
		return s.methodsOf(x)
	}
	l = append(l, s.methodsOf(vi.typ)...)
	if s.running.Load() || s.in == nil {
		return l
	}
	v := s.global(x)
	if !v.IsValid() {
		return l
	}
	t := v.Type()
	if t.Kind() == reflect.Interface && !v.IsNil() {
		t = v.Elem().Type()
	}
	for _, tt := range []reflect.Type{t, reflect.PointerTo(t)} {
		for i := 0; i < tt.NumMethod(); i++ {
			l = append(l, tt.Method(i).Name)
		}
	}
	if t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).Type == typeTagType {
				continue // the field that keeps a cell struct type apart
			}
			n := t.Field(i).Name
			// yaegi exports unexported fields of cell structs as "X"+name
			if r := strings.TrimPrefix(n, "X"); t.Name() == "" && r != n && r != "" && unicode.IsLower([]rune(r)[0]) {
				n = r
			}
			l = append(l, n)
		}
	}
	return l
}

// methodsOf lists the methods cells declared on type t. The caller holds s.mu.
func (s *Session) methodsOf(t string) []string {
	if t == "" {
		return nil
	}
	var l []string
	for n, e := range s.defs {
		if e.item.Kind == cell.Method && e.item.Recv == t {
			l = append(l, n[len(t)+1:])
		}
	}
	return l
}

// Inspect returns the signature and documentation of the symbol at byte
// offset pos of code.
func (s *Session) Inspect(code string, pos int) Inspection {
	start, end, qs, qe := wordAt(code, pos)
	name := code[start:end]
	if name == "" {
		return Inspection{}
	}
	s, unlock := s.reader()
	defer unlock()
	if qs >= 0 && qs < qe {
		x := code[qs:qe]
		if p, ok := s.pkgNames()[x]; ok {
			sym, ok := s.opts.Symbols[keyOf(s.opts.Symbols, p)][name]
			if !ok {
				return Inspection{}
			}
			if d := docFor(p, name); d != "" {
				return Inspection{Found: true, Text: d}
			}
			return Inspection{Found: true, Text: describe(x+"."+name, sym)}
		}
		if vi, ok := s.vars[x]; ok {
			if e, ok := s.defs[vi.typ+"."+name]; ok {
				return Inspection{Found: true, Text: itemText(e)}
			}
			if s.in != nil {
				if v := s.global(x); v.IsValid() {
					t := v.Type()
					if t.Kind() == reflect.Ptr {
						t = t.Elem()
					}
					if d := docs[t.PkgPath()+"."+t.Name()+"."+name]; d != "" && t.Name() != "" {
						return Inspection{Found: true, Text: d}
					}
					if d := memberText(v, name); d != "" {
						return Inspection{Found: true, Text: d}
					}
				}
			}
		}
		if e, ok := s.defs[x+"."+name]; ok {
			return Inspection{Found: true, Text: itemText(e)}
		}
		return Inspection{}
	}
	if e, ok := s.defs[name]; ok && (e.item.Kind != cell.Closure || e.item.Sig != "") {
		return Inspection{Found: true, Text: itemText(e)}
	}
	if vi, ok := s.vars[name]; ok && s.in != nil && !s.running.Load() {
		v := s.global(name)
		if v.IsValid() {
			t := v.Type().String()
			if vi.typ != "" {
				t = vi.typ
			}
			if v.Kind() == reflect.Func {
				// a func value prints as an address: its type says it all
				return Inspection{Found: true, Text: fmt.Sprintf("var %s %s (cell %d)", name, t, vi.cell)}
			}
			val := fmt.Sprintf("%v", v)
			if len(val) > 200 {
				val = val[:200] + "…"
			}
			return Inspection{Found: true, Text: fmt.Sprintf("var %s %s (cell %d)\n\n%s", name, t, vi.cell, val)}
		}
	}
	if vi, ok := s.vars[name]; ok {
		// a cell is running: no reflection on values
		return Inspection{Found: true, Text: strings.TrimSpace(fmt.Sprintf("var %s %s", name, vi.typ)) + fmt.Sprintf(" (cell %d)", vi.cell)}
	}
	if d := docs["builtin."+name]; d != "" && !s.defined(name) {
		return Inspection{Found: true, Text: d}
	}
	if p, ok := s.pkgNames()[name]; ok {
		text := "package " + name + " // import " + quote(p)
		if d := docFor(p, ""); d != "" {
			text += "\n\n" + d
		}
		return Inspection{Found: true, Text: text}
	}
	return Inspection{}
}

// memberText describes field or method name of a value by reflection:
// "field Loss []float64 (of train.History)", a method's signature.
func memberText(v reflect.Value, name string) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	t := v.Type()
	for _, tt := range []reflect.Type{t, reflect.PointerTo(t)} {
		if m, ok := tt.MethodByName(name); ok {
			var in, out []string
			for i := 1; i < m.Type.NumIn(); i++ {
				in = append(in, m.Type.In(i).String())
			}
			if m.Type.IsVariadic() {
				in[len(in)-1] = "..." + strings.TrimPrefix(in[len(in)-1], "[]")
			}
			for i := 0; i < m.Type.NumOut(); i++ {
				out = append(out, m.Type.Out(i).String())
			}
			res := strings.Join(out, ", ")
			if len(out) > 1 {
				res = "(" + res + ")"
			}
			return strings.TrimSpace("func (" + tt.String() + ") " + name + "(" + strings.Join(in, ", ") + ") " + res)
		}
	}
	if t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	f, ok := t.FieldByName(name)
	if !ok {
		f, ok = t.FieldByName("X" + name) // yaegi's name of an unexported field
	}
	if !ok || f.Type == typeTagType {
		return ""
	}
	of := t.String()
	if t.Name() == "" {
		of = "a type defined in a cell"
	}
	return fmt.Sprintf("field %s %s (of %s)", name, f.Type, of)
}

func itemText(e *entry) string {
	t := e.item.Sig
	if e.item.Doc != "" {
		t += "\n\n" + strings.TrimSpace(e.item.Doc)
	}
	return t + fmt.Sprintf("\n\n(defined in cell %d)", e.cell)
}

// describe renders a compiled symbol: a func's signature, a type, a var.
func describe(name string, v reflect.Value) string {
	if !v.IsValid() {
		return name
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Func:
		return "func " + name + strings.TrimPrefix(t.String(), "func")
	case t.Kind() == reflect.Ptr && v.IsNil():
		e := t.Elem()
		return "type " + name + " " + kindText(e)
	case v.CanAddr():
		return "var " + name + " " + t.String()
	}
	return "const " + name + " = " + fmt.Sprint(v.Interface())
}

func kindText(t reflect.Type) string {
	if t.Kind() == reflect.Struct {
		var b strings.Builder
		b.WriteString("struct {")
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.IsExported() {
				fmt.Fprintf(&b, "\n\t%s %s", f.Name, f.Type)
			}
		}
		b.WriteString("\n}")
		return b.String()
	}
	return t.Kind().String()
}

// docFor returns the documentation of a package member ("" for the
// package itself), from the table generated at go generate time.
func docFor(path, name string) string {
	if name == "" {
		return docs[path]
	}
	return docs[path+"."+name]
}

// IsComplete reports "complete", "incomplete" or "invalid" and, for
// incomplete code, the indent of the next line.
func (s *Session) IsComplete(code string) (status, indent string) {
	return cell.Status(code)
}

// snapshot is what Complete and Inspect read while a cell runs.
type snapshot struct {
	vars     map[string]varInfo
	defs     map[string]*entry
	imported map[string]string
}

// takeSnapshot records the session's names. The caller holds s.mu.
func (s *Session) takeSnapshot() {
	sn := &snapshot{vars: map[string]varInfo{}, defs: map[string]*entry{}, imported: map[string]string{}}
	for k, v := range s.vars {
		sn.vars[k] = v
	}
	for k, v := range s.defs {
		sn.defs[k] = v
	}
	for k, v := range s.imported {
		sn.imported[k] = v
	}
	s.snap.Store(sn)
}

// reader returns the session to read names from: s itself, locked, when no
// cell runs; otherwise a view of the snapshot taken after the last cell
// (with no interpreter, so no reflection on values).
func (s *Session) reader() (*Session, func()) {
	if s.mu.TryLock() {
		return s, s.mu.Unlock
	}
	sn := s.snap.Load()
	if sn == nil {
		sn = &snapshot{}
	}
	return &Session{opts: s.opts, vars: sn.vars, defs: sn.defs, imported: sn.imported}, func() {}
}

var typeTagType = reflect.TypeOf(typeTag{})

// localDef finds the latest definition of variable x in code:
// `x := T{`, `x := &T{`, `var x T`, `var x = T{`, `x := f(`,
// `x := pkg.F(` (group 1 is the type or the callee) and a parameter
// `(x T` or `, x *T` (group 2 is the type).
func localDef(x string) *regexp.Regexp {
	q := regexp.QuoteMeta(x)
	return regexp.MustCompile(`(?:\b` + q + `\s*:=\s*|\bvar\s+` + q + `\s*=\s*)&?([A-Za-z_][\w.]*)\s*[{(]|(?:\bvar\s+|[(,]\s*)` + q + `\s+\*?([A-Za-z_][\w.]*)`)
}

// localType returns the type, as source, of a variable that code before
// the cursor defines, "" if it cannot tell. A call gives its callee's
// single result type: a cell func's declared one, or a compiled func's.
func (s *Session) localType(before, x string) string {
	ms := localDef(x).FindAllStringSubmatch(before, -1)
	if len(ms) == 0 {
		return ""
	}
	m := ms[len(ms)-1]
	if m[2] != "" {
		return m[2]
	}
	name := m[1]
	if !strings.HasSuffix(m[0], "(") {
		return name // a composite literal
	}
	if e, ok := s.defs[name]; ok && e.item.Kind == cell.Func && e.item.Results == 1 {
		sig := e.item.Sig
		if i := strings.LastIndexByte(sig, ')'); i >= 0 {
			return strings.TrimLeft(strings.TrimSpace(sig[i+1:]), "*")
		}
	}
	if e, ok := s.defs[name]; ok && e.item.Kind == cell.Type {
		return name // a conversion
	}
	if pkg, fn, ok := strings.Cut(name, "."); ok {
		if p, ok := s.pkgNames()[pkg]; ok {
			if v := s.opts.Symbols[keyOf(s.opts.Symbols, p)][fn]; v.IsValid() && v.Kind() == reflect.Func && v.Type().NumOut() >= 1 {
				return "\x00" + v.Type().Out(0).String() + "\x00" + pkg + "." + fn
			}
		}
	}
	return ""
}

// typeMembers lists the fields and methods of a type written as source:
// a cell type (its declared fields and the cells' methods), a compiled
// package type (pkg.T), or the result type of a compiled func (as
// localType encodes it).
func (s *Session) typeMembers(te string) []string {
	var t reflect.Type
	if rest, ok := strings.CutPrefix(te, "\x00"); ok {
		_, call, _ := strings.Cut(rest, "\x00")
		pkg, fn, _ := strings.Cut(call, ".")
		t = s.opts.Symbols[keyOf(s.opts.Symbols, s.pkgNames()[pkg])][fn].Type().Out(0)
	} else if pkg, name, ok := strings.Cut(te, "."); ok {
		p, ok := s.pkgNames()[pkg]
		if !ok {
			return nil
		}
		v := s.opts.Symbols[keyOf(s.opts.Symbols, p)][name]
		if !v.IsValid() || v.Kind() != reflect.Ptr || !v.IsNil() {
			return nil // not a type
		}
		t = v.Type().Elem()
	} else if e, ok := s.defs[te]; ok && e.item.Kind == cell.Type {
		l := s.methodsOf(te)
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+e.item.Sig, 0)
		if err != nil {
			return l
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if st, ok := ts.Type.(*ast.StructType); ok {
					for _, fl := range st.Fields.List {
						for _, nm := range fl.Names {
							l = append(l, nm.Name)
						}
						if len(fl.Names) == 0 { // embedded
							l = append(l, strings.TrimLeft(exprText(fl.Type), "*"))
						}
					}
				}
				return false
			}
			return true
		})
		return l
	}
	if t == nil {
		return nil
	}
	var l []string
	base := t
	if base.Kind() == reflect.Ptr {
		base = base.Elem()
	}
	for _, tt := range []reflect.Type{base, reflect.PointerTo(base)} {
		for i := 0; i < tt.NumMethod(); i++ {
			l = append(l, tt.Method(i).Name)
		}
	}
	if base.Kind() == reflect.Struct {
		for i := 0; i < base.NumField(); i++ {
			if f := base.Field(i); f.IsExported() {
				l = append(l, f.Name)
			}
		}
	}
	return l
}

// exprText is the name of an embedded field's type.
func exprText(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.StarExpr:
		return exprText(x.X)
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}
