package cell

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Names the rewriter uses in the interpreter. They start with Reserved, so
// they cannot collide with the names of ordinary Go code; completion hides
// them.
const (
	// File is the file name every segment is compiled under.
	File = "_.go"
	// HostAlias is the import name of tandem.dev/tandem/runtime/host.
	HostAlias = "__th"
	// HelperAlias is the import name of the kernel's compiled helpers
	// (Clear).
	HelperAlias = "__tk"
	// MarkVar is the int global that statement marks assign.
	MarkVar = "__tl"
	// MinFunc and MaxFunc are the interpreted generic helpers min and max
	// are rewritten to.
	MinFunc = "__tmin"
	MaxFunc = "__tmax"
	// HoistVar holds the value of a hoisted generic call (Segment.Hoist).
	HoistVar = "__tq"
	// MainFunc is what a cell's func main is renamed to; the cell calls it
	// once, after its other code.
	MainFunc = "__tmain"
	// TypeTag is the compiled zero-size type of the field the rewriter
	// adds to an empty cell struct type (see structTag): it formats as
	// nothing, so %v of the value stays "{}".
	TypeTag = HelperAlias + ".TypeTag"
	// SwitchVar binds the value of a type switch that does not.
	SwitchVar = "__tts"
	// TempVar prefixes the temporaries of a redefinition that reads the
	// variables it redefines (see redefine): TempVar0, TempVar1, …
	TempVar = "__tr"
	// Reserved prefixes every name above.
	Reserved = "__t"
)

// lineMult separates the cell from the line in an encoded line number.
// go/scanner rejects line numbers of 1<<30 and more, so cells are counted
// up to 107,373 and lines up to 9,999.
//
// BUG(session): positions past line 9,999 of a cell, or in cells past
// execution count 107,373, are reported wrongly.
const lineMult = 10_000

// Encode packs a cell's execution count and a 1-based line within it into
// the line number of a line directive.
func Encode(cell, line int) int { return cell*lineMult + line }

// Decode is the inverse of Encode. Line numbers that were not encoded
// (smaller than lineMult) decode to cell 0.
func Decode(enc int) (cell, line int) { return enc / lineMult, enc % lineMult }

// Directive returns the line directive that makes the next line start at
// line:col (1-based, bytes) of the cell. It ends with a newline.
func Directive(cell, line, col int) string {
	return "//line " + File + ":" + strconv.Itoa(Encode(cell, line)) + ":" + strconv.Itoa(col) + "\n"
}

// Mark returns an inline position comment: the character after it is at
// line:col of the cell.
func Mark(cell, line, col int) string {
	return "/*line " + File + ":" + strconv.Itoa(Encode(cell, line)) + ":" + strconv.Itoa(col) + "*/"
}

// Check is the cooperative interrupt check inserted at loop heads and
// function entries.
const Check = "if *" + HostAlias + ".Stop != 0 { " + HostAlias + ".Check() }; "

// Kind is the kind of a segment.
type Kind int

// Segment kinds, in the form yaegi needs them.
const (
	Import Kind = iota // import declarations (the kernel drops repeated ones)
	Decl               // type, func, method and const declarations: file mode
	Stmt               // statements (var declarations included): statement mode
	Expr               // the cell's final expression, displayed if it has a value
)

func (k Kind) String() string {
	return [...]string{"Import", "Decl", "Stmt", "Expr"}[k]
}

// ItemKind is the kind of a definition.
type ItemKind int

// Definition kinds.
const (
	Func    ItemKind = iota // func f()
	Method                  // func (T) M(); Names[0] is "T.M"
	Type                    // type T
	Const                   // const group
	Closure                 // f := func…{…} or var f = func…{…} at top level
)

// Item is one top-level definition, with the source to evaluate it again on
// its own (used to re-evaluate dependents of a redefined func and to replay
// declarations into a fresh interpreter).
type Item struct {
	Kind  ItemKind
	Names []string // defined names; "T.M" for a method
	Recv  string   // receiver base type of a method
	Src   string   // standalone source, starting with a line directive
	Uses  []string // identifiers it references (an over-approximation)
	Line  int      // 1-based line in the cell
	Sig   string   // declaration as written, without a func body
	Doc   string   // doc comment text
	// Results is the number of results of a func, method or closure.
	Results int
	// Generic is set for a func with type parameters.
	Generic bool
	// Calls maps the name of each func or method it calls (the selector
	// for x.M) to the positions of those calls, to tell call sites in a
	// panic's stack.
	Calls map[string][]Pos
}

// Pos is a position in a cell: 1-based line and column (bytes).
type Pos struct{ Line, Col int }

// ImportSpec is one import of a cell.
type ImportSpec struct {
	Name string // explicit name ("" if none, "_" or "." if so written)
	Path string
	Line int // 1-based
	Col  int // 1-based, bytes
}

// Segment is a run of code of one kind, evaluated with one Eval.
type Segment struct {
	Kind  Kind
	Src   string // code for Eval (Import: empty, see Imports; Expr: the bare expression)
	Line  int    // 1-based line of the segment's first code in the cell
	Col   int    // 1-based column, bytes
	Items []Item
	Vars  []string // top-level variables a Stmt segment defines
	// Hoist is set on a Stmt segment that computes a generic call's value
	// for `name := call`: the segment assigns it, as any, to HoistVar; the
	// kernel then defines name with the value's dynamic type.
	Hoist string
	// Direct is set with Hoist for `name := x[i]` and `var name = x[i]`:
	// yaegi cannot compile such a top-level definition when x has a
	// compiled type (an index of a slice from a compiled call: "constant
	// definition loop"), so the segment assigns a pointer to the value, as
	// any, to HoistVar, and the kernel defines name with the pointer's
	// element type, the static type of x[i]. Direct is the definition as
	// written, which the kernel evaluates instead when it compiles.
	Direct string
	// Then is code the kernel evaluates after Src, in an Eval of its own:
	// a redefinition that reads the variables it redefines sets
	// temporaries in Src and defines the variables from them in Then.
	Then string
	// Call describes an Expr segment that is a call: "f", "x.f" or
	// "x.y.f" for such callees, "?" for others, "" when the expression is not a call. The
	// kernel uses it to tell whether the expression has a single value to
	// display (yaegi does not check result counts).
	Call string
	// Calls maps callee names to call positions in the segment's top-level
	// code (outside func declarations); see Item.Calls.
	Calls map[string][]Pos
	// VarUses lists, for each of Vars, the identifiers its defining
	// statement mentions.
	VarUses map[string][]string
	// VarTypes guesses the type name of some Vars from their definition
	// (x := T{…}, &T{…}, var x T, new(T)); used for completion of cell types.
	VarTypes map[string]string
	Imports  []ImportSpec // for Import segments
}

// Cell is a split cell.
type Cell struct {
	Segments []Segment
}

// Options configure Split.
type Options struct {
	// Cell is the execution count encoded into positions.
	Cell int
	// NoChecks leaves out interrupt checks and statement marks (for tools
	// that only need the structure).
	NoChecks bool
	// TypeOf returns the Go type, as source, of a session global ("" if
	// unknown). It lets `for i := range n` and `v, ok := <-ch` be rewritten
	// when n or ch come from an earlier cell.
	TypeOf func(name string) string
	// Defined reports whether a top-level name was defined by the user in an
	// earlier cell; a user-defined min, max or clear is not rewritten.
	Defined func(name string) bool
	// Generic reports whether a session func (from an earlier cell) is
	// generic: yaegi cannot compile a top-level definition from a generic
	// call, so `x := G(…)` is hoisted (see Segment.Hoist).
	Generic func(name string) bool
	// RecoverGo makes goroutines started with `go func(){…}()` or `go f()`
	// recover a panic and report it (HelperAlias.GoPanic) instead of
	// crashing the process.
	RecoverGo bool
}

// Error is a cell that cannot be split: a syntax error or a construct the
// kernel refuses, with its position in the cell.
type Error struct {
	Line int // 1-based
	Col  int // 1-based, bytes; 0 if unknown
	Msg  string
}

func (e *Error) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%d: %s", e.Line, e.Msg)
}

// The parsed views put the cell on a line of its own after the prefix, so
// a comment on the cell's first line stays a doc comment.
const (
	declPrefix = "package p;\n"
	stmtPrefix = "package p;func _(){\n"
)

