package feedback

import (
	"context"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"os"
	"os/user"
	"strings"
	"sync"
	"time"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/sqlite"
	"tandem.dev/tandem/runtime/nn"
	"tandem.dev/tandem/runtime/widget"
)

//go:embed review.js
var reviewESM string

// ReviewOptions configure ReviewWith. The zero value reviews every row of
// the queue into the workspace ledger as the current user.
type ReviewOptions struct {
	// Store is the ledger to write to; nil opens the workspace's
	// (.tandem/ledger.db in $TANDEM_WORKSPACE, else the working directory).
	Store ledger.Store
	// Author names the person deciding; "" means $TANDEM_USER, else the
	// operating-system user.
	Author string
	// Limit reviews only the first Limit rows of the queue (0: all).
	Limit int
	// Model, when set, is explained for each row shown (Explain without
	// permutation importance): its nearest rows with their labels and the
	// features that drive its prediction, so the person can judge it.
	Model nn.Module
}

// Reviewer is the review widget: one row of a queue at a time, its
// picture or features, given and suggested label, probability and why it
// was flagged; keys 1–9 (and 0 for the tenth class) relabel, a accepts the
// given label, x excludes, n adds a note, ←/→ move, u undoes. Each decision
// is written to the ledger by compiled code as it arrives, also while a
// cell runs, and marked saved in the browser only after the commit; the
// dataset then shows it (Dataset.Replay).
type Reviewer struct {
	m      *widget.Model
	q      *Queue
	link   *ledgerLink
	items  []Item
	author string
	model  nn.Module

	picMu sync.Mutex
	pics  map[string]string // row key → PNG data URI (base rows do not change)
}

// Review shows the review widget for the rows of q, made from ds.
func Review(ds *data.Dataset, q *Queue) *Reviewer { return ReviewWith(ds, q, ReviewOptions{}) }

// ReviewWith is Review with options. A ledger that cannot be opened is
// shown as an error in the widget; decisions are then refused, never
// acknowledged.
func ReviewWith(ds *data.Dataset, q *Queue, o ReviewOptions) *Reviewer {
	if ds == nil || q == nil {
		panic(Error{"feedback: Review needs a dataset and a queue"})
	}
	items := q.Items
	if o.Limit > 0 && o.Limit < len(items) {
		items = items[:o.Limit]
	}
	author := o.Author
	if author == "" {
		author = currentAuthor()
	}
	r := &Reviewer{q: q, link: linkFor(ds, o.Store), items: items, author: author, model: o.Model}
	st := map[string]any{
		"kind": "review", "dataset": r.link.name, "version": r.link.version, "model_version": q.ModelVersion,
		"classes": anyStrings(q.Classes), "n": len(items), "author": author, "done": 0, "error": "",
	}
	if r.link.err != nil {
		st["error"] = r.link.err.Error()
	}
	st["done"] = r.doneCount()
	if len(items) > 0 {
		st["current"] = r.row(0)
	}
	r.m = widget.NewCustom(widget.CustomOptions{ESM: reviewESM, State: st})
	r.m.HandleNow(r.handle)
	return r
}

// Model returns the widget's model.
func (r *Reviewer) Model() *widget.Model { return r.m }

// MIMEBundle shows the widget (and a text summary where widgets are not
// shown).
func (r *Reviewer) MIMEBundle() map[string]any {
	b := r.m.MIMEBundle()
	b["text/plain"] = r.String()
	return b
}

// String summarises the review: rows, decisions saved.
func (r *Reviewer) String() string {
	s := fmt.Sprintf("review of %s: %d rows, %d decided", r.link.name, len(r.items), r.doneCount())
	if r.link.err != nil {
		s += " (ledger: " + r.link.err.Error() + ")"
	}
	return s
}

// Err returns the error that keeps decisions from being saved (the ledger
// could not be opened), or nil.
func (r *Reviewer) Err() error { return r.link.err }

// Events returns the ledger events of the dataset, this process's and
// those read at start.
func (r *Reviewer) Events() []ledger.Event { return r.link.snapshot() }

