package ledger

import (
	"errors"
	"fmt"
	"sort"
)

// ReplayOptions selects what Replay replays and against which rows.
type ReplayOptions struct {
	// Dataset keeps only the events of this dataset; "" keeps all.
	Dataset string
	// Version is the version the caller's rows have. Events made against
	// other versions still apply, since row keys are stable across reloads;
	// State.OtherVersions counts them.
	Version string
	// Keys are the row keys present now. Events on other keys are reported in
	// State.Orphans and change no row. nil means every key is present.
	Keys []string
}

// State is the effective state of a dataset's rows after a replay: the
// overrides per row key, with what went into them.
type State struct {
	Dataset string // ReplayOptions.Dataset
	Version string // ReplayOptions.Version
	Events  int    // events replayed (after the Dataset filter)
	// OtherVersions counts replayed events made against a version other than
	// Version (0 when Version is "").
	OtherVersions int
	// Orphans are the events whose row key is not in ReplayOptions.Keys, in
	// ledger order, undone ones and undos included. They are reported, never
	// dropped: they take effect again if their row comes back.
	Orphans []Event
	// Conflicts lists, per row and field, events that disagree (see Conflict).
	Conflicts []Conflict
	// Ignored lists events a Store would have refused (possible only in
	// imported or hand-made histories), each with why. They change nothing.
	Ignored []Ignored

	rows map[string]*Row
}

// Row is the effective state of one row that has events.
type Row struct {
	Key        string
	Label      string // the corrected label; valid when Relabeled
	Relabeled  bool
	LabelField string // the Field of the relabel in effect ("" if it named none)
	Excluded   bool
	// Values holds edited values by field name; nil when nothing was edited.
	Values map[string]string
	// Notes are the texts of active notes, in order.
	Notes []string
	// Applied are the events in effect on this row, in ledger order: its
	// provenance. Undone events and undos are not in it.
	Applied []Event
	// History is every event on the row, undone ones and undos included.
	History []Event
	// Conflict is true when Conflicts lists this row.
	Conflict bool
}

// Conflict is a set of events on one row and field that disagree: two
// authors chose different values, an author chose a value without having
// seen the one in effect (two tabs: the event's Old is not the value it
// replaced), or a code-made event was overridden by a human decision. Every
// event is kept; Winner holds.
type Conflict struct {
	RowKey string
	Kind   Kind   // Relabel, Exclude (for exclude and include) or Edit
	Field  string // the edited field for Edit; "" otherwise
	Events []Event
	Winner string // ID of the event whose value is in effect
	Reason string // why the last event joined the conflict
}

// Ignored is an event Replay skipped, with why.
type Ignored struct {
	Event  Event
	Reason string
}

// slot is one overridable value of a row: its label, its exclusion, a field.
type slot struct {
	val      string
	by       *Event
	human    bool // a human event set val
	conflict int  // index in State.Conflicts + 1; 0 if none
}

type slotKey struct {
	key, field string
	kind       Kind
}

