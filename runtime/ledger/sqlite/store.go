package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"tandem.dev/tandem/runtime/ledger"
)

// Dir and File name the ledger in a workspace: Dir/File.
const (
	Dir  = ".tandem"
	File = "ledger.db"
)

// Errors of the SQLite store, besides the ledger package's sentinels. The
// underlying SQLite error is wrapped too.
var (
	// ErrReadOnly: the database file or its folder cannot be written
	// (permissions, read-only file system). Nothing was acknowledged.
	ErrReadOnly = errors.New("ledger database is read-only")
	// ErrDiskFull: the file system has no room for the commit. Nothing in
	// that commit was acknowledged.
	ErrDiskFull = errors.New("disk full")
	// ErrBusy: another process held the write lock longer than
	// Options.BusyTimeout. Nothing was acknowledged; retry later.
	ErrBusy = errors.New("ledger database is locked by another process")
	// ErrIO: the operating system reported an I/O error; the commit is
	// not acknowledged.
	ErrIO = errors.New("ledger database i/o error")
	// ErrSchemaTooNew: the database was written by a newer Tandem.
	ErrSchemaTooNew = errors.New("ledger database schema is newer than this build")
	// ErrNotLedger: the file is an SQLite database of some other program.
	ErrNotLedger = errors.New("not a tandem ledger database")
)

// Options tunes Open. The zero value is the recommended setting.
type Options struct {
	// BusyTimeout is how long an operation waits for another process's
	// lock before failing with ErrBusy; 0 means 10 seconds.
	BusyTimeout time.Duration
	// MaxBatch caps the events written in one commit; 0 means 256.
	MaxBatch int
}

// Store is the SQLite ledger.Store. It is safe for concurrent use, and
// several processes may open the same file.
type Store struct {
	db       *sql.DB
	path     string
	maxBatch int
	reqs     chan *request
	quit     chan struct{}
	done     chan struct{}
	closed   atomic.Bool
	once     sync.Once
}

var _ ledger.Store = (*Store)(nil)

// request is one write for the writer goroutine: an event, or a version.
type request struct {
	e    *ledger.Event
	v    *ledger.Version
	ack  ledger.Ack
	err  error
	done chan struct{}
}

// OpenWorkspace opens (creating it if needed) the ledger of the workspace
// folder dir: dir/.tandem/ledger.db.
func OpenWorkspace(dir string, opts Options) (*Store, error) {
	d := filepath.Join(dir, Dir)
	path := filepath.Join(d, File)
	_, statErr := os.Stat(path)
	if _, err := os.Stat(d); errors.Is(err, os.ErrNotExist) {
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return nil, classify("create ledger folder", err)
		}
		if err := syncDir(dir); err != nil {
			return nil, classify("sync workspace folder", err)
		}
	}
	s, err := Open(path, opts)
	if err != nil {
		return nil, err
	}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := syncDir(d); err != nil {
			s.Close()
			return nil, classify("sync ledger folder", err)
		}
	}
	return s, nil
}

// Open opens the ledger database at path, creating it if needed, migrating
// its schema to SchemaVersion. It fails with ErrReadOnly if the file or its
// folder cannot be written, ErrSchemaTooNew or ErrNotLedger.
func Open(path string, opts Options) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open ledger database %s: path contains '?' or '#'", path)
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 10 * time.Second
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	// SQLite silently opens a file it cannot write read-only, and reports a
	// read-only folder as "unable to open database file": check first, so
	// the error says what is wrong.
	if err := probeWrite(path); err != nil {
		return nil, fmt.Errorf("open ledger database %s: %w: %w", path, ErrReadOnly, err)
	}
	// Each _pragma runs on every new connection of the pool (busy_timeout
	// first); _txlock=immediate makes BeginTx take the write lock at BEGIN,
	// so a transaction never fails to upgrade from read to write halfway.
	dsn := path + "?" + strings.Join([]string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", opts.BusyTimeout.Milliseconds()),
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(FULL)",
		"_pragma=foreign_keys(1)",
		"_txlock=immediate",
	}, "&")
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open ledger database %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	s := &Store{db: db, path: path, maxBatch: opts.MaxBatch,
		reqs: make(chan *request), quit: make(chan struct{}), done: make(chan struct{})}
	ctx := context.Background()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	if mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("open ledger database %s: journal mode is %q, not wal (does the file system support shared memory?)", path, mode)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	go s.writer()
	return s, nil
}

// openError classifies an error opening path.
func openError(path string, err error) error {
	return classify("open ledger database "+path, err)
}