// Split parses src and returns its segments with every rewrite applied. A
// syntax error or a refused construct is returned as *Error.
func Split(src string, opt Options) (c *Cell, err error) {
	s := &splitter{src: src, opt: opt}
	s.lines = lineStarts(src)
	if err := s.parse(); err != nil {
		return nil, err
	}
	if err := s.rewrite(); err != nil {
		return nil, err
	}
	s.clampEdits()
	return s.segments(), nil
}

type node struct {
	kind Kind
	n    ast.Node
	pos  int // offset in src
	end  int
}

type edit struct {
	pos, end int
	text     string
	class    int // at one offset: 0 (outer openers) before 1 before 2 (outer closers)
	seq      int
}

type splitter struct {
	src     string
	opt     Options
	lines   []int
	fset    *token.FileSet
	nodes   []node
	edits   []edit
	ints    map[string]int // identifiers of the cell known to be integers (1) or not (-1)
	decl    map[string]bool
	base    map[*ast.File]int
	tmp     int
	main    *ast.FuncDecl          // a func main, renamed MainFunc and run at the end
	basic   map[string]string      // cell variables of a basic type, from their := ("" if ambiguous)
	types   map[string]string      // cell variables of a chan or func type, from their := ("" if ambiguous)
	hoist   map[int]string         // node offset → variable of a hoisted generic call
	hoistIx map[int][]int          // node offset → seqs of the edits that hoist an index expression
	then    map[int]string         // node offset → Segment.Then of a redefinition
	generic map[string]bool        // generic funcs the cell declares
	topType map[*ast.TypeSpec]bool // type specs at the top level of the cell
}

func lineStarts(s string) []int {
	l := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			l = append(l, i+1)
		}
	}
	return l
}

// lc returns the 1-based line and column of offset off.
func (s *splitter) lc(off int) (int, int) {
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - s.lines[i] + 1
}

// chunk is a byte range of src holding top-level code of one kind.
type chunk struct {
	kind       Kind
	start, end int
}

// chunks cuts src at the starts of top-level declarations and statements.
func chunks(src string) []chunk {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(f, []byte(src), func(token.Position, string) {}, 0)
	type tok struct {
		off int
		t   token.Token
		lit string
	}
	var toks []tok
	for {
		p, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{f.Offset(p), t, lit})
	}
	var out []chunk
	depth := 0
	atStart := true
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if atStart && depth == 0 && !(t.t == token.SEMICOLON) {
			k := Stmt
			switch t.t {
			case token.PACKAGE:
				if len(out) == 0 {
					k = packageClause // a pasted Go file: ignored
				}
			case token.IMPORT:
				k = Import
			case token.TYPE, token.CONST:
				k = Decl
			case token.FUNC:
				if i+1 < len(toks) && toks[i+1].t == token.IDENT {
					k = Decl
				} else if i+1 < len(toks) && toks[i+1].t == token.LPAREN {
					d, j := 0, i+1
					for ; j < len(toks); j++ {
						if toks[j].t == token.LPAREN {
							d++
						} else if toks[j].t == token.RPAREN {
							d--
							if d == 0 {
								break
							}
						}
					}
					if j+1 < len(toks) && toks[j+1].t == token.IDENT {
						k = Decl
					}
				}
			}
			if len(out) == 0 || out[len(out)-1].kind != k || k != Stmt {
				if len(out) > 0 {
					out[len(out)-1].end = t.off
				}
				out = append(out, chunk{kind: k, start: t.off})
			}
		}
		switch t.t {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if depth > 0 {
				depth--
			}
		}
		atStart = t.t == token.SEMICOLON
	}
	if len(out) > 0 {
		out[len(out)-1].end = len(src)
	}
	return out
}

// packageClause is the chunk kind of a leading package clause, which no
// view keeps.
const packageClause Kind = -1

// blank returns src with the bytes of the chunks not selected by keep
// replaced by spaces (newlines kept, so positions stay put).
func blank(src string, cs []chunk, keep func(Kind) bool) string {
	b := []byte(src)
	for _, c := range cs {
		if keep(c.kind) {
			continue
		}
		for i := c.start; i < c.end; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	return string(b)
}

func (s *splitter) parseErr(err error, prefix int) error {
	var el scanner.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		e := el[0]
		col := e.Pos.Column
		e.Pos.Line-- // the prefix line
		if e.Pos.Line > len(s.lines) {
			// the closing brace of the statement wrapper: the end of the cell
			l, c := s.lc(len(s.src))
			return &Error{Line: l, Col: c, Msg: e.Msg}
		}
		if col < 1 || e.Pos.Line < 1 {
			return &Error{Line: 1, Col: 1, Msg: e.Msg}
		}
		return &Error{Line: e.Pos.Line, Col: col, Msg: e.Msg}
	}
	return &Error{Line: 1, Msg: err.Error()}
}

func (s *splitter) parse() error {
	cs := chunks(s.src)
	s.fset = token.NewFileSet()
	s.base = map[*ast.File]int{}
	var files []*ast.File
	for _, k := range []Kind{Import, Decl} {
		dv := declPrefix + blank(s.src, cs, func(x Kind) bool { return x == k && x != packageClause })
		df, err := parser.ParseFile(s.fset, "", dv, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return s.parseErr(err, len(declPrefix))
		}
		s.base[df] = s.fset.File(df.Pos()).Base() + len(declPrefix)
		files = append(files, df)
	}
	sv := stmtPrefix + blank(s.src, cs, func(k Kind) bool { return k == Stmt }) + "\n}"
	sf, err := parser.ParseFile(s.fset, "", sv, parser.SkipObjectResolution)
	if err != nil {
		return s.parseErr(err, len(stmtPrefix))
	}
	s.base[sf] = s.fset.File(sf.Pos()).Base() + len(stmtPrefix)
	sb := s.base[sf]
	for _, df := range files {
		db := s.base[df]
		for _, d := range df.Decls {
			k := Decl
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				k = Import
			}
			s.nodes = append(s.nodes, node{kind: k, n: d, pos: int(d.Pos()) - db, end: int(d.End()) - db})
		}
	}
	body := sf.Decls[0].(*ast.FuncDecl).Body
	for _, st := range body.List {
		if _, ok := st.(*ast.EmptyStmt); ok {
			continue
		}
		// a trailing label's empty statement ends in the wrapper
		s.nodes = append(s.nodes, node{kind: Stmt, n: st, pos: int(st.Pos()) - sb, end: min(int(st.End())-sb, len(s.src))})
	}
	sort.SliceStable(s.nodes, func(i, j int) bool { return s.nodes[i].pos < s.nodes[j].pos })
	if n := len(s.nodes); n > 0 {
		if _, ok := s.nodes[n-1].n.(*ast.ExprStmt); ok {
			s.nodes[n-1].kind = Expr
		}
	}
	return nil
}

// off converts a position of either parsed view to an offset in src.
func (s *splitter) off(p token.Pos) int {
	for f, b := range s.base {
		if p >= f.FileStart && p <= f.FileEnd {
			return int(p) - b
		}
	}
	return -1
}

func (s *splitter) add(pos, end int, text string) { s.addc(1, pos, end, text) }

// clampEdits keeps edits inside the cell (nodes of the statement view may
// end in its wrapper).
func (s *splitter) clampEdits() {
	for i := range s.edits {
		s.edits[i].pos = min(s.edits[i].pos, len(s.src))
		s.edits[i].end = min(s.edits[i].end, len(s.src))
	}
}

func (s *splitter) addc(class, pos, end int, text string) {
	s.edits = append(s.edits, edit{pos: pos, end: end, text: text, class: class, seq: len(s.edits)})
}

func (s *splitter) errAt(p token.Pos, msg string) *Error {
	l, c := s.lc(s.off(p))
	return &Error{Line: l, Col: c, Msg: msg}
}