// Replay computes the effective state of rows from events in ledger order
// (as Store.Events returns them). The rules:
//
//   - An undo cancels the event it names; an undo of an undo restores it.
//     Nothing is removed: cancelled events stay in Row.History.
//   - A human decision on a row's label, exclusion or field holds against
//     code-made events on the same value, whatever their order; a code-made
//     event it beats is reported as a Conflict.
//   - Otherwise the later event holds, and disagreeing events are reported
//     (see Conflict).
//   - Events on keys not in opts.Keys are orphans (State.Orphans).
func Replay(events []Event, opts ReplayOptions) *State {
	s := &State{Dataset: opts.Dataset, Version: opts.Version, rows: map[string]*Row{}}
	evs := make([]Event, 0, len(events))
	byID := map[string]int{}
	for _, e := range events {
		if opts.Dataset != "" && e.Dataset != opts.Dataset {
			continue
		}
		if err := e.Validate(); err != nil {
			s.Ignored = append(s.Ignored, Ignored{e, errText(err)})
			continue
		}
		if _, dup := byID[e.ID]; dup {
			s.Ignored = append(s.Ignored, Ignored{e, "duplicate id"})
			continue
		}
		byID[e.ID] = len(evs)
		evs = append(evs, e)
	}
	s.Events = len(evs)

	// present holds the events' keys, true for those in opts.Keys: a map of
	// the (few) keys events touch, probed once per row, is much cheaper
	// than a map of a million rows.
	var present map[string]bool
	if opts.Keys != nil {
		present = map[string]bool{}
		for _, e := range evs {
			present[e.RowKey] = false
		}
		for _, k := range opts.Keys {
			if _, ok := present[k]; ok {
				present[k] = true
			}
		}
	}

	// Undos only name earlier events, so one backward pass decides which
	// events are active: an event is active unless an active undo names it.
	active := make([]bool, len(evs))
	undone := map[string]bool{}
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if undone[e.ID] {
			continue
		}
		active[i] = true
		if e.Kind != Undo {
			continue
		}
		j, ok := byID[e.UndoOf]
		var target *Event
		if ok && j < i {
			target = &evs[j]
		}
		if err := Admit(e, true, target); err != nil {
			active[i] = false
			s.Ignored = append(s.Ignored, Ignored{e, errText(err)})
			continue
		}
		undone[e.UndoOf] = true
	}

	slots := map[slotKey]*slot{}
	for i, e := range evs {
		if opts.Version != "" && e.DatasetVersion != opts.Version {
			s.OtherVersions++
		}
		if present != nil && !present[e.RowKey] {
			s.Orphans = append(s.Orphans, e)
			continue
		}
		r := s.rows[e.RowKey]
		if r == nil {
			r = &Row{Key: e.RowKey}
			s.rows[e.RowKey] = r
		}
		r.History = append(r.History, e)
		if !active[i] || e.Kind == Undo {
			continue
		}
		if e.Kind == Note {
			r.Notes = append(r.Notes, e.New)
			r.Applied = append(r.Applied, e)
			continue
		}
		sk, val := slotOf(e)
		sl := slots[sk]
		if sl == nil {
			sl = &slot{}
			slots[sk] = sl
		}
		if s.apply(sl, sk, &evs[i], val) {
			r.Applied = append(r.Applied, e)
			setRow(r, e, val)
		}
	}
	for i := range s.Conflicts {
		s.rows[s.Conflicts[i].RowKey].Conflict = true
	}
	return s
}

// slotOf returns the value e overrides and the value it sets there.
func slotOf(e Event) (slotKey, string) {
	switch e.Kind {
	case Relabel:
		return slotKey{key: e.RowKey, kind: Relabel}, e.New
	case Exclude:
		return slotKey{key: e.RowKey, kind: Exclude}, "excluded"
	case Include:
		return slotKey{key: e.RowKey, kind: Exclude}, "included"
	default: // Edit
		return slotKey{key: e.RowKey, kind: Edit, field: e.Field}, e.New
	}
}

func setRow(r *Row, e Event, val string) {
	switch e.Kind {
	case Relabel:
		r.Label, r.Relabeled, r.LabelField = val, true, e.Field
	case Exclude, Include:
		r.Excluded = e.Kind == Exclude
	case Edit:
		if r.Values == nil {
			r.Values = map[string]string{}
		}
		r.Values[e.Field] = val
	}
}

// apply decides whether e (setting val) takes effect on sl, recording any
// conflict, and reports whether it did.
func (s *State) apply(sl *slot, sk slotKey, e *Event, val string) bool {
	prev := sl.by
	if prev == nil {
		sl.val, sl.by, sl.human = val, e, e.Source == Human
		return true
	}
	if e.Source == Code && sl.human {
		if val != sl.val {
			s.conflict(sl, sk, prev, e, prev.ID, fmt.Sprintf("code-made event overridden by the human decision %q", prev.ID))
		}
		return false
	}
	if val != sl.val {
		switch {
		case e.Source == Human && !sl.human:
			// A person overriding code is the point of review, not a conflict.
		case e.Author != prev.Author:
			s.conflict(sl, sk, prev, e, e.ID, fmt.Sprintf("%s and %s disagree", prev.Author, e.Author))
		case e.Old != "" && e.Old != sl.val && sk.kind != Exclude:
			s.conflict(sl, sk, prev, e, e.ID, fmt.Sprintf("event %q was made without seeing %q (old %q, in effect %q)", e.ID, prev.ID, e.Old, sl.val))
		}
	}
	sl.val, sl.by = val, e
	sl.human = sl.human || e.Source == Human
	return true
}

