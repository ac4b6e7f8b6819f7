// Package feedback finds the rows of a dataset a person should look at:
// the labels a model suspects are wrong, the rows it is least sure of, and
// why it says what it says. Each result renders itself in a notebook and
// carries the stable row keys and the model version that the correction
// ledger records with each decision.
//
// # Suspects: likely label errors
//
//	sus := feedback.Suspects(m, ds) // ranked; renders as a table
//	sus.Keys()                      // row keys to review, most suspect first
//	sus.Scores                      // label quality of every row (lower: more suspect)
//	sus.Joint                       // the confident joint behind it
//
// Suspects trains a fresh, re-initialised copy of m on each of k folds
// (default 5, stratified and seeded, through metrics.CrossValidate) so that
// every row gets predicted probabilities from a model that never saw it,
// then applies confident learning (Northcutt, Jiang and Chuang, "Confident
// Learning: Estimating Uncertainty in Dataset Labels", JAIR 70, 2021): the
// threshold of class j is the mean probability of j over the rows labelled
// j; the confident joint counts, per given label, the rows confidently of
// each class; calibrated to the label counts it estimates how many rows of
// each label belong to each other class, and that many rows with the
// largest margins are flagged ("prune by noise rate"), ranked by
// normalized margin. SuspectsWith takes Options (folds, seed, training,
// filter, ranking, a model factory, or probabilities computed elsewhere);
// NewJoint runs the confident-learning step alone.
//
// On digits with 10% of the training labels flipped, a 64-128-10 MLP with
// the default training puts 0.88–0.93 flipped rows in the top k (k = the
// number flipped; median 0.93 over seeds 1–7, scikit-learn's logistic
// regression ranked by margin 0.83), and fixing the first 15% of the
// ranking wins back 91–100% of the test accuracy the noise cost
// (bench/feedback.bench.sh).
//
// # Uncertain: active learning
//
//	unsure := feedback.Uncertain(m, pool) // least sure first, by margin
//	feedback.UncertainWith(m, ds, feedback.UncertainOptions{Method: feedback.Entropy, Limit: 20, Only: true})
//
// # Explain: why the model says so
//
//	feedback.Explain(m, ds, 17) // nearest rows, driving features, permutation importance
//
// The driving features are gradient × (input − mean) for the logit gap
// between the predicted class and the runner-up (exact for a linear
// model); permutation importance is remembered per model and data
// version, so explaining row after row in a review measures it once.
//
// # Corrections from code
//
// Cell code reads and adds to the same correction ledger as the review
// widget (.tandem/ledger.db in the workspace), its events marked as
// code-made and replayed into the dataset at once:
//
//	e, err := feedback.Relabel(ds, key, "7", "matches its twin row") // also Exclude, Undo
//	log, err := feedback.Corrections(ds)                             // people's and code's events
//	evs, err := ds.Corrections()                                     // the same events, from runtime/data
//	l, err := feedback.OpenLedger(ds, feedback.LedgerOptions{})      // a handle: Relabel, Exclude, Include, Edit, Note, Undo
//
// Code cannot erase a person's decision: the ledger refuses a code-made
// undo of a human event (ledger.ErrProtected), and a code-made correction
// of a value a person decided is recorded but does not take effect
// (ErrOverridden). With TANDEM_NO_LEDGER=1 (tandem run --no-ledger) the
// workspace ledger is neither opened nor replayed: code corrections then
// live in memory for the process.
//
// # Interrupts and errors
//
// The long loops (the fold fits, the scans of the rows, permutation
// importance) call host.Check, so an interrupted cell stops there. Misuse
// (a dataset without labels, probabilities that do not fit, a row out of
// range) panics with Error.
package feedback

// BUG(feedback): the default fold model is a clone of m re-initialised
// layer by layer: Linear, Conv2D and BatchNorm as PyTorch initialises them,
// any other parameter generically (matrices uniform in ±1/√rows, vectors
// zero). A layer with its own initialisation needs Options.Model. A model
// type defined in a cell cannot be cloned at all (nn.Clone's limit): pass
// Options.Model for it too.

// BUG(feedback): permutation importance costs one pass over up to Rows rows
// per feature and repeat: about 2.5 s for a 784-128-10 MLP on Fashion-MNIST
// with the defaults (1 repeat, 500 rows) on a loaded 2-core host, the first
// time for each model version.
