package feedback_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/feedback"
	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/sqlite"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/train"
	"tandem.dev/tandem/runtime/widget"
)

// commLog records what widgets send, as a front end would see it.
type commLog struct {
	mu   sync.Mutex
	msgs []map[string]any // custom contents, in order
	log  []string         // "ack <id>" / "error <id>" in order, for ordering checks
	hook func(content map[string]any)
}

func (c *commLog) Open(id, target string, data, meta map[string]any, bufs [][]byte) {}
func (c *commLog) Close(id string, data map[string]any)                             {}
func (c *commLog) Send(from any, id string, data map[string]any, bufs [][]byte) {
	if data["method"] != "custom" {
		return
	}
	ct := data["content"].(map[string]any)
	c.mu.Lock()
	c.msgs = append(c.msgs, ct)
	c.log = append(c.log, fmt.Sprint(ct["type"], " ", ct["id"]))
	h := c.hook
	c.mu.Unlock()
	if h != nil {
		h(ct)
	}
}

func (c *commLog) last(typ string) map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.msgs) - 1; i >= 0; i-- {
		if c.msgs[i]["type"] == typ {
			return c.msgs[i]
		}
	}
	return nil
}

func (c *commLog) count(typ string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.msgs {
		if m["type"] == typ {
			n++
		}
	}
	return n
}

// fixture: digits, a queue of its first five rows, a review on store.
func fixture(t *testing.T, store ledger.Store) (*data.Dataset, *feedback.Reviewer, *commLog) {
	t.Helper()
	widget.Reset()
	c := &commLog{}
	widget.SetComm(c)
	widget.SetScheduler(func() {}) // as if a cell were running the whole time: nothing interpreted may run
	t.Cleanup(widget.Reset)
	ds := data.Digits()
	q := &feedback.Queue{Kind: "suspects", Dataset: ds.Name(), Classes: ds.Classes(), ModelVersion: "MLP@1"}
	labels := ds.LabelStrings()
	for i := 0; i < 5; i++ {
		q.Items = append(q.Items, feedback.Item{Key: ds.Key(i), Row: i, Given: labels[i], Suggested: "7", Prob: 0.9, Why: "test"})
	}
	r := feedback.ReviewWith(ds, q, feedback.ReviewOptions{Store: store, Author: "ann"})
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	return ds, r, c
}

var clientTime = float64(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC).UnixMilli())

func decide(r *feedback.Reviewer, fields map[string]any) {
	m := map[string]any{"type": "decide", "version": r.Model().Get("version"), "time": clientTime}
	for k, v := range fields {
		m[k] = v
	}
	widget.Deliver(widget.Message{Type: "comm_msg", ID: r.Model().ID(), Data: map[string]any{"method": "custom", "content": m}})
	r.Wait()
}

// appendHook is a Store that calls before/after around MemoryStore.Append,
// or fails with err.
type appendHook struct {
	*ledger.MemoryStore
	after func(ledger.Event)
	err   error
}

func (s *appendHook) Append(ctx context.Context, e ledger.Event) (ledger.Ack, error) {
	if s.err != nil {
		return ledger.Ack{}, fmt.Errorf("append event %q: %w", e.ID, s.err)
	}
	a, err := s.MemoryStore.Append(ctx, e)
	if s.after != nil {
		s.after(e)
	}
	return a, err
}

func TestReview_AckAfterCommit(t *testing.T) {
	st := &appendHook{MemoryStore: ledger.NewMemoryStore()}
	ds, r, c := fixture(t, st)
	st.after = func(e ledger.Event) {
		if c.count("ack") != 0 {
			t.Errorf("ack sent before Append returned")
		}
		evs, _ := st.Events(context.Background(), "")
		if len(evs) != 1 {
			t.Errorf("got %d stored events at commit want 1", len(evs))
		}
	}
	key := ds.Key(0)
	given := ds.LabelStrings()[0]
	decide(r, map[string]any{"id": "d1", "key": key, "kind": "relabel", "old": given, "new": "7"})
	ack := c.last("ack")
	if ack == nil || ack["id"] != "d1" || ack["duplicate"] != false {
		t.Fatalf("got %v want ack of d1", c.msgs)
	}
	row := c.last("rowupdate")["row"].(map[string]any)
	if row["label"] != "7" || row["decision"].(map[string]any)["id"] != "d1" {
		t.Errorf("ack row: got %v want label 7 decided by d1", row)
	}
	if got := ds.LabelStrings()[0]; got != "7" {
		t.Errorf("dataset label after the correction: got %s want 7", got)
	}
	if r.Model().Get("done") != 1 {
		t.Errorf("progress: got %v decided want 1", r.Model().Get("done"))
	}
	evs := r.Events()
	if len(evs) != 1 || evs[0].Author != "ann" || evs[0].ModelVersion != "MLP@1" || evs[0].Source != ledger.Human {
		t.Errorf("got events %+v", evs)
	}
}

