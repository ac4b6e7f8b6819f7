package ledger_test

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"tandem.dev/tandem/runtime/ledger"
)

// table is a small ledger.Table, shaped like *data.Dataset.
type table struct {
	keys, feats, labels []string
	cols                map[string][]float64
}

func (t table) Keys() []string               { return t.keys }
func (t table) Features() []string           { return t.feats }
func (t table) Column(name string) []float64 { return t.cols[name] }
func (t table) LabelStrings() []string       { return t.labels }

func exportFixture() (table, *ledger.State) {
	tb := table{
		keys: []string{"r1", "r2", "r3", "r4"}, feats: []string{"a", "b"}, labels: []string{"cat", "dog", "cat", "dog"},
		cols: map[string][]float64{"a": {1, 2, math.NaN(), 4}, "b": {0.5, 1e6, 3, -1}},
	}
	events := evs(
		"e1 ann human relabel r1 dog cat",
		"e2 bob human edit r2 a=2.5",
		"e3 bob human edit r2 comment=smudged,\"left\"",
		"e4 ann human exclude r3",
		"e5 bob human relabel r1 bird cat",
		"e6 ann human note r4 fine",
		"e7 ann human edit r4 b=n/a",
		"e8 ann human exclude gone",
	)
	events[0].ModelVersion = "m1"
	events[4].ModelVersion = "m2"
	return tb, ledger.Replay(events, ledger.ReplayOptions{Keys: tb.keys})
}

func TestWriteCSV(t *testing.T) {
	tb, s := exportFixture()
	var buf bytes.Buffer
	if err := ledger.WriteCSV(&buf, tb, s, ledger.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `key,a,b,comment,label,original_label,excluded,edited,authors,event_ids,model_versions,last_changed,notes,conflict
r1,1,0.5,,bird,cat,false,,ann; bob,e1; e5,m1; m2,2026-01-01T00:00:00Z,,true
r2,2.5,1e+06,"smudged,""left""",dog,dog,false,a; comment,bob,e2; e3,,2026-01-01T00:00:00Z,,false
r3,,3,,cat,cat,true,,ann,e4,,2026-01-01T00:00:00Z,,false
r4,4,n/a,,dog,dog,false,b,ann,e6; e7,,2026-01-01T00:00:00Z,fine,false
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	buf.Reset()
	if err := ledger.WriteCSV(&buf, tb, s, ledger.ExportOptions{DropExcluded: true, LabelColumn: "digit"}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); strings.Contains(got, "\nr3,") || !strings.Contains(got, ",digit,") {
		t.Errorf("DropExcluded/LabelColumn: got\n%s", got)
	}
}

func TestWriteJSONL(t *testing.T) {
	tb, s := exportFixture()
	var buf bytes.Buffer
	if err := ledger.WriteJSONL(&buf, tb, s, ledger.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines want 4:\n%s", len(lines), buf.String())
	}
	want0 := `{"key":"r1","a":1,"b":0.5,"comment":null,"label":"bird","original_label":"cat","excluded":false,"edited":[],"authors":["ann","bob"],"event_ids":["e1","e5"],"model_versions":["m1","m2"],"last_changed":"2026-01-01T00:00:00Z","notes":[],"conflict":true}`
	if lines[0] != want0 {
		t.Errorf("line 1:\ngot  %s\nwant %s", lines[0], want0)
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("line %d: %v", i+1, err)
		}
	}
	if !strings.Contains(lines[2], `"a":null`) || !strings.Contains(lines[3], `"b":"n/a"`) || !strings.Contains(lines[1], `"b":1000000`) {
		t.Errorf("NaN, text edit or big number wrong:\n%s", buf.String())
	}
}

func TestWriteCSV_BadTable(t *testing.T) {
	tb, s := exportFixture()
	tb.labels = tb.labels[:2]
	err := ledger.WriteCSV(&bytes.Buffer{}, tb, s, ledger.ExportOptions{})
	if err == nil || err.Error() != "write csv: export dataset: 2 labels for 4 keys" {
		t.Errorf("got %v", err)
	}
}
