package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/sqlite"
)

// Code corrections go to the workspace ledger the review widget uses,
// marked as code-made, and are replayed into the dataset.
func TestRelabel_Workspace(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TANDEM_WORKSPACE", dir)
	t.Setenv("TANDEM_USER", "dave")
	ds := data.Iris()
	key, given := ds.Key(0), ds.LabelStrings()[0]
	e, err := feedback.Relabel(ds, key, "virginica", "measured again")
	if err != nil {
		t.Fatal(err)
	}
	if e.Source != ledger.Code || e.Author != "dave" || e.Old != given || e.New != "virginica" || e.Seq == 0 || e.ID == "" {
		t.Errorf("event: %+v", e)
	}
	if got := ds.LabelStrings()[ds.Index(key)]; got != "virginica" {
		t.Errorf("label after Relabel: got %q want virginica", got)
	}
	if _, err := feedback.Exclude(ds, ds.Key(1), "duplicate"); err != nil {
		t.Fatal(err)
	}
	if ds.Index(ds.Base().Key(1)) != -1 || ds.Len() != ds.Base().Len()-1 {
		t.Errorf("row still in the dataset after Exclude: %d rows", ds.Len())
	}
	log, err := feedback.Corrections(ds)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := log.String(), "2 corrections of iris (2 by code): 1 relabel, 1 exclude"; got != want {
		t.Errorf("got: %s want: %s", got, want)
	}
	if evs, err := ds.Corrections(); err != nil || len(evs) != 2 || evs[0].ID != e.ID {
		t.Errorf("ds.Corrections: %v, %v", evs, err)
	}
	if !strings.Contains(log.HTML(), "measured again") {
		t.Errorf("HTML lacks the reason: %s", log.HTML())
	}
	// On disk, in .tandem/ledger.db, where the review widget writes.
	if _, err := os.Stat(filepath.Join(dir, ".tandem", "ledger.db")); err != nil {
		t.Fatal(err)
	}
	// A reload of the data replays the code corrections too.
	ds2 := data.Iris()
	if _, err := feedback.Corrections(ds2); err != nil {
		t.Fatal(err)
	}
	if got := ds2.LabelStrings()[ds2.Index(key)]; got != "virginica" {
		t.Errorf("label after a reload: got %q want virginica", got)
	}
	// Code may undo its own events.
	if _, err := feedback.Undo(ds, e.ID, "wrong row"); err != nil {
		t.Fatal(err)
	}
	if got := ds.LabelStrings()[ds.Index(key)]; got != given {
		t.Errorf("label after Undo: got %q want %q", got, given)
	}
}