// probeWrite returns an error if path exists and cannot be opened for
// writing, or a file cannot be created in its folder.
func probeWrite(path string) error {
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, os.ErrNotExist) && (errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EROFS)) {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".ledger-probe-*")
	if err != nil {
		if errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EROFS) {
			return fmt.Errorf("folder not writable: %w", err)
		}
		return nil
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Append implements ledger.Store: it returns once the commit holding e has
// returned, with synchronous=FULL.
func (s *Store) Append(ctx context.Context, e ledger.Event) (ledger.Ack, error) {
	if err := ctx.Err(); err != nil {
		return ledger.Ack{}, fmt.Errorf("append event %q: %w", e.ID, err)
	}
	if s.closed.Load() {
		return ledger.Ack{}, fmt.Errorf("append event %q: %w", e.ID, ledger.ErrClosed)
	}
	e = ledger.Normalize(e)
	if err := e.Validate(); err != nil {
		return ledger.Ack{}, err
	}
	req := &request{e: &e, done: make(chan struct{})}
	if err := s.send(ctx, req); err != nil {
		return ledger.Ack{}, fmt.Errorf("append event %q: %w", e.ID, err)
	}
	select {
	case <-req.done:
		return req.ack, req.err
	case <-ctx.Done():
		return ledger.Ack{}, fmt.Errorf("append event %q: %w (it may still be committed: retry with the same id)", e.ID, ctx.Err())
	}
}