// Agreement returns Cohen's kappa between authors a and b on the rows both
// decided in this dataset's ledger (several people reviewing one queue).
func (r *Reviewer) Agreement(a, b string) ledger.Agreement {
	r.link.settle()
	return ledger.Kappa(r.link.snapshot(), a, b)
}

// Wait blocks until every decision delivered so far is handled and shown
// in the dataset (tests).
func (r *Reviewer) Wait() { r.m.Idle(); r.link.settle() }

func (r *Reviewer) doneCount() int {
	st := r.link.state()
	n := 0
	for _, it := range r.items {
		if row, ok := st.Row(it.Key); ok && decided(row) {
			n++
		}
	}
	return n
}

func decided(row ledger.Row) bool {
	for _, e := range row.Applied {
		if e.Kind != ledger.Note {
			return true
		}
	}
	return false
}

// row renders item i for the browser.
func (r *Reviewer) row(i int) map[string]any {
	it := r.items[i]
	out := map[string]any{"index": i, "key": it.Key, "given": it.Given, "suggested": it.Suggested,
		"prob": round3(it.Prob), "why": it.Why, "label": it.Given, "excluded": false, "decision": nil,
		"conflict": "", "notes": []any{}}
	base := r.link.base
	if p := base.Index(it.Key); p >= 0 {
		px := base.Row(p)
		side := int(math.Sqrt(float64(len(px))))
		if side*side == len(px) && side >= 4 {
			r.picMu.Lock()
			pic, ok := r.pics[it.Key]
			if !ok {
				im := &data.Image{Key: it.Key, Width: side, Height: side, Pixels: px, Scale: max(1, 128/side)}
				pic = "data:image/png;base64," + base64.StdEncoding.EncodeToString(im.PNG())
				if r.pics == nil {
					r.pics = map[string]string{}
				}
				r.pics[it.Key] = pic
			}
			r.picMu.Unlock()
			out["image"] = pic
		} else {
			names := base.Features()
			feats := []any{}
			for j, v := range px {
				if j == 40 {
					break
				}
				feats = append(feats, []any{names[j], round3(v)})
			}
			out["features"] = feats
		}
	} else {
		out["missing"] = fmt.Sprintf("row %s is not in the dataset any more", it.Key)
	}
	if r.model != nil {
		if ex := r.explain(it.Key); ex != nil {
			out["explain"] = ex
		}
	}
	if row, ok := r.link.state().Row(it.Key); ok {
		if row.Relabeled {
			out["label"] = row.Label
		}
		out["excluded"] = row.Excluded
		notes := []any{}
		for _, n := range row.Notes {
			notes = append(notes, n)
		}
		out["notes"] = notes
		for k := len(row.Applied) - 1; k >= 0; k-- {
			if e := row.Applied[k]; e.Kind != ledger.Note {
				out["decision"] = map[string]any{"id": e.ID, "kind": string(e.Kind), "new": e.New, "author": e.Author}
				break
			}
		}
		if row.Conflict {
			out["conflict"] = r.link.conflictText(it.Key)
		}
	}
	return out
}

// explain returns the model's explanation of the row with key, for the
// browser: nearest rows and driving features; nil if it cannot be made.
func (r *Reviewer) explain(key string) (out map[string]any) {
	defer func() {
		if recover() != nil { // a row with missing features has no explanation
			out = nil
		}
	}()
	ds := r.link.ds.Snapshot()
	i := ds.Index(key)
	if i < 0 {
		return nil
	}
	ex := ExplainWith(r.model, ds, i, ExplainOptions{Neighbors: 5, Features: 6, NoImportance: true})
	var nb, fs []any
	for _, n := range ex.Neighbors {
		nb = append(nb, map[string]any{"key": n.Key, "label": n.Label, "distance": round3(n.Distance)})
	}
	for j, c := range ex.Contributions {
		if j == 6 {
			break
		}
		fs = append(fs, map[string]any{"feature": c.Feature, "value": round3(c.Value), "amount": round3(c.Amount)})
	}
	return map[string]any{"predicted": ex.Predicted, "runner_up": ex.RunnerUp, "neighbors": nb, "features": fs}
}