func TestReview_RetryStoredOnce(t *testing.T) {
	st := ledger.NewMemoryStore()
	ds, r, c := fixture(t, st)
	d := map[string]any{"id": "same", "key": ds.Key(1), "kind": "exclude", "old": ds.LabelStrings()[1]}
	decide(r, d)
	decide(r, d) // the browser resends after a reconnect
	if c.count("ack") != 2 {
		t.Fatalf("got %d acks want 2 (a retry is acknowledged again)", c.count("ack"))
	}
	if c.last("ack")["duplicate"] != true {
		t.Errorf("second ack not marked duplicate: %v", c.last("ack"))
	}
	evs, _ := st.Events(context.Background(), "")
	if len(evs) != 1 {
		t.Errorf("got %d stored events want 1", len(evs))
	}
	if ds.Len() != 1796 {
		t.Errorf("dataset rows after exclude: got %d want 1796", ds.Len())
	}
}

// TestReview_TwoTabs: two tabs relabel the same row from the same old
// value; both events are kept and the conflict is shown.
func TestReview_TwoTabs(t *testing.T) {
	st := ledger.NewMemoryStore()
	ds, r, c := fixture(t, st)
	key, given := ds.Key(2), ds.LabelStrings()[2]
	decide(r, map[string]any{"id": "tabA", "key": key, "kind": "relabel", "old": given, "new": "3"})
	decide(r, map[string]any{"id": "tabB", "key": key, "kind": "relabel", "old": given, "new": "8", "author": "bob"})
	evs, _ := st.Events(context.Background(), "")
	if len(evs) != 2 {
		t.Fatalf("got %d events want both kept", len(evs))
	}
	row := c.last("rowupdate")["row"].(map[string]any)
	if conf, _ := row["conflict"].(string); !strings.Contains(conf, "ann") || !strings.Contains(conf, "bob") {
		t.Errorf("conflict: got %q want both authors named", row["conflict"])
	}
	if row["label"] != "8" {
		t.Errorf("label: got %v want the later decision 8", row["label"])
	}
}

func TestReview_BadInput(t *testing.T) {
	st := ledger.NewMemoryStore()
	ds, r, c := fixture(t, st)
	for _, test := range []struct {
		name string
		d    map[string]any
		want string
	}{
		{"UnknownRow", map[string]any{"key": "no-such-row", "kind": "exclude"}, "no row with key"},
		{"UnknownLabel", map[string]any{"key": ds.Key(0), "kind": "relabel", "new": "eleven"}, `label "eleven" is not a class`},
		{"UnknownVersion", map[string]any{"key": ds.Key(0), "kind": "exclude", "version": "stale"}, "reload the data"},
		{"UnknownKind", map[string]any{"key": ds.Key(0), "kind": "bless"}, `unknown kind "bless"`},
		{"NoID", map[string]any{"key": ds.Key(0), "kind": "exclude", "id": ""}, "missing id"},
	} {
		t.Run(test.name, func(t *testing.T) {
			d := map[string]any{"id": "bad-" + test.name}
			for k, v := range test.d {
				d[k] = v
			}
			decide(r, d)
			e := c.last("error")
			if e == nil || !strings.Contains(e["message"].(string), test.want) || e["final"] != true {
				t.Errorf("got %v want a final error containing %q", e, test.want)
			}
		})
	}
	if evs, _ := st.Events(context.Background(), ""); len(evs) != 0 || c.count("ack") != 0 {
		t.Errorf("got %d events, %d acks want none", len(evs), c.count("ack"))
	}
}

