package sqlite

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"tandem.dev/tandem/runtime/ledger"
)

var update = flag.Bool("update", false, "rewrite testdata/v1/ledger.db from ../testdata/v1/session.jsonl")

func readSession(t *testing.T) []ledger.Event {
	t.Helper()
	f, err := os.Open("../testdata/v1/session.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	events, err := ledger.ReadEvents(f)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// TestOpen_V1File opens a ledger database written with schema version 1:
// every database file a released Tandem wrote must open forever (STYLE.md
// §5), migrated to the current schema, with its events intact.
func TestOpen_V1File(t *testing.T) {
	const golden = "testdata/v1/ledger.db"
	events := readSession(t)
	ctx := context.Background()
	if *update {
		os.Remove(golden)
		s, err := Open(golden, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"sha256:0001", "sha256:0002"} {
			s.RegisterVersion(ctx, ledger.Version{Dataset: "digits", Version: v, Rows: 1797})
		}
		for _, e := range events {
			if _, err := s.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		s.db.Exec("VACUUM")
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ledger.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Events(ctx, "")
	if err != nil || len(got) != len(events) {
		t.Fatalf("got %d events, %v want %d", len(got), err, len(events))
	}
	for i := range got {
		if !ledger.SameEvent(got[i], events[i]) || got[i].Seq != events[i].Seq {
			t.Errorf("%d: got %+v want %+v", i, got[i], events[i])
		}
	}
	vs, err := s.Versions(ctx, "digits")
	if err != nil || len(vs) != 2 || vs[1].Version != "sha256:0002" || vs[0].Rows != 1797 {
		t.Errorf("versions: got %+v, %v", vs, err)
	}
	// And it takes new events.
	e := events[0]
	e.ID = "new"
	if ack, err := s.Append(ctx, e); err != nil || ack.Seq != int64(len(events)+1) {
		t.Errorf("append to the v1 file: %+v, %v", ack, err)
	}
}