func round3(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1000) / 1000
}

func anyStrings(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// handle is the compiled handler of the widget's messages (HandleNow).
func (r *Reviewer) handle(msg widget.Msg) {
	c := msg.Content
	switch str(c["type"]) {
	case "get":
		i := int(jsonNum(c["index"]))
		if i < 0 || i >= len(r.items) {
			r.m.Reply(msg.From, map[string]any{"type": "error", "message": fmt.Sprintf("feedback: no row %d in this review of %d rows", i, len(r.items))}, nil)
			return
		}
		r.link.settle()
		// every tab receives the reply; req tells the one that asked
		r.m.Reply(msg.From, map[string]any{"type": "row", "req": c["req"], "row": r.row(i)}, nil)
	case "decide":
		r.decide(msg)
	default:
		r.m.Reply(msg.From, map[string]any{"type": "error", "message": fmt.Sprintf("feedback: unknown message %q", str(c["type"]))}, nil)
	}
}

// decide commits one decision and acknowledges it after the commit.
func (r *Reviewer) decide(msg widget.Msg) {
	c := msg.Content
	id := str(c["id"])
	key := str(c["key"])
	kind := str(c["kind"])
	e := ledger.Event{ID: id, Dataset: r.link.name, DatasetVersion: str(c["version"]), RowKey: key,
		Old: str(c["old"]), New: str(c["new"]), Author: r.author, Source: ledger.Human,
		Reason: str(c["reason"]), Time: msTime(c["time"]), ModelVersion: r.q.ModelVersion, UndoOf: str(c["undo_of"])}
	if a := str(c["author"]); a != "" {
		e.Author = a
	}
	switch kind {
	case "accept":
		e.Kind, e.New = ledger.Relabel, e.Old
		if e.Reason == "" {
			e.Reason = "accepted the given label"
		}
	case "relabel":
		e.Kind = ledger.Relabel
		if e.Reason == "" {
			if it, ok := r.q.Find(key); ok {
				e.Reason = it.Why
			}
		}
	default:
		e.Kind = ledger.Kind(kind)
	}
	ack, err := r.link.commit(e)
	if err != nil {
		r.m.Reply(msg.From, map[string]any{"type": "error", "id": id, "key": key, "message": err.Error(), "final": finalError(err)}, nil)
		return
	}
	// the durable ack first: it is what the browser waits for
	r.m.Reply(msg.From, map[string]any{"type": "ack", "id": id, "seq": ack.Seq, "duplicate": ack.Duplicate, "key": key}, nil)
	from := msg.From
	r.link.refreshLater(func() {
		for i, it := range r.items {
			if it.Key == key {
				r.m.Reply(from, map[string]any{"type": "rowupdate", "id": id, "row": r.row(i)}, nil)
				break
			}
		}
		r.m.Set("done", r.doneCount())
	})
}

// finalError reports whether a retry of the same decision cannot succeed
// (the browser then drops it from its outbox and shows the error), as
// opposed to a passing failure (disk full, read-only, locked) after which
// it keeps the decision and resends it.
func finalError(err error) bool {
	for _, s := range []error{ledger.ErrInvalid, ledger.ErrUnknownVersion, ledger.ErrUnknownEvent, ledger.ErrProtected,
		ledger.ErrIDReused, ledger.ErrUnknownRow, ledger.ErrUnknownLabel, ledger.ErrUnknownField} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func jsonNum(v any) float64 {
	f, _ := v.(float64)
	return f
}

// msTime reads a client time in milliseconds since 1970 (JavaScript's
// Date.now()); a missing one is the zero time, which the ledger refuses.
func msTime(v any) time.Time {
	f, ok := v.(float64)
	if !ok || f <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(f)).UTC()
}

// ledgerLink ties a dataset to a ledger for the widgets: it registers the
// dataset's version, checks each event against the rows (ledger.Checker),
// appends it, and replays the ledger into the dataset. Widgets on the same
// dataset and store share one link (see linkFor), so their replays agree.
type ledgerLink struct {
	ds            *data.Dataset
	base          *data.Dataset
	store         ledger.Store
	name, version string
	err           error // the ledger could not be opened or the version registered

	replayMu sync.Mutex // one replay into ds at a time
	mu       sync.Mutex
	dirty    bool     // a refresh is wanted
	running  bool     // the refresh goroutine runs
	after    []func() // run after the next refresh
	settled  *sync.Cond
	checker  *ledger.Checker
	events   []ledger.Event
	lastSeq  int64
	st       *ledger.State
	keys     []string
}

type linkKey struct {
	ds    *data.Dataset
	store ledger.Store
}

var links struct {
	mu sync.Mutex
	m  map[linkKey]*ledgerLink
}

// linkFor returns the link of ds and store (nil: the workspace ledger),
// making it on first use.
func linkFor(ds *data.Dataset, store ledger.Store) *ledgerLink {
	var openErr error
	if store == nil {
		store, openErr = workspaceStore()
	}
	links.mu.Lock()
	defer links.mu.Unlock()
	if openErr == nil {
		if l := links.m[linkKey{ds, store}]; l != nil {
			return l
		}
	}
	l := &ledgerLink{ds: ds, base: ds.Base(), name: ds.Name(), store: store, err: openErr}
	if l.name == "" {
		l.name = "dataset"
	}
	l.version = l.base.Hash()
	if l.err == nil {
		l.err = store.RegisterVersion(context.Background(), ledger.Version{Dataset: l.name, Version: l.version, Rows: l.base.Len()})
	}
	if l.err == nil {
		l.err = l.refresh()
	}
	if l.err != nil {
		l.err = fmt.Errorf("feedback: open ledger: %w", l.err)
		l.st = ledger.Replay(nil, ledger.ReplayOptions{Dataset: l.name, Version: l.version})
		return l
	}
	if links.m == nil {
		links.m = map[linkKey]*ledgerLink{}
	}
	links.m[linkKey{ds, store}] = l
	return l
}

// state returns the replayed ledger state.
func (l *ledgerLink) state() *ledger.State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st
}