// rewrite records the edits for every node.
func (s *splitter) rewrite() error {
	s.ints = map[string]int{}
	s.decl = map[string]bool{}
	s.generic = map[string]bool{}
	s.hoist = map[int]string{}
	s.hoistIx = map[int][]int{}
	s.then = map[int]string{}
	for _, n := range s.nodes {
		s.collectInts(n.n)
		if fd, ok := n.n.(*ast.FuncDecl); ok && fd.Recv == nil {
			s.decl[fd.Name.Name] = true
			if fd.Type.TypeParams.NumFields() > 0 {
				s.generic[fd.Name.Name] = true
			}
		}
	}
	methods := map[string]token.Pos{}
	for _, n := range s.nodes {
		if fd, ok := n.n.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 && fd.Name.Name != "_" {
			// yaegi keeps the last of two methods of one name silently
			k := recvName(fd.Recv.List[0].Type) + "." + fd.Name.Name
			if p, dup := methods[k]; dup {
				l, _ := s.lc(s.off(p))
				return s.errAt(fd.Name.Pos(), fmt.Sprintf("method %s already declared at line %d", k, l))
			}
			methods[k] = fd.Name.Pos()
		}
	}
	s.topType = map[*ast.TypeSpec]bool{}
	for _, n := range s.nodes {
		if gd, ok := n.n.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, sp := range gd.Specs {
				s.topType[sp.(*ast.TypeSpec)] = true
			}
		}
	}
	for _, n := range s.nodes {
		switch x := n.n.(type) {
		case *ast.FuncDecl:
			if x.Recv == nil && x.Name.Name == "main" {
				// yaegi would run a func main again after every later
				// cell: rename it, and run it once at the end of the cell
				if x.Type.Params.NumFields() != 0 || x.Type.Results.NumFields() != 0 {
					return s.errAt(x.Name.Pos(), "func main must have no arguments and no results")
				}
				p := s.off(x.Name.Pos())
				s.add(p, p+len("main"), MainFunc)
				s.main = x
			}
			if x.Name.Name == "init" && x.Recv == nil {
				return s.errAt(x.Name.Pos(), "func init is not run in a notebook: put its body at the top level of the cell")
			}
		case *ast.DeferStmt:
			return s.errAt(x.Pos(), "defer at the top level of a cell would run again after every later cell (a yaegi limitation): put it inside a function")
		}
		if n.kind == Stmt || n.kind == Expr {
			if err := s.topStmt(n); err != nil {
				return err
			}
		}
		if err := s.walk(n.n); err != nil {
			return err
		}
	}
	return nil
}

// topStmt applies the rewrites that only concern top-level statements.
func (s *splitter) topStmt(n node) error {
	st := n.n.(ast.Stmt)
	if !s.opt.NoChecks && n.kind == Stmt && risky(st) {
		s.addc(0, n.pos, n.pos, s.mark(n.pos))
	}
	if def := defines(st); def != "" {
		var bad ast.Node
		generic := false
		ast.Inspect(st, func(m ast.Node) bool {
			if _, ok := m.(*ast.FuncLit); ok {
				return false
			}
			if c, ok := m.(*ast.CallExpr); ok {
				if id, ok := c.Fun.(*ast.Ident); ok && (id.Name == "min" || id.Name == "max") && len(c.Args) > 1 &&
					!s.decl[id.Name] && (s.opt.Defined == nil || !s.opt.Defined(id.Name)) {
					bad = c
				} else if s.isGeneric(c.Fun) {
					bad, generic = c, true
				}
			}
			return bad == nil
		})
		if a, ok := st.(*ast.AssignStmt); ok && bad != nil && len(a.Lhs) == 1 && len(a.Rhs) == 1 && ast.Unparen(a.Rhs[0]) == bad &&
			(generic || s.minMaxType(bad.(*ast.CallExpr)) == "") {
			// x := G(…): compute the value in a function, as any; the
			// kernel defines x with its dynamic type
			p := s.off(a.Rhs[0].Pos())
			s.add(n.pos, p, HoistVar+" := func() any { return ")
			e := s.off(a.Rhs[0].End())
			s.add(e, e, " }()")
			s.hoist[n.pos] = def
			bad = nil
		}
		if a, ok := st.(*ast.AssignStmt); ok && bad != nil && len(a.Lhs) == 1 && len(a.Rhs) == 1 && ast.Unparen(a.Rhs[0]) == bad {
			if t := s.minMaxType(bad.(*ast.CallExpr)); t != "" {
				// declare the variable with the inferred type, then assign
				s.add(n.pos, n.pos, "var "+def+" "+t+"; ")
				p := s.off(a.TokPos)
				s.add(p, p+2, "=")
				// constants get the type (yaegi's inference takes the
				// first argument's default type: max(1, 2.5) would be int)
				for _, arg := range bad.(*ast.CallExpr).Args {
					if _, ok := ast.Unparen(arg).(*ast.BasicLit); ok {
						s.add(s.off(arg.Pos()), s.off(arg.Pos()), t+"(")
						s.add(s.off(arg.End()), s.off(arg.End()), ")")
					}
				}
				bad = nil
			}
		}
		if bad != nil {
			what := "min and max cannot"
			if generic {
				what = "a generic call cannot"
			}
			return s.errAt(bad.Pos(), fmt.Sprintf("%s initialise a variable inside an expression at the top level of a cell (yaegi cannot infer the type there): write `%s := call(…)` alone, or declare it first, `var %s T` then `%s = …`", what, def, def, def))
		}
	}
	switch x := st.(type) {
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
		*ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
		s.addc(0, n.pos, n.pos, "func() { ")
		s.addc(2, n.end, n.end, " }()")
	case *ast.AssignStmt:
		if x.Tok == token.DEFINE && s.redefine(n, x.Lhs, x.Rhs) {
			return nil
		}
		if x.Tok == token.DEFINE && len(x.Lhs) == 1 && len(x.Rhs) == 1 {
			if id, ok := x.Lhs[0].(*ast.Ident); ok && id.Name != "_" {
				s.hoistIndex(n, id.Name, x.Rhs[0])
			}
		}
		if x.Tok == token.DEFINE && len(x.Lhs) == 2 && len(x.Rhs) == 1 {
			a, ok1 := x.Lhs[0].(*ast.Ident)
			b, ok2 := x.Lhs[1].(*ast.Ident)
			if ok1 && ok2 {
				return s.commaOk(n, a.Name, b.Name, x.Rhs[0])
			}
		}
	case *ast.DeclStmt:
		g := x.Decl.(*ast.GenDecl)
		if g.Tok == token.VAR && len(g.Specs) == 1 {
			vs := g.Specs[0].(*ast.ValueSpec)
			if !g.Lparen.IsValid() {
				lhs := make([]ast.Expr, len(vs.Names))
				for i, id := range vs.Names {
					lhs[i] = id
				}
				if s.redefine(n, lhs, vs.Values) {
					return nil
				}
			}
			if !g.Lparen.IsValid() && len(vs.Names) == 1 && len(vs.Values) == 1 && vs.Type == nil && vs.Names[0].Name != "_" {
				s.hoistIndex(n, vs.Names[0].Name, vs.Values[0])
			}
			if len(vs.Names) == 2 && len(vs.Values) == 1 && vs.Type == nil {
				return s.commaOk(n, vs.Names[0].Name, vs.Names[1].Name, vs.Values[0])
			}
		}
	}
	return nil
}

// redefine rewrites a top-level `a, b := b, a+1` (or `var a, b = b, a+1`)
// that redefines a variable
// of an earlier cell and reads it: yaegi v0.16.1 makes the new variable
// before it evaluates the values, which then read the new, zero variable
// (`c := c + 1` gave 1), and it does so for a whole Eval. The statement
// becomes a segment of its own that sets temporaries, `__tr0, __tr1 := b,
// a+1`, and the kernel then evaluates Segment.Then, `a, b := __tr0, __tr1`.
// It reports whether it rewrote the statement.
func (s *splitter) redefine(n node, lhs, rhs []ast.Expr) bool {
	if len(lhs) != len(rhs) || s.opt.Defined == nil {
		return false
	}
	var names []string
	for _, l := range lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			return false
		}
		names = append(names, id.Name)
	}
	reads, lit := false, false
	for _, r := range rhs {
		ast.Inspect(r, func(m ast.Node) bool {
			if _, ok := m.(*ast.FuncLit); ok {
				lit = true // closures are items the kernel evaluates again (Item.Src)
			}
			if id, ok := m.(*ast.Ident); ok && id.Name != "_" && contains(names, id.Name) && s.opt.Defined(id.Name) {
				reads = true
			}
			return !reads
		})
	}
	if !reads || lit {
		return false
	}
	temps := make([]string, len(names))
	for i := range names {
		temps[i] = TempVar + strconv.Itoa(i)
		if names[i] == "_" {
			temps[i] = "_"
		}
	}
	s.add(s.off(lhs[0].Pos()), s.off(lhs[len(lhs)-1].End()), strings.Join(temps, ", "))
	s.then[n.pos] = strings.Join(names, ", ") + " := " + strings.Join(temps, ", ")
	return true
}

