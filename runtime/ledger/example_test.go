package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"tandem.dev/tandem/runtime/ledger"
)

func ExampleMemoryStore_Append() {
	ctx := context.Background()
	store := ledger.NewMemoryStore()
	defer store.Close()
	store.RegisterVersion(ctx, ledger.Version{Dataset: "digits", Version: "sha256:0001", Rows: 1797})

	e := ledger.Event{ID: "tab1-0001", Dataset: "digits", DatasetVersion: "sha256:0001",
		RowKey: "row-17", Kind: ledger.Relabel, Old: "7", New: "1",
		Author: "ann", Source: ledger.Human, Time: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	ack, err := store.Append(ctx, e)
	fmt.Println(ack, err)
	ack, err = store.Append(ctx, e) // the browser resent it after a reconnect
	fmt.Println(ack, err)

	e.ID, e.DatasetVersion = "tab1-0002", "sha256:9999"
	_, err = store.Append(ctx, e)
	fmt.Println(errors.Is(err, ledger.ErrUnknownVersion))
	fmt.Println(err)
	// Output:
	// {tab1-0001 1 false} <nil>
	// {tab1-0001 1 true} <nil>
	// true
	// ledger: event "tab1-0002": dataset "digits" has no registered version "sha256:9999" (register the dataset before correcting it)
}

func ExampleReplay() {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	base := ledger.Event{Dataset: "digits", DatasetVersion: "v1", Source: ledger.Human, Time: t0}
	relabel := func(id, author, key, old, new string) ledger.Event {
		e := base
		e.ID, e.Author, e.RowKey, e.Kind, e.Old, e.New = id, author, key, ledger.Relabel, old, new
		return e
	}
	exclude := base
	exclude.ID, exclude.Author, exclude.RowKey, exclude.Kind = "e3", "ann", "r2", ledger.Exclude
	undo := base
	undo.ID, undo.Author, undo.RowKey, undo.Kind, undo.UndoOf = "e4", "ann", "r2", ledger.Undo, "e3"
	events := []ledger.Event{
		relabel("e1", "ann", "r1", "7", "1"),
		relabel("e2", "bob", "r1", "7", "4"),
		exclude, undo,
		relabel("e5", "ann", "r9", "3", "8"), // r9 was dropped from the data since
	}

	keys := []string{"r1", "r2", "r3"}
	st := ledger.Replay(events, ledger.ReplayOptions{Dataset: "digits", Version: "v1", Keys: keys})
	fmt.Println(st)
	fmt.Println(st.Labels(keys, []string{"7", "2", "5"}))
	fmt.Println(st.Excluded(keys))
	for _, c := range st.Conflicts {
		fmt.Printf("conflict on %s: %s, %s holds\n", c.RowKey, c.Reason, c.Winner)
	}
	fmt.Println("orphaned:", st.Orphans[0].ID)
	// Output:
	// ledger state digits@v1: 5 events, 2 rows, 1 conflicts, 1 orphans, 0 ignored
	// [4 2 5]
	// [false false false]
	// conflict on r1: ann and bob disagree, e2 holds
	// orphaned: e5
}

func ExampleKappa() {
	var events []ledger.Event
	decide := func(author, key, label string) {
		events = append(events, ledger.Event{ID: fmt.Sprint(len(events)), Dataset: "d", DatasetVersion: "v",
			RowKey: key, Kind: ledger.Relabel, New: label, Author: author, Source: ledger.Human, Time: time.Now()})
	}
	for i, pair := range []string{"cat cat", "dog dog", "cat dog", "dog dog", "cat cat", "dog cat"} {
		a, b, _ := strings.Cut(pair, " ")
		key := fmt.Sprint("row-", i)
		decide("ann", key, a)
		decide("bob", key, b)
	}
	fmt.Println(ledger.Kappa(events, "ann", "bob"))
	// Output:
	// kappa(ann, bob) = 0.333 on 6 rows (p_o 0.667, p_e 0.500)
}

func ExampleWriteCSV() {
	tb := table{keys: []string{"r1", "r2"}, feats: []string{"x"}, labels: []string{"a", "b"},
		cols: map[string][]float64{"x": {1.5, 2}}}
	fix := ledger.Event{ID: "e1", Dataset: "d", DatasetVersion: "v", RowKey: "r2", Kind: ledger.Relabel,
		Old: "b", New: "a", Author: "ann", Source: ledger.Human, ModelVersion: "logreg@2",
		Time: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	st := ledger.Replay([]ledger.Event{fix}, ledger.ReplayOptions{Keys: tb.Keys()})
	ledger.WriteCSV(os.Stdout, tb, st, ledger.ExportOptions{})
	// Output:
	// key,x,label,original_label,excluded,edited,authors,event_ids,model_versions,last_changed,notes,conflict
	// r1,1.5,a,a,false,,,,,,,false
	// r2,2,a,b,false,,ann,e1,logreg@2,2026-03-01T10:00:00Z,,false
}

func ExampleReadEvents() {
	f, err := os.Open("testdata/v1/session.jsonl")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	events, err := ledger.ReadEvents(f)
	fmt.Println(len(events), err)
	fmt.Println(events[0].Kind, events[0].RowKey, events[0].Old, "→", events[0].New, "by", events[0].Author)
	// Output:
	// 12 <nil>
	// relabel row-3 7 → 1 by ann
}

func ExampleState_Overrides() {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	e := ledger.Event{Dataset: "iris", DatasetVersion: "v1", Author: "ann", Source: ledger.Human, Time: t0}
	relabel, edit, exclude := e, e, e
	relabel.ID, relabel.RowKey, relabel.Kind, relabel.Old, relabel.New = "e1", "r7", ledger.Relabel, "setosa", "virginica"
	edit.ID, edit.RowKey, edit.Kind, edit.Field, edit.New = "e2", "r9", ledger.Edit, "petal_width", "1.8"
	exclude.ID, exclude.RowKey, exclude.Kind = "e3", "r9", ledger.Exclude

	st := ledger.Replay([]ledger.Event{relabel, edit, exclude}, ledger.ReplayOptions{Dataset: "iris"})
	for _, o := range st.Overrides() {
		fmt.Printf("%s %s %s %q\n", o.Kind, o.Key, o.Field, o.Value)
	}
	// Output:
	// relabel r7  "virginica"
	// edit r9 petal_width "1.8"
	// exclude r9  ""
}

func ExampleChecker_Check() {
	rows := target{table{keys: []string{"r1", "r2"}, feats: []string{"x"}}, []string{"cat", "dog"}}
	check := ledger.NewChecker("pets", "v1", rows) // once per loaded dataset version
	e := ledger.Event{ID: "e1", Dataset: "pets", DatasetVersion: "v1", RowKey: "r2", Kind: ledger.Relabel,
		New: "bird", Author: "ann", Source: ledger.Human, Time: time.Now()}
	err := check.Check(e)
	fmt.Println(errors.Is(err, ledger.ErrUnknownLabel), err)
	e.New = "dog"
	fmt.Println(check.Check(e))
	// Output:
	// true ledger: event "e1": label "bird" is not a class of pets (classes: cat, dog)
	// <nil>
}
