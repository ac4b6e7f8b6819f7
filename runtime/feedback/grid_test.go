package feedback_test

import (
	"context"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/widget"
)

func gridFixture(t *testing.T, ds *data.Dataset, store ledger.Store) (*feedback.DataGrid, *commLog) {
	t.Helper()
	widget.Reset()
	c := &commLog{}
	widget.SetComm(c)
	widget.SetScheduler(func() {})
	t.Cleanup(widget.Reset)
	return feedback.GridWith(ds, feedback.GridOptions{Store: store, Author: "ann", PageSize: 20}), c
}

func send(m *widget.Model, content map[string]any) {
	widget.Deliver(widget.Message{Type: "comm_msg", ID: m.ID(), Data: map[string]any{"method": "custom", "content": content}})
}

func TestGrid_Page(t *testing.T) {
	ds := data.Digits()
	g, c := gridFixture(t, ds, ledger.NewMemoryStore())
	first := g.Model().Get("first").(map[string]any)
	if rows := first["rows"].([]any); len(rows) != 20 || first["total"] != 1797 || first["pages"] != 90 {
		t.Fatalf("first page: got %d rows, total %v, pages %v want 20, 1797, 90", len(rows), first["total"], first["pages"])
	}
	f := ds.Features()[20]
	send(g.Model(), map[string]any{"type": "page", "req": 1.0, "page": 0.0, "sort": f, "desc": true, "filter_col": ds.Label(), "op": "=", "value": "3"})
	g.Wait()
	pg := c.last("page")
	if pg == nil || pg["req"] != 1.0 {
		t.Fatalf("no page reply: %v", c.msgs)
	}
	rows := pg["rows"].([]any)
	prev := 1e9
	col := -1
	for j, name := range pg["columns"].([]any) {
		if name == f {
			col = j
		}
	}
	if col < 0 {
		// the sorted column is past the first 12: ask for its window
		send(g.Model(), map[string]any{"type": "page", "req": 2.0, "sort": f, "desc": true, "filter_col": ds.Label(), "op": "=", "value": "3", "col_start": 20.0})
		g.Wait()
		pg = c.last("page")
		rows, col = pg["rows"].([]any), 0
	}
	for _, r := range rows {
		r := r.(map[string]any)
		if r["label"] != "3" {
			t.Errorf("filter label = 3 let through %v", r)
		}
		v, _ := strconv.ParseFloat(r["cells"].([]any)[col].(string), 64)
		if v > prev {
			t.Errorf("not sorted descending: %v after %v", v, prev)
		}
		prev = v
	}
	send(g.Model(), map[string]any{"type": "page", "req": 3.0, "sort": "nope"})
	g.Wait()
	if e := c.last("error"); e == nil || !strings.Contains(e["message"].(string), `no column "nope"`) {
		t.Errorf("got %v want an error naming the column", e)
	}
}

