package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// applicationID marks the file as a Tandem ledger ("TdmL"), so Open refuses
// some other program's SQLite database instead of adding tables to it.
const applicationID = 0x54646d4c

// migrations[i] brings the schema from version i to version i+1; the schema
// version is kept in PRAGMA user_version. Migrations are append-only: never
// edit one that has shipped, add the next. SchemaVersion is len(migrations).
var migrations = [][]string{
	// Version 1.
	{
		`CREATE TABLE datasets (
			name       TEXT    NOT NULL,
			version    TEXT    NOT NULL, -- content hash
			rows       INTEGER NOT NULL DEFAULT 0,
			registered TEXT    NOT NULL, -- RFC 3339, UTC
			PRIMARY KEY (name, version)
		)`,
		`CREATE TABLE events (
			seq             INTEGER PRIMARY KEY AUTOINCREMENT,
			id              TEXT NOT NULL UNIQUE, -- client-generated
			dataset         TEXT NOT NULL,
			dataset_version TEXT NOT NULL,
			row_key         TEXT NOT NULL,
			kind            TEXT NOT NULL,
			field           TEXT NOT NULL DEFAULT '',
			old             TEXT NOT NULL DEFAULT '',
			new             TEXT NOT NULL DEFAULT '',
			author          TEXT NOT NULL,
			source          TEXT NOT NULL,
			reason          TEXT NOT NULL DEFAULT '',
			time            TEXT NOT NULL, -- the author's clock, RFC 3339 with nanoseconds, UTC
			model_version   TEXT NOT NULL DEFAULT '',
			undo_of         TEXT NOT NULL DEFAULT '',
			recorded        TEXT NOT NULL  -- the commit's clock, RFC 3339 with nanoseconds, UTC
		)`,
		`CREATE INDEX events_by_dataset ON events (dataset, seq)`,
		// The ledger is append-only; these make it so for any SQLite client.
		`CREATE TRIGGER events_no_update BEFORE UPDATE ON events
			BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END`,
		`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
			BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END`,
	},
}

// SchemaVersion is the schema version this build writes. Open migrates older
// databases up to it and refuses newer ones with ErrSchemaTooNew.
var SchemaVersion = len(migrations)

// migrate brings the database at db up to SchemaVersion in one IMMEDIATE
// transaction, so two processes opening a new workspace at once do not
// both create it.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version, app int64
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return err
	}
	if app != 0 && app != applicationID {
		return fmt.Errorf("%w (application_id %#x)", ErrNotLedger, app)
	}
	if app == 0 && version != 0 {
		return fmt.Errorf("%w (user_version %d, no application_id)", ErrNotLedger, version)
	}
	if version > int64(SchemaVersion) {
		return fmt.Errorf("%w: the database has schema version %d, this build knows up to %d", ErrSchemaTooNew, version, SchemaVersion)
	}
	if version == int64(SchemaVersion) {
		return nil
	}
	if version == 0 {
		var tables int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			return err
		}
		if tables > 0 {
			return fmt.Errorf("%w (%d schema objects, no application_id)", ErrNotLedger, tables)
		}
	}
	for v := version; v < int64(SchemaVersion); v++ {
		for _, stmt := range migrations[v] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate ledger schema to version %d: %w", v+1, err)
			}
		}
	}
	// PRAGMA arguments cannot be bound; both values are integers from this file.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return err
	}
	return tx.Commit()
}
