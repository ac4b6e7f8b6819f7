package feedback

import (
	"errors"
	"fmt"
	"html"
	"sort"
	"strings"
	"sync"
	"time"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/ledger"
)

// NoLedgerEnv is the environment variable that `tandem run --no-ledger`
// sets to "1" for the kernel. With it, code corrections go to a ledger in
// memory, gone when the process ends: the workspace ledger is neither
// opened nor replayed.
const NoLedgerEnv = "TANDEM_NO_LEDGER"

// ErrOverridden marks a code-made correction that was recorded but does not
// take effect because a person decided that value of the row: human
// decisions hold against code (see ledger.Replay).
var ErrOverridden = errors.New("a human decision holds")

// LedgerOptions configure OpenLedger. The zero value writes to the
// workspace ledger as the current user.
type LedgerOptions struct {
	// Store is the ledger; nil means the workspace's, the one the review
	// widget uses (.tandem/ledger.db in $TANDEM_WORKSPACE, else the working
	// directory), or a ledger in memory when $TANDEM_NO_LEDGER is "1".
	Store ledger.Store
	// Author names who runs the code; "" means $TANDEM_USER, else the
	// operating-system user.
	Author string
	// ModelVersion, if set, is recorded with each event: the model output
	// that prompted the correction (see ModelVersion).
	ModelVersion string
}

// Ledger is cell code's handle on the corrections of one dataset. Its
// events are code-made (ledger.Code), checked against the dataset's rows
// (ledger.Checker) and appended to the same ledger as the review widget's,
// then replayed into the dataset. Code cannot undo a person's decision
// (the ledger refuses, with ledger.ErrProtected), and a person's decision
// holds against a code-made one on the same value (ErrOverridden). Its
// methods are safe for concurrent use.
type Ledger struct {
	ds     *data.Dataset
	link   *ledgerLink
	author string
	model  string
}

var noLedger struct {
	once  sync.Once
	store *ledger.MemoryStore
}

// OpenLedger opens the ledger of ds (replaying it into ds, as the review
// widget does). The error is for a ledger that cannot be opened or read.
// OpenLedger panics with Error if ds is nil.
func OpenLedger(ds *data.Dataset, o LedgerOptions) (*Ledger, error) {
	if ds == nil {
		fail("OpenLedger: nil dataset")
	}
	l := linkFor(ds, o.Store) // nil: the workspace's (or, with TANDEM_NO_LEDGER=1, the process's) store
	if l.err != nil {
		return nil, l.err
	}
	author := o.Author
	if author == "" {
		author = currentAuthor()
	}
	return &Ledger{ds: ds, link: l, author: author, model: o.ModelVersion}, nil
}

// open is OpenLedger with the zero options, for the package-level calls.
func open(ds *data.Dataset) (*Ledger, error) { return OpenLedger(ds, LedgerOptions{}) }

// Relabel records that the row with key has label, and applies it to ds.
// The error wraps ledger.ErrUnknownRow or ledger.ErrUnknownLabel for a
// correction the dataset does not allow, ErrOverridden when a person's
// label holds instead (the event is still recorded and returned), or is
// the ledger's I/O error.
func Relabel(ds *data.Dataset, key, label, reason string) (ledger.Event, error) {
	l, err := open(ds)
	if err != nil {
		return ledger.Event{}, err
	}
	return l.Relabel(key, label, reason)
}

// Exclude records that the row with key leaves the dataset, and applies it
// to ds. Errors as for Relabel.
func Exclude(ds *data.Dataset, key, reason string) (ledger.Event, error) {
	l, err := open(ds)
	if err != nil {
		return ledger.Event{}, err
	}
	return l.Exclude(key, reason)
}

// Undo records that the code-made event with id stops taking effect, and
// applies it to ds. Code cannot undo a person's event: the error then wraps
// ledger.ErrProtected, and ledger.ErrUnknownEvent for an id the dataset's
// ledger does not hold.
func Undo(ds *data.Dataset, id, reason string) (ledger.Event, error) {
	l, err := open(ds)
	if err != nil {
		return ledger.Event{}, err
	}
	return l.Undo(id, reason)
}