func (l *ledgerLink) snapshot() []ledger.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ledger.Event(nil), l.events...)
}

func (l *ledgerLink) conflictText(key string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var parts []string
	for _, c := range l.st.Conflicts {
		if c.RowKey != key {
			continue
		}
		var who []string
		for _, e := range c.Events {
			who = append(who, fmt.Sprintf("%s→%s by %s", e.Old, e.New, e.Author))
		}
		parts = append(parts, fmt.Sprintf("%s: %s (%s)", c.Kind, strings.Join(who, ", "), c.Reason))
	}
	return strings.Join(parts, "; ")
}

// refreshDelay is how long refreshLater waits before replaying.
const refreshDelay = 5 * time.Millisecond

// refreshLater refreshes on a goroutine of the link's, then calls then
// (if not nil). Refreshes asked for while one runs are merged into the
// next, so a burst of decisions is replayed once, not once each.
func (l *ledgerLink) refreshLater(then func()) {
	l.mu.Lock()
	l.dirty = true
	if then != nil {
		l.after = append(l.after, then)
	}
	if l.running {
		l.mu.Unlock()
		return
	}
	l.running = true
	l.mu.Unlock()
	go func() {
		for {
			// a short pause merges a burst of decisions into one replay,
			// leaving the CPU to the commits being acknowledged
			time.Sleep(refreshDelay)
			l.mu.Lock()
			if !l.dirty {
				l.running = false
				l.cond().Broadcast()
				l.mu.Unlock()
				return
			}
			l.dirty = false
			fns := l.after
			l.after = nil
			l.mu.Unlock()
			_ = l.refresh() // a read failure leaves the last state shown; the next decision retries
			for _, f := range fns {
				f()
			}
		}
	}()
}

// cond returns the condition variable of settle; l.mu is held.
func (l *ledgerLink) cond() *sync.Cond {
	if l.settled == nil {
		l.settled = sync.NewCond(&l.mu)
	}
	return l.settled
}

