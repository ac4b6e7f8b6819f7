package train

import (
	"testing"

	"tandem.dev/tandem/runtime/display"
)

// The kernel installs runtime/display's live view as the default progress:
// train.DefaultProgress = func(e, s int) train.Progress {
// return display.Training(display.TrainingOptions{Epochs: e, StepsPerEpoch: s}) }.
var _ Progress = (*display.TrainingView)(nil)

func TestProgress_Display(t *testing.T) {
	DefaultProgress = func(epochs, steps int) Progress {
		return display.Training(display.TrainingOptions{Epochs: epochs, StepsPerEpoch: steps})
	}
	defer func() { DefaultProgress = nil }()
	h := Fit(newDense(1, 4, 3), irisForTest(), Config{Epochs: 3})
	if h.Len() != 3 {
		t.Errorf("epochs: %d", h.Len())
	}
}
