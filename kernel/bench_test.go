package kernel

import (
	"context"
	"testing"

	"tandem.dev/tandem/stdlib"
)

// BenchmarkSession_Execute measures a warm Execute of `1+1` in process.
func BenchmarkSession_Execute(b *testing.B) {
	s := newTestSession(b)
	s.Execute(context.Background(), "1+1", nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := s.Execute(context.Background(), "1+1", nil); r.Err != nil || text(r) != "2" {
			b.Fatal(r.Err, text(r))
		}
	}
}

// BenchmarkSession_Complete measures a completion request.
func BenchmarkSession_Complete(b *testing.B) {
	s := newTestSession(b)
	s.Execute(context.Background(), "counter := 1", nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Complete("fmt.Spr", 7)
	}
}

// BenchmarkSession_ExecuteDefine measures a warm cell that redefines a
// variable and shows a value.
func BenchmarkSession_ExecuteDefine(b *testing.B) {
	s := newTestSession(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := s.Execute(context.Background(), "x := 1\nx + 1", nil); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
}

// BenchmarkNew measures starting a session (interpreter, symbols,
// helpers, preloaded packages).
func BenchmarkNew(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s, err := New(Options{Symbols: stdlib.Symbols, Preload: stdlib.Preload})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
