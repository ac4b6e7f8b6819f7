package ledger

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Ack acknowledges an appended event. A Store returns it only once the event
// is durable (for the SQLite store: after the commit that holds it, with
// synchronous=FULL).
type Ack struct {
	ID        string // the event's ID
	Seq       int64  // the event's position in the store, 1-based
	Duplicate bool   // the ID was already stored with the same content: nothing new was written
}

// Version is one registered version of a dataset: a name and a content hash.
type Version struct {
	Dataset string
	Version string    // content hash
	Rows    int       // number of rows, for information
	Time    time.Time // when it was first registered (UTC); set by the Store
}

// Store is durable storage for ledger events. The runtime/ledger/sqlite
// package is the real one; MemoryStore serves tests and sessions without a
// workspace. Every implementation passes the contract suite in
// runtime/ledger/ledgertest.
//
// All methods are safe for concurrent use.
type Store interface {
	// Append stores e and returns only once it is durable. A retried event
	// (same ID, same content per SameEvent) is acknowledged again with
	// Ack.Duplicate set and is stored once. Errors wrap the sentinels of this
	// package (ErrInvalid, ErrUnknownVersion, ErrUnknownEvent, ErrProtected,
	// ErrIDReused, ErrClosed) or the store's own (disk full, read-only).
	// When Append returns an error other than those, or ctx ends first, the
	// event may or may not be stored: retry it with the same ID.
	Append(ctx context.Context, e Event) (Ack, error)
	// Events returns the events of dataset in Seq order; all events when
	// dataset is "".
	Events(ctx context.Context, dataset string) ([]Event, error)
	// EventsAfter returns the events of dataset ("" for all) whose Seq is
	// greater than seq, in Seq order: what was appended since a reader last
	// looked, by this process or another one sharing the store.
	EventsAfter(ctx context.Context, dataset string, seq int64) ([]Event, error)
	// RegisterVersion records that v.Dataset has a version v.Version, so
	// events may name it. Registering a known version again does nothing.
	RegisterVersion(ctx context.Context, v Version) error
	// Versions returns the registered versions of dataset, oldest first.
	Versions(ctx context.Context, dataset string) ([]Version, error)
	// Close releases the store. Calls after Close return ErrClosed.
	Close() error
}

// MemoryStore is a Store in memory: durable only as long as the process. The
// zero value is not usable; call NewMemoryStore.
type MemoryStore struct {
	mu       sync.Mutex
	closed   bool
	events   []Event
	byID     map[string]int // ID -> index in events
	versions []Version
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{byID: map[string]int{}}
}

// Append implements Store.
func (m *MemoryStore) Append(ctx context.Context, e Event) (Ack, error) {
	if err := ctx.Err(); err != nil {
		return Ack{}, fmt.Errorf("append event %q: %w", e.ID, err)
	}
	e = Normalize(e)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return Ack{}, fmt.Errorf("append event %q: %w", e.ID, ErrClosed)
	}
	if i, ok := m.byID[e.ID]; ok {
		prev := m.events[i]
		if !SameEvent(e, prev) {
			return Ack{}, IDReused(e, prev)
		}
		return Ack{ID: e.ID, Seq: prev.Seq, Duplicate: true}, nil
	}
	var target *Event
	if e.Kind == Undo {
		if i, ok := m.byID[e.UndoOf]; ok {
			target = &m.events[i]
		}
	}
	if err := Admit(e, m.known(e.Dataset, e.DatasetVersion), target); err != nil {
		return Ack{}, err
	}
	e.Seq = int64(len(m.events) + 1)
	m.byID[e.ID] = len(m.events)
	m.events = append(m.events, e)
	return Ack{ID: e.ID, Seq: e.Seq}, nil
}

func (m *MemoryStore) known(dataset, version string) bool {
	for _, v := range m.versions {
		if v.Dataset == dataset && v.Version == version {
			return true
		}
	}
	return false
}

// Events implements Store.
func (m *MemoryStore) Events(ctx context.Context, dataset string) ([]Event, error) {
	return m.EventsAfter(ctx, dataset, 0)
}

// EventsAfter implements Store.
func (m *MemoryStore) EventsAfter(ctx context.Context, dataset string, seq int64) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, fmt.Errorf("read events: %w", ErrClosed)
	}
	out := []Event{}
	for _, e := range m.events[min(max(seq, 0), int64(len(m.events))):] {
		if dataset == "" || e.Dataset == dataset {
			out = append(out, e)
		}
	}
	return out, nil
}

// RegisterVersion implements Store.
func (m *MemoryStore) RegisterVersion(ctx context.Context, v Version) error {
	if err := CheckVersion(v); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return fmt.Errorf("register dataset version: %w", ErrClosed)
	}
	if m.known(v.Dataset, v.Version) {
		return nil
	}
	v.Time = time.Now().UTC()
	m.versions = append(m.versions, v)
	return nil
}

// CheckVersion returns an error wrapping ErrInvalid unless v names a dataset
// and a version. Stores call it in RegisterVersion.
func CheckVersion(v Version) error {
	if v.Dataset == "" || v.Version == "" {
		return fmt.Errorf("ledger: register dataset version: dataset name and version are required (got %q, %q): %w", v.Dataset, v.Version, ErrInvalid)
	}
	return nil
}

// Versions implements Store.
func (m *MemoryStore) Versions(ctx context.Context, dataset string) ([]Version, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, fmt.Errorf("read dataset versions: %w", ErrClosed)
	}
	out := []Version{}
	for _, v := range m.versions {
		if v.Dataset == dataset {
			out = append(out, v)
		}
	}
	return out, nil
}

// Close implements Store.
func (m *MemoryStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// Normalize returns e as a Store keeps it: Time in UTC with the monotonic
// clock reading stripped, Seq cleared.
func Normalize(e Event) Event {
	e.Time = e.Time.UTC().Round(0)
	e.Seq = 0
	return e
}
