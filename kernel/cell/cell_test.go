package cell

import (
	"errors"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
	"time"
)

func split(t *testing.T, src string, opt Options) *Cell {
	t.Helper()
	c, err := Split(src, opt)
	if err != nil {
		t.Fatalf("Split(%q): %v", src, err)
	}
	return c
}

func kinds(c *Cell) string {
	var k []string
	for _, s := range c.Segments {
		k = append(k, s.Kind.String())
	}
	return strings.Join(k, " ")
}

func TestSplit_Segments(t *testing.T) {
	for i, test := range []struct {
		src, kinds string
	}{
		{"x := 1", "Expr"[:0] + "Stmt"},
		{"1 + 1", "Expr"},
		{"import \"fmt\"\nfmt.Println(1)", "Import Expr"},
		{"type T int\nfunc (T) M() {}\nx := T(1)\nfunc f() {}\nx", "Decl Stmt Decl Expr"},
		{"x := 1\ny := 2\nimport \"os\"\nvar z = 3", "Import Stmt Stmt"},
		{"func() { println(1) }()", "Expr"},
		{"func (x int) { println(x) }(3)\nconst c = 1", "Stmt Decl"},
		{"// just a comment", ""},
		{"package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }", "Import Decl Stmt"},
	} {
		if got := kinds(split(t, test.src, Options{Cell: 1})); got != test.kinds {
			t.Errorf("%d: %q: got %q want %q", i, test.src, got, test.kinds)
		}
	}
}

func TestSplit_Items(t *testing.T) {
	c := split(t, "// F doc.\nfunc f(a int) (int, error) { return g(a), nil }\ntype (\n\tA int\n\tB struct{ X A }\n)\nfunc (b *B) M() {}\nh := func() int { return f2() }", Options{Cell: 2})
	var got []string
	for _, s := range c.Segments {
		for _, it := range s.Items {
			got = append(got, strings.Join(it.Names, ","))
		}
	}
	if strings.Join(got, " ") != "f A B B.M h" {
		t.Fatalf("items %v", got)
	}
	f := c.Segments[0].Items[0]
	if f.Results != 2 || f.Doc != "F doc.\n" || f.Sig != "func f(a int) (int, error)" || !contains(f.Uses, "g") {
		t.Errorf("func item %+v", f)
	}
	if m := c.Segments[0].Items[3]; m.Kind != Method || m.Recv != "B" {
		t.Errorf("method item %+v", m)
	}
	h := c.Segments[1].Items[0]
	if h.Kind != Closure || !contains(h.Uses, "f2") || h.Results != 1 {
		t.Errorf("closure item %+v", h)
	}
}

// each rewritten segment must parse the way yaegi wraps it
func parses(t *testing.T, seg Segment) {
	t.Helper()
	var src string
	switch seg.Kind {
	case Decl:
		src = "package main;" + seg.Src
	case Stmt:
		src = "package main; func main() {" + seg.Src + "\n}"
	case Expr:
		src = "package main; func main() { _ = " + seg.Src + "\n}"
	default:
		return
	}
	if _, err := parser.ParseFile(token.NewFileSet(), File, src, 0); err != nil {
		t.Errorf("rewritten segment does not parse: %v\n%s", err, src)
	}
}

