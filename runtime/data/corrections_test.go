package data_test

import (
	"errors"
	"testing"

	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/ledger"
)

func TestDataset_Corrections(t *testing.T) {
	ds := data.Iris()
	if _, err := ds.Corrections(); !errors.Is(err, data.ErrNoLedger) {
		t.Errorf("without a ledger: got %v want ErrNoLedger", err)
	}
	defer data.SetCorrectionSource(nil)
	data.SetCorrectionSource(func(d *data.Dataset) ([]ledger.Event, error) {
		return []ledger.Event{{ID: "e1", Dataset: d.Name()}}, nil
	})
	evs, err := ds.Corrections()
	if err != nil || len(evs) != 1 || evs[0].Dataset != "iris" {
		t.Errorf("got %v, %v", evs, err)
	}
}
