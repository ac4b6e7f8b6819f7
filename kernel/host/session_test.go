package host

import (
	"context"
	"strings"
	"testing"

	"tandem.dev/tandem/kernel"
	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/stdlib"
)

func TestSessionBackend(t *testing.T) {
	s, err := kernel.New(kernel.Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload})
	if err != nil {
		t.Fatal(err)
	}
	b := NewSessionBackend(s)
	defer b.Close()
	var _ jupyter.Backend = b

	rec := &recorder{}
	r := b.Execute(context.Background(), "x := 40\nfmt.Println(\"hi\")\nx + 2", rec)
	if r.Err != nil || r.Data["text/plain"] != "42" || r.Count != 1 {
		t.Errorf("execute: %+v", r)
	}
	if got := rec.text(); got != "hi\n" {
		t.Errorf("stream: got %q", got)
	}
	r = b.Execute(context.Background(), "var a []int\n_ = a[3]", rec)
	if r.Err == nil || r.Err.Name != kernel.KindPanic || len(r.Err.Traceback) < 2 ||
		!strings.HasPrefix(r.Err.Traceback[0], "Panic: ") || !strings.Contains(r.Err.Traceback[1], "cell [2], line 2") {
		t.Errorf("panic: %+v", r.Err)
	}
	c := b.Complete("fmt.Pri", 7)
	if c.Start != 4 || c.End != 7 || !contains(c.Matches, "Println") {
		t.Errorf("complete: %+v", c)
	}
	if in := b.Inspect("fmt.Println", 5, 0); !in.Found || !strings.Contains(in.Data["text/plain"].(string), "Println") {
		t.Errorf("inspect: %+v", in)
	}
	if st, indent := b.IsComplete("for {"); st != "incomplete" {
		t.Errorf("is_complete: %q %q", st, indent)
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestExecError(t *testing.T) {
	e := ExecError(&kernel.CellError{Kind: "Panic", Cell: 3, Line: 4, Col: 9, Msg: "boom",
		Stack: []kernel.Frame{{Func: "f", Cell: 1, Line: 2, Col: 5}, {Cell: 3, Line: 4}}})
	want := []string{"Panic: boom", "  at cell [3], line 4:9", "  in f, cell [1], line 2:5", "  in (cell), cell [3], line 4"}
	if e.Name != "Panic" || e.Value != "boom" || strings.Join(e.Traceback, "\n") != strings.Join(want, "\n") {
		t.Errorf("got: %q\nwant: %q", e.Traceback, want)
	}
}
