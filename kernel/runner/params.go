package runner

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"tandem.dev/tandem/kernel/notebook"
)

// Tags of the parameters cell (as papermill names them).
const (
	ParametersTag = "parameters"
	InjectedTag   = "injected-parameters"
)

// Param is one -p name=value given on the command line.
type Param struct {
	Name  string
	Value string
}

// ParseParam splits "name=value". The name must be a Go identifier.
func ParseParam(s string) (Param, error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok {
		return Param{}, fmt.Errorf("parameter %q: want name=value", s)
	}
	if !token.IsIdentifier(name) {
		return Param{}, fmt.Errorf("parameter %q: %q is not a Go identifier", s, name)
	}
	return Param{Name: name, Value: value}, nil
}

// Kinds of parameter defaults.
const (
	KindInt      = "int"
	KindFloat    = "float64"
	KindString   = "string"
	KindBool     = "bool"
	KindDuration = "time.Duration"
)

// Default is a parameter declared in the parameters cell.
type Default struct {
	Name string
	Kind string // one of the Kind constants; "" when it could not be inferred
	Line int    // 1-based line in the cell
	// Const is true for a constant: the injected cell redeclares it
	// (name := value) where it assigns a variable (name = value).
	Const bool
}

// ParamError is a parameter that cannot be injected.
type ParamError struct {
	Name string
	Msg  string
}

func (e *ParamError) Error() string { return fmt.Sprintf("parameter %s: %s", e.Name, e.Msg) }

// ParametersCell returns the index of the first cell tagged "parameters",
// -1 if none.
func ParametersCell(nb *notebook.Notebook) int {
	for i, c := range nb.Cells {
		if c.Type == "code" && hasTag(c, ParametersTag) {
			return i
		}
	}
	return -1
}

// hasTag reports whether c has tag in metadata.tags or, for a cell read
// from a percent script, in its marker's title: `// %% parameters` or
// jupytext's `// %% tags=["parameters"]`.
func hasTag(c *notebook.Cell, tag string) bool {
	tags, _ := c.Metadata["tags"].([]any)
	for _, t := range tags {
		if s, _ := t.(string); s == tag {
			return true
		}
	}
	title, _ := c.Metadata["title"].(string)
	if title == tag {
		return true
	}
	if m := titleTagsRe.FindStringSubmatch(title); m != nil {
		for _, t := range strings.Split(m[1], ",") {
			if strings.Trim(strings.TrimSpace(t), `"'`) == tag {
				return true
			}
		}
	}
	return false
}

var titleTagsRe = regexp.MustCompile(`tags=\[([^\]]*)\]`)

// Defaults reads the parameter declarations of a parameters cell: short
// variable declarations, var and const declarations. A declaration whose
// type cannot be inferred has Kind "".
func Defaults(src string) ([]Default, error) {
	fset := token.NewFileSet()
	var decls []ast.Node
	// First as top-level declarations (var, const), then as statements
	// (x := 5) inside a function.
	f, err := parser.ParseFile(fset, "", "package p\n"+src, parser.SkipObjectResolution)
	lineOff := 1
	if err == nil {
		for _, d := range f.Decls {
			decls = append(decls, d)
		}
	} else {
		f, err2 := parser.ParseFile(fset, "", "package p; func _() {\n"+src+"\n}", parser.SkipObjectResolution)
		if err2 != nil {
			return nil, fmt.Errorf("read the parameters cell: %v", strings.TrimPrefix(err2.Error(), ""))
		}
		for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
			decls = append(decls, st)
		}
	}
	var out []Default
	add := func(id *ast.Ident, typ ast.Expr, val ast.Expr, isConst bool) {
		if id.Name == "_" {
			return
		}
		k := kindOfType(typ)
		if k == "" && val != nil {
			k = kindOfExpr(val)
		}
		out = append(out, Default{Name: id.Name, Kind: k, Line: fset.Position(id.Pos()).Line - lineOff, Const: isConst})
	}
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok != token.VAR && d.Tok != token.CONST {
				continue
			}
			for _, sp := range d.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					var v ast.Expr
					if i < len(vs.Values) {
						v = vs.Values[i]
					}
					add(n, vs.Type, v, d.Tok == token.CONST)
				}
			}
		case *ast.DeclStmt:
			gd, ok := d.Decl.(*ast.GenDecl)
			if !ok || (gd.Tok != token.VAR && gd.Tok != token.CONST) {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					var v ast.Expr
					if i < len(vs.Values) {
						v = vs.Values[i]
					}
					add(n, vs.Type, v, gd.Tok == token.CONST)
				}
			}
		case *ast.AssignStmt:
			if d.Tok != token.DEFINE {
				continue
			}
			for i, l := range d.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok {
					continue
				}
				var v ast.Expr
				if len(d.Rhs) == len(d.Lhs) {
					v = d.Rhs[i]
				}
				add(id, nil, v, false)
			}
		}
	}
	return out, nil
}