func (s *State) conflict(sl *slot, sk slotKey, prev, e *Event, winner, reason string) {
	if sl.conflict == 0 {
		s.Conflicts = append(s.Conflicts, Conflict{RowKey: sk.key, Kind: sk.kind, Field: sk.field, Events: []Event{*prev}})
		sl.conflict = len(s.Conflicts)
	}
	c := &s.Conflicts[sl.conflict-1]
	if c.Events[len(c.Events)-1].ID != prev.ID && !containsID(c.Events, prev.ID) {
		c.Events = append(c.Events, *prev)
	}
	c.Events = append(c.Events, *e)
	c.Winner, c.Reason = winner, reason
}

func containsID(evs []Event, id string) bool {
	for _, e := range evs {
		if e.ID == id {
			return true
		}
	}
	return false
}

func errText(err error) string {
	var le *Error
	if errors.As(err, &le) {
		return le.Msg
	}
	return err.Error()
}

// Row returns the state of the row with key, and false if no event touches
// it (or the key is absent from ReplayOptions.Keys).
func (s *State) Row(key string) (Row, bool) {
	r, ok := s.rows[key]
	if !ok {
		return Row{}, false
	}
	return *r, true
}

// Keys returns the keys of the rows events touch, sorted.
func (s *State) Keys() []string {
	keys := make([]string, 0, len(s.rows))
	for k := range s.rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Labels returns the corrected labels of rows: out[i] is the label in effect
// for keys[i], else base[i]. It panics if keys and base differ in length.
func (s *State) Labels(keys, base []string) []string {
	if len(keys) != len(base) {
		panic(fmt.Sprintf("ledger: Labels: %d keys but %d labels", len(keys), len(base)))
	}
	out := make([]string, len(base))
	for i, k := range keys {
		out[i] = base[i]
		if r, ok := s.rows[k]; ok && r.Relabeled {
			out[i] = r.Label
		}
	}
	return out
}

// Excluded returns, for each key, whether its row is excluded.
func (s *State) Excluded(keys []string) []bool {
	out := make([]bool, len(keys))
	for i, k := range keys {
		if r, ok := s.rows[k]; ok {
			out[i] = r.Excluded
		}
	}
	return out
}

// String summarizes the state, e.g. "ledger state iris@ab12: 12 events, 5 rows, 1 conflict, 0 orphans".
func (s *State) String() string {
	name := s.Dataset
	if s.Version != "" {
		name += "@" + s.Version
	}
	if name == "" {
		name = "(all datasets)"
	}
	return fmt.Sprintf("ledger state %s: %d events, %d rows, %d conflicts, %d orphans, %d ignored",
		name, s.Events, len(s.rows), len(s.Conflicts), len(s.Orphans), len(s.Ignored))
}

// Override is one effective change of a row after a replay, in the shape of
// runtime/data's Change, so a dataset applies a State in a few lines:
//
//	for _, o := range st.Overrides() {
//		op := map[ledger.Kind]data.Op{ledger.Relabel: data.Relabel, ledger.Exclude: data.Exclude, ledger.Edit: data.Edit}[o.Kind]
//		cs = append(cs, data.Change{Op: op, Key: o.Key, Field: o.Field, Value: o.Value})
//	}
//	orphans, err := ds.Replay(cs)
type Override struct {
	Kind  Kind   // Relabel, Exclude or Edit
	Key   string // row key
	Field string // Edit: the column; "" otherwise
	Value string // Relabel: the label; Edit: the new value; "" for Exclude
}

// Overrides returns the effective changes of the replayed rows (orphans
// excluded), sorted by key; per row: a Relabel if its label is corrected,
// an Edit per edited field (sorted by field), then an Exclude if it is
// excluded. Undone events, included rows and notes give none.
func (s *State) Overrides() []Override {
	var out []Override
	for _, k := range s.Keys() {
		r := s.rows[k]
		if r.Relabeled {
			out = append(out, Override{Kind: Relabel, Key: k, Value: r.Label})
		}
		fields := make([]string, 0, len(r.Values))
		for f := range r.Values {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			out = append(out, Override{Kind: Edit, Key: k, Field: f, Value: r.Values[f]})
		}
		if r.Excluded {
			out = append(out, Override{Kind: Exclude, Key: k})
		}
	}
	return out
}
