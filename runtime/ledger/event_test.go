package ledger_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/ledgertest"
)

func TestEvent_Validate(t *testing.T) {
	for i, test := range []struct {
		edit func(*ledger.Event)
		msg  string // substring of the error; "" for valid
	}{
		{func(e *ledger.Event) {}, ""},
		{func(e *ledger.Event) { e.Kind, e.New = ledger.Exclude, "" }, ""},
		{func(e *ledger.Event) { e.Kind, e.Field = ledger.Edit, "pixel_3" }, ""},
		{func(e *ledger.Event) { e.Kind = "rename" }, `unknown kind "rename" (want one of relabel, exclude, include, edit, note, undo)`},
		{func(e *ledger.Event) { e.RowKey = "" }, `event "e1": missing row key`},
		{func(e *ledger.Event) { e.ID = " " }, "missing id"},
		{func(e *ledger.Event) { e.ID = strings.Repeat("x", 201) }, "id longer than 200 bytes"},
		{func(e *ledger.Event) { e.Dataset = "" }, "missing dataset name"},
		{func(e *ledger.Event) { e.DatasetVersion = "" }, "missing dataset version"},
		{func(e *ledger.Event) { e.Author = "" }, "missing author"},
		{func(e *ledger.Event) { e.Time = time.Time{} }, "missing time"},
		{func(e *ledger.Event) { e.Source = "" }, `unknown source ""`},
		{func(e *ledger.Event) { e.New = "\xff" }, "new is not valid UTF-8"},
		{func(e *ledger.Event) { e.Reason = strings.Repeat("x", ledger.MaxValue+1) }, "reason is 1048577 bytes, more than 1048576"},
		{func(e *ledger.Event) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "out of range (years 1 to 9999)"},
		{func(e *ledger.Event) { e.New = "" }, "relabel without a new label"},
		{func(e *ledger.Event) { e.Kind, e.Field = ledger.Edit, "" }, "edit without a field"},
		{func(e *ledger.Event) { e.Kind = ledger.Undo }, "undo without undo_of"},
		{func(e *ledger.Event) { e.Kind, e.UndoOf = ledger.Undo, "e1" }, "undo of itself"},
		{func(e *ledger.Event) { e.UndoOf = "e0" }, "undo_of set on a relabel event"},
	} {
		e := ledgertest.Event("e1", "row-1")
		test.edit(&e)
		err := e.Validate()
		if test.msg == "" {
			if err != nil {
				t.Errorf("%d: got %v want nil", i, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), test.msg) || !errors.Is(err, ledger.ErrInvalid) {
			t.Errorf("%d: got %v want ErrInvalid containing %q", i, err, test.msg)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "ledger: event") {
			t.Errorf("%d: error %q does not start with the package name", i, err)
		}
	}
}

func TestAdmit(t *testing.T) {
	human := ledgertest.Event("h1", "row-1")
	undo := ledgertest.Event("u1", "row-1")
	undo.Kind, undo.UndoOf, undo.Source = ledger.Undo, "h1", ledger.Code
	err := ledger.Admit(undo, true, &human)
	if !errors.Is(err, ledger.ErrProtected) {
		t.Fatalf("got %v want ErrProtected", err)
	}
	want := `ledger: event "u1": code-made undo of event "h1" by ann: human events cannot be undone by code`
	if err.Error() != want {
		t.Errorf("got %q\nwant %q", err, want)
	}
	err = ledger.Admit(ledgertest.Event("e2", "row-1"), false, nil)
	want = `ledger: event "e2": dataset "digits" has no registered version "sha256:0001" (register the dataset before correcting it)`
	if !errors.Is(err, ledger.ErrUnknownVersion) || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	undo.Source = ledger.Human
	if err := ledger.Admit(undo, true, nil); !errors.Is(err, ledger.ErrUnknownEvent) {
		t.Errorf("got %v want ErrUnknownEvent", err)
	}
	if err := ledger.Admit(undo, true, &human); err != nil {
		t.Errorf("human undo of human event: %v", err)
	}
}

func TestNewID(t *testing.T) {
	a, b := ledger.NewID(), ledger.NewID()
	if len(a) != 32 || a == b {
		t.Errorf("got %q and %q, want two different 32-digit ids", a, b)
	}
}