// hoistIndex hoists a top-level `name := x[i]` or `var name = x[i]` (see
// Segment.Direct): the value is computed inside a function, and a pointer
// to it kept as any, `__tq := func() any { __tq := x[i]; return &__tq }()`.
func (s *splitter) hoistIndex(n node, name string, rhs ast.Expr) {
	if _, ok := ast.Unparen(rhs).(*ast.IndexExpr); !ok {
		return
	}
	p, e := s.off(rhs.Pos()), s.off(rhs.End())
	s.hoistIx[n.pos] = []int{len(s.edits), len(s.edits) + 1}
	s.add(n.pos, p, HoistVar+" := func() any { "+HoistVar+" := ")
	s.add(e, e, "; return &"+HoistVar+" }()")
	s.hoist[n.pos] = name
}

// commaOk rewrites a top-level two-value definition from a map index, a
// receive or a type assertion, which crashes yaegi's compiler, into
// declarations followed by an assignment (which works).
func (s *splitter) commaOk(n node, a, b string, rhs ast.Expr) error {
	txt := func(e ast.Node) string { return s.src[s.off(e.Pos()):s.off(e.End())] }
	var decl string
	switch r := ast.Unparen(rhs).(type) {
	case *ast.TypeAssertExpr:
		if r.Type == nil {
			return nil
		}
		if a != "_" {
			decl = "var " + a + " " + txt(r.Type) + "; "
		}
	case *ast.IndexExpr:
		// m[k] has no side effect of its own: evaluate it once for the type.
		if a != "_" {
			decl = a + " := " + txt(r) + "; "
		}
	case *ast.UnaryExpr:
		if r.Op != token.ARROW {
			return nil
		}
		if a != "_" {
			t := ""
			if id, ok := r.X.(*ast.Ident); ok {
				t = elemType(s.typeOf(id.Name))
			}
			if t == "" {
				return s.errAt(rhs.Pos(), fmt.Sprintf("%s, %s := <-ch at the top level of a cell needs the channel's element type, which is not known here: write `var %s T; var %s bool; %s, %s = <-ch`", a, b, a, b, a, b))
			}
			decl = "var " + a + " " + t + "; "
		}
	default:
		return nil
	}
	if b != "_" {
		decl += "var " + b + " bool; "
	}
	s.add(n.pos, n.pos, decl)
	// turn := (or var … =) into =
	switch st := n.n.(type) {
	case *ast.AssignStmt:
		p := s.off(st.TokPos)
		s.add(p, p+2, "=")
	case *ast.DeclStmt:
		vs := st.Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec)
		s.add(n.pos, s.off(vs.Names[0].Pos()), "")
	}
	return nil
}

// elemType returns the element type of a channel type written as source.
func elemType(t string) string {
	for _, p := range []string{"chan<- ", "<-chan ", "chan "} {
		if strings.HasPrefix(t, p) {
			return strings.TrimSpace(t[len(p):])
		}
	}
	return ""
}

func (s *splitter) mark(off int) string {
	l, c := s.lc(off)
	return MarkVar + " = " + strconv.Itoa(EncodeMark(s.opt.Cell, l, c)) + "; "
}

// EncodeMark packs the position of a statement into the value a statement
// mark assigns to MarkVar: Encode(cell, line)*1000 + column (columns past
// 999 are stored as 999).
func EncodeMark(cell, line, col int) int { return Encode(cell, line)*1000 + min(max(col, 1), 999) }

// DecodeMark is the inverse of EncodeMark.
func DecodeMark(m int) (cell, line, col int) {
	cell, line = Decode(m / 1000)
	return cell, line, m % 1000
}

