package data

import (
	"errors"
	"sync"

	"tandem.dev/tandem/runtime/ledger"
)

// ErrNoLedger is returned by Dataset.Corrections when no correction ledger
// is linked into the program (runtime/feedback links the workspace's).
var ErrNoLedger = errors.New("data: no correction ledger: import tandem.dev/tandem/runtime/feedback")

var correctionSource struct {
	mu sync.Mutex
	f  func(ds *Dataset) ([]ledger.Event, error)
}

// SetCorrectionSource sets what Dataset.Corrections reads. runtime/feedback
// calls it when it is initialised, with the workspace ledger the review
// widget writes to; nil unsets it.
func SetCorrectionSource(f func(ds *Dataset) ([]ledger.Event, error)) {
	correctionSource.mu.Lock()
	correctionSource.f = f
	correctionSource.mu.Unlock()
}

// Corrections returns the events of ds's correction ledger, people's and
// code-made, in ledger order (undone ones and undos included), and replays
// them into ds. To add code-made corrections, use runtime/feedback's
// Relabel, Exclude and Undo. The error is ErrNoLedger when runtime/feedback
// is not in the program, or the ledger's own.
func (ds *Dataset) Corrections() ([]ledger.Event, error) {
	correctionSource.mu.Lock()
	f := correctionSource.f
	correctionSource.mu.Unlock()
	if f == nil {
		return nil, ErrNoLedger
	}
	return f(ds)
}
