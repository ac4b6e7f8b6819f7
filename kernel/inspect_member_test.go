package kernel

import (
	"context"
	"testing"
)

// TestInspectMembers: Inspect on a field or a method of a runtime value
// (no doc entry), on a field of a cell type, and on a closure variable.
func TestInspectMembers(t *testing.T) {
	s := newTestSession(t)
	r := s.Execute(context.Background(), "type P struct{ Name string }\np := P{\"a\"}\n"+
		"h := train.Fit(nn.NewLinear(4, 3), data.Iris(), train.Config{Epochs: 1, Quiet: true})\n"+
		"f := func(x int) int { return x }\nimport \"bytes\"\nvar b bytes.Buffer", &recorder{})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	for _, c := range []struct {
		code string
		pos  int
		want string
	}{
		{"h.Loss", 3, "field Loss string (of train.History)"},
		{"p.Name", 3, "field Name string (of a type defined in a cell)"},
		{"f(2)", 0, "var f func(int) int (cell 1)"},
		{"b.WriteString", 3, "func (*bytes.Buffer) WriteString(string) (int, error)"},
		{"b.Len", 3, "func (*bytes.Buffer) Len() int"},
	} {
		if got := s.Inspect(c.code, c.pos); !got.Found || got.Text != c.want {
			t.Errorf("Inspect(%q, %d) = %v %q, want %q", c.code, c.pos, got.Found, got.Text, c.want)
		}
	}
}