// risky reports whether running the head of st can panic (a call, an index,
// a dereference, a division, …); only those statements get a mark.
func risky(st ast.Stmt) bool {
	var parts []ast.Node
	switch x := st.(type) {
	case *ast.IfStmt:
		parts = []ast.Node{x.Init, x.Cond}
	case *ast.ForStmt:
		parts = []ast.Node{x.Init, x.Cond}
	case *ast.RangeStmt:
		parts = []ast.Node{x.X}
	case *ast.SwitchStmt:
		parts = []ast.Node{x.Init, x.Tag}
	case *ast.TypeSwitchStmt:
		parts = []ast.Node{x.Init, x.Assign}
	case *ast.LabeledStmt:
		return risky(x.Stmt)
	case *ast.BlockStmt, *ast.SelectStmt, *ast.BranchStmt, *ast.EmptyStmt:
		return false
	default:
		parts = []ast.Node{st}
	}
	found := false
	for _, p := range parts {
		if p == nil || isNil(p) {
			continue
		}
		ast.Inspect(p, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr, *ast.IndexExpr, *ast.IndexListExpr, *ast.SliceExpr, *ast.StarExpr,
				*ast.TypeAssertExpr, *ast.SelectorExpr, *ast.SendStmt:
				found = true
			case *ast.BinaryExpr:
				if x.Op == token.QUO || x.Op == token.REM {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

func isNil(n ast.Node) bool {
	switch x := n.(type) {
	case ast.Stmt:
		return x == nil
	case ast.Expr:
		return x == nil
	}
	return false
}

// walk applies the rewrites that apply anywhere.
func (s *splitter) walk(root ast.Node) error {
	var err error
	ast.Inspect(root, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		switch x := n.(type) {
		case *ast.FuncDecl:
			if x.Body != nil {
				s.entry(x.Body)
			}
		case *ast.FuncLit:
			s.entry(x.Body)
		case *ast.BlockStmt:
			s.marks(x.List)
		case *ast.CaseClause:
			s.marks(x.Body)
		case *ast.CommClause:
			s.marks(x.Body)
		case *ast.ForStmt:
			s.entry(x.Body)
			if a, ok := x.Init.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
				s.perIteration(x.Body, a.Lhs)
			}
		case *ast.RangeStmt:
			s.entry(x.Body)
			s.rangeStmt(x)
		case *ast.CallExpr:
			s.builtin(x)
			s.fprint(x)
			if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "main" &&
				(s.decl["main"] || (s.opt.Defined != nil && s.opt.Defined("main"))) {
				// a call of the session's func main, which is renamed
				p := s.off(id.Pos())
				s.add(p, p+len("main"), MainFunc)
			}
		case *ast.GoStmt:
			s.goStmt(x)
		case *ast.AssignStmt:
			s.parenLits(x.Rhs)
		case *ast.ValueSpec:
			s.parenLits(x.Values)
		case *ast.TypeSpec:
			s.structTag(x)
		case *ast.TypeSwitchStmt:
			if es, ok := x.Assign.(*ast.ExprStmt); ok {
				// yaegi matches an interpreted type only in a type switch
				// that binds the value (without it, `case T:` of a cell
				// type never matches): bind it to an unused name
				p := s.off(es.Pos())
				s.add(p, p, SwitchVar+" := ")
			}
		}
		return true
	})
	return err
}

// structTag makes the reflect type of a struct type the cell defines its
// own. yaegi builds a struct type's reflect type with reflect.StructOf,
// which returns one type for identical field lists: `type H struct{}` and
// `type R struct{}` would share it, and a type switch, a type assertion or
// the kernel's rendering would take an R for an H. The last field gets the
// tag key `tandem:"<name>"` (a struct tag is part of a reflect type's
// identity, and conversions ignore tags); an empty struct gets a blank
// field of the compiled zero-size TypeTag carrying the tag (json:"-", and
// it prints as nothing: %v stays "{}", %+v shows "{X_:}"). Composite
// literals, equality and map keys are unchanged. A local type's name gets
// its position, so local types of the same name stay apart.
func (s *splitter) structTag(ts *ast.TypeSpec) {
	st, ok := ts.Type.(*ast.StructType)
	if !ok || ts.Assign.IsValid() || st.Fields == nil {
		return
	}
	name := ts.Name.Name
	if !s.topType[ts] {
		l, c := s.lc(s.off(ts.Pos()))
		name += "@" + strconv.Itoa(s.opt.Cell) + "." + strconv.Itoa(l) + "." + strconv.Itoa(c)
	}
	key := `tandem:` + strconv.Quote(name)
	fl := st.Fields.List
	if len(fl) == 0 {
		p := s.off(st.Fields.Opening) + 1
		s.add(p, p, " _ "+TypeTag+" "+strconv.Quote(`json:"-" `+key)+"; ")
		return
	}
	last := fl[len(fl)-1]
	if last.Tag == nil {
		p := s.off(last.Type.End())
		s.add(p, p, " "+strconv.Quote(key))
		return
	}
	old, err := strconv.Unquote(last.Tag.Value)
	if err != nil {
		return
	}
	if old != "" {
		old += " "
	}
	s.add(s.off(last.Tag.Pos()), s.off(last.Tag.End()), strconv.Quote(old+key))
}

// parenLits puts the composite literals among the values of a multi-value
// assignment or definition in parentheses. yaegi v0.16.1 loses the other
// values of `x, eta, path := 0.0, 0.25, []float64{}` (x and eta end up
// zero, at the top level and in functions alike; `=` and `var` too), but
// not of `x, eta, path := 0.0, 0.25, ([]float64{})`.
func (s *splitter) parenLits(values []ast.Expr) {
	if len(values) < 2 {
		return
	}
	for _, v := range values {
		if _, ok := v.(*ast.CompositeLit); ok {
			p, e := s.off(v.Pos()), s.off(v.End())
			s.add(p, p, "(")
			s.add(e, e, ")")
		}
	}
}

// GoRecover is inserted at the start of goroutines a cell starts: a panic
// there would kill the kernel process; the kernel reports it instead.
const GoRecover = "defer func() { if r := recover(); r != nil { " + HelperAlias + ".GoPanic(r) } }(); "

// goStmt makes `go func(){…}()` and `go f()` (no arguments, or literal
// ones, so evaluation order is unchanged) recover their panics.
func (s *splitter) goStmt(g *ast.GoStmt) {
	if s.opt.NoChecks || !s.opt.RecoverGo {
		return
	}
	if fl, ok := g.Call.Fun.(*ast.FuncLit); ok {
		p := s.off(fl.Body.Lbrace) + 1
		s.add(p, p, GoRecover)
		return
	}
	for _, a := range g.Call.Args {
		if _, ok := a.(*ast.BasicLit); !ok {
			return
		}
	}
	if g.Call.Ellipsis.IsValid() {
		return
	}
	p, e := s.off(g.Call.Pos()), s.off(g.Call.End())
	s.add(p, p, "func() { "+GoRecover)
	s.add(e, e, " }()")
}

func (s *splitter) entry(b *ast.BlockStmt) {
	if s.opt.NoChecks {
		return
	}
	p := s.off(b.Lbrace) + 1
	s.add(p, p, Check)
}

func (s *splitter) marks(list []ast.Stmt) {
	if s.opt.NoChecks {
		return
	}
	for _, st := range list {
		switch st.(type) {
		case *ast.CaseClause, *ast.CommClause:
			continue
		}
		if risky(st) {
			p := s.off(st.Pos())
			s.add(p, p, s.mark(p))
		}
	}
}

// perIteration gives each iteration its own copy of the loop variables
// (Go 1.22 semantics) when the body can capture them and does not assign
// them.
func (s *splitter) perIteration(body *ast.BlockStmt, vars []ast.Expr) {
	var names []string
	for _, v := range vars {
		if id, ok := v.(*ast.Ident); ok && id.Name != "_" {
			names = append(names, id.Name)
		}
	}
	if len(names) == 0 || !captures(body, names) || assigns(body, names) {
		return
	}
	p := s.off(body.Lbrace) + 1
	l := strings.Join(names, ", ")
	s.add(p, p, l+" := "+l+"; ")
}

// captures reports whether body holds a func literal, a go or defer
// statement, or takes the address of one of names.
func captures(body ast.Node, names []string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			found = true
		case *ast.UnaryExpr:
			if id, ok := x.X.(*ast.Ident); ok && x.Op == token.AND && contains(names, id.Name) {
				found = true
			}
		}
		return !found
	})
	return found
}

func assigns(body ast.Node, names []string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			if x.Tok != token.DEFINE {
				for _, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok && contains(names, id.Name) {
						found = true
					}
				}
			}
		case *ast.IncDecStmt:
			if id, ok := x.X.(*ast.Ident); ok && contains(names, id.Name) {
				found = true
			}
		}
		return !found
	})
	return found
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// rangeStmt rewrites range over an integer into a three-clause loop, and
// gives closures per-iteration copies of range variables.
func (s *splitter) rangeStmt(x *ast.RangeStmt) {
	if x.Value == nil && s.intish(x.X) {
		k := "__ti"
		tok := ":="
		if x.Key != nil {
			k = s.src[s.off(x.Key.Pos()):s.off(x.Key.End())]
			if x.Tok == token.ASSIGN {
				tok = "="
			}
		}
		xs := s.src[s.off(x.X.Pos()):s.off(x.X.End())]
		from, to := s.off(x.For), s.off(x.Body.Lbrace)
		if simple(x.X) {
			s.add(from, to, fmt.Sprintf("for %s %s (%s) - (%s); %s < (%s); %s++ ", k, tok, xs, xs, k, xs, k))
		} else {
			s.tmp++
			n := "__tn" + strconv.Itoa(s.tmp)
			s.add(from, to, fmt.Sprintf("{ %s := %s; for %s %s %s - %s; %s < %s; %s++ ", n, xs, k, tok, n, n, k, n, k))
			e := s.off(x.End())
			s.add(e, e, " }")
		}
		if x.Key != nil && x.Tok == token.DEFINE {
			s.perIteration(x.Body, []ast.Expr{x.Key})
		}
		return
	}
	if params := s.seqParams(x.X); params != nil && x.Tok != token.ASSIGN {
		s.rangeFunc(x, params)
		return
	}
	if x.Tok == token.DEFINE {
		s.perIteration(x.Body, []ast.Expr{x.Key, x.Value})
	}
}

// seqParams returns the yield parameter types when e is a range-over-func
// iterator (func(yield func(…) bool)) as far as the cell and TypeOf tell:
// a func literal, a session variable, or a call of a session func.
func (s *splitter) seqParams(e ast.Expr) []string {
	var t string
	switch x := ast.Unparen(e).(type) {
	case *ast.FuncLit:
		t = s.src[s.off(x.Type.Pos()):s.off(x.Type.End())]
	case *ast.Ident:
		t = s.typeOf(x.Name)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && s.opt.TypeOf != nil {
			if ft, ok := typeExpr(s.opt.TypeOf(id.Name)).(*ast.FuncType); ok && ft.Results.NumFields() == 1 {
				t = exprString(s.opt.TypeOf(id.Name), ft.Results.List[0].Type)
			}
		}
	}
	ft, ok := typeExpr(t).(*ast.FuncType)
	if !ok || ft.Params.NumFields() != 1 || ft.Results.NumFields() != 0 {
		return nil
	}
	y, ok := ft.Params.List[0].Type.(*ast.FuncType)
	if !ok || y.Results.NumFields() != 1 || y.Params.NumFields() > 2 {
		return nil
	}
	if id, ok := y.Results.List[0].Type.(*ast.Ident); !ok || id.Name != "bool" {
		return nil
	}
	var ps []string
	for _, f := range y.Params.List {
		n := max(1, len(f.Names))
		for i := 0; i < n; i++ {
			ps = append(ps, exprString(t, f.Type))
		}
	}
	return ps
}

func typeExpr(t string) ast.Expr {
	if t == "" {
		return nil
	}
	e, err := parser.ParseExpr(t)
	if err != nil {
		return nil
	}
	return e
}

// exprString returns the source of e, parsed from src by parser.ParseExpr.
func exprString(src string, e ast.Expr) string {
	return src[e.Pos()-1 : e.End()-1]
}

