package ledger

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxValue is the largest string an Event field may hold, in bytes: a
// value, a reason or a note, not a file.
const MaxValue = 1 << 20

// Kind is what a correction does to its row.
type Kind string

// The kinds of event. The set is closed: Validate rejects any other value.
const (
	Relabel Kind = "relabel" // New is the row's label (Field optionally names the label column)
	Exclude Kind = "exclude" // the row leaves the dataset cells see
	Include Kind = "include" // the row comes back after an Exclude
	Edit    Kind = "edit"    // Field's value becomes New
	Note    Kind = "note"    // New is free text attached to the row; it changes no value
	Undo    Kind = "undo"    // UndoOf names an earlier event that stops taking effect
)

// Kinds lists every Kind in a stable order.
var Kinds = []Kind{Relabel, Exclude, Include, Edit, Note, Undo}

// Source says who made an event.
type Source string

// The sources of events. Code-made events cannot undo human ones, and a human
// decision on a field takes precedence over code-made ones (see Replay).
const (
	Human Source = "human" // a person, through a widget or the grid
	Code  Source = "code"  // cell code, through the runtime API
)

// Event is one correction in the append-only ledger. Nothing is ever
// rewritten: an undo is a new event naming the one it cancels.
//
// Old and New hold values as text; a structured value is its JSON encoding.
type Event struct {
	// Seq is the event's position in its Store, 1-based, assigned by Append;
	// 0 on an event not yet stored. Replay follows slice order, which Store.Events
	// gives in Seq order.
	Seq int64 `json:"seq,omitempty"`

	ID             string `json:"id"`              // client-generated; a retried ID is stored once
	Dataset        string `json:"dataset"`         // dataset name
	DatasetVersion string `json:"dataset_version"` // content hash of the dataset the author saw
	RowKey         string `json:"row_key"`         // stable row key
	Kind           Kind   `json:"kind"`
	Field          string `json:"field,omitempty"` // column for Edit; label column for Relabel (optional)
	Old            string `json:"old,omitempty"`   // the value the author saw
	New            string `json:"new,omitempty"`   // the value the author chose
	Author         string `json:"author"`
	Source         Source `json:"source"`
	Reason         string `json:"reason,omitempty"`
	// Time is when the author made the decision (client clock). Stores keep
	// it in UTC, to the nanosecond.
	Time         time.Time `json:"time"`
	ModelVersion string    `json:"model_version,omitempty"` // the model output that prompted it
	UndoOf       string    `json:"undo_of,omitempty"`       // for Undo: the ID of the cancelled event
}

// Sentinel errors. Every error from Validate, Admit and the stores wraps one of
// them, so callers (the review widget) can branch with errors.Is and show the
// message as it is.
var (
	// ErrInvalid marks an event that is malformed on its own: unknown kind or
	// source, a missing ID, dataset, version, row key, author, time or field.
	ErrInvalid = errors.New("invalid event")
	// ErrUnknownVersion marks an event whose DatasetVersion was never
	// registered for its dataset with Store.RegisterVersion.
	ErrUnknownVersion = errors.New("unknown dataset version")
	// ErrUnknownEvent marks an undo whose UndoOf names no stored event of the
	// same dataset and row.
	ErrUnknownEvent = errors.New("unknown event")
	// ErrProtected marks a code-made event that tries to undo a human one.
	ErrProtected = errors.New("human events cannot be undone by code")
	// ErrIDReused marks an event whose ID is already stored with other content.
	// A retry of the same event is not an error: it is acknowledged with
	// Ack.Duplicate set.
	ErrIDReused = errors.New("event id already used by another event")
	// ErrClosed is returned by a Store after Close.
	ErrClosed = errors.New("ledger store closed")
)

// Error is the error type of Validate and Admit: Err is one of the sentinels
// above; ID names the event.
type Error struct {
	ID  string // the event's ID; may be empty when the ID itself is missing
	Msg string // what is wrong, lowercase, no full stop
	Err error  // a sentinel: ErrInvalid, ErrUnknownVersion, ErrUnknownEvent, ErrProtected or ErrIDReused
}

