package ledger_test

import (
	"fmt"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/ledger"
)

// BenchmarkReplay replays 100,000 events (relabels, exclusions, edits, undos
// by three authors) over a 1,000,000-row dataset: what a session does when
// the grid of a big dataset opens.
func BenchmarkReplay(b *testing.B) {
	const rows, n = 1_000_000, 100_000
	keys := make([]string, rows)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%d", i)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	events := make([]ledger.Event, n)
	for i := range events {
		e := ledger.Event{ID: fmt.Sprint("e", i), Dataset: "d", DatasetVersion: "v", RowKey: keys[(i*7919)%rows],
			Author: []string{"ann", "bob", "cy"}[i%3], Source: ledger.Human, Time: t0}
		switch i % 10 {
		case 0, 1, 2, 3, 4:
			e.Kind, e.New = ledger.Relabel, fmt.Sprint(i%10)
		case 5, 6:
			e.Kind = ledger.Exclude
		case 7, 8:
			e.Kind, e.Field, e.New = ledger.Edit, "x", "1.5"
		case 9:
			e.Kind, e.UndoOf, e.RowKey = ledger.Undo, events[i-1].ID, events[i-1].RowKey
		}
		events[i] = e
	}
	b.ResetTimer()
	for range b.N {
		st := ledger.Replay(events, ledger.ReplayOptions{Dataset: "d", Keys: keys})
		if len(st.Ignored) > 0 {
			b.Fatal(st.Ignored[0])
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