func TestGrid_Edit(t *testing.T) {
	ds := data.Digits()
	st := ledger.NewMemoryStore()
	g, c := gridFixture(t, ds, st)
	f := ds.Features()[5]
	key := ds.Key(10)
	now := float64(time.Now().UnixMilli())
	send(g.Model(), map[string]any{"type": "edit", "id": "e1", "key": key, "field": f, "old": "0", "new": "16", "time": now})
	g.Wait()
	if a := c.last("ack"); a == nil || a["id"] != "e1" {
		t.Fatalf("got %v want ack e1", c.msgs)
	}
	if got := ds.Column(f)[10]; got != 16 {
		t.Errorf("dataset value after the edit: got %v want 16", got)
	}
	send(g.Model(), map[string]any{"type": "edit", "id": "e2", "key": key, "field": ds.Label(), "old": ds.LabelStrings()[10], "new": "9", "time": now})
	g.Wait()
	if ds.LabelStrings()[10] != "9" {
		t.Errorf("label after the grid relabel: got %s want 9", ds.LabelStrings()[10])
	}
	evs, _ := st.Events(context.Background(), "")
	if len(evs) != 2 || evs[0].Kind != ledger.Edit || evs[1].Kind != ledger.Relabel || evs[0].Field != f {
		t.Errorf("got events %+v want an edit and a relabel", evs)
	}
	for _, test := range []struct {
		name string
		e    map[string]any
		want string
	}{
		{"NotANumber", map[string]any{"field": f, "new": "lots"}, "not a number"},
		{"UnknownColumn", map[string]any{"field": "zz", "new": "1"}, `no column "zz"`},
		{"UnknownRow", map[string]any{"field": f, "new": "1", "key": "digits-x"}, "no row with key"},
		{"UnknownLabel", map[string]any{"field": ds.Label(), "new": "ten"}, "not a class"},
	} {
		t.Run(test.name, func(t *testing.T) {
			e := map[string]any{"type": "edit", "id": "bad-" + test.name, "key": key, "time": now}
			for k, v := range test.e {
				e[k] = v
			}
			send(g.Model(), e)
			g.Wait()
			if er := c.last("error"); er == nil || !strings.Contains(er["message"].(string), test.want) || er["final"] != true {
				t.Errorf("got %v want a final error containing %q", er, test.want)
			}
		})
	}
	if evs, _ := st.Events(context.Background(), ""); len(evs) != 2 {
		t.Errorf("bad edits were stored: %d events", len(evs))
	}
}

// TestGrid_Million: pages of a 1,000,000-row dataset come back fast; only
// the page is sent.
func TestGrid_Million(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1,000,000-row dataset")
	}
	const n = 1_000_000
	rng := rand.New(rand.NewSource(1))
	x := make([][]float64, n)
	flat := make([]float64, 3*n)
	labels := make([]string, n)
	for i := range x {
		x[i] = flat[3*i : 3*i+3 : 3*i+3]
		x[i][0], x[i][1], x[i][2] = rng.Float64(), rng.NormFloat64(), float64(i%100)
		labels[i] = []string{"a", "b", "c"}[i%3]
	}
	ds := data.New(data.Frame{Name: "big", Features: []string{"u", "z", "m"}, X: x, Labels: labels})
	start := time.Now()
	g, _ := gridFixture(t, ds, ledger.NewMemoryStore())
	open := time.Since(start)
	start = time.Now()
	pg, err := g.Page(1000, "", false, "", "", "")
	page := time.Since(start)
	if err != nil || len(pg["rows"].([]any)) != 20 {
		t.Fatalf("page: %v %v", pg, err)
	}
	start = time.Now()
	pg, err = g.Page(0, "z", true, "m", ">=", "50")
	sorted := time.Since(start)
	if err != nil || pg["total"] != n/2 {
		t.Fatalf("sorted, filtered page: total %v, %v want %d", pg["total"], err, n/2)
	}
	start = time.Now()
	if _, err := g.Page(7, "z", true, "m", ">=", "50"); err != nil {
		t.Fatal(err)
	}
	again := time.Since(start)
	t.Logf("1,000,000 rows: open %v, page %v, sort+filter %v, next page of it %v", open, page, sorted, again)
	if page > 50*time.Millisecond || again > 50*time.Millisecond {
		t.Errorf("paging is slow: %v, %v (want < 50 ms)", page, again)
	}
	if sorted > 5*time.Second {
		t.Errorf("sort of 1,000,000 rows took %v (want < 5 s)", sorted)
	}
}

func ExampleGrid() {
	widget.Reset()
	ds := data.Iris()
	g := feedback.GridWith(ds, feedback.GridOptions{Store: ledger.NewMemoryStore(), PageSize: 3})
	pg, _ := g.Page(0, ds.Features()[0], true, "", "", "")
	for _, r := range pg["rows"].([]any) {
		r := r.(map[string]any)
		fmt.Println(r["label"], r["cells"].([]any)[0])
	}
	// Output:
	// virginica 7.9
	// virginica 7.7
	// virginica 7.7
}