// settle waits for the pending refreshes, so what is read next shows every
// acknowledged decision.
func (l *ledgerLink) settle() {
	l.mu.Lock()
	for l.running {
		l.cond().Wait()
	}
	l.mu.Unlock()
}

// refresh reads the events stored since the last look (this process's and
// any other's sharing the workspace), replays the ledger and shows it in
// the dataset.
func (l *ledgerLink) refresh() error {
	l.replayMu.Lock()
	defer l.replayMu.Unlock()
	l.mu.Lock()
	after := l.lastSeq
	l.mu.Unlock()
	evs, err := l.store.EventsAfter(context.Background(), l.name, after)
	if err != nil {
		return err
	}
	l.mu.Lock()
	for _, e := range evs {
		if e.Seq > l.lastSeq {
			l.events = append(l.events, e)
			l.lastSeq = e.Seq
		}
	}
	if l.keys == nil {
		l.keys = l.base.Keys()
	}
	st := ledger.Replay(l.events, ledger.ReplayOptions{Dataset: l.name, Version: l.version, Keys: l.keys})
	l.st = st
	l.mu.Unlock()
	var cs []data.Change
	for _, o := range st.Overrides() {
		op := map[ledger.Kind]data.Op{ledger.Relabel: data.Relabel, ledger.Exclude: data.Exclude, ledger.Edit: data.Edit}[o.Kind]
		cs = append(cs, data.Change{Op: op, Key: o.Key, Field: o.Field, Value: o.Value})
	}
	if len(cs) > 0 || len(l.ds.Changes()) > 0 {
		// Every stored event was checked before it was appended, so the data
		// refuses one only if another program wrote it; the ledger keeps it
		// either way and the other overrides still apply.
		if _, err := l.ds.Replay(cs); err != nil {
			var ok []data.Change
			for _, c := range cs {
				if _, e := l.ds.Base().Replay([]data.Change{c}); e == nil {
					ok = append(ok, c)
				}
			}
			_, _ = l.ds.Replay(ok)
		}
	}
	return nil
}

// commit checks e and appends it durably: it returns the ledger's
// acknowledgement only after the commit. The caller acknowledges the
// browser, then calls refresh to show the change in the dataset (a read
// failure there does not unsave it).
func (l *ledgerLink) commit(e ledger.Event) (ledger.Ack, error) {
	if l.err != nil {
		return ledger.Ack{}, l.err
	}
	l.mu.Lock()
	if l.checker == nil {
		l.checker = ledger.NewChecker(l.name, l.version, l.base)
	}
	ch := l.checker
	l.mu.Unlock()
	if err := ch.Check(e); err != nil {
		return ledger.Ack{}, err
	}
	return l.store.Append(context.Background(), e)
}

// currentAuthor is $TANDEM_USER, else the operating-system user.
func currentAuthor() string {
	if u := os.Getenv("TANDEM_USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

var workspace struct {
	mu     sync.Mutex
	stores map[string]*sqlite.Store
}

// workspaceStore opens (once per folder) the ledger of the workspace:
// $TANDEM_WORKSPACE, else the working directory.
func workspaceStore() (ledger.Store, error) {
	if os.Getenv(NoLedgerEnv) == "1" {
		// tandem run --no-ledger: nothing is read from or written to the
		// workspace; corrections live in memory for the process.
		noLedger.once.Do(func() { noLedger.store = ledger.NewMemoryStore() })
		return noLedger.store, nil
	}
	dir := os.Getenv("TANDEM_WORKSPACE")
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("find workspace: %w", err)
		}
	}
	workspace.mu.Lock()
	defer workspace.mu.Unlock()
	if s := workspace.stores[dir]; s != nil {
		return s, nil
	}
	s, err := sqlite.OpenWorkspace(dir, sqlite.Options{})
	if err != nil {
		return nil, err
	}
	if workspace.stores == nil {
		workspace.stores = map[string]*sqlite.Store{}
	}
	workspace.stores[dir] = s
	return s, nil
}
