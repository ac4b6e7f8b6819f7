package runner

import (
	"errors"
	"strings"
	"testing"

	"tandem.dev/tandem/kernel/notebook"
)

func TestDefaults(t *testing.T) {
	for i, test := range []struct {
		src  string
		want string // name:kind:line[:const] …
	}{
		{"n := 3\nrate := 0.1\nname := \"x\"\nok := true", "n:int:1 rate:float64:2 name:string:3 ok:bool:4"},
		{"var epochs = 10\nvar lr float64 = 1\nconst label = `y`", "epochs:int:1 lr:float64:2 label:string:3:const"},
		{"var (\n\ta = 1\n\tb, c = 2.5, \"s\"\n)", "a:int:2 b:float64:3 c:string:3"},
		{"wait := 2 * time.Second\nvar d time.Duration\nt := time.Duration(5)", "wait:time.Duration:1 d:time.Duration:2 t:time.Duration:3"},
		{"x := -1\ny := float64(2)\nz := !false\nw := 1 + 0.5\nu := f()", "x:int:1 y:float64:2 z:bool:3 w:float64:4 u::5"},
		{"// a comment\n_ = 3\nfmt.Println(1)\nk := 2", "k:int:4"},
	} {
		defs, err := Defaults(test.src)
		if err != nil {
			t.Errorf("%d: %v", i, err)
			continue
		}
		var got []string
		for _, d := range defs {
			s := d.Name + ":" + d.Kind + ":" + string(rune('0'+d.Line))
			if d.Const {
				s += ":const"
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " "); g != test.want {
			t.Errorf("%d: got: %v want: %v", i, g, test.want)
		}
	}
	if _, err := Defaults("x := ("); err == nil {
		t.Error("no error for a cell that does not parse")
	}
}

func paramsNB(src string) *notebook.Notebook {
	nb := notebook.New()
	nb.Cells = []*notebook.Cell{
		{ID: "a", Type: "markdown", Source: "# P", Metadata: map[string]any{}},
		{ID: "p", Type: "code", Source: src, Metadata: map[string]any{"tags": []any{"parameters"}}},
		{ID: "b", Type: "code", Source: "fmt.Println(n)", Metadata: map[string]any{}},
	}
	return nb
}

func TestInjectParameters(t *testing.T) {
	src := "n := 3\nrate := 0.5\nname := \"a\"\nverbose := false\nconst wait = time.Second"
	for i, test := range []struct {
		params []Param
		want   string // the injected source, or the error
	}{
		{[]Param{{"n", "10"}}, "// Parameters\nn = 10"},
		{[]Param{{"n", "0x10"}, {"rate", "2"}, {"name", `say "hi"`}, {"verbose", "true"}, {"wait", "1m30s"}},
			"// Parameters\nn = 16\nrate = 2.0\nname = \"say \\\"hi\\\"\"\nverbose = true\nwait := time.Duration(90000000000) // 1m30s"},
		{[]Param{{"rate", "1e-3"}}, "// Parameters\nrate = 0.001"},
		{[]Param{{"rate", "inf"}}, "// Parameters\nrate = math.Inf(1)"},
		{[]Param{{"n", "1.5"}}, `parameter n: "1.5" is not an integer (the default in the parameters cell is int)`},
		{[]Param{{"rate", "fast"}}, `parameter rate: "fast" is not a number (the default in the parameters cell is float64)`},
		{[]Param{{"verbose", "yes"}}, `parameter verbose: "yes" is not a bool (true or false) (the default in the parameters cell is bool)`},
		{[]Param{{"wait", "10"}}, `parameter wait: "10" is not a duration (such as 1.5s or 2m) (the default in the parameters cell is time.Duration)`},
		{[]Param{{"epochs", "1"}}, `parameter epochs: not declared in the parameters cell (it declares n, rate, name, verbose, wait)`},
		{[]Param{{"n", "1"}, {"n", "2"}}, `parameter n: given twice`},
	} {
		nb := paramsNB(src)
		err := InjectParameters(nb, test.params)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Errorf("%d: error is %T, want *ParamError", i, err)
			}
			if err.Error() != test.want {
				t.Errorf("%d: got error: %v want: %v", i, err, test.want)
			}
			continue
		}
		if len(nb.Cells) != 4 {
			t.Fatalf("%d: cells: got %d want 4", i, len(nb.Cells))
		}
		if got := nb.Metadata["tandem"].(map[string]any)["parameters"].(map[string]any); got[test.params[0].Name] != test.params[0].Value {
			t.Errorf("%d: metadata tandem.parameters: %v", i, got)
		}
		inj := nb.Cells[2]
		if inj.Source != test.want {
			t.Errorf("%d: got:\n%s\nwant:\n%s", i, inj.Source, test.want)
		}
		if !hasTag(inj, InjectedTag) {
			t.Errorf("%d: injected cell not tagged", i)
		}
		// Injecting again replaces the cell instead of adding another.
		if err := InjectParameters(nb, []Param{{"n", "7"}}); err != nil || len(nb.Cells) != 4 || nb.Cells[2].Source != "// Parameters\nn = 7" {
			t.Errorf("%d: re-injection: err %v, %d cells, %q", i, err, len(nb.Cells), nb.Cells[2].Source)
		}
	}

	t.Run("NoParametersCell", func(t *testing.T) {
		nb := paramsNB("n := 1")
		nb.Cells[1].Metadata = map[string]any{}
		err := InjectParameters(nb, []Param{{"n", "2"}})
		if err == nil || !strings.Contains(err.Error(), `no cell tagged "parameters"`) {
			t.Errorf("got %v", err)
		}
		if err := InjectParameters(nb, nil); err != nil {
			t.Errorf("no parameters: %v", err)
		}
	})

	t.Run("ScriptMarker", func(t *testing.T) {
		for _, title := range []string{"parameters", `tags=["parameters"]`, `tags=["x", "parameters"]`} {
			nb := paramsNB("n := 1")
			nb.Cells[1].Metadata = map[string]any{"title": title}
			if err := InjectParameters(nb, []Param{{"n", "2"}}); err != nil {
				t.Errorf("title %q: %v", title, err)
			}
		}
	})
}

func TestParseParam(t *testing.T) {
	for i, test := range []struct{ in, name, value, err string }{
		{"n=1", "n", "1", ""},
		{"s=a=b", "s", "a=b", ""},
		{"e=", "e", "", ""},
		{"novalue", "", "", "want name=value"},
		{"1x=2", "", "", "is not a Go identifier"},
	} {
		p, err := ParseParam(test.in)
		if test.err != "" {
			if err == nil || !strings.Contains(err.Error(), test.err) {
				t.Errorf("%d: got error %v want %q", i, err, test.err)
			}
			continue
		}
		if err != nil || p.Name != test.name || p.Value != test.value {
			t.Errorf("%d: got %+v, %v", i, p, err)
		}
	}
}

func TestErrorPlace(t *testing.T) {
	for i, test := range []struct {
		tb        []string
		count     int
		line, col int
	}{
		{[]string{"Panic: x", "  at cell [2], line 4:9", "  in f, cell [1], line 2"}, 2, 4, 9},
		{[]string{"CompileError: y", "  at cell [3], line 1"}, 3, 1, 0},
		{[]string{"Panic: x", "  at cell [1], line 7", "  in f, cell [1], line 2"}, 2, 0, 0},
		{[]string{"KernelDied: gone"}, 2, 0, 0},
	} {
		l, c := errorPlace(test.tb, test.count)
		if l != test.line || c != test.col {
			t.Errorf("%d: got: %d:%d want: %d:%d", i, l, c, test.line, test.col)
		}
	}
}