// Corrections returns the corrections of ds in its ledger, people's and
// code's. The error is for a ledger that cannot be opened or read.
func Corrections(ds *data.Dataset) (*CorrectionLog, error) {
	l, err := open(ds)
	if err != nil {
		return nil, err
	}
	return l.Corrections(), nil
}

// Relabel records that the row with key has label (see the function
// Relabel).
func (l *Ledger) Relabel(key, label, reason string) (ledger.Event, error) {
	_ = l.sync() // the label in effect now, as Old; a read failure shows in record
	return l.record(ledger.Event{Kind: ledger.Relabel, RowKey: key, Old: l.label(key), New: label, Reason: reason})
}

// Exclude records that the row with key leaves the dataset.
func (l *Ledger) Exclude(key, reason string) (ledger.Event, error) {
	return l.record(ledger.Event{Kind: ledger.Exclude, RowKey: key, Reason: reason})
}

// Include records that the row with key comes back after an Exclude.
func (l *Ledger) Include(key, reason string) (ledger.Event, error) {
	return l.record(ledger.Event{Kind: ledger.Include, RowKey: key, Reason: reason})
}

// Edit records that the column field of the row with key has value. The
// error wraps ledger.ErrUnknownField for a column the dataset does not have.
func (l *Ledger) Edit(key, field, value, reason string) (ledger.Event, error) {
	return l.record(ledger.Event{Kind: ledger.Edit, RowKey: key, Field: field, New: value, Reason: reason})
}

// Note attaches text to the row with key; it changes no value.
func (l *Ledger) Note(key, text string) (ledger.Event, error) {
	return l.record(ledger.Event{Kind: ledger.Note, RowKey: key, New: text})
}

// Undo records that the code-made event with id stops taking effect (see
// the function Undo).
func (l *Ledger) Undo(id, reason string) (ledger.Event, error) {
	if err := l.sync(); err != nil {
		return ledger.Event{}, fmt.Errorf("feedback: undo %q: %w", id, err)
	}
	var target *ledger.Event
	for _, e := range l.link.snapshot() {
		if e.ID == id {
			e := e
			target = &e
		}
	}
	if target == nil {
		return ledger.Event{}, fmt.Errorf("feedback: undo %q: %w", id, &ledger.Error{ID: id, Err: ledger.ErrUnknownEvent,
			Msg: fmt.Sprintf("no event with this id in the ledger of %s (Corrections lists them)", l.link.name)})
	}
	return l.record(ledger.Event{Kind: ledger.Undo, RowKey: target.RowKey, UndoOf: id, Reason: reason})
}

// Corrections returns the dataset's corrections as the ledger holds them
// now.
func (l *Ledger) Corrections() *CorrectionLog {
	_ = l.sync() // a read failure leaves the last events read
	return &CorrectionLog{Dataset: l.link.name, Events: l.link.snapshot(), State: l.link.state()}
}

// sync waits for the link's pending replays and reads what other widgets
// and processes have appended since.
func (l *Ledger) sync() error {
	l.link.settle()
	return l.link.refresh()
}

// label is the label of the row with key in effect now ("" if none).
func (l *Ledger) label(key string) string {
	if r, ok := l.link.state().Row(key); ok && r.Relabeled {
		return r.Label
	}
	base := l.link.base
	if i := base.Index(key); i >= 0 && len(base.Classes()) > 0 {
		return base.LabelStrings()[i]
	}
	return ""
}

// record fills in e's provenance, checks and appends it, and replays the
// ledger into the dataset.
func (l *Ledger) record(e ledger.Event) (ledger.Event, error) {
	e.ID, e.Dataset, e.DatasetVersion = ledger.NewID(), l.link.name, l.link.version
	e.Author, e.Source, e.Time, e.ModelVersion = l.author, ledger.Code, time.Now().UTC(), l.model
	what := fmt.Sprintf("%s row %q", e.Kind, e.RowKey)
	if e.Kind == ledger.Undo {
		what = fmt.Sprintf("undo event %q", e.UndoOf)
	}
	ack, err := l.link.commit(e)
	if err != nil {
		return ledger.Event{}, fmt.Errorf("feedback: %s: %w", what, err)
	}
	e.Seq = ack.Seq
	if err := l.sync(); err != nil {
		return e, fmt.Errorf("feedback: %s: saved, but reading the ledger back failed: %w", what, err)
	}
	if e.Kind == ledger.Note || e.Kind == ledger.Undo {
		return e, nil
	}
	row, _ := l.link.state().Row(e.RowKey)
	for _, a := range row.Applied {
		if a.ID == e.ID {
			return e, nil
		}
	}
	for _, a := range row.Applied {
		if a.Source == ledger.Human && sameSlot(a, e) {
			val := a.New
			if a.Kind == ledger.Exclude || a.Kind == ledger.Include {
				val = string(a.Kind)
			}
			return e, fmt.Errorf("feedback: %s: recorded, but %s's decision (%s %q, event %q) holds: %w", what, a.Author, a.Kind, val, a.ID, ErrOverridden)
		}
	}
	return e, nil
}