func TestReview_StoreFails(t *testing.T) {
	for _, fault := range []error{sqlite.ErrDiskFull, sqlite.ErrReadOnly} {
		t.Run(strings.ReplaceAll(fault.Error(), " ", "_"), func(t *testing.T) {
			st := &appendHook{MemoryStore: ledger.NewMemoryStore(), err: fault}
			ds, r, c := fixture(t, st)
			decide(r, map[string]any{"id": "x1", "key": ds.Key(0), "kind": "exclude"})
			e := c.last("error")
			if e == nil || !strings.Contains(e["message"].(string), fault.Error()) || e["final"] != false {
				t.Fatalf("got %v want a passing error naming %q", e, fault)
			}
			if c.count("ack") != 0 || r.Model().Get("done") != 0 || ds.Len() != 1797 {
				t.Errorf("acknowledged or applied a decision the ledger refused")
			}
		})
	}
	t.Run("OpenFails", func(t *testing.T) {
		widget.Reset()
		defer widget.Reset()
		ds := data.Digits()
		dir := t.TempDir()
		// a file where the ledger folder should be: the workspace cannot hold a ledger
		if err := writeFile(dir+"/.tandem", "x"); err != nil {
			t.Fatal(err)
		}
		t.Setenv("TANDEM_WORKSPACE", dir)
		q := &feedback.Queue{Dataset: ds.Name(), Classes: ds.Classes(), Items: []feedback.Item{{Key: ds.Key(0), Given: "0"}}}
		r := feedback.Review(ds, q)
		if r.Err() == nil || !strings.Contains(r.Model().Get("error").(string), "open ledger") {
			t.Fatalf("got err %v, widget error %q want the open failure shown", r.Err(), r.Model().Get("error"))
		}
	})
}

// TestReview_SQLite: the workspace ledger; an acknowledged decision is in
// the database when it is opened again.
func TestReview_SQLite(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TANDEM_WORKSPACE", dir)
	t.Setenv("TANDEM_USER", "carol")
	widget.Reset()
	c := &commLog{}
	widget.SetComm(c)
	defer widget.Reset()
	ds := data.Digits()
	q := &feedback.Queue{Dataset: ds.Name(), Classes: ds.Classes(), Items: []feedback.Item{{Key: ds.Key(4), Given: ds.LabelStrings()[4]}}}
	r := feedback.Review(ds, q)
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	decide(r, map[string]any{"id": "sq1", "key": ds.Key(4), "kind": "relabel", "new": "1", "old": ds.LabelStrings()[4]})
	if c.last("ack") == nil {
		t.Fatalf("no ack: %v", c.msgs)
	}
	s2, err := sqlite.OpenWorkspace(dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	evs, err := s2.Events(context.Background(), ds.Name())
	if err != nil || len(evs) != 1 || evs[0].ID != "sq1" || evs[0].Author != "carol" {
		t.Fatalf("got %v, %v want sq1 by carol", evs, err)
	}
}

func TestReview_Navigate(t *testing.T) {
	_, r, c := fixture(t, ledger.NewMemoryStore())
	widget.Deliver(widget.Message{Type: "comm_msg", ID: r.Model().ID(), Data: map[string]any{"method": "custom", "content": map[string]any{"type": "get", "index": 3.0}}})
	r.Wait()
	row := c.last("row")["row"].(map[string]any)
	if row["index"] != 3 || !strings.HasPrefix(row["image"].(string), "data:image/png;base64,") {
		t.Errorf("got %v want row 3 with its picture", row)
	}
	widget.Deliver(widget.Message{Type: "comm_msg", ID: r.Model().ID(), Data: map[string]any{"method": "custom", "content": map[string]any{"type": "get", "index": 9.0}}})
	r.Wait()
	if e := c.last("error"); e == nil || !strings.Contains(e["message"].(string), "no row 9") {
		t.Errorf("got %v want an error for row 9", e)
	}
	if !strings.Contains(r.Model().Get("_esm").(string), "export default") {
		t.Error("no ES module in the model state")
	}
}

func writeFile(path, s string) error { return osWriteFile(path, []byte(s)) }

var _ = errors.New

func osWriteFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }

