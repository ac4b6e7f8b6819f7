package ledger_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/ledger"
)

// ev builds events tersely: "id author source kind key [new] [old]" with
// kind undo taking the undone id as new.
func ev(spec string) ledger.Event {
	f := strings.Fields(spec)
	e := ledger.Event{ID: f[0], Author: f[1], Source: ledger.Source(f[2]), Kind: ledger.Kind(f[3]), RowKey: f[4],
		Dataset: "d", DatasetVersion: "v1", Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if len(f) > 5 {
		if e.Kind == ledger.Undo {
			e.UndoOf = f[5]
		} else {
			e.New = f[5]
		}
	}
	if len(f) > 6 {
		e.Old = f[6]
	}
	if e.Kind == ledger.Edit {
		e.Field, e.New, _ = strings.Cut(e.New, "=")
	}
	return e
}

func evs(specs ...string) []ledger.Event {
	out := make([]ledger.Event, len(specs))
	for i, s := range specs {
		out[i] = ev(s)
	}
	return out
}

// summary renders the effective state compactly, one row per line.
func summary(s *ledger.State) string {
	var b strings.Builder
	for _, k := range s.Keys() {
		r, _ := s.Row(k)
		fmt.Fprintf(&b, "%s:", k)
		if r.Relabeled {
			fmt.Fprintf(&b, " label=%s", r.Label)
		}
		if r.Excluded {
			b.WriteString(" excluded")
		}
		for _, f := range []string{"a", "b", "pixel_12"} {
			if v, ok := r.Values[f]; ok {
				fmt.Fprintf(&b, " %s=%s", f, v)
			}
		}
		if len(r.Notes) > 0 {
			fmt.Fprintf(&b, " notes=%q", r.Notes)
		}
		if r.Conflict {
			b.WriteString(" conflict")
		}
		b.WriteString("\n")
	}
	for _, c := range s.Conflicts {
		var ids []string
		for _, e := range c.Events {
			ids = append(ids, e.ID)
		}
		fmt.Fprintf(&b, "conflict %s %s%s %v winner=%s: %s\n", c.RowKey, c.Kind, c.Field, ids, c.Winner, c.Reason)
	}
	for _, e := range s.Orphans {
		fmt.Fprintf(&b, "orphan %s\n", e.ID)
	}
	for _, ig := range s.Ignored {
		fmt.Fprintf(&b, "ignored %s: %s\n", ig.Event.ID, ig.Reason)
	}
	return b.String()
}

func TestReplay(t *testing.T) {
	for _, test := range []struct {
		name   string
		events []ledger.Event
		keys   []string
		want   string
	}{
		{"Empty", nil, nil, ""},
		{"Relabel", evs("e1 ann human relabel r1 cat dog", "e2 ann human relabel r1 bird cat"), nil,
			"r1: label=bird\n"},
		{"ExcludeInclude", evs("e1 ann human exclude r1", "e2 ann human include r1", "e3 ann human exclude r2"), nil,
			"r1:\nr2: excluded\n"},
		{"Edit", evs("e1 ann human edit r1 a=1", "e2 ann human edit r1 b=2", "e3 ann human edit r1 a=3 1"), nil,
			"r1: a=3 b=2\n"},
		{"Note", evs("e1 ann human note r1 hello", "e2 bob human note r1 again"), nil,
			"r1: notes=[\"hello\" \"again\"]\n"},
		{"Undo", evs("e1 ann human relabel r1 dog cat", "e2 ann human relabel r1 bird dog", "u1 ann human undo r1 e2"), nil,
			"r1: label=dog\n"},
		{"UndoAll", evs("e1 ann human exclude r1", "u1 ann human undo r1 e1"), nil,
			"r1:\n"},
		{"Redo", evs("e1 ann human exclude r1", "u1 ann human undo r1 e1", "u2 ann human undo r1 u1"), nil,
			"r1: excluded\n"},
		{"UndoOfUndoUndone", evs("e1 ann human exclude r1", "u1 ann human undo r1 e1", "u2 ann human undo r1 u1", "u3 bob human undo r1 u2"), nil,
			"r1:\n"},
		{"TwoAuthors", evs("e1 ann human relabel r1 dog cat", "e2 bob human relabel r1 bird cat"), nil,
			"r1: label=bird conflict\nconflict r1 relabel [e1 e2] winner=e2: ann and bob disagree\n"},
		{"TwoAuthorsAgree", evs("e1 ann human relabel r1 dog cat", "e2 bob human relabel r1 dog cat"), nil,
			"r1: label=dog\n"},
		{"TwoAuthorsResolvedByUndo", evs("e1 ann human relabel r1 dog cat", "e2 bob human relabel r1 bird cat", "u1 bob human undo r1 e2"), nil,
			"r1: label=dog\n"},
		{"TwoTabsSameAuthor", evs("e1 ann human relabel r1 dog cat", "e2 ann human relabel r1 bird cat"), nil,
			"r1: label=bird conflict\nconflict r1 relabel [e1 e2] winner=e2: event \"e2\" was made without seeing \"e1\" (old \"cat\", in effect \"dog\")\n"},
		{"ThreeWay", evs("e1 ann human relabel r1 dog cat", "e2 bob human relabel r1 bird cat", "e3 cy human relabel r1 fish cat"), nil,
			"r1: label=fish conflict\nconflict r1 relabel [e1 e2 e3] winner=e3: bob and cy disagree\n"},
		{"ExcludeDisagree", evs("e1 ann human exclude r1", "e2 bob human include r1"), nil,
			"r1: conflict\nconflict r1 exclude [e1 e2] winner=e2: ann and bob disagree\n"},
		{"HumanOverCode", evs("c1 cell code relabel r1 dog cat", "e1 ann human relabel r1 bird dog"), nil,
			"r1: label=bird\n"},
		{"CodeAfterHuman", evs("e1 ann human relabel r1 bird cat", "c1 cell code relabel r1 dog bird"), nil,
			"r1: label=bird conflict\nconflict r1 relabel [e1 c1] winner=e1: code-made event overridden by the human decision \"e1\"\n"},
		{"CodeExcludeAfterHumanInclude", evs("e1 ann human include r1", "c1 cell code exclude r1"), nil,
			"r1: conflict\nconflict r1 exclude [e1 c1] winner=e1: code-made event overridden by the human decision \"e1\"\n"},
		{"CodeAfterUndoneHuman", evs("e1 ann human relabel r1 bird cat", "u1 ann human undo r1 e1", "c1 cell code relabel r1 dog cat"), nil,
			"r1: label=dog\n"},
		{"CodeOverCode", evs("c1 cell code relabel r1 dog cat", "c2 cell code relabel r1 bird dog"), nil,
			"r1: label=bird\n"},
		{"CodeUndoOfHumanIgnored", evs("e1 ann human exclude r1", "u1 cell code undo r1 e1"), nil,
			"r1: excluded\nignored u1: code-made undo of event \"e1\" by ann: human events cannot be undone by code\n"},
		{"UndoOfUnknownIgnored", evs("u1 ann human undo r1 nope"), nil,
			"r1:\nignored u1: undo of unknown event \"nope\" in dataset \"d\"\n"},
		{"InvalidIgnored", evs("e1 ann human rename r1 x"), nil,
			"ignored e1: unknown kind \"rename\" (want one of relabel, exclude, include, edit, note, undo)\n"},
		{"Orphans", evs("e1 ann human relabel r1 dog cat", "e2 ann human exclude gone", "u2 ann human undo gone e2"), []string{"r1", "r2"},
			"r1: label=dog\norphan e2\norphan u2\n"},
		{"AllOrphans", evs("e1 ann human relabel r1 dog cat"), []string{},
			"orphan e1\n"},
	} {
		t.Run(test.name, func(t *testing.T) {
			s := ledger.Replay(test.events, ledger.ReplayOptions{Keys: test.keys})
			if got := summary(s); got != test.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, test.want)
			}
		})
	}
}

