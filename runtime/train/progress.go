package train

import (
	"fmt"
	"io"
	"math"
)

// Progress is told about a training run as it goes: after every batch
// (Step), after every epoch with its mean training loss and its validation
// loss (NaN without validation), and at the end (Done, also after an
// interrupt). runtime/display's TrainingView implements it as a progress
// bar with a live loss curve. A Progress that also has a Note(string)
// method gets the epoch's accuracy as a line of text before each Epoch.
type Progress interface {
	Step()
	Epoch(trainLoss, validationLoss float64)
	Done()
}

// DefaultProgress, when not nil, makes the Progress of a Fit whose Config
// has none (and is not Quiet), given the number of epochs and of batches
// per epoch. The kernel sets it to show runtime/display's live view; it is
// nil in plain Go programs, where Fit reports nothing.
//
// Cells call SetDefaultProgress instead: yaegi does not store an
// assignment to a compiled package's func variable.
var DefaultProgress func(epochs, stepsPerEpoch int) Progress

// SetDefaultProgress sets DefaultProgress (nil: report nothing). It is the
// form that works from a cell: train.SetDefaultProgress(train.Text(os.Stdout)).
func SetDefaultProgress(f func(epochs, stepsPerEpoch int) Progress) { DefaultProgress = f }

// Text returns a DefaultProgress that writes one line per epoch to w (at
// most about 20 lines a run), e.g.
//
//	epoch  10/100  loss 0.4312  validation 0.4420
//
// Use it as train.SetDefaultProgress(train.Text(os.Stdout)).
func Text(w io.Writer) func(epochs, stepsPerEpoch int) Progress {
	return func(epochs, _ int) Progress { return &textProgress{w: w, epochs: epochs} }
}

type textProgress struct {
	w      io.Writer
	epochs int
	epoch  int
}

func (p *textProgress) Step() {}

func (p *textProgress) Epoch(tl, vl float64) {
	p.epoch++
	every := p.epochs / 20
	if every < 1 {
		every = 1
	}
	if p.epoch != 1 && p.epoch%every != 0 && p.epoch != p.epochs {
		return
	}
	width := len(fmt.Sprint(p.epochs))
	line := fmt.Sprintf("epoch %*d/%d  loss %.4f", width, p.epoch, p.epochs, tl)
	if !math.IsNaN(vl) {
		line += fmt.Sprintf("  validation %.4f", vl)
	}
	fmt.Fprintln(p.w, line)
}

func (p *textProgress) Done() {}
