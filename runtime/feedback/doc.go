// Package feedback finds the rows of a dataset a person should look at:
// the labels a model suspects are wrong, the rows it is least sure of, and
// why it says what it says. Each result renders itself in a notebook and
// carries the stable row keys the correction ledger addresses.
//
// # Suspects: likely label errors
//
//	sus := feedback.Suspects(m, ds) // ranked, renders as a table
//	sus.Keys()                      // row keys to review, most suspect first
//	sus.Joint                       // the confident joint behind it
//
// Suspects trains a fresh, re-initialised copy of m on each of k folds
// (default 5, stratified and seeded, metrics.CrossValidate) so that every
// row gets predicted probabilities from a model that never saw it, then
// applies confident learning (Northcutt, Jiang and Chuang, "Confident
// Learning: Estimating Uncertainty in Dataset Labels", JAIR 70, 2021):
// the threshold of class j is the mean probability of j over the rows
// labelled j; the confident joint counts, per given label, the rows
// confidently of each class; calibrated to the label counts it estimates
// how many rows of each label belong to each other class, and that many
// rows with the largest margins are flagged ("prune by noise rate"), then
// ranked by normalized margin. SuspectsWith takes Options (folds, seed,
// training, filter, ranking, or probabilities computed elsewhere); NewJoint
// runs the confident-learning step alone.
//
// # Uncertain: active learning
//
//	unsure := feedback.Uncertain(m, pool) // lowest margin first
//
// # Explain: why the model says so
//
//	feedback.Explain(m, ds, 17) // nearest rows, driving features, permutation importance
//
// # Interrupts and errors
//
// The long loops (the fold fits, permutation importance) call host.Check,
// so an interrupted cell stops there. Misuse (a dataset without labels,
// probabilities that do not fit) panics with Error.
package feedback