func TestReplay_Options(t *testing.T) {
	events := evs("e1 ann human relabel r1 dog cat", "e2 ann human relabel r2 dog cat", "e3 ann human exclude r1")
	events[1].Dataset = "other"
	events[2].DatasetVersion = "v2"
	s := ledger.Replay(events, ledger.ReplayOptions{Dataset: "d", Version: "v2"})
	if got, want := s.String(), "ledger state d@v2: 2 events, 1 rows, 0 conflicts, 0 orphans, 0 ignored"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	if s.OtherVersions != 1 {
		t.Errorf("OtherVersions: got %d want 1", s.OtherVersions)
	}
	keys := []string{"r0", "r1", "r2"}
	if got := s.Labels(keys, []string{"a", "b", "c"}); fmt.Sprint(got) != "[a dog c]" {
		t.Errorf("Labels: got %v want [a dog c]", got)
	}
	if got := s.Excluded(keys); fmt.Sprint(got) != "[false true false]" {
		t.Errorf("Excluded: got %v want [false true false]", got)
	}
	r, ok := s.Row("r1")
	if !ok || len(r.Applied) != 2 || len(r.History) != 2 {
		t.Errorf("Row(r1): got %+v, %v want 2 applied events", r, ok)
	}
	if _, ok := s.Row("r2"); ok {
		t.Error("Row(r2): event of another dataset replayed")
	}
}

