package ledger_test

import (
	"errors"
	"testing"

	"tandem.dev/tandem/runtime/ledger"
)

type target struct {
	table
	classes []string
}

func (t target) Classes() []string { return t.classes }

type targetWithColumns struct{ target }

func (targetWithColumns) Columns() []string { return []string{"a", "b", "comment"} }

func TestChecker_Check(t *testing.T) {
	tb, _ := exportFixture()
	tg := target{tb, []string{"cat", "dog"}}
	c := ledger.NewChecker("d", "v1", tg)
	cc := ledger.NewChecker("d", "v1", targetWithColumns{tg})
	for _, test := range []struct {
		spec string
		edit func(*ledger.Event)
		c    *ledger.Checker
		want error
		msg  string
	}{
		{"e1 ann human relabel r1 dog cat", nil, c, nil, ""},
		{"e1 ann human exclude r4", nil, c, nil, ""},
		{"e1 ann human edit r2 a=3", nil, c, nil, ""},
		{"e1 ann human edit r2 comment=x", nil, cc, nil, ""},
		{"e1 ann human relabel nope dog cat", nil, c, ledger.ErrUnknownRow, `ledger: event "e1": no row with key "nope" in d`},
		{"e1 ann human relabel r1 bird cat", nil, c, ledger.ErrUnknownLabel, `ledger: event "e1": label "bird" is not a class of d (classes: cat, dog)`},
		{"e1 ann human edit r2 comment=x", nil, c, ledger.ErrUnknownField, `ledger: event "e1": no column "comment" in d (columns: a, b)`},
		{"e1 ann human exclude r1", func(e *ledger.Event) { e.DatasetVersion = "v0" }, c, ledger.ErrUnknownVersion,
			`ledger: event "e1": event names d@v0, but the dataset loaded is d@v1 (reload the data before correcting it)`},
		{"e1 ann human rename r1", nil, c, ledger.ErrInvalid, ""},
	} {
		e := ev(test.spec)
		if test.edit != nil {
			test.edit(&e)
		}
		err := test.c.Check(e)
		if !errors.Is(err, test.want) || (test.want == nil) != (err == nil) {
			t.Errorf("%s: got %v want %v", test.spec, err, test.want)
			continue
		}
		if test.msg != "" && err.Error() != test.msg {
			t.Errorf("%s: got %q\nwant %q", test.spec, err, test.msg)
		}
	}
}
