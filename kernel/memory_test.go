package kernel

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// cell200 is a 200-line cell: a func of 197 statement lines and a call.
func cell200() string {
	var b strings.Builder
	b.WriteString("func big(n int) int {\n\ts := 0\n")
	for i := 0; i < 196; i++ {
		fmt.Fprintf(&b, "\tif n > %d { s += n * %d } else { s -= %d }\n", i, i, i)
	}
	b.WriteString("\treturn s\n}\nbig(3)")
	return b.String()
}

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestSession_Memory holds the session to MemoryBound: yaegi never frees
// compiled code, and the session recycles its interpreter past
// Options.CodeBudget.
func TestSession_Memory(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: 11,000 cells")
	}
	for _, tc := range []struct {
		name string
		code string
		n    int
	}{
		{"Small", "x := 1\nx + 1", 10000},
		{"Rerun200Lines", cell200(), 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSession(t)
			run(t, s, "keep := []int{1, 2, 3}")
			base := heap()
			var peak uint64
			for i := 0; i < tc.n; i++ {
				r := s.Execute(context.Background(), tc.code, nil)
				if r.Err != nil {
					t.Fatalf("run %d: %s", i, r.Err)
				}
				if i%(tc.n/20) == 0 {
					if h := heap(); h > peak {
						peak = h
					}
				}
			}
			grow := int64(peak) - int64(base)
			t.Logf("%d runs: peak heap growth %.1f MB, %d interpreter rebuilds", tc.n, float64(grow)/(1<<20), s.rebuilds)
			if grow > MemoryBound {
				t.Errorf("heap grew by %d MB, bound %d MB", grow>>20, MemoryBound>>20)
			}
			if got := text(run(t, s, "len(keep)")); got != "3" {
				t.Errorf("state lost across rebuilds: len(keep) = %s", got)
			}
		})
	}
}
