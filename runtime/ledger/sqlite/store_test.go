package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/ledgertest"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := OpenWorkspace(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore_Contract(t *testing.T) {
	ledgertest.Run(t, func(t *testing.T) ledger.Store { return openTemp(t) })
}

// TestStore_Pragmas checks that every pooled connection, not just the first,
// has the durability settings: the pool makes connections on demand.
func TestStore_Pragmas(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := context.Background()
	var conns []*sql.Conn
	for range 4 {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		var mode string
		var sync, busy, fk int
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
		c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		if mode != "wal" || sync != 2 || busy != 10000 || fk != 1 {
			t.Errorf("connection %d: journal_mode %s synchronous %d busy_timeout %d foreign_keys %d; want wal 2 (FULL) 10000 1", i, mode, sync, busy, fk)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestStore_Reopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := OpenWorkspace(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.RegisterVersion(ctx, ledger.Version{Dataset: ledgertest.Dataset, Version: ledgertest.Version})
	want := ledgertest.Event("e1", "row-1")
	if _, err := s.Append(ctx, want); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, ".tandem", "ledger.db")); err != nil {
		t.Fatal(err)
	}
	s, err = OpenWorkspace(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Events(ctx, "")
	if err != nil || len(got) != 1 || !ledger.SameEvent(got[0], want) {
		t.Fatalf("got %+v, %v want [%+v]", got, err, want)
	}
	// The retry of an event acknowledged before the restart is still a duplicate.
	ack, err := s.Append(ctx, want)
	if err != nil || !ack.Duplicate || ack.Seq != 1 {
		t.Errorf("retry after reopen: got %+v, %v want a duplicate of seq 1", ack, err)
	}
}

func TestStore_AppendOnly(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := context.Background()
	s.RegisterVersion(ctx, ledger.Version{Dataset: ledgertest.Dataset, Version: ledgertest.Version})
	s.Append(ctx, ledgertest.Event("e1", "row-1"))
	for _, q := range []string{"UPDATE events SET new = 'x'", "DELETE FROM events"} {
		if _, err := s.db.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: succeeded, want the append-only trigger to abort it", q)
		}
	}
}

func TestOpen_Schema(t *testing.T) {
	ctx := context.Background()
	t.Run("TooNew", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ledger.db")
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.db.ExecContext(ctx, "PRAGMA user_version = 99")
		s.Close()
		_, err = Open(path, Options{})
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("got %v want ErrSchemaTooNew", err)
		}
		t.Log(err)
	})
	t.Run("OtherProgram", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		db.Exec("CREATE TABLE photos (id INTEGER)")
		db.Close()
		if _, err = Open(path, Options{}); !errors.Is(err, ErrNotLedger) {
			t.Fatalf("got %v want ErrNotLedger", err)
		}
	})
	t.Run("ConcurrentCreate", func(t *testing.T) {
		dir := t.TempDir()
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := OpenWorkspace(dir, Options{})
				if err != nil {
					t.Error(err)
					return
				}
				s.Close()
			}()
		}
		wg.Wait()
	})
}

// TestStore_V1 appends the v1 session file to a store and reads it back:
// every version-1 record stays storable.
func TestStore_V1(t *testing.T) {
	f, err := os.Open("../testdata/v1/session.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	events, err := ledger.ReadEvents(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := openTemp(t)
	defer s.Close()
	ctx := context.Background()
	for _, v := range []string{"sha256:0001", "sha256:0002"} {
		if err := s.RegisterVersion(ctx, ledger.Version{Dataset: "digits", Version: v}); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range events {
		ack, err := s.Append(ctx, e)
		if err != nil || ack.Seq != e.Seq {
			t.Fatalf("append %s: got %+v, %v want seq %d", e.ID, ack, err, e.Seq)
		}
	}
	got, err := s.Events(ctx, "digits")
	if err != nil || len(got) != len(events) {
		t.Fatalf("got %d events, %v want %d", len(got), err, len(events))
	}
	for i := range got {
		if !ledger.SameEvent(got[i], events[i]) {
			t.Errorf("%d: got %+v want %+v", i, got[i], events[i])
		}
	}
}
