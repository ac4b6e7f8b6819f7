package ledger_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tandem.dev/tandem/runtime/ledger"
)

// TestReadEvents_Forever decodes every file in every testdata/v*/ folder:
// each version ever written must stay readable (STYLE.md §5).
func TestReadEvents_Forever(t *testing.T) {
	files, err := filepath.Glob("testdata/v*/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/v*/*.jsonl files (%v)", err)
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		events, err := ledger.ReadEvents(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, e := range events {
			if err := e.Validate(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

func TestWriteEvents_RoundTrip(t *testing.T) {
	f, err := os.ReadFile("testdata/v1/session.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	events, err := ledger.ReadEvents(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ledger.WriteEvents(&buf, events); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), `{"v":1,"seq":1,"id":"01J0A1-ann-0001","dataset":"digits",`) {
		t.Errorf("first record: got %.80s", buf.String())
	}
	again, err := ledger.ReadEvents(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(events) {
		t.Fatalf("got %d events want %d", len(again), len(events))
	}
	for i := range events {
		if !ledger.SameEvent(again[i], events[i]) || again[i].Seq != events[i].Seq {
			t.Errorf("%d: got %+v want %+v", i, again[i], events[i])
		}
	}
}

func TestReadEvents_Errors(t *testing.T) {
	for _, test := range []struct{ in, want string }{
		{"{\"v\":1,\"id\":\"a\"}\n{\"v\":2,\"id\":\"b\"}\n", "read events: line 2: record version 2 is newer than this build reads (1)"},
		{"\n{\"id\":\"a\"}", "read events: line 2: no record version (member \"v\")"},
		{"{\"v\":1,\"id\":\"a\"}\n{\"v\":1,\"id\":", "read events: line 2: unexpected end of JSON input"},
		{"[1]", "read events: line 1: json: cannot unmarshal array"},
	} {
		_, err := ledger.ReadEvents(strings.NewReader(test.in))
		if err == nil || !strings.HasPrefix(err.Error(), test.want) {
			t.Errorf("%q: got %v want %s…", test.in, err, test.want)
		}
	}
}

func TestWriteEventsCSV(t *testing.T) {
	e := ev("e1 ann human relabel r1 dog cat")
	e.Seq, e.Reason = 7, "ears, \"pointy\""
	var buf bytes.Buffer
	if err := ledger.WriteEventsCSV(&buf, []ledger.Event{e}); err != nil {
		t.Fatal(err)
	}
	want := "seq,id,dataset,dataset_version,row_key,kind,field,old,new,author,source,reason,time,model_version,undo_of\n" +
		"7,e1,d,v1,r1,relabel,,cat,dog,ann,human,\"ears, \"\"pointy\"\"\",2026-01-01T00:00:00Z,,\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// FuzzReadEvents: ReadEvents never panics, and what it reads, WriteEvents
// writes back to the same events.
func FuzzReadEvents(f *testing.F) {
	files, _ := filepath.Glob("testdata/v*/*.jsonl")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Add([]byte(`{"v":1,"time":"bad"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		events, err := ledger.ReadEvents(bytes.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := ledger.WriteEvents(&buf, events); err != nil {
			return // e.g. a time outside the years JSON can encode
		}
		again, err := ledger.ReadEvents(&buf)
		if err != nil {
			t.Fatalf("reread: %v\n%s", err, buf.Bytes())
		}
		if len(again) != len(events) {
			t.Fatalf("got %d events back want %d", len(again), len(events))
		}
		for i := range events {
			if !ledger.SameEvent(again[i], events[i]) || again[i].Seq != events[i].Seq {
				t.Fatalf("%d: got %+v want %+v", i, again[i], events[i])
			}
		}
	})
}