func TestSplit_Rewrites(t *testing.T) {
	for i, test := range []struct {
		src  string
		opt  Options
		want []string // substrings of the rewritten code
		not  []string
	}{
		{"for i := range 10 { println(i) }", Options{}, []string{"for i := (10) - (10); i < (10); i++"}, []string{"range"}},
		{"n := 4\nfor range n { }", Options{}, []string{"for __ti := (n) - (n); __ti < (n); __ti++"}, nil},
		{"for i := range k { }", Options{TypeOf: func(n string) string { return map[string]string{"k": "int"}[n] }}, []string{"i < (k)"}, nil},
		{"for i := range s { }", Options{TypeOf: func(string) string { return "[]int" }}, []string{"range s"}, nil},
		{"for i := range f() { }\nfunc f() int { return 1 }", Options{}, []string{"range f()"}, nil},
		{"for i := range len(x) + 1 { }", Options{}, []string{"__tn1 := len(x) + 1; for i := __tn1 - __tn1"}, nil},
		{"for i := 0; i < 3; i++ { go func() { println(i) }() }", Options{}, []string{"i := i;"}, nil},
		{"for i := 0; i < 3; i++ { println(i) }", Options{}, nil, []string{"i := i"}},
		{"for i := 0; i < 3; i++ { i++; f := func() { println(i) }; f() }", Options{}, nil, []string{"i := i"}},
		{"for k, v := range m { fs = append(fs, func() { println(k, v) }) }", Options{}, []string{"k, v := k, v;"}, nil},
		{"var a int\na = min(1, 2, 3)", Options{}, []string{MinFunc + "(" + MinFunc}, nil},
		{"var a int\na = max(x)", Options{}, []string{"a = (x)/*line"}, []string{MaxFunc}},
		{"clear(m)", Options{}, []string{HelperAlias + ".Clear"}, nil},
		{"func min(a, b int) int { return a }\nvar z = min(1, 2)", Options{}, nil, []string{MinFunc}},
		{"clear(m)", Options{Defined: func(n string) bool { return n == "clear" }}, nil, []string{HelperAlias}},
		{"v, ok := m[k]", Options{}, []string{"v := m[k]; var ok bool;", "v, ok =/*line"}, []string{":= m[k]/"}},
		{"_, ok := x.(T)", Options{}, []string{"var ok bool;"}, []string{"var _"}},
		{"s, ok := x.(fmt.Stringer)", Options{}, []string{"var s fmt.Stringer; var ok bool;"}, nil},
		{"v, ok := <-ch", Options{TypeOf: func(string) string { return "chan string" }}, []string{"var v string; var ok bool;"}, nil},
		{"var v, ok = m[k]", Options{}, []string{"v := m[k]; var ok bool;"}, nil},
		{"switch x := e.(type) { case int: println(x) }", Options{}, []string{"func() { ", " }()"}, nil},
		{"if a, b := f(); a { println(b) }", Options{}, []string{"func() { "}, nil},
		{"for { }", Options{}, []string{"for {" + Check}, nil},
		{"func f() { g() }", Options{}, []string{"func f() {" + Check, MarkVar + " = 10001012; "}, nil},
		{"x := 1\ny := f(x)", Options{Cell: 3}, []string{MarkVar + " = 30002001; "}, []string{MarkVar + " = 30001"}},
		{"for { }", Options{NoChecks: true}, nil, []string{Check}},
		{"func G[T any](x T) T { return x }\ny := G(1)", Options{NoChecks: true}, []string{HoistVar + " := func() any { return /*line _.go:10002:6*/G(1) }()"}, nil},
		{"y := H(2)", Options{NoChecks: true, Generic: func(n string) bool { return n == "H" }}, []string{HoistVar + " := func() any { return "}, nil},
		{"y := H(2)", Options{NoChecks: true}, nil, []string{HoistVar}},
		{"go func() { work() }()", Options{RecoverGo: true}, []string{"go func() {" + GoRecover + "/*line _.go:10001:12*/" + Check}, nil},
		{"go work(1, \"a\")", Options{RecoverGo: true}, []string{"go func() { " + GoRecover}, nil},
		{"go work(x)", Options{RecoverGo: true}, nil, []string{GoRecover}},
		{"go func() { work() }()", Options{}, nil, []string{GoRecover}},
		{"for x := range func(yield func(int) bool) {} { if x > 1 { break }; continue }", Options{NoChecks: true},
			[]string{"(func(x int) bool {", "return false", "return true", "; return true })"}, []string{"range"}},
		{"for k, v := range seq { for { break } }", Options{NoChecks: true, TypeOf: func(string) string { return "func(func(string, int) bool)" }},
			[]string{"seq(func(k string, v int) bool {", "for { break }"}, nil},
		{"for x := range gen(3) { }", Options{NoChecks: true, TypeOf: func(string) string { return "func(n int) func(func(float64) bool)" }},
			[]string{"gen(3)(func(x float64) bool {"}, nil},
		{"for x := range seq { return }", Options{NoChecks: true, TypeOf: func(string) string { return "func(func(int) bool)" }},
			[]string{"range seq"}, nil},
	} {
		if test.opt.Cell == 0 {
			test.opt.Cell = 1
		}
		c, err := Split(test.src, test.opt)
		if err != nil {
			t.Errorf("%d: %q: %v", i, test.src, err)
			continue
		}
		var all strings.Builder
		for _, s := range c.Segments {
			all.WriteString(s.Src)
			for _, it := range s.Items {
				all.WriteString(it.Src)
			}
			parses(t, s)
		}
		for _, w := range test.want {
			if !strings.Contains(all.String(), w) {
				t.Errorf("%d: %q: rewritten code lacks %q:\n%s", i, test.src, w, all.String())
			}
		}
		for _, w := range test.not {
			if strings.Contains(all.String(), w) {
				t.Errorf("%d: %q: rewritten code has %q:\n%s", i, test.src, w, all.String())
			}
		}
	}
}