// sameSlot reports whether a and b set the same value of a row: its label,
// its exclusion, or one field.
func sameSlot(a, b ledger.Event) bool {
	switch b.Kind {
	case ledger.Relabel:
		return a.Kind == ledger.Relabel
	case ledger.Exclude, ledger.Include:
		return a.Kind == ledger.Exclude || a.Kind == ledger.Include
	case ledger.Edit:
		return a.Kind == ledger.Edit && a.Field == b.Field
	}
	return false
}

// CorrectionLog is a dataset's corrections: every event of its ledger, in
// ledger order (undone ones and undos included), and their replayed state.
// It renders as a table.
type CorrectionLog struct {
	Dataset string
	Events  []ledger.Event
	State   *ledger.State // conflicts, orphans and each row's provenance
}

// ByCode returns the code-made events.
func (c *CorrectionLog) ByCode() []ledger.Event { return c.bySource(ledger.Code) }

// ByPeople returns the human events.
func (c *CorrectionLog) ByPeople() []ledger.Event { return c.bySource(ledger.Human) }

func (c *CorrectionLog) bySource(s ledger.Source) []ledger.Event {
	var out []ledger.Event
	for _, e := range c.Events {
		if e.Source == s {
			out = append(out, e)
		}
	}
	return out
}

// String summarises the log: "3 corrections of digits (1 by code): 2 relabel, 1 exclude".
func (c *CorrectionLog) String() string {
	counts := map[ledger.Kind]int{}
	for _, e := range c.Events {
		counts[e.Kind]++
	}
	var parts []string
	for _, k := range ledger.Kinds {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	s := fmt.Sprintf("%d corrections of %s (%d by code)", len(c.Events), c.Dataset, len(c.ByCode()))
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	if c.State != nil && len(c.State.Conflicts) > 0 {
		s += fmt.Sprintf("; %d conflicts", len(c.State.Conflicts))
	}
	return s
}

// HTML renders the log as a table, newest first.
func (c *CorrectionLog) HTML() string {
	var b strings.Builder
	b.WriteString(`<div><div style="font-weight:600">` + html.EscapeString(c.String()) + `</div>`)
	if len(c.Events) == 0 {
		return b.String() + "</div>"
	}
	b.WriteString(`<table><thead><tr><th>#</th><th>time</th><th>author</th><th>by</th><th>kind</th><th>row</th><th>change</th><th>reason</th></tr></thead><tbody>`)
	evs := append([]ledger.Event(nil), c.Events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Seq > evs[j].Seq })
	for _, e := range evs {
		change := e.New
		switch e.Kind {
		case ledger.Relabel, ledger.Edit:
			change = e.Old + " → " + e.New
			if e.Field != "" {
				change = e.Field + ": " + change
			}
		case ledger.Undo:
			change = "undo " + e.UndoOf
		}
		fmt.Fprintf(&b, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
			e.Seq, e.Time.UTC().Format("2006-01-02 15:04:05"), html.EscapeString(e.Author), e.Source, e.Kind,
			html.EscapeString(e.RowKey), html.EscapeString(change), html.EscapeString(e.Reason))
	}
	b.WriteString("</tbody></table></div>")
	return b.String()
}

func init() {
	data.SetCorrectionSource(func(ds *data.Dataset) ([]ledger.Event, error) {
		log, err := Corrections(ds)
		if err != nil {
			return nil, err
		}
		return log.Events, nil
	})
}