// rangeFunc rewrites `for k, v := range seq { body }` into
// `seq(func(k K, v V) bool { body; return true })`, turning the loop's own
// break and continue into returns.
func (s *splitter) rangeFunc(x *ast.RangeStmt, params []string) {
	names := []string{"_", "_"}
	for i, v := range []ast.Expr{x.Key, x.Value} {
		if id, ok := v.(*ast.Ident); ok {
			names[i] = id.Name
		}
	}
	var ps []string
	for i, t := range params {
		ps = append(ps, names[i]+" "+t)
	}
	bad := false
	var walk func(n ast.Node, inLoop, inBreakable bool)
	walk = func(n ast.Node, inLoop, inBreakable bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n {
				return true
			}
			switch y := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				bad = true
			case *ast.BranchStmt:
				if y.Label != nil || y.Tok == token.GOTO || y.Tok == token.FALLTHROUGH {
					if y.Tok != token.FALLTHROUGH {
						bad = true
					}
					return false
				}
				p, e := s.off(y.Pos()), s.off(y.End())
				if y.Tok == token.CONTINUE && !inLoop {
					s.add(p, e, "return true")
				}
				if y.Tok == token.BREAK && !inBreakable {
					s.add(p, e, "return false")
				}
			case *ast.ForStmt, *ast.RangeStmt:
				walk(m, true, true)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				walk(m, inLoop, true)
				return false
			}
			return true
		})
	}
	walk(x.Body, false, false)
	if bad {
		return // yaegi reports the range over a func
	}
	xs := s.src[s.off(x.X.Pos()):s.off(x.X.End())]
	lb := s.off(x.Body.Lbrace)
	s.add(s.off(x.For), lb+1, xs+"(func("+strings.Join(ps, ", ")+") bool {")
	rb := s.off(x.Body.Rbrace)
	s.add(rb, rb+1, "; return true })")
}

func simple(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit, *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return simple(x.X)
	case *ast.ParenExpr:
		return simple(x.X)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") && len(x.Args) == 1 {
			return simple(x.Args[0])
		}
	}
	return false
}

var intTypes = map[string]bool{"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true, "byte": true, "rune": true}

// intish reports whether e is an integer expression, as far as syntax, the
// cell's own declarations and Options.TypeOf can tell.
func (s *splitter) intish(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return x.Kind == token.INT || x.Kind == token.CHAR
	case *ast.ParenExpr:
		return s.intish(x.X)
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR:
			return s.intish(x.X) || (x.Op != token.SHL && x.Op != token.SHR && s.intish(x.Y))
		}
	case *ast.UnaryExpr:
		return x.Op == token.SUB && s.intish(x.X)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok {
			return id.Name == "len" || id.Name == "cap" || intTypes[id.Name]
		}
	case *ast.Ident:
		if v := s.ints[x.Name]; v != 0 {
			return v > 0
		}
		if s.opt.TypeOf != nil {
			return intTypes[s.opt.TypeOf(x.Name)]
		}
	}
	return false
}

// collectInts records identifiers the cell declares with an integer type
// or initialiser (1) or with something else (-1). Names are not scoped: a
// name used both ways is not trusted.
func (s *splitter) collectInts(root ast.Node) {
	set := func(name string, isInt bool) {
		v := -1
		if isInt {
			v = 1
		}
		if old, ok := s.ints[name]; ok && old != v {
			v = -2
		}
		s.ints[name] = v
	}
	typeInt := func(t ast.Expr) bool {
		id, ok := t.(*ast.Ident)
		return ok && intTypes[id.Name]
	}
	// two passes so that n := len(x); m := n * 2 resolves in order
	for pass := 0; pass < 2; pass++ {
		ast.Inspect(root, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Field:
				for _, nm := range x.Names {
					if pass == 0 {
						set(nm.Name, typeInt(x.Type))
					}
				}
			case *ast.ValueSpec:
				for i, nm := range x.Names {
					if pass == 0 && x.Type != nil {
						set(nm.Name, typeInt(x.Type))
					} else if x.Type == nil && i < len(x.Values) && pass == 1 {
						if _, seen := s.ints[nm.Name]; !seen {
							set(nm.Name, s.intish(x.Values[i]))
						}
					}
				}
			case *ast.AssignStmt:
				if x.Tok == token.DEFINE && pass == 1 {
					for i, l := range x.Lhs {
						id, ok := l.(*ast.Ident)
						if !ok {
							continue
						}
						if len(x.Lhs) == len(x.Rhs) {
							s.noteBasic(id.Name, x.Rhs[i])
							s.noteType(id.Name, x.Rhs[i])
						}
						if _, seen := s.ints[id.Name]; seen {
							continue
						}
						set(id.Name, len(x.Lhs) == len(x.Rhs) && s.intish(x.Rhs[i]))
					}
				}
			}
			return true
		})
	}
}

// builtin rewrites min, max and clear, which yaegi v0.16.1 does not know.
func (s *splitter) builtin(x *ast.CallExpr) {
	id, ok := x.Fun.(*ast.Ident)
	if !ok || len(x.Args) == 0 || x.Ellipsis.IsValid() {
		return
	}
	if s.decl[id.Name] || (s.opt.Defined != nil && s.opt.Defined(id.Name)) {
		return
	}
	p, e := s.off(id.Pos()), s.off(id.End())
	switch id.Name {
	case "min", "max":
		fn := MinFunc
		if id.Name == "max" {
			fn = MaxFunc
		}
		if len(x.Args) == 1 {
			a := x.Args[0]
			s.add(p, s.off(x.End()), "("+s.src[s.off(a.Pos()):s.off(a.End())]+")")
			return
		}
		s.add(p, e, fn+strings.Repeat("("+fn, len(x.Args)-2))
		for _, a := range x.Args[1 : len(x.Args)-1] {
			ae := s.off(a.End())
			s.add(ae, ae, ")")
		}
	case "clear":
		if len(x.Args) == 1 {
			s.add(p, e, HelperAlias+".Clear")
		}
	}
}

// render returns src[start:end] with the edits inside it applied, each
// followed by a position comment for the original text after it.
func (s *splitter) render(start, end int) string { return s.renderSkip(start, end, nil) }

// renderSkip is render without the edits whose seq is in skip.
func (s *splitter) renderSkip(start, end int, skip []int) string {
	end = min(end, len(s.src))
	start = min(start, end)
	var es []edit
	for _, e := range s.edits {
		if e.pos >= start && e.end <= end && !slices.Contains(skip, e.seq) {
			es = append(es, e)
		}
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].pos != es[j].pos {
			return es[i].pos < es[j].pos
		}
		if es[i].class != es[j].class {
			return es[i].class < es[j].class
		}
		return es[i].seq < es[j].seq
	})
	var b strings.Builder
	cur := start
	for _, e := range es {
		if e.pos < cur {
			continue // inside a replaced range
		}
		b.WriteString(s.src[cur:e.pos])
		b.WriteString(e.text)
		l, c := s.lc(e.end)
		b.WriteString(Mark(s.opt.Cell, l, c))
		cur = e.end
	}
	b.WriteString(s.src[cur:end])
	return b.String()
}

func (s *splitter) directive(off int) string {
	l, c := s.lc(off)
	return Directive(s.opt.Cell, l, c)
}