// send hands req to the writer.
func (s *Store) send(ctx context.Context, req *request) error {
	select {
	case s.reqs <- req:
		return nil
	case <-s.quit:
		return ledger.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writer is the single writer: it commits the requests waiting at each
// moment in one transaction.
func (s *Store) writer() {
	defer close(s.done)
	for {
		select {
		case req := <-s.reqs:
			batch := []*request{req}
		more:
			for len(batch) < s.maxBatch {
				select {
				case r := <-s.reqs:
					batch = append(batch, r)
				default:
					break more
				}
			}
			s.commit(batch)
		case <-s.quit:
			return
		}
	}
}

// commit writes batch in one transaction and completes each request. A
// request's own refusal (a ledger error) fails only that request; an SQLite
// error fails the whole batch, which is rolled back.
func (s *Store) commit(batch []*request) {
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	// fail fails every request not failed yet, each error naming its request.
	fail := func(err error) {
		for _, r := range batch {
			if r.err == nil {
				r.ack, r.err = ledger.Ack{}, fmt.Errorf("%s: %w", r.op(), err)
			}
		}
	}
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		fail(classify("begin transaction", err))
		return
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	for _, r := range batch {
		var err error
		if r.e != nil {
			r.ack, err = insertEvent(ctx, tx, *r.e, now)
		} else {
			err = insertVersion(ctx, tx, *r.v, now)
		}
		var le *ledger.Error
		if errors.As(err, &le) {
			r.err = err
			continue
		}
		if err != nil {
			tx.Rollback()
			fail(classify("write", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		fail(classify("commit", err))
	}
}

func (r *request) op() string {
	if r.e != nil {
		return fmt.Sprintf("append event %q", r.e.ID)
	}
	return fmt.Sprintf("register dataset %s version %s", r.v.Dataset, r.v.Version)
}

const eventColumns = `seq, id, dataset, dataset_version, row_key, kind, field, old, new,
	author, source, reason, time, model_version, undo_of`

func scanEvent(sc interface{ Scan(...any) error }) (ledger.Event, error) {
	var e ledger.Event
	var kind, source, t string
	err := sc.Scan(&e.Seq, &e.ID, &e.Dataset, &e.DatasetVersion, &e.RowKey, &kind, &e.Field, &e.Old, &e.New,
		&e.Author, &source, &e.Reason, &t, &e.ModelVersion, &e.UndoOf)
	if err != nil {
		return e, err
	}
	e.Kind, e.Source = ledger.Kind(kind), ledger.Source(source)
	if e.Time, err = time.Parse(time.RFC3339Nano, t); err != nil {
		return e, fmt.Errorf("event %q: bad time %q: %w", e.ID, t, err)
	}
	return e, nil
}

func lookup(ctx context.Context, tx *sql.Tx, id string) (*ledger.Event, error) {
	e, err := scanEvent(tx.QueryRowContext(ctx, "SELECT "+eventColumns+" FROM events WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// insertEvent appends e inside tx, after the checks every Store makes.
func insertEvent(ctx context.Context, tx *sql.Tx, e ledger.Event, now string) (ledger.Ack, error) {
	prev, err := lookup(ctx, tx, e.ID)
	if err != nil {
		return ledger.Ack{}, err
	}
	if prev != nil {
		if !ledger.SameEvent(e, *prev) {
			return ledger.Ack{}, ledger.IDReused(e, *prev)
		}
		return ledger.Ack{ID: e.ID, Seq: prev.Seq, Duplicate: true}, nil
	}
	var known int
	err = tx.QueryRowContext(ctx, "SELECT count(*) FROM datasets WHERE name = ? AND version = ?", e.Dataset, e.DatasetVersion).Scan(&known)
	if err != nil {
		return ledger.Ack{}, err
	}
	var target *ledger.Event
	if e.Kind == ledger.Undo {
		if target, err = lookup(ctx, tx, e.UndoOf); err != nil {
			return ledger.Ack{}, err
		}
	}
	if err := ledger.Admit(e, known > 0, target); err != nil {
		return ledger.Ack{}, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO events (id, dataset, dataset_version, row_key, kind, field, old, new,
		author, source, reason, time, model_version, undo_of, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.Dataset, e.DatasetVersion, e.RowKey, string(e.Kind), e.Field, e.Old, e.New,
		e.Author, string(e.Source), e.Reason, e.Time.Format(time.RFC3339Nano), e.ModelVersion, e.UndoOf, now)
	if err != nil {
		return ledger.Ack{}, err
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return ledger.Ack{}, err
	}
	return ledger.Ack{ID: e.ID, Seq: seq}, nil
}

func insertVersion(ctx context.Context, tx *sql.Tx, v ledger.Version, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO datasets (name, version, rows, registered) VALUES (?, ?, ?, ?)
		ON CONFLICT (name, version) DO NOTHING`, v.Dataset, v.Version, v.Rows, now)
	return err
}

// Events implements ledger.Store.
func (s *Store) Events(ctx context.Context, dataset string) ([]ledger.Event, error) {
	return s.EventsAfter(ctx, dataset, 0)
}

// EventsAfter implements ledger.Store.
func (s *Store) EventsAfter(ctx context.Context, dataset string, seq int64) ([]ledger.Event, error) {
	if s.closed.Load() {
		return nil, fmt.Errorf("read events: %w", ledger.ErrClosed)
	}
	q := "SELECT " + eventColumns + " FROM events WHERE seq > ? ORDER BY seq"
	args := []any{seq}
	if dataset != "" {
		q = "SELECT " + eventColumns + " FROM events WHERE dataset = ? AND seq > ? ORDER BY seq"
		args = []any{dataset, seq}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify("read events", err)
	}
	defer rows.Close()
	out := []ledger.Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, classify("read events", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, classify("read events", err)
	}
	return out, nil
}

// RegisterVersion implements ledger.Store; the version is durable when it
// returns.
func (s *Store) RegisterVersion(ctx context.Context, v ledger.Version) error {
	if err := ledger.CheckVersion(v); err != nil {
		return err
	}
	if s.closed.Load() {
		return fmt.Errorf("register dataset version: %w", ledger.ErrClosed)
	}
	req := &request{v: &v, done: make(chan struct{})}
	if err := s.send(ctx, req); err != nil {
		return fmt.Errorf("register dataset version: %w", err)
	}
	select {
	case <-req.done:
		return req.err
	case <-ctx.Done():
		return fmt.Errorf("register dataset version: %w", ctx.Err())
	}
}

// Versions implements ledger.Store.
func (s *Store) Versions(ctx context.Context, dataset string) ([]ledger.Version, error) {
	if s.closed.Load() {
		return nil, fmt.Errorf("read dataset versions: %w", ledger.ErrClosed)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT name, version, rows, registered FROM datasets WHERE name = ? ORDER BY rowid", dataset)
	if err != nil {
		return nil, classify("read dataset versions", err)
	}
	defer rows.Close()
	out := []ledger.Version{}
	for rows.Next() {
		var v ledger.Version
		var t string
		if err := rows.Scan(&v.Dataset, &v.Version, &v.Rows, &t); err != nil {
			return nil, classify("read dataset versions", err)
		}
		v.Time, _ = time.Parse(time.RFC3339Nano, t)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, classify("read dataset versions", err)
	}
	return out, nil
}

// Close implements ledger.Store: it waits for the commit in progress, then
// closes the database. Appends waiting to be taken fail with ErrClosed.
func (s *Store) Close() error {
	var err error
	s.once.Do(func() {
		s.closed.Store(true)
		close(s.quit)
		<-s.done
		err = s.db.Close()
	})
	if err != nil {
		return fmt.Errorf("close ledger database: %w", err)
	}
	return nil
}

// classify wraps err, naming the operation, with the Store sentinel that
// matches its SQLite result code, if any.
func classify(op string, err error) error {
	var le *ledger.Error
	if errors.As(err, &le) || errors.Is(err, ErrSchemaTooNew) || errors.Is(err, ErrNotLedger) {
		return fmt.Errorf("%s: %w", op, err)
	}
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3lib.SQLITE_READONLY:
			return fmt.Errorf("%s: %w: %w", op, ErrReadOnly, err)
		case sqlite3lib.SQLITE_FULL:
			return fmt.Errorf("%s: %w: %w", op, ErrDiskFull, err)
		case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
			return fmt.Errorf("%s: %w: %w", op, ErrBusy, err)
		case sqlite3lib.SQLITE_IOERR:
			return fmt.Errorf("%s: %w: %w", op, ErrIO, err)
		case sqlite3lib.SQLITE_CANTOPEN, sqlite3lib.SQLITE_PERM:
			return fmt.Errorf("%s: cannot open the file (missing folder, no permission or read-only file system): %w", op, err)
		}
	}
	switch {
	case errors.Is(err, os.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%s: %w: %w", op, ErrReadOnly, err)
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("%s: %w: %w", op, ErrDiskFull, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
