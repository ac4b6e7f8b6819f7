package ledger

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Errors of Checker.Check. Each is wrapped in an *Error naming the event.
var (
	// ErrUnknownRow marks an event on a row key the dataset does not have.
	ErrUnknownRow = errors.New("unknown row")
	// ErrUnknownLabel marks a relabel to a label that is not one of the
	// dataset's classes.
	ErrUnknownLabel = errors.New("unknown label")
	// ErrUnknownField marks an edit of a column the dataset does not have.
	ErrUnknownField = errors.New("unknown field")
)

// Target is what a Checker needs of a dataset: *data.Dataset has these
// methods. If the value also has a Columns() []string method, edits may name
// any of those columns; otherwise only Features().
type Target interface {
	Keys() []string     // stable row keys
	Classes() []string  // label class names (empty: any label is accepted)
	Features() []string // numeric feature columns
}

// Checker checks events against one version of a dataset before they are
// appended: that the row exists, a relabel names one of its classes, an
// edit one of its columns. Build it once per dataset version (it indexes
// the keys); it is safe for concurrent use.
type Checker struct {
	dataset, version string
	keys             map[string]bool
	classes          map[string]bool
	classList        []string
	fields           map[string]bool
	fieldList        []string
}

// NewChecker returns a Checker for version of the dataset named dataset,
// with rows t (pass the base rows, before corrections: an excluded row can
// still be corrected).
func NewChecker(dataset, version string, t Target) *Checker {
	c := &Checker{dataset: dataset, version: version, keys: map[string]bool{}, classes: map[string]bool{}, fields: map[string]bool{}}
	for _, k := range t.Keys() {
		c.keys[k] = true
	}
	c.classList = append(c.classList, t.Classes()...)
	for _, k := range c.classList {
		c.classes[k] = true
	}
	cols := t.Features()
	if wc, ok := t.(interface{ Columns() []string }); ok {
		cols = wc.Columns()
	}
	c.fieldList = append(c.fieldList, cols...)
	for _, f := range cols {
		c.fields[f] = true
	}
	return c
}

// Check returns nil if e may be appended for this dataset version, else an
// *Error wrapping ErrInvalid (e malformed), ErrUnknownVersion (another
// dataset or version), ErrUnknownRow, ErrUnknownLabel or ErrUnknownField.
func (c *Checker) Check(e Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.Dataset != c.dataset || e.DatasetVersion != c.version {
		return &Error{ID: e.ID, Err: ErrUnknownVersion,
			Msg: fmt.Sprintf("event names %s@%s, but the dataset loaded is %s@%s (reload the data before correcting it)", e.Dataset, e.DatasetVersion, c.dataset, c.version)}
	}
	if !c.keys[e.RowKey] {
		return &Error{ID: e.ID, Err: ErrUnknownRow, Msg: fmt.Sprintf("no row with key %q in %s", e.RowKey, c.dataset)}
	}
	switch e.Kind {
	case Relabel:
		if len(c.classes) > 0 && !c.classes[e.New] {
			return &Error{ID: e.ID, Err: ErrUnknownLabel,
				Msg: fmt.Sprintf("label %q is not a class of %s (classes: %s)", e.New, c.dataset, listSome(c.classList))}
		}
	case Edit:
		if !c.fields[e.Field] {
			return &Error{ID: e.ID, Err: ErrUnknownField,
				Msg: fmt.Sprintf("no column %q in %s (columns: %s)", e.Field, c.dataset, listSome(c.fieldList))}
		}
	}
	return nil
}

// listSome lists up to 12 names, sorted, for an error message.
func listSome(names []string) string {
	s := append([]string(nil), names...)
	sort.Strings(s)
	if len(s) > 12 {
		return strings.Join(s[:12], ", ") + fmt.Sprintf(" and %d more", len(s)-12)
	}
	return strings.Join(s, ", ")
}