// segments groups the nodes into segments and collects their items.
func (s *splitter) segments() *Cell {
	c := &Cell{}
	for i := 0; i < len(s.nodes); {
		j := i + 1
		k := s.nodes[i].kind
		alone := func(pos int) bool {
			_, h := s.hoist[pos]
			_, t := s.then[pos]
			return h || t
		}
		hoisted := alone(s.nodes[i].pos)
		for !hoisted && k != Expr && j < len(s.nodes) && s.nodes[j].kind == k {
			if alone(s.nodes[j].pos) {
				break
			}
			j++
		}
		group := s.nodes[i:j]
		start, end := group[0].pos, group[len(group)-1].end
		l, col := s.lc(start)
		seg := Segment{Kind: k, Line: l, Col: col}
		switch k {
		case Import:
			for _, n := range group {
				for _, sp := range n.n.(*ast.GenDecl).Specs {
					is := sp.(*ast.ImportSpec)
					p, _ := strconv.Unquote(is.Path.Value)
					il, ic := s.lc(s.off(is.Pos()))
					name := ""
					if is.Name != nil {
						name = is.Name.Name
					}
					seg.Imports = append(seg.Imports, ImportSpec{Name: name, Path: p, Line: il, Col: ic})
				}
			}
		case Decl:
			seg.Src = "\n" + s.directive(start) + s.render(start, end)
			for _, n := range group {
				seg.Items = append(seg.Items, s.declItems(n)...)
			}
		case Stmt:
			seg.Src = ";\n" + s.directive(start) + s.render(start, end)
			seg.Hoist = s.hoist[start]
			if t, ok := s.then[start]; ok {
				seg.Then = ";\n" + s.directive(start) + t
			}
			if skip, ok := s.hoistIx[start]; ok {
				seg.Direct = ";\n" + s.directive(start) + s.renderSkip(start, end, skip)
			}
			seg.VarTypes = map[string]string{}
			seg.VarUses = map[string][]string{}
			seg.Calls = map[string][]Pos{}
			for _, n := range group {
				s.calls(n.n, seg.Calls)
				names, it := s.stmtDefs(n)
				seg.Vars = append(seg.Vars, names...)
				if len(names) > 0 {
					u := s.uses(n.n)
					for _, v := range names {
						seg.VarUses[v] = u
					}
				}
				guessTypes(n.n, seg.VarTypes)
				if it != nil {
					seg.Items = append(seg.Items, *it)
				}
			}
		case Expr:
			e := group[0].n.(*ast.ExprStmt).X
			seg.Src = s.render(s.off(e.Pos()), s.off(e.End()))
			seg.Calls = s.calls(e, nil)
			if call, ok := ast.Unparen(e).(*ast.CallExpr); ok {
				seg.Call = "?"
				switch f := ast.Unparen(call.Fun).(type) {
				case *ast.FuncLit:
					seg.Call = "func/" + strconv.Itoa(f.Type.Results.NumFields())
				case *ast.Ident:
					seg.Call = f.Name
				case *ast.SelectorExpr:
					if ch := chain(f); ch != "" {
						seg.Call = ch
					}
				}
			}
		}
		c.Segments = append(c.Segments, seg)
		i = j
	}
	if s.main != nil {
		l, _ := s.lc(s.off(s.main.Name.Pos()))
		c.Segments = append(c.Segments, Segment{Kind: Stmt, Line: l, Col: 1,
			Src: ";\n" + Directive(s.opt.Cell, l, 1) + MarkVar + " = " + strconv.Itoa(EncodeMark(s.opt.Cell, l, 1)) + "; " + MainFunc + "()"})
	}
	// imports apply to the whole cell, as to a Go file: evaluate them first
	sort.SliceStable(c.Segments, func(i, j int) bool {
		return c.Segments[i].Kind == Import && c.Segments[j].Kind != Import
	})
	return c
}

func (s *splitter) uses(n ast.Node) []string {
	seen := map[string]bool{}
	var out []string
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(x.X, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok && !seen[id.Name] {
					seen[id.Name] = true
					out = append(out, id.Name)
				}
				return true
			})
			return false
		case *ast.Ident:
			if !seen[x.Name] {
				seen[x.Name] = true
				out = append(out, x.Name)
			}
		}
		return true
	})
	return out
}

func (s *splitter) declItems(n node) []Item {
	l, _ := s.lc(n.pos)
	switch d := n.n.(type) {
	case *ast.FuncDecl:
		it := Item{Kind: Func, Names: []string{d.Name.Name}, Line: l,
			Src: "\n" + s.directive(n.pos) + s.render(n.pos, n.end), Uses: s.uses(d), Doc: d.Doc.Text(), Calls: s.calls(d, nil)}
		it.Results = d.Type.Results.NumFields()
		it.Generic = d.Type.TypeParams.NumFields() > 0
		if d.Body != nil {
			it.Sig = strings.TrimSpace(s.src[n.pos:s.off(d.Body.Lbrace)])
		} else {
			it.Sig = s.src[n.pos:n.end]
		}
		if d.Recv != nil && len(d.Recv.List) == 1 {
			it.Kind = Method
			it.Recv = recvName(d.Recv.List[0].Type)
			it.Names = []string{it.Recv + "." + d.Name.Name}
		}
		return []Item{it}
	case *ast.GenDecl:
		if d.Tok == token.CONST || !d.Lparen.IsValid() {
			it := Item{Kind: Const, Line: l, Src: "\n" + s.directive(n.pos) + s.render(n.pos, n.end), Uses: s.uses(d),
				Sig: s.src[n.pos:n.end], Doc: d.Doc.Text()}
			if d.Tok == token.TYPE {
				it.Kind = Type
			}
			for _, sp := range d.Specs {
				switch x := sp.(type) {
				case *ast.ValueSpec:
					for _, nm := range x.Names {
						it.Names = append(it.Names, nm.Name)
					}
				case *ast.TypeSpec:
					it.Names = append(it.Names, x.Name.Name)
				}
			}
			return []Item{it}
		}
		var out []Item
		for _, sp := range d.Specs {
			ts := sp.(*ast.TypeSpec)
			p, e := s.off(ts.Pos()), s.off(ts.End())
			sl, sc := s.lc(p)
			doc := ts.Doc.Text()
			if doc == "" {
				doc = d.Doc.Text()
			}
			out = append(out, Item{Kind: Type, Names: []string{ts.Name.Name}, Line: sl,
				Src: "\n" + Directive(s.opt.Cell, sl, 1) + "type " + Mark(s.opt.Cell, sl, sc) + s.render(p, e), Uses: s.uses(ts),
				Sig: "type " + s.src[p:e], Doc: doc})
		}
		return out
	}
	return nil
}

// fprint rewrites fmt.Fprint*(os.Stdout, …) and (os.Stderr, …) to write
// to HelperAlias.Stdout and .Stderr, writers that queue in order with
// fmt.Print and log (os.Stdout and os.Stderr are pipes, whose order
// against each other is lost).
func (s *splitter) fprint(c *ast.CallExpr) {
	f, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || len(c.Args) == 0 || !s.isPkg(f.X, "fmt") || !strings.HasPrefix(f.Sel.Name, "Fprint") {
		return
	}
	a, ok := c.Args[0].(*ast.SelectorExpr)
	if !ok || !s.isPkg(a.X, "os") || (a.Sel.Name != "Stdout" && a.Sel.Name != "Stderr") {
		return
	}
	s.add(s.off(a.Pos()), s.off(a.End()), HelperAlias+"."+a.Sel.Name)
}

// isPkg reports whether x is the name of package name, not a variable of
// the cell or the session.
func (s *splitter) isPkg(x ast.Expr, name string) bool {
	id, ok := x.(*ast.Ident)
	if !ok || id.Name != name {
		return false
	}
	if s.opt.Defined != nil && s.opt.Defined(name) {
		return false
	}
	for _, n := range s.nodes {
		if st, ok := n.n.(ast.Stmt); ok && defines(st) == name {
			return false
		}
	}
	return true
}

// chain returns a selector over names as "x.y.f", "" if it is not one.
func chain(e ast.Expr) string {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		if h := chain(x.X); h != "" {
			return h + "." + x.Sel.Name
		}
	}
	return ""
}

func recvName(t ast.Expr) string {
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// stmtDefs returns the top-level variables a statement defines, and an
// item when it defines a closure (f := func…).
func (s *splitter) stmtDefs(n node) ([]string, *Item) {
	var names []string
	var lit bool
	switch x := n.n.(type) {
	case *ast.AssignStmt:
		if x.Tok != token.DEFINE {
			return nil, nil
		}
		for _, l := range x.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
				names = append(names, id.Name)
			}
		}
		if len(x.Lhs) == 1 && len(x.Rhs) == 1 {
			_, lit = x.Rhs[0].(*ast.FuncLit)
		}
	case *ast.DeclStmt:
		g, ok := x.Decl.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			return nil, nil
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			for _, nm := range vs.Names {
				if nm.Name != "_" {
					names = append(names, nm.Name)
				}
			}
			if len(g.Specs) == 1 && len(vs.Names) == 1 && len(vs.Values) == 1 {
				_, lit = vs.Values[0].(*ast.FuncLit)
			}
		}
	}
	if !lit || len(names) != 1 {
		return names, nil
	}
	l, _ := s.lc(n.pos)
	res := 0
	ast.Inspect(n.n, func(m ast.Node) bool {
		if fl, ok := m.(*ast.FuncLit); ok {
			res = fl.Type.Results.NumFields()
			return false
		}
		return true
	})
	return names, &Item{Kind: Closure, Names: names, Line: l, Results: res,
		Src: ";\n" + s.directive(n.pos) + s.render(n.pos, n.end), Uses: s.uses(n.n), Calls: s.calls(n.n, nil)}
}