func kindOfType(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.Ident:
		switch t.Name {
		case "int", "int64", "int32":
			return KindInt
		case "float64", "float32":
			return KindFloat
		case "string":
			return KindString
		case "bool":
			return KindBool
		}
	case *ast.SelectorExpr:
		if x, ok := t.X.(*ast.Ident); ok && x.Name == "time" && t.Sel.Name == "Duration" {
			return KindDuration
		}
	}
	return ""
}

// kindOfExpr infers the type of an untyped default the way Go would.
func kindOfExpr(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return KindInt
		case token.FLOAT:
			return KindFloat
		case token.STRING:
			return KindString
		}
	case *ast.Ident:
		if e.Name == "true" || e.Name == "false" {
			return KindBool
		}
	case *ast.ParenExpr:
		return kindOfExpr(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return KindBool
		}
		return kindOfExpr(e.X)
	case *ast.CallExpr:
		if len(e.Args) == 1 {
			return kindOfType(e.Fun)
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && x.Name == "time" {
			switch e.Sel.Name {
			case "Nanosecond", "Microsecond", "Millisecond", "Second", "Minute", "Hour":
				return KindDuration
			}
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ, token.LAND, token.LOR:
			return KindBool
		}
		a, b := kindOfExpr(e.X), kindOfExpr(e.Y)
		for _, k := range []string{KindDuration, KindString, KindFloat, KindInt} {
			if a == k || b == k {
				return k
			}
		}
	}
	return ""
}

// literal returns the Go source of value as kind k.
func literal(name, kind, value string) (string, error) {
	bad := func(what string) error {
		return &ParamError{Name: name, Msg: fmt.Sprintf("%q is not %s (the default in the parameters cell is %s)", value, what, kind)}
	}
	v := strings.TrimSpace(value)
	switch kind {
	case KindInt:
		i, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 0, 64)
		if err != nil {
			return "", bad("an integer")
		}
		return strconv.FormatInt(i, 10), nil
	case KindFloat:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", bad("a number")
		}
		switch {
		case math.IsInf(f, 1):
			return "math.Inf(1)", nil
		case math.IsInf(f, -1):
			return "math.Inf(-1)", nil
		case math.IsNaN(f):
			return "math.NaN()", nil
		}
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return s, nil
	case KindString:
		return strconv.Quote(value), nil
	case KindBool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", bad("a bool (true or false)")
		}
		return strconv.FormatBool(b), nil
	case KindDuration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return "", bad("a duration (such as 1.5s or 2m)")
		}
		return fmt.Sprintf("time.Duration(%d) // %s", int64(d), d), nil
	}
	return "", &ParamError{Name: name, Msg: "the type of its default in the parameters cell cannot be inferred (want int, float64, string, bool or time.Duration)"}
}

// InjectParameters inserts, after the cell tagged "parameters", a cell
// tagged "injected-parameters" that sets each parameter, typed by its
// default. A previously injected cell (from an earlier run) is replaced.
// The values, as given, are recorded in the notebook's metadata
// tandem.parameters.
// Errors are *ParamError for a value that does not fit its default, or
// name a parameter the cell does not declare.
func InjectParameters(nb *notebook.Notebook, params []Param) error {
	if len(params) == 0 {
		return nil
	}
	pi := ParametersCell(nb)
	if pi < 0 {
		return &ParamError{Name: params[0].Name, Msg: "the notebook has no cell tagged \"parameters\" (add the tag to the cell that declares the defaults)"}
	}
	defs, err := Defaults(nb.Cells[pi].Source)
	if err != nil {
		return err
	}
	kinds := map[string]Default{}
	var names []string
	for _, d := range defs {
		kinds[d.Name] = d
		names = append(names, d.Name)
	}
	var b strings.Builder
	b.WriteString("// Parameters\n")
	seen := map[string]bool{}
	for _, p := range params {
		d, ok := kinds[p.Name]
		if !ok {
			return &ParamError{Name: p.Name, Msg: fmt.Sprintf("not declared in the parameters cell (it declares %s)", list(names))}
		}
		lit, err := literal(p.Name, d.Kind, p.Value)
		if err != nil {
			return err
		}
		if seen[p.Name] {
			return &ParamError{Name: p.Name, Msg: "given twice"}
		}
		seen[p.Name] = true
		op := "="
		if d.Const {
			op = ":="
		}
		fmt.Fprintf(&b, "%s %s %s\n", p.Name, op, lit)
	}
	// Recorded as papermill records them, so the output says how it was made.
	given := map[string]any{}
	for _, p := range params {
		given[p.Name] = p.Value
	}
	meta, _ := nb.Metadata["tandem"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["parameters"] = given
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	nb.Metadata["tandem"] = meta
	cell := &notebook.Cell{
		ID:       "injected-parameters",
		Type:     "code",
		Source:   strings.TrimSuffix(b.String(), "\n"),
		Metadata: map[string]any{"tags": []any{InjectedTag}},
	}
	at := pi + 1
	if at < len(nb.Cells) && hasTag(nb.Cells[at], InjectedTag) {
		nb.Cells[at] = cell
		return nil
	}
	for _, c := range nb.Cells {
		if c.ID == cell.ID {
			cell.ID = "injected-parameters-1"
		}
	}
	nb.Cells = slices.Insert(nb.Cells, at, cell)
	return nil
}

func list(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, ", ")
}