// TestReplay_V1 replays the v1 session file: it must decode and replay to the
// same state forever.
func TestReplay_V1(t *testing.T) {
	f, err := os.Open("testdata/v1/session.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	events, err := ledger.ReadEvents(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 12 {
		t.Fatalf("got %d events want 12", len(events))
	}
	if e := events[2]; e.Seq != 3 || e.Field != "pixel_12" || !e.Time.Equal(time.Date(2026, 3, 1, 10, 30, 6, 0, time.UTC)) {
		t.Errorf("event 3: got %+v", e)
	}
	if e := events[0]; e.Time.Nanosecond() != 123456789 || e.ModelVersion != "logreg@1" || e.Reason != "looks like a one" {
		t.Errorf("event 1: got %+v", e)
	}
	keys := make([]string, 20)
	for i := range keys {
		keys[i] = fmt.Sprintf("row-%d", i+1)
	}
	s := ledger.Replay(events, ledger.ReplayOptions{Dataset: "digits", Version: "sha256:0002", Keys: keys})
	want := `row-12: excluded
row-3: label=4 notes=["checked against the scan"] conflict
row-5: excluded
row-8: pixel_12=16
row-9: label=5 conflict
conflict row-3 relabel [01J0A1-ann-0001 01J0A1-bob-0003] winner=01J0A1-bob-0003: ann and bob disagree
conflict row-9 relabel [01J0A1-carol-0001 b4e0d1e3f2c5b6a79889706b5c4d3e2f] winner=01J0A1-carol-0001: code-made event overridden by the human decision "01J0A1-carol-0001"
orphan 01J0A1-ann-0004
`
	if got := summary(s); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if s.OtherVersions != 7 {
		t.Errorf("OtherVersions: got %d want 7", s.OtherVersions)
	}
}

func TestState_Overrides(t *testing.T) {
	s := ledger.Replay(evs(
		"e1 ann human relabel r2 dog cat",
		"e2 ann human edit r2 b=2",
		"e3 ann human edit r2 a=1",
		"e4 ann human exclude r2",
		"e5 ann human exclude r1",
		"e6 ann human include r1",
		"e7 ann human note r3 hmm",
		"e8 ann human relabel r4 x",
		"u8 ann human undo r4 e8",
		"e9 ann human exclude gone",
	), ledger.ReplayOptions{Keys: []string{"r1", "r2", "r3", "r4"}})
	got := fmt.Sprint(s.Overrides())
	want := "[{relabel r2  dog} {edit r2 a 1} {edit r2 b 2} {exclude r2  }]"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