// Status reports whether src is "complete", "incomplete" (more lines are
// expected: an open brace, parenthesis or string) or "invalid", and for
// incomplete code the indent of the next line.
func Status(src string) (status, indent string) {
	if strings.TrimSpace(src) == "" {
		return "complete", ""
	}
	_, err := Split(src, Options{NoChecks: true})
	if err == nil {
		return "complete", ""
	}
	var e *Error
	if !errors.As(err, &e) {
		return "invalid", ""
	}
	trimmed := strings.TrimRight(src, " \t\n")
	ls := lineStarts(src)
	off := len(src)
	if e.Line <= len(ls) {
		off = ls[e.Line-1] + e.Col - 1
	}
	if off >= len(trimmed) || strings.Contains(e.Msg, "not terminated") {
		last := src[strings.LastIndex(strings.TrimRight(src, "\n"), "\n")+1:]
		ind := last[:len(last)-len(strings.TrimLeft(last, " \t"))]
		t := strings.TrimRight(last, " \t")
		if strings.HasSuffix(t, "{") || strings.HasSuffix(t, "(") || strings.HasSuffix(t, "[") {
			ind += "\t"
		}
		return "incomplete", ind
	}
	return "invalid", ""
}

// guessTypes records the type name of variables defined as T{…}, &T{…},
// new(T) or var x T.
func guessTypes(n ast.Node, out map[string]string) {
	name := func(e ast.Expr) string {
		switch x := e.(type) {
		case *ast.CompositeLit:
			if id, ok := x.Type.(*ast.Ident); ok {
				return id.Name
			}
		case *ast.UnaryExpr:
			if c, ok := x.X.(*ast.CompositeLit); ok && x.Op == token.AND {
				if id, ok := c.Type.(*ast.Ident); ok {
					return id.Name
				}
			}
		case *ast.CallExpr:
			if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "new" && len(x.Args) == 1 {
				if t, ok := x.Args[0].(*ast.Ident); ok {
					return t.Name
				}
			} else if ok && len(x.Args) == 1 && !intTypes[id.Name] {
				return id.Name // a conversion T(v), or a call; the kernel checks T is a type
			}
		}
		return ""
	}
	switch x := n.(type) {
	case *ast.AssignStmt:
		if x.Tok == token.DEFINE && len(x.Lhs) == len(x.Rhs) {
			for i, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					if t := name(x.Rhs[i]); t != "" {
						out[id.Name] = t
					}
				}
			}
		}
	case *ast.DeclStmt:
		if g, ok := x.Decl.(*ast.GenDecl); ok {
			for _, sp := range g.Specs {
				vs, ok := sp.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, nm := range vs.Names {
					if id, ok := vs.Type.(*ast.Ident); ok {
						out[nm.Name] = id.Name
					} else if st, ok := vs.Type.(*ast.StarExpr); ok {
						if id, ok := st.X.(*ast.Ident); ok {
							out[nm.Name] = id.Name
						}
					} else if i < len(vs.Values) {
						if t := name(vs.Values[i]); t != "" {
							out[nm.Name] = t
						}
					}
				}
			}
		}
	}
}

// defines returns the first variable a top-level := or var statement
// defines ("" if none).
func defines(st ast.Stmt) string {
	switch x := st.(type) {
	case *ast.AssignStmt:
		if x.Tok == token.DEFINE {
			if id, ok := x.Lhs[0].(*ast.Ident); ok {
				return id.Name
			}
		}
	case *ast.DeclStmt:
		if g, ok := x.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, sp := range g.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok && len(vs.Values) > 0 {
					return vs.Names[0].Name
				}
			}
		}
	}
	return ""
}

var basicTypes = map[string]bool{"float32": true, "float64": true, "string": true}

// minMaxType infers the type of a min or max call from its arguments:
// the type of a typed argument (a session variable, a conversion, len),
// else float64 if a constant is a float, else the constants' default type.
func (s *splitter) minMaxType(c *ast.CallExpr) string {
	weak := ""
	for _, a := range c.Args {
		switch x := ast.Unparen(a).(type) {
		case *ast.BasicLit:
			switch x.Kind {
			case token.FLOAT:
				weak = "float64"
			case token.INT:
				if weak == "" {
					weak = "int"
				}
			case token.STRING:
				return "string"
			case token.CHAR:
				if weak == "" {
					weak = "rune"
				}
			}
		case *ast.CallExpr:
			if id, ok := x.Fun.(*ast.Ident); ok {
				if id.Name == "len" || id.Name == "cap" {
					return "int"
				}
				if intTypes[id.Name] || basicTypes[id.Name] {
					return id.Name
				}
			}
			return ""
		case *ast.Ident:
			if t, ok := s.basic[x.Name]; ok {
				return t // "" when ambiguous
			}
			if s.opt.TypeOf != nil {
				if t := s.opt.TypeOf(x.Name); intTypes[t] || basicTypes[t] {
					return t
				}
			}
			return ""
		default:
			return ""
		}
	}
	return weak
}

// noteBasic records the basic type of a variable defined in the cell by
// `name := e`, when e tells it (a literal, a conversion, len).
func (s *splitter) noteBasic(name string, e ast.Expr) {
	if s.basic == nil {
		s.basic = map[string]string{}
	}
	t := ""
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		t = map[token.Token]string{token.INT: "int", token.FLOAT: "float64", token.STRING: "string", token.CHAR: "rune"}[x.Kind]
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok {
			if id.Name == "len" || id.Name == "cap" {
				t = "int"
			} else if intTypes[id.Name] || basicTypes[id.Name] {
				t = id.Name
			}
		}
	}
	if old, seen := s.basic[name]; seen && old != t {
		t = ""
	}
	s.basic[name] = t
}

// noteType records the type, as source, of a variable the cell defines
// with make(chan T…) or a func literal (for `v, ok := <-ch` and range over
// a func).
func (s *splitter) noteType(name string, e ast.Expr) {
	if s.types == nil {
		s.types = map[string]string{}
	}
	t := ""
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "make" && len(x.Args) > 0 {
			if _, ok := x.Args[0].(*ast.ChanType); ok {
				t = s.src[s.off(x.Args[0].Pos()):s.off(x.Args[0].End())]
			}
		}
	case *ast.FuncLit:
		t = s.src[s.off(x.Type.Pos()):s.off(x.Type.End())]
	}
	if old, seen := s.types[name]; seen && old != t {
		t = ""
	}
	s.types[name] = t
}

// typeOf returns the type of a variable as source: the cell's own
// definition, else Options.TypeOf.
func (s *splitter) typeOf(name string) string {
	if t, ok := s.types[name]; ok {
		return t
	}
	if s.opt.TypeOf != nil {
		return s.opt.TypeOf(name)
	}
	return ""
}

// calls collects the calls in n by callee name.
func (s *splitter) calls(n ast.Node, out map[string][]Pos) map[string][]Pos {
	if out == nil {
		out = map[string][]Pos{}
	}
	ast.Inspect(n, func(m ast.Node) bool {
		c, ok := m.(*ast.CallExpr)
		if !ok {
			return true
		}
		name := ""
		switch f := ast.Unparen(c.Fun).(type) {
		case *ast.Ident:
			name = f.Name
		case *ast.SelectorExpr:
			name = f.Sel.Name
		}
		if name != "" {
			if o := s.off(c.Pos()); o >= 0 {
				l, col := s.lc(o)
				out[name] = append(out[name], Pos{l, col})
			}
		}
		return true
	})
	return out
}

// isGeneric reports whether fun names a generic func of the cell or the
// session (G or G[T]).
func (s *splitter) isGeneric(fun ast.Expr) bool {
	switch f := ast.Unparen(fun).(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	id, ok := fun.(*ast.Ident)
	if !ok {
		return false
	}
	return s.generic[id.Name] || (s.opt.Generic != nil && s.opt.Generic(id.Name))
}
