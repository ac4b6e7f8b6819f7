// Package ledger is the correction ledger: the append-only record of what
// people (and cell code) decided about a dataset's rows, and how those
// decisions turn base data into the data a cell sees.
//
// # Events
//
// An Event is one decision on one row: relabel, exclude, include, edit a
// value, note, or undo an earlier event. Each carries a client-generated ID
// (a retried ID is stored once), the dataset name and version (content hash)
// the author saw, the row key, old → new, author, source (human or code),
// reason, time and the model version whose output prompted it. Nothing is
// rewritten: undo is a new event.
//
//	e := ledger.Event{ID: ledger.NewID(), Dataset: "digits", DatasetVersion: hash,
//		RowKey: "row-17", Kind: ledger.Relabel, Old: "7", New: "1",
//		Author: "ann", Source: ledger.Human, Time: time.Now()}
//
// # Stores
//
// A Store appends events durably and returns them in order. The SQLite store
// in runtime/ledger/sqlite keeps them in .tandem/ledger.db; MemoryStore keeps
// them in memory. A dataset version must be registered (RegisterVersion)
// before events may name it.
//
// # Replay
//
// Replay turns events into the effective state of the rows present now:
//
//	st := ledger.Replay(events, ledger.ReplayOptions{Dataset: "digits", Version: hash, Keys: ds.Keys()})
//	labels := st.Labels(ds.Keys(), ds.LabelStrings()) // corrected labels
//	drop := st.Excluded(ds.Keys())                    // rows to leave out
//	// st.Row(key).Values: edited values; st.Orphans: events on vanished rows;
//	// st.Conflicts: disagreeing events, all kept.
//
// Human decisions hold against code-made events, two authors disagreeing is
// reported as a Conflict, and events whose row is gone are reported as
// Orphans, never dropped.
//
// # Export and agreement
//
// WriteCSV and WriteJSONL write a dataset with the state applied and
// provenance columns; WriteEvents and ReadEvents move the ledger itself as
// versioned JSON Lines. Kappa computes Cohen's kappa between two annotators.
package ledger
