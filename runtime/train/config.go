package train

import (
	"tandem.dev/tandem/runtime/autograd"
	"tandem.dev/tandem/runtime/data"
	"tandem.dev/tandem/runtime/optim"
)

// Optimizer names an update rule that Fit builds over the model's
// parameters.
type Optimizer int

const (
	SGD      Optimizer = iota // θ ← θ − α·∇J(θ)
	Momentum                  // SGD with momentum (Config.Momentum, default 0.9)
	Adam                      // Adam (Kingma and Ba 2015), β = 0.9, 0.999, ε = 1e-8
)

func (o Optimizer) String() string {
	switch o {
	case SGD:
		return "SGD"
	case Momentum:
		return "momentum"
	case Adam:
		return "Adam"
	}
	return "Optimizer(?)"
}

// Loss names the loss Fit minimises.
type Loss int

const (
	// AutoLoss is cross-entropy for a dataset with labels (softmax over the
	// model's outputs; with one output and two classes, a sigmoid) and mean
	// squared error for a dataset with a regression target.
	AutoLoss Loss = iota
	// CrossEntropy is the softmax cross-entropy of the outputs against the
	// class ids (PyTorch's F.cross_entropy); with one output and two
	// classes, the binary cross-entropy of its sigmoid.
	CrossEntropy
	// MSE is the mean squared error against the target, or against one-hot
	// labels for a classification dataset.
	MSE
)

func (l Loss) String() string {
	switch l {
	case AutoLoss:
		return "auto"
	case CrossEntropy:
		return "cross-entropy"
	case MSE:
		return "MSE"
	}
	return "Loss(?)"
}

// Config holds the options of Fit. The zero value trains 10 epochs of
// mini-batch SGD (batch 32, learning rate 0.01) with the loss that fits the
// dataset, no validation, and progress shown through DefaultProgress.
type Config struct {
	Epochs    int     // default 10
	BatchSize int     // default 32; -1 = the whole training set (full batch)
	LR        float64 // learning rate; default 0.01 (SGD, Momentum), 0.001 (Adam)

	Optimizer Optimizer // SGD (default), Momentum or Adam
	Momentum  float64   // Momentum: default 0.9
	// Optim, when set, is used instead of Optimizer/LR/Momentum: an
	// optimizer built by the caller over the model's parameters.
	Optim optim.Optimizer

	// Schedule, when set, sets the learning rate at the start of every
	// epoch (optim.StepLR, optim.CosineLR; epochs counted from 0).
	Schedule optim.Schedule
	// ClipNorm > 0 rescales the gradients so that their joint L2 norm is at
	// most ClipNorm before every step (optim.ClipGradNorm).
	ClipNorm float64

	// L2 adds L2/2·‖W‖² to the loss for every weight matrix (parameters with
	// two or more dimensions; biases are not penalised), like the alpha of
	// scikit-learn's MLP and 1/C of its logistic regression (scaled by the
	// number of rows). The reported loss is the data loss alone.
	L2 float64

	Loss Loss
	// LossFunc, when set, replaces Loss: it gets the model's output for a
	// batch and the batch, and returns the scalar loss to minimise.
	LossFunc func(out *autograd.Var, b *data.Batches) *autograd.Var

	// Validation holds out this fraction of the rows (stratified, seeded)
	// to report validation loss and accuracy each epoch. ValidationData,
	// when set, is used instead.
	Validation     float64
	ValidationData *data.Dataset

	// Patience > 0 stops training after that many epochs without a lower
	// validation loss (the training loss without validation). RestoreBest
	// then puts back the weights of the best epoch.
	Patience    int
	RestoreBest bool

	Seed      int64 // shuffling and validation split
	NoShuffle bool  // visit the rows in dataset order every epoch

	// OnEpoch is called after every epoch with the history so far; call
	// h.Stop() in it to end training. Cells pass closures here.
	OnEpoch func(h *History)

	// Progress receives every batch and epoch; default: DefaultProgress.
	Progress Progress
	Quiet    bool // report no progress at all
}

func (c Config) withDefaults() Config {
	if c.Epochs <= 0 {
		c.Epochs = 10
	}
	if c.BatchSize == 0 {
		c.BatchSize = 32
	}
	if c.LR <= 0 {
		c.LR = 0.01
		if c.Optimizer == Adam {
			c.LR = 0.001
		}
	}
	if c.Optimizer == Momentum && c.Momentum == 0 {
		c.Momentum = 0.9
	}
	return c
}
