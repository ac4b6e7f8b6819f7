package ledger_test

import (
	"testing"

	"tandem.dev/tandem/runtime/ledger"
	"tandem.dev/tandem/runtime/ledger/ledgertest"
)

func TestMemoryStore(t *testing.T) {
	ledgertest.Run(t, func(t *testing.T) ledger.Store { return ledger.NewMemoryStore() })
}