func (e *Error) Error() string {
	if e.ID == "" {
		return "ledger: event: " + e.Msg
	}
	return fmt.Sprintf("ledger: event %q: %s", e.ID, e.Msg)
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

func invalid(id, format string, args ...any) error {
	return &Error{ID: id, Msg: fmt.Sprintf(format, args...), Err: ErrInvalid}
}

// Validate reports whether e is well formed on its own. It does not look at
// other events: Admit does that. The error is an *Error wrapping ErrInvalid.
func (e Event) Validate() error {
	switch {
	case strings.TrimSpace(e.ID) == "":
		return invalid("", "missing id (each event needs a client-generated id; see NewID)")
	case len(e.ID) > 200:
		return invalid(e.ID[:40]+"…", "id longer than 200 bytes")
	case e.Dataset == "":
		return invalid(e.ID, "missing dataset name")
	case e.DatasetVersion == "":
		return invalid(e.ID, "missing dataset version")
	case e.RowKey == "":
		return invalid(e.ID, "missing row key")
	case e.Author == "":
		return invalid(e.ID, "missing author")
	case e.Time.IsZero():
		return invalid(e.ID, "missing time")
	case e.Time.UTC().Year() < 1 || e.Time.UTC().Year() > 9999:
		// RFC 3339, the stored and wire form, has four-digit years.
		return invalid(e.ID, "time %s out of range (years 1 to 9999)", e.Time.UTC().Format(time.RFC3339))
	}
	for _, f := range []struct{ name, v string }{
		{"id", e.ID}, {"dataset", e.Dataset}, {"dataset_version", e.DatasetVersion}, {"row_key", e.RowKey},
		{"field", e.Field}, {"old", e.Old}, {"new", e.New}, {"author", e.Author}, {"reason", e.Reason},
		{"model_version", e.ModelVersion}, {"undo_of", e.UndoOf},
	} {
		if !utf8.ValidString(f.v) {
			return invalid(e.ID, "%s is not valid UTF-8", f.name)
		}
		if len(f.v) > MaxValue {
			return invalid(e.ID, "%s is %d bytes, more than %d", f.name, len(f.v), MaxValue)
		}
	}
	switch e.Source {
	case Human, Code:
	default:
		return invalid(e.ID, "unknown source %q (want %q or %q)", e.Source, Human, Code)
	}
	switch e.Kind {
	case Relabel:
		if e.New == "" {
			return invalid(e.ID, "relabel without a new label")
		}
	case Edit:
		if e.Field == "" {
			return invalid(e.ID, "edit without a field")
		}
	case Exclude, Include, Note:
	case Undo:
		if e.UndoOf == "" {
			return invalid(e.ID, "undo without undo_of")
		}
		if e.UndoOf == e.ID {
			return invalid(e.ID, "undo of itself")
		}
	case "":
		return invalid(e.ID, "missing kind (want one of %s)", kindList())
	default:
		return invalid(e.ID, "unknown kind %q (want one of %s)", e.Kind, kindList())
	}
	if e.Kind != Undo && e.UndoOf != "" {
		return invalid(e.ID, "undo_of set on a %s event", e.Kind)
	}
	return nil
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Admit reports whether a Store may append e, given what the store holds:
// versionKnown says whether e.DatasetVersion is registered for e.Dataset, and
// target is the stored event e.UndoOf names (nil if there is none; ignored
// unless e is an Undo). Every Store calls it inside the transaction that
// appends e, after finding no stored event with e's ID.
func Admit(e Event, versionKnown bool, target *Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if !versionKnown {
		return &Error{ID: e.ID, Err: ErrUnknownVersion,
			Msg: fmt.Sprintf("dataset %q has no registered version %q (register the dataset before correcting it)", e.Dataset, e.DatasetVersion)}
	}
	if e.Kind != Undo {
		return nil
	}
	if target == nil || target.Dataset != e.Dataset {
		return &Error{ID: e.ID, Err: ErrUnknownEvent,
			Msg: fmt.Sprintf("undo of unknown event %q in dataset %q", e.UndoOf, e.Dataset)}
	}
	if target.RowKey != e.RowKey {
		return &Error{ID: e.ID, Err: ErrInvalid,
			Msg: fmt.Sprintf("undo names row %q but event %q is on row %q", e.RowKey, target.ID, target.RowKey)}
	}
	if e.Source == Code && target.Source == Human {
		return &Error{ID: e.ID, Err: ErrProtected,
			Msg: fmt.Sprintf("code-made undo of event %q by %s: human events cannot be undone by code", target.ID, target.Author)}
	}
	return nil
}

// SameEvent reports whether a and b are the same event: every field equal
// except Seq, times compared with time.Time.Equal. A Store acknowledges a
// retried event as a duplicate when SameEvent holds, and refuses it with
// ErrIDReused otherwise.
func SameEvent(a, b Event) bool {
	return a.ID == b.ID && a.Dataset == b.Dataset && a.DatasetVersion == b.DatasetVersion &&
		a.RowKey == b.RowKey && a.Kind == b.Kind && a.Field == b.Field && a.Old == b.Old &&
		a.New == b.New && a.Author == b.Author && a.Source == b.Source && a.Reason == b.Reason &&
		a.Time.Equal(b.Time) && a.ModelVersion == b.ModelVersion && a.UndoOf == b.UndoOf
}

// IDReused returns the error a Store gives when e's ID is stored with other
// content (prev).
func IDReused(e, prev Event) error {
	return &Error{ID: e.ID, Err: ErrIDReused,
		Msg: fmt.Sprintf("id already stored as a %s of row %q by %s at seq %d, with other content", prev.Kind, prev.RowKey, prev.Author, prev.Seq)}
}

// NewID returns a random 128-bit event ID in hex, for events made by code.
// Browser-made events bring their own IDs, so a retry reuses them.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms (Go 1.24+)
	}
	return hex.EncodeToString(b[:])
}
