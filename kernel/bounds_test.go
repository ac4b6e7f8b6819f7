package kernel

import (
	"context"
	"testing"
)

// TestBoundsDetailThenMore: working out a bounds detail (also one whose
// operand panics when evaluated again) leaves the session working.
func TestBoundsDetailThenMore(t *testing.T) {
	s := newTestSession(t)
	ctx := context.Background()
	steps := []struct{ code, err, value string }{
		{"type T struct{ S []int }\nvar p *T\nxs := []int{1}\ni := 3", "", ""},
		{"p.S[i]", "cell 2, line 1:1: panic: runtime error: invalid memory address or nil pointer dereference", ""},
		{"xs[i]", "cell 3, line 1:1: panic: runtime error: index out of range [3] with length 1", ""},
		{"p = &T{S: []int{1, 2}}\nlen(p.S) + xs[0]", "", "3"},
		{"p.S[i-1]", "cell 5, line 1:1: panic: runtime error: index out of range [2] with length 2", ""},
		{"i * 2", "", "6"},
	}
	for _, st := range steps {
		r := s.Execute(ctx, st.code, &recorder{})
		got := ""
		if r.Err != nil {
			got = r.Err.String()
		}
		if got != st.err {
			t.Fatalf("%q: error %q, want %q", st.code, got, st.err)
		}
		if st.value != "" && (r.Value == nil || r.Value.Data["text/plain"] != st.value) {
			t.Fatalf("%q: value %v, want %s", st.code, r.Value, st.value)
		}
	}
}
