// Package ledgertest is the contract suite every ledger.Store passes, run
// against each implementation the way litestream's RunWithReplicaClient runs
// one body against every replica client.
package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/ledger"
)

// Dataset and Version are registered by Fresh; events made by Event name them.
const (
	Dataset = "digits"
	Version = "sha256:0001"
)

// T0 is the time of events made by Event: a non-UTC zone and nanoseconds, so
// stores show they keep both.
var T0 = time.Date(2026, 3, 1, 10, 30, 0, 123456789, time.FixedZone("CET", 3600))

// Event returns a valid human relabel of row key with the given id.
func Event(id, key string) ledger.Event {
	return ledger.Event{
		ID: id, Dataset: Dataset, DatasetVersion: Version, RowKey: key,
		Kind: ledger.Relabel, Field: "label", Old: "7", New: "1",
		Author: "ann", Source: ledger.Human, Reason: "looks like a one",
		Time: T0, ModelVersion: "logreg@3",
	}
}

// Fresh returns a new store from open with Dataset@Version registered.
func Fresh(t *testing.T, open func(t *testing.T) ledger.Store) ledger.Store {
	t.Helper()
	s := open(t)
	t.Cleanup(func() { s.Close() })
	if err := s.RegisterVersion(context.Background(), ledger.Version{Dataset: Dataset, Version: Version, Rows: 1797}); err != nil {
		t.Fatalf("RegisterVersion: %v", err)
	}
	return s
}