func TestSplit_Errors(t *testing.T) {
	for i, test := range []struct {
		src       string
		line, col int
		msg       string
	}{
		{"x := 1\nfunc main(args []string) {}", 2, 6, "func main must have no arguments"},
		{"func init() {}", 1, 6, "func init is not run"},
		{"defer println(1)", 1, 1, "defer at the top level"},
		{"x := (1 +\n", 2, 1, "expected operand"},
		{"v, ok := <-ch", 1, 10, "needs the channel's element type"},
		{"n := min(1, 2) * 2", 1, 6, "min and max cannot initialise"},
		{"func G[T any](x T) T { return x }\nn := G(1) + 1", 2, 6, "a generic call cannot initialise"},
		{"x := }", 1, 6, "expected operand"},
	} {
		_, err := Split(test.src, Options{Cell: 1})
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%d: %q: got %v, want an *Error", i, test.src, err)
			continue
		}
		if e.Line != test.line || e.Col != test.col || !strings.Contains(e.Msg, test.msg) {
			t.Errorf("%d: %q: got %d:%d %q, want %d:%d %q", i, test.src, e.Line, e.Col, e.Msg, test.line, test.col, test.msg)
		}
	}
}

func TestEncode(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {7, 9999}, {107373, 42}} {
		if e := Encode(c[0], c[1]); e >= 1<<30 {
			t.Errorf("Encode%v = %d: go/scanner rejects it", c, e)
		} else if cc, l := Decode(e); cc != c[0] || l != c[1] {
			t.Errorf("Decode(Encode%v) = %d, %d", c, cc, l)
		}
	}
}

func TestEncodeMark(t *testing.T) {
	for _, c := range [][3]int{{1, 1, 1}, {7, 9999, 999}, {107373, 42, 5}} {
		if cc, l, col := DecodeMark(EncodeMark(c[0], c[1], c[2])); cc != c[0] || l != c[1] || col != c[2] {
			t.Errorf("DecodeMark(EncodeMark%v) = %d, %d, %d", c, cc, l, col)
		}
	}
}

func TestStatus(t *testing.T) {
	for _, test := range []struct{ src, status, indent string }{
		{"x := 1", "complete", ""},
		{"if x {\n\ty := 1", "incomplete", "\t"},
		{"func f() {", "incomplete", "\t"},
		{"x := `a", "incomplete", ""},
		{"x := 1 +", "incomplete", ""},
		{"x := ]", "invalid", ""},
	} {
		st, ind := Status(test.src)
		if st != test.status || ind != test.indent {
			t.Errorf("Status(%q) = %s %q, want %s %q", test.src, st, ind, test.status, test.indent)
		}
	}
}

// FuzzSplit checks that Split never panics, and that what it produces
// parses the way yaegi wraps it.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"x := 1", "import \"fmt\"\nfmt.Println(1)", "for i := range 10 { }", "v, ok := m[k]",
		"type T struct{}\nfunc (T) M() {}\nT{}", "func() {}()", "switch x := y.(type) { case int: }",
		"for i := 0; i < 3; i++ { go func() { _ = i }() }", "a := min(1, 2)", "clear(m)", "x := `",
		"func (", "L: for { break L }", "select {}", "var (\n a = 1\n b = 2\n)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var c *Cell
		var err error
		done := make(chan bool)
		go func() { c, err = Split(src, Options{Cell: 1}); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Split(%q) hangs", src)
		}
		if err != nil {
			return
		}
		for _, s := range c.Segments {
			parses(t, s)
		}
	})
}

func TestSplit_HoistIndex(t *testing.T) {
	c := split(t, "x := f()\nv := x[0]\nvar w = (x[1])\nu := x", Options{Cell: 1, NoChecks: true})
	var hoisted []string
	for _, s := range c.Segments {
		if s.Hoist == "" {
			if s.Direct != "" {
				t.Errorf("Direct without Hoist: %q", s.Direct)
			}
			continue
		}
		hoisted = append(hoisted, s.Hoist)
		if !strings.Contains(s.Src, HoistVar+" := func() any { "+HoistVar+" := ") || !strings.Contains(s.Src, "return &"+HoistVar) {
			t.Errorf("%s: hoisted source %q", s.Hoist, s.Src)
		}
		if strings.Contains(s.Direct, HoistVar) || !strings.Contains(s.Direct, s.Hoist) {
			t.Errorf("%s: direct source %q", s.Hoist, s.Direct)
		}
	}
	if strings.Join(hoisted, " ") != "v w" {
		t.Errorf("hoisted %v, want [v w]", hoisted)
	}
}

func TestSplit_ParenLits(t *testing.T) {
	c := split(t, "a, b, p := 0.0, 1, []float64{}\nfunc f() { var x, y = T{}, 2; x, y = T{1}, 3 }\nq := []int{}", Options{Cell: 1, NoChecks: true})
	var src strings.Builder
	for _, s := range c.Segments {
		src.WriteString(s.Src)
	}
	got := regexp.MustCompile(`/\*line [^*]*\*/`).ReplaceAllString(src.String(), "")
	for _, want := range []string{"([]float64{})", "(T{}), 2", "(T{1}), 3", "q := []int{}"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in %q", want, got)
		}
	}
}