func ExampleReview() {
	widget.Reset()
	ds := data.Digits()
	q := &feedback.Queue{Dataset: ds.Name(), Classes: ds.Classes(), ModelVersion: "MLP@1",
		Items: []feedback.Item{{Key: ds.Key(0), Given: ds.LabelStrings()[0], Suggested: "8", Prob: 0.7, Why: "p(8) is high"}}}
	r := feedback.ReviewWith(ds, q, feedback.ReviewOptions{Store: ledger.NewMemoryStore(), Author: "ann"})
	fmt.Println(r)
	// Output: review of digits: 1 rows, 0 decided
}

// BenchmarkReview_Decide measures a review decision from its arrival at the
// kernel (widget.Deliver) to its acknowledgement (the ack message sent
// after the SQLite commit, synchronous=FULL, in a temp workspace): p50-ms
// and p99-ms one decision at a time, and corrections/s when the browser
// sends b.N decisions at once (they are handled in order, one commit each).
func BenchmarkReview_Decide(b *testing.B) {
	dir := b.TempDir()
	store, err := sqlite.OpenWorkspace(dir, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	widget.Reset()
	defer widget.Reset()
	acks := make(chan string, 1<<16)
	c := &commLog{hook: func(ct map[string]any) {
		if ct["type"] == "ack" || ct["type"] == "error" {
			acks <- fmt.Sprint(ct["type"], " ", ct["message"])
		}
	}}
	widget.SetComm(c)
	widget.SetScheduler(func() {})
	ds := data.Digits()
	q := &feedback.Queue{Dataset: ds.Name(), Classes: ds.Classes(), ModelVersion: "MLP@1"}
	labels := ds.LabelStrings()
	for i := 0; i < 200; i++ {
		q.Items = append(q.Items, feedback.Item{Key: ds.Key(i), Row: i, Given: labels[i]})
	}
	r := feedback.ReviewWith(ds, q, feedback.ReviewOptions{Store: store, Author: "bench"})
	version := r.Model().Get("version")
	msg := func(i int) widget.Message {
		return widget.Message{Type: "comm_msg", ID: r.Model().ID(), Data: map[string]any{"method": "custom", "content": map[string]any{
			"type": "decide", "id": fmt.Sprintf("b%d-%d", b.N, i), "key": ds.Key(i % 200), "kind": "relabel",
			"old": labels[i%200], "new": ds.Classes()[i%10], "version": version, "time": float64(time.Now().UnixMilli())}}}
	}
	lat := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		widget.Deliver(msg(i))
		if a := <-acks; !strings.HasPrefix(a, "ack") {
			b.Fatal(a)
		}
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
	}
	b.StopTimer()
	sortFloats(lat)
	b.ReportMetric(lat[len(lat)/2], "p50-ms")
	b.ReportMetric(lat[min(len(lat)-1, len(lat)*99/100)], "p99-ms")
	start := time.Now()
	for i := 0; i < b.N; i++ {
		widget.Deliver(msg(b.N + i))
	}
	for i := 0; i < b.N; i++ {
		if a := <-acks; !strings.HasPrefix(a, "ack") {
			b.Fatal(a)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "corrections/s")
}

func sortFloats(v []float64) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// TestReview_KillAfterAck kills the process that runs a review widget with
// SIGKILL right after it has acknowledged decisions, many times; every
// acknowledged decision must be in the ledger afterwards. The child is this
// test binary (TestReview_KillChild) with the workspace in the environment;
// it prints "ack <id>" as the widget sends each ack.
func TestReview_KillAfterAck(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per round")
	}
	rounds := 60
	if s := os.Getenv("KILL_ROUNDS"); s != "" {
		fmt.Sscan(s, &rounds)
	}
	dir := t.TempDir()
	acked := map[string]bool{}
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestReview_KillChild$")
		cmd.Env = append(os.Environ(), "TANDEM_KILL_CHILD=1", "TANDEM_WORKSPACE="+dir, fmt.Sprintf("TANDEM_KILL_ROUND=%d", round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		want := 1 + round%5 // kill after 1–5 acknowledgements
		n := 0
		for n < want && sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
				acked[id] = true
				n++
			}
		}
		cmd.Process.Kill() // SIGKILL: no deferred Close, no clean shutdown
		cmd.Wait()
		if n < want {
			t.Fatalf("round %d: the child acknowledged %d decisions, want %d", round, n, want)
		}
	}
	s, err := sqlite.OpenWorkspace(dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := s.Events(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, e := range evs {
		stored[e.ID] = true
	}
	for id := range acked {
		if !stored[id] {
			t.Errorf("acknowledged decision %s is not in the ledger", id)
		}
	}
	t.Logf("%d rounds, %d acknowledged decisions, %d stored", rounds, len(acked), len(evs))
}

// TestReview_KillChild is the child of TestReview_KillAfterAck: it decides
// as fast as it can until it is killed.
func TestReview_KillChild(t *testing.T) {
	if os.Getenv("TANDEM_KILL_CHILD") != "1" {
		t.Skip("the child process of TestReview_KillAfterAck")
	}
	widget.Reset()
	c := &commLog{hook: func(ct map[string]any) {
		if ct["type"] == "ack" {
			fmt.Printf("ack %s\n", ct["id"])
		}
	}}
	widget.SetComm(c)
	widget.SetScheduler(func() {})
	ds := data.Digits()
	q := &feedback.Queue{Dataset: ds.Name(), Classes: ds.Classes()}
	for i := 0; i < 50; i++ {
		q.Items = append(q.Items, feedback.Item{Key: ds.Key(i), Given: ds.LabelStrings()[i]})
	}
	r := feedback.Review(ds, q)
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	round := os.Getenv("TANDEM_KILL_ROUND")
	for i := 0; ; i++ {
		widget.Deliver(widget.Message{Type: "comm_msg", ID: r.Model().ID(), Data: map[string]any{"method": "custom", "content": map[string]any{
			"type": "decide", "id": fmt.Sprintf("r%s-%d", round, i), "key": ds.Key(i % 50), "kind": "relabel", "new": ds.Classes()[i%10],
			"old": ds.LabelStrings()[i%50], "version": r.Model().Get("version"), "time": float64(time.Now().UnixMilli())}}})
		if i%4 == 3 {
			r.Wait()
		}
	}
}

func TestReview_Agreement(t *testing.T) {
	ds, r, _ := fixture(t, ledger.NewMemoryStore())
	labels := ds.LabelStrings()
	for i := 0; i < 5; i++ {
		decide(r, map[string]any{"id": fmt.Sprint("a", i), "key": ds.Key(i), "kind": "accept", "old": labels[i], "author": "ann"})
		kind, nw := "accept", labels[i]
		if i == 4 {
			kind, nw = "relabel", "1"
		}
		decide(r, map[string]any{"id": fmt.Sprint("b", i), "key": ds.Key(i), "kind": kind, "old": labels[i], "new": nw, "author": "bob"})
	}
	a := r.Agreement("ann", "bob")
	if a.Rows != 5 || a.Agree != 4 {
		t.Errorf("got %+v want 5 rows decided by both, 4 alike", a)
	}
}

func TestReview_Explain(t *testing.T) {
	widget.Reset()
	defer widget.Reset()
	ds := data.Iris()
	nn.Seed(1)
	m := nn.NewLinear(4, 3)
	train.Fit(m, ds, train.Config{Epochs: 20, Quiet: true})
	q := &feedback.Queue{Dataset: ds.Name(), Classes: ds.Classes(), Items: []feedback.Item{{Key: ds.Key(0), Given: ds.LabelStrings()[0]}}}
	r := feedback.ReviewWith(ds, q, feedback.ReviewOptions{Store: ledger.NewMemoryStore(), Model: m})
	ex, _ := r.Model().Get("current").(map[string]any)["explain"].(map[string]any)
	if ex == nil || len(ex["neighbors"].([]any)) != 5 || len(ex["features"].([]any)) != 4 {
		t.Fatalf("got explanation %v want 5 nearest rows and the 4 features", ex)
	}
}
