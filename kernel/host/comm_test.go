package host

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"testing"
	"time"

	"tandem.dev/tandem/kernel"
	"tandem.dev/tandem/kernel/jupyter"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/sqlite"
	"tandem.dev/tandem/runtime/widget"
	"tandem.dev/tandem/stdlib"
)

// TestCommTransport_DecisionWhileCellRuns: a review decision sent while a
// cell runs is committed and acknowledged before the cell ends.
func TestCommTransport_DecisionWhileCellRuns(t *testing.T) {
	widget.Reset()
	defer widget.Reset()
	s, err := kernel.New(kernel.Options{Symbols: stdlib.Symbols})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	client, server := jupyter.Pipe()
	defer client.Close()
	session := jupyter.NewID()
	ct := &commTransport{Transport: server, session: session, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ct.comms = kernel.NewComms(s, ct)
	defer ct.comms.Close()
	d := &jupyter.Dispatcher{Backend: NewSessionBackend(s), Transport: ct, Session: session}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Serve(ctx)

	ds := data.Digits()
	q := &feedback.Queue{Dataset: ds.Name(), Classes: ds.Classes(), Items: []feedback.Item{{Key: ds.Key(0), Given: ds.LabelStrings()[0]}}}
	r := feedback.ReviewWith(ds, q, feedback.ReviewOptions{Store: ledger.NewMemoryStore(), Author: "ann"})

	exec, _ := jupyter.NewMessage(jupyter.Shell, "execute_request", nil, "client", jupyter.ExecuteRequest{Code: "import \"time\"\nfor i := 0; i < 50; i++ { time.Sleep(10 * time.Millisecond) }"})
	client.Send(exec)
	time.Sleep(100 * time.Millisecond)
	dec, _ := jupyter.NewMessage(jupyter.Shell, "comm_msg", nil, "client", jupyter.CommMsg{CommID: r.Model().ID(), Data: map[string]any{
		"method": "custom", "content": map[string]any{"type": "decide", "id": "d1", "key": ds.Key(0), "kind": "exclude",
			"version": r.Model().Get("version"), "time": float64(time.Now().UnixMilli())}}})
	client.Send(dec)
	var ackAt, replyAt time.Time
	deadline := time.After(10 * time.Second)
	for ackAt.IsZero() || replyAt.IsZero() {
		got := make(chan *jupyter.Message, 1)
		go func() { m, _ := client.Recv(); got <- m }()
		select {
		case <-deadline:
			t.Fatalf("timed out: ack %v, reply %v", ackAt, replyAt)
		case m := <-got:
			if m == nil {
				t.Fatal("transport closed")
			}
			switch m.Header.MsgType {
			case "execute_reply":
				replyAt = time.Now()
			case "comm_msg":
				var c jupyter.CommMsg
				json.Unmarshal(m.Content, &c)
				if ct, _ := c.Data["content"].(map[string]any); ct["type"] == "ack" {
					ackAt = time.Now()
					if m.ParentID() != dec.Header.MsgID {
						t.Errorf("ack parent: got %s want the decision's message", m.ParentID())
					}
				}
			}
		}
	}
	if !ackAt.Before(replyAt) {
		t.Errorf("the decision was acknowledged after the cell ended (ack %v, reply %v)", ackAt, replyAt)
	}
}

// TestCommTransport_CommInfo: comm_info_request lists the open widget comms.
func TestCommTransport_CommInfo(t *testing.T) {
	widget.Reset()
	defer widget.Reset()
	s, err := kernel.New(kernel.Options{Symbols: stdlib.Symbols})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	client, server := jupyter.Pipe()
	defer client.Close()
	ct := &commTransport{Transport: server, session: "k", log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ct.comms = kernel.NewComms(s, ct)
	defer ct.comms.Close()
	d := &jupyter.Dispatcher{Backend: &capturing{Backend: NewSessionBackend(s)}, Transport: ct, Session: "k"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Serve(ctx)
	b := widget.NewButton("go")
	req, _ := jupyter.NewMessage(jupyter.Shell, "comm_info_request", nil, "client", jupyter.CommInfoRequest{TargetName: widget.Target})
	client.Send(req)
	for {
		m, err := client.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.MsgType != "comm_info_reply" {
			continue
		}
		var r jupyter.CommInfoReply
		json.Unmarshal(m.Content, &r)
		if r.Comms[b.Model().ID()].TargetName != widget.Target || len(r.Comms) != 3 {
			t.Errorf("got %+v want the button, its layout and style", r.Comms)
		}
		return
	}
}

// BenchmarkCommTransport_Decide measures a review decision through the
// kernel's transport: a comm_msg request in (jupyter.Pipe), the ledger
// commit (SQLite, synchronous=FULL, temp workspace), the ack comm_msg out
// on iopub; p50-ms and p99-ms one at a time.
func BenchmarkCommTransport_Decide(b *testing.B) {
	widget.Reset()
	defer widget.Reset()
	s, err := kernel.New(kernel.Options{Symbols: stdlib.Symbols})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	store, err := sqlite.OpenWorkspace(b.TempDir(), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	client, server := jupyter.Pipe()
	defer client.Close()
	ct := &commTransport{Transport: server, session: "k", log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ct.comms = kernel.NewComms(s, ct)
	defer ct.comms.Close()
	d := &jupyter.Dispatcher{Backend: &capturing{Backend: NewSessionBackend(s)}, Transport: ct, Session: "k"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Serve(ctx)
	ds := data.Digits()
	q := &feedback.Queue{Dataset: ds.Name(), Classes: ds.Classes()}
	for i := 0; i < 100; i++ {
		q.Items = append(q.Items, feedback.Item{Key: ds.Key(i), Given: ds.LabelStrings()[i]})
	}
	r := feedback.ReviewWith(ds, q, feedback.ReviewOptions{Store: store, Author: "bench"})
	version := r.Model().Get("version")
	lat := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := fmt.Sprintf("b%d-%d", b.N, i)
		m, _ := jupyter.NewMessage(jupyter.Shell, "comm_msg", nil, "client", jupyter.CommMsg{CommID: r.Model().ID(), Data: map[string]any{
			"method": "custom", "content": map[string]any{"type": "decide", "id": id, "key": ds.Key(i % 100), "kind": "relabel",
				"new": ds.Classes()[i%10], "old": "", "version": version, "time": float64(time.Now().UnixMilli())}}})
		start := time.Now()
		client.Send(m)
		for {
			out, err := client.Recv()
			if err != nil {
				b.Fatal(err)
			}
			if out.Header.MsgType != "comm_msg" {
				continue
			}
			var c jupyter.CommMsg
			json.Unmarshal(out.Content, &c)
			ct, _ := c.Data["content"].(map[string]any)
			if ct["type"] == "error" {
				b.Fatal(ct["message"])
			}
			if ct["type"] == "ack" && ct["id"] == id {
				break
			}
		}
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
	}
	b.StopTimer()
	sort.Float64s(lat)
	b.ReportMetric(lat[len(lat)/2], "p50-ms")
	b.ReportMetric(lat[min(len(lat)-1, len(lat)*99/100)], "p99-ms")
}
