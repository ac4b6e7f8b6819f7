package kernel

import (
	"context"
	"slices"
	"testing"
)

// TestCompleteLocals: completion after "x." for variables the code being
// written defines (locals in a func body, a cell's own := before it
// runs), of cell types and of compiled types; the field that keeps a cell
// struct type apart (cell.TypeTag) is never offered.
func TestCompleteLocals(t *testing.T) {
	s := newTestSession(t)
	r := s.Execute(context.Background(), "type E struct{}\nfunc (E) M() {}\ntype P struct{ Name string; age int }\n"+
		"func (p P) Hi() string { return p.Name }\nfunc NewP() *P { return &P{} }\ne := E{}\n", &recorder{})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	for _, c := range []struct {
		code string
		want []string
	}{
		{"e.", []string{"M"}},
		{"func g() {\n\tq := P{}\n\tq.", []string{"Hi", "Name", "age"}},
		{"r := NewP()\nr.", []string{"Hi", "Name", "age"}},
		{"var z P\nz.", []string{"Hi", "Name", "age"}},
		{"func show(n int, p *P) {\n\tp.", []string{"Hi", "Name", "age"}},
		{"var b strings.Builder\nb.Wr", []string{"Write", "WriteByte", "WriteRune", "WriteString"}},
	} {
		got := s.Complete(c.code, len(c.code)).Matches
		if !slices.Equal(got, c.want) {
			t.Errorf("complete %q = %v, want %v", c.code, got, c.want)
		}
	}
	code := "h := train.Fit(nil, nil, train.Config{})\nh.Los"
	if got := s.Complete(code, len(code)).Matches; !slices.Equal(got, []string{"Loss"}) {
		t.Errorf("complete %q = %v, want [Loss]", code, got)
	}
}
