// Package train fits models (runtime/nn Modules) to datasets (runtime/data)
// and predicts with them.
//
//	tr, te := data.Iris().Split(0.8, 1)
//	m := nn.NewSequential([]nn.Module{nn.NewLinear(4, 16), nn.NewReLU(), nn.NewLinear(16, 3)})
//	h := train.Fit(m, tr, train.Config{Epochs: 200, LR: 0.05})
//	h.TrainLoss()            // one mean loss per epoch
//	train.Predict(m, te)     // class ids; PredictProba, PredictValues, Output
//
// # Config
//
// The zero Config trains 10 epochs of SGD with batches of 32 and learning
// rate 0.01, with cross-entropy for a dataset with labels and mean squared
// error for one with a regression target. Optimizer picks SGD, Momentum or
// Adam; Validation holds out a stratified fraction and reports its loss and
// accuracy each epoch; Patience stops early; OnEpoch is called after each
// epoch (h.Stop() ends the run).
//
// # Progress and interrupts
//
// Fit reports each batch and epoch to a Progress (Config.Progress, else
// what DefaultProgress makes: the kernel installs runtime/display's live
// loss curve). It calls host.Check every batch, so an interrupt stops it at
// once; the model keeps the weights of its last step and Last() returns
// the history so far.
package train