// A workspace store opened by another process sees the code-made events.
func TestRelabel_OtherProcess(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TANDEM_WORKSPACE", dir)
	ds := data.Iris()
	if _, err := feedback.Relabel(ds, ds.Key(3), "setosa", ""); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(filepath.Join(dir, ".tandem", "ledger.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := s.Events(context.Background(), ds.Name())
	if err != nil || len(evs) != 1 || evs[0].Source != ledger.Code || evs[0].RowKey != ds.Key(3) {
		t.Fatalf("stored: %v, %v", evs, err)
	}
}

// Code cannot erase a person's decision: the ledger refuses its undo, and
// a code-made relabel of a row a person labelled is recorded but does not
// take effect.
func TestLedger_HumanEvents(t *testing.T) {
	store := ledger.NewMemoryStore()
	ds := data.Iris()
	l, err := feedback.OpenLedger(ds, feedback.LedgerOptions{Store: store, Author: "bot"})
	if err != nil {
		t.Fatal(err)
	}
	key := ds.Key(5)
	human := ledger.Event{ID: "h1", Dataset: ds.Name(), DatasetVersion: ds.Hash(), RowKey: key, Kind: ledger.Relabel,
		Old: ds.LabelStrings()[5], New: "versicolor", Author: "ann", Source: ledger.Human, Time: time.Now()}
	if _, err := store.Append(context.Background(), human); err != nil {
		t.Fatal(err)
	}
	_, err = l.Undo("h1", "the model disagrees")
	if !errors.Is(err, ledger.ErrProtected) || !strings.Contains(err.Error(), "human events cannot be undone by code") {
		t.Errorf("undo of a human event: got %v want ErrProtected", err)
	}
	e, err := l.Relabel(key, "virginica", "the model says so")
	if !errors.Is(err, feedback.ErrOverridden) || !strings.Contains(err.Error(), "ann's decision") || e.ID == "" {
		t.Errorf("relabel over a human label: got %v, %+v want ErrOverridden", err, e)
	}
	if got := ds.LabelStrings()[ds.Index(key)]; got != "versicolor" {
		t.Errorf("label: got %q want ann's versicolor", got)
	}
	log := l.Corrections()
	if len(log.ByPeople()) != 1 || len(log.ByCode()) != 1 || len(log.State.Conflicts) != 1 {
		t.Errorf("log: %s; %d conflicts", log, len(log.State.Conflicts))
	}
	for i, test := range []struct {
		err  error
		want error
	}{
		{func() error { _, err := l.Relabel(key, "rose", ""); return err }(), ledger.ErrUnknownLabel},
		{func() error { _, err := l.Exclude("no-such-row", ""); return err }(), ledger.ErrUnknownRow},
		{func() error { _, err := l.Edit(key, "colour", "red", ""); return err }(), ledger.ErrUnknownField},
		{func() error { _, err := l.Undo("nope", ""); return err }(), ledger.ErrUnknownEvent},
	} {
		if !errors.Is(test.err, test.want) {
			t.Errorf("%d: got: %v want: %v", i, test.err, test.want)
		}
	}
}

// With TANDEM_NO_LEDGER=1 (tandem run --no-ledger) no workspace ledger is
// opened or replayed: code corrections live in memory.
func TestRelabel_NoLedger(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TANDEM_WORKSPACE", dir)
	t.Setenv(feedback.NoLedgerEnv, "1")
	ds := data.Iris()
	if _, err := feedback.Relabel(ds, ds.Key(0), "virginica", ""); err != nil {
		t.Fatal(err)
	}
	if got := ds.LabelStrings()[0]; got != "virginica" {
		t.Errorf("label: got %q want virginica", got)
	}
	if _, err := os.Stat(filepath.Join(dir, ".tandem")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the workspace ledger was opened: %v", err)
	}
	log, err := feedback.Corrections(ds)
	if err != nil || len(log.Events) != 1 {
		t.Errorf("corrections: %v, %v", log, err)
	}
}

func ExampleOpenLedger() {
	ds := data.Iris()
	// Store nil: the workspace ledger the review widget writes to.
	l, err := feedback.OpenLedger(ds, feedback.LedgerOptions{Store: ledger.NewMemoryStore(), Author: "ann"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := l.Relabel(ds.Key(0), "versicolor", "checked the petals"); err != nil {
		fmt.Println(err)
	}
	if _, err := l.Exclude(ds.Key(1), "duplicate of row 0"); err != nil {
		fmt.Println(err)
	}
	fmt.Println(ds.LabelStrings()[0], ds.Len())
	fmt.Println(l.Corrections())
	// Output:
	// versicolor 149
	// 2 corrections of iris (2 by code): 1 relabel, 1 exclude
}

// The review widget honours TANDEM_NO_LEDGER=1 too: it opens no workspace
// ledger (the same in-memory store as code corrections).
func TestReview_NoLedger(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TANDEM_WORKSPACE", dir)
	t.Setenv(feedback.NoLedgerEnv, "1")
	ds := data.Iris()
	q := feedback.SuspectsWith(nil, ds, feedback.Options{Proba: uniformProba(ds.Len(), len(ds.Classes()))})
	feedback.Review(ds, q)
	if _, err := os.Stat(filepath.Join(dir, ".tandem")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the review widget opened the workspace ledger: %v", err)
	}
}

func uniformProba(n, k int) [][]float64 {
	p := make([][]float64, n)
	for i := range p {
		p[i] = make([]float64, k)
		for j := range p[i] {
			p[i][j] = 1 / float64(k)
		}
	}
	return p
}
