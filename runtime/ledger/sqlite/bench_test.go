package sqlite

import (
	"context"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/ledgertest"
)

// benchAppend appends b.N events from writers goroutines at once and reports
// the Append-to-durable-ack latency (p50, p99, max, in ms) and the sustained
// rate. Each Append returns after the fsynced commit holding its event.
func benchAppend(b *testing.B, writers int) {
	dir, err := os.MkdirTemp(b.TempDir(), "ws")
	if err != nil {
		b.Fatal(err)
	}
	s, err := OpenWorkspace(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.RegisterVersion(ctx, ledger.Version{Dataset: ledgertest.Dataset, Version: ledgertest.Version})
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				e := ledgertest.Event(fmt.Sprintf("b%d", i), fmt.Sprintf("row-%d", i%1797))
				t0 := time.Now()
				if _, err := s.Append(ctx, e); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*99)/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "appends/s")
}

// BenchmarkStore_Append is one writer: each Append is its own commit (the
// latency of a keypress in the review widget to its durable ack).
func BenchmarkStore_Append(b *testing.B) { benchAppend(b, 1) }

// BenchmarkStore_AppendConcurrent is 16 writers (a class reviewing at once,
// or a training cell correcting while a person reviews): group commit puts
// the events waiting at each moment in one commit.
func BenchmarkStore_AppendConcurrent(b *testing.B) { benchAppend(b, 16) }
