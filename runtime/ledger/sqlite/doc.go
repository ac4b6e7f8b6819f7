// Package sqlite is the durable ledger.Store: an embedded SQLite database
// (modernc.org/sqlite, pure Go, no cgo) at .tandem/ledger.db in the
// workspace.
//
// # Durability
//
// Every pooled connection opens with busy_timeout, journal_mode=WAL,
// synchronous=FULL and foreign_keys set by the DSN, so a connection the pool
// makes later gets them too. Appends go through one writer goroutine, which
// takes the events waiting at that moment, writes them in one BEGIN
// IMMEDIATE transaction and acknowledges each caller only after that
// transaction's COMMIT has returned (group commit). With synchronous=FULL in
// WAL mode the commit has been fsynced when it returns.
//
// # Sharing
//
// A second process (a second server, a headless run) may open the same
// workspace: SQLite's WAL locking serializes the writers across processes and
// busy_timeout makes each wait for the other instead of failing. A writer
// that waits longer than Options.BusyTimeout gets ErrBusy, and its events
// are not acknowledged.
//
// # Schema
//
// The schema version lives in PRAGMA user_version; Open migrates older files
// and refuses newer ones (ErrSchemaTooNew). Events are append-only, enforced
// by triggers.
//
// # Faults
//
// The fault tests (fault_test.go) kill a writer process hundreds of times
// right after acknowledgements, cut its power (a loop-mounted ext4 image
// copied before writeback), fill its disk, make its folder or file
// read-only, hold its write lock, and run two writer processes at once;
// every acknowledged event is always stored, and every refusal is a clear
// error wrapping one of the errors below.
package sqlite
