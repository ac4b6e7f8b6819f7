package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/sqlite"
)

func ExampleOpenWorkspace() {
	workspace, _ := os.MkdirTemp("", "tandem-example")
	defer os.RemoveAll(workspace)
	ctx := context.Background()

	store, err := sqlite.OpenWorkspace(workspace, sqlite.Options{}) // workspace/.tandem/ledger.db
	if err != nil {
		fmt.Println(err)
		return
	}
	store.RegisterVersion(ctx, ledger.Version{Dataset: "digits", Version: "sha256:0001", Rows: 1797})
	ack, err := store.Append(ctx, ledger.Event{ID: "tab1-0001", Dataset: "digits", DatasetVersion: "sha256:0001",
		RowKey: "row-17", Kind: ledger.Relabel, Old: "7", New: "1", Author: "ann", Source: ledger.Human,
		Time: time.Now(), ModelVersion: "logreg@2"})
	fmt.Println(ack, err) // durable: the commit has been fsynced
	store.Close()

	// A new process (a restarted kernel) finds it, and the browser's resend
	// of the same decision is stored once.
	store, _ = sqlite.OpenWorkspace(workspace, sqlite.Options{})
	defer store.Close()
	events, _ := store.Events(ctx, "digits")
	fmt.Println(len(events), events[0].RowKey, events[0].New)
	undo := events[0]
	undo.ID, undo.Kind, undo.UndoOf, undo.Source, undo.Author = ledger.NewID(), ledger.Undo, "tab1-0001", ledger.Code, "cell 3"
	_, err = store.Append(ctx, undo)
	fmt.Println(errors.Is(err, ledger.ErrProtected))
	// Output:
	// {tab1-0001 1 false} <nil>
	// 1 row-17 1
	// true
}