// Run runs the contract against stores made by open, which returns a new,
// empty store each call (the suite closes it).
func Run(t *testing.T, open func(t *testing.T) ledger.Store) {
	ctx := context.Background()
	mustAppend := func(t *testing.T, s ledger.Store, e ledger.Event) ledger.Ack {
		t.Helper()
		ack, err := s.Append(ctx, e)
		if err != nil {
			t.Fatalf("Append(%q): %v", e.ID, err)
		}
		return ack
	}

	t.Run("Append", func(t *testing.T) {
		s := Fresh(t, open)
		want := Event("e1", "row-1")
		want.Old, want.New = `{"x": [1, 2]}`, "ünïcødé ✓ \"quoted\"\nnewline"
		ack := mustAppend(t, s, want)
		if ack != (ledger.Ack{ID: "e1", Seq: 1}) {
			t.Errorf("ack: got %+v want {ID:e1 Seq:1}", ack)
		}
		got, err := s.Events(ctx, Dataset)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !ledger.SameEvent(got[0], want) || got[0].Seq != 1 {
			t.Fatalf("events: got %+v want [%+v] with seq 1", got, want)
		}
		if got[0].Time.Location() != time.UTC || got[0].Time.Nanosecond() != T0.Nanosecond() {
			t.Errorf("time: got %v want %v in UTC with nanoseconds", got[0].Time, T0.UTC())
		}
	})

	t.Run("Retry", func(t *testing.T) {
		s := Fresh(t, open)
		mustAppend(t, s, Event("a", "row-1"))
		e := Event("e1", "row-1")
		first := mustAppend(t, s, e)
		e.Time = e.Time.UTC() // same instant, other zone: still the same event
		again := mustAppend(t, s, e)
		if !again.Duplicate || again.Seq != first.Seq || first.Duplicate {
			t.Errorf("acks: got %+v then %+v, want the retry marked Duplicate with seq %d", first, again, first.Seq)
		}
		if got, _ := s.Events(ctx, ""); len(got) != 2 {
			t.Errorf("got %d events want 2", len(got))
		}
	})

	t.Run("IDReused", func(t *testing.T) {
		s := Fresh(t, open)
		mustAppend(t, s, Event("e1", "row-1"))
		e := Event("e1", "row-1")
		e.New = "2"
		_, err := s.Append(ctx, e)
		if !errors.Is(err, ledger.ErrIDReused) {
			t.Errorf("got %v want ErrIDReused", err)
		}
	})

	t.Run("UnknownVersion", func(t *testing.T) {
		s := Fresh(t, open)
		for _, e := range []ledger.Event{
			func() ledger.Event { e := Event("v1", "row-1"); e.DatasetVersion = "sha256:ffff"; return e }(),
			func() ledger.Event { e := Event("v2", "row-1"); e.Dataset = "iris"; return e }(),
		} {
			_, err := s.Append(ctx, e)
			if !errors.Is(err, ledger.ErrUnknownVersion) {
				t.Errorf("%s@%s: got %v want ErrUnknownVersion", e.Dataset, e.DatasetVersion, err)
			}
		}
		if got, _ := s.Events(ctx, ""); len(got) != 0 {
			t.Errorf("refused events stored: %+v", got)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		s := Fresh(t, open)
		for _, test := range []struct {
			name string
			edit func(*ledger.Event)
		}{
			{"UnknownKind", func(e *ledger.Event) { e.Kind = "rename" }},
			{"MissingKind", func(e *ledger.Event) { e.Kind = "" }},
			{"MissingRowKey", func(e *ledger.Event) { e.RowKey = "" }},
			{"MissingID", func(e *ledger.Event) { e.ID = "" }},
			{"MissingAuthor", func(e *ledger.Event) { e.Author = "" }},
			{"MissingTime", func(e *ledger.Event) { e.Time = time.Time{} }},
			{"TimeOutOfRange", func(e *ledger.Event) { e.Time = time.Date(12026, 1, 1, 0, 0, 0, 0, time.UTC) }},
			{"UnknownSource", func(e *ledger.Event) { e.Source = "robot" }},
			{"EditWithoutField", func(e *ledger.Event) { e.Kind, e.Field = ledger.Edit, "" }},
			{"RelabelWithoutLabel", func(e *ledger.Event) { e.New = "" }},
			{"UndoWithoutTarget", func(e *ledger.Event) { e.Kind = ledger.Undo }},
		} {
			e := Event("bad-"+test.name, "row-1")
			test.edit(&e)
			if _, err := s.Append(ctx, e); !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("%s: got %v want ErrInvalid", test.name, err)
			}
		}
		if got, _ := s.Events(ctx, ""); len(got) != 0 {
			t.Errorf("invalid events stored: %+v", got)
		}
	})

	t.Run("Undo", func(t *testing.T) {
		s := Fresh(t, open)
		mustAppend(t, s, Event("h1", "row-1"))
		code := Event("c1", "row-2")
		code.Source, code.Author = ledger.Code, "cell 4"
		mustAppend(t, s, code)
		undo := func(id, of, key string, src ledger.Source) ledger.Event {
			e := Event(id, key)
			e.Kind, e.UndoOf, e.Source, e.Old, e.New = ledger.Undo, of, src, "", ""
			return e
		}
		for _, test := range []struct {
			e    ledger.Event
			want error
		}{
			{undo("u0", "nope", "row-1", ledger.Human), ledger.ErrUnknownEvent},
			{undo("u1", "h1", "row-2", ledger.Human), ledger.ErrInvalid}, // wrong row
			{undo("u2", "h1", "row-1", ledger.Code), ledger.ErrProtected},
			{undo("u3", "c1", "row-2", ledger.Code), nil},
			{undo("u4", "h1", "row-1", ledger.Human), nil},
			{undo("u5", "u4", "row-1", ledger.Human), nil}, // redo
		} {
			_, err := s.Append(ctx, test.e)
			if (test.want == nil && err != nil) || !errors.Is(err, test.want) {
				t.Errorf("%s (undo of %s): got %v want %v", test.e.ID, test.e.UndoOf, err, test.want)
			}
		}
		got, _ := s.Events(ctx, Dataset)
		if len(got) != 5 {
			t.Errorf("got %d events want 5 (h1 c1 u3 u4 u5)", len(got))
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		s := Fresh(t, open)
		const workers, each = 8, 25
		var wg sync.WaitGroup
		var mu sync.Mutex
		seqs := map[int64]string{}
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := fmt.Sprintf("w%d-%d", w, i)
					ack, err := s.Append(ctx, Event(id, fmt.Sprintf("row-%d", i)))
					if err != nil {
						t.Errorf("Append(%s): %v", id, err)
						return
					}
					mu.Lock()
					if prev, dup := seqs[ack.Seq]; dup {
						t.Errorf("seq %d acked for %s and %s", ack.Seq, prev, id)
					}
					seqs[ack.Seq] = id
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		got, err := s.Events(ctx, Dataset)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != workers*each {
			t.Fatalf("got %d events want %d", len(got), workers*each)
		}
		for i, e := range got {
			if i > 0 && e.Seq <= got[i-1].Seq {
				t.Fatalf("events out of order at %d: seq %d after %d", i, e.Seq, got[i-1].Seq)
			}
			if seqs[e.Seq] != e.ID {
				t.Errorf("seq %d: stored %s, acked %s", e.Seq, e.ID, seqs[e.Seq])
			}
		}
	})

	t.Run("Canceled", func(t *testing.T) {
		s := Fresh(t, open)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if ack, err := s.Append(cctx, Event("e1", "row-1")); !errors.Is(err, context.Canceled) {
			t.Errorf("got %+v, %v want context.Canceled", ack, err)
		}
	})

	t.Run("Events", func(t *testing.T) {
		s := Fresh(t, open)
		if err := s.RegisterVersion(ctx, ledger.Version{Dataset: "iris", Version: "v"}); err != nil {
			t.Fatal(err)
		}
		iris := Event("i1", "row-1")
		iris.Dataset, iris.DatasetVersion = "iris", "v"
		mustAppend(t, s, Event("d1", "row-1"))
		mustAppend(t, s, iris)
		mustAppend(t, s, Event("d2", "row-1"))
		for _, test := range []struct {
			dataset string
			want    []string
		}{
			{Dataset, []string{"d1", "d2"}},
			{"iris", []string{"i1"}},
			{"", []string{"d1", "i1", "d2"}},
			{"none", nil},
		} {
			got, err := s.Events(ctx, test.dataset)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(test.want) {
				t.Errorf("Events(%q): got %v want %v", test.dataset, ids, test.want)
			}
		}
	})

	t.Run("EventsAfter", func(t *testing.T) {
		s := Fresh(t, open)
		if err := s.RegisterVersion(ctx, ledger.Version{Dataset: "iris", Version: "v"}); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			e := Event(fmt.Sprint("e", i+1), "row-1")
			if i == 2 {
				e.Dataset, e.DatasetVersion = "iris", "v"
			}
			mustAppend(t, s, e)
		}
		for _, test := range []struct {
			dataset string
			seq     int64
			want    string
		}{
			{"", 0, "[e1 e2 e3 e4 e5]"},
			{"", 2, "[e3 e4 e5]"},
			{Dataset, 2, "[e4 e5]"},
			{"iris", 3, "[]"},
			{"", 5, "[]"},
			{"", 99, "[]"},
			{"", -1, "[e1 e2 e3 e4 e5]"},
		} {
			got, err := s.EventsAfter(ctx, test.dataset, test.seq)
			if err != nil {
				t.Fatal(err)
			}
			ids := []string{}
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if fmt.Sprint(ids) != test.want {
				t.Errorf("EventsAfter(%q, %d): got %v want %s", test.dataset, test.seq, ids, test.want)
			}
		}
	})

	t.Run("Versions", func(t *testing.T) {
		s := Fresh(t, open)
		for _, v := range []string{"sha256:0002", Version, "sha256:0002"} {
			if err := s.RegisterVersion(ctx, ledger.Version{Dataset: Dataset, Version: v}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RegisterVersion(ctx, ledger.Version{Dataset: Dataset}); !errors.Is(err, ledger.ErrInvalid) {
			t.Errorf("empty version: got %v want ErrInvalid", err)
		}
		got, err := s.Versions(ctx, Dataset)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Version != Version || got[1].Version != "sha256:0002" || got[0].Rows != 1797 || got[0].Time.IsZero() {
			t.Errorf("got %+v want %s (1797 rows) then sha256:0002, with times", got, Version)
		}
	})

	t.Run("Close", func(t *testing.T) {
		s := Fresh(t, open)
		mustAppend(t, s, Event("e1", "row-1"))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(ctx, Event("e2", "row-1")); !errors.Is(err, ledger.ErrClosed) {
			t.Errorf("Append after Close: got %v want ErrClosed", err)
		}
		if _, err := s.Events(ctx, ""); !errors.Is(err, ledger.ErrClosed) {
			t.Errorf("Events after Close: got %v want ErrClosed", err)
		}
	})
}
