// Package metrics measures models: accuracy, confusion matrices, precision,
// recall and F1 per class and averaged, log loss, ROC and precision-recall
// curves (AUC, average precision), precision at k, MSE, MAE and R², k-fold
// cross-validation with out-of-fold probabilities, and before/after
// comparisons. Results render themselves (String, HTML or SVG).
//
// Functions on plain slices (Accuracy, NewConfusion, LogLoss, ROC, R2, …)
// match scikit-learn's definitions (checked against it in the tests); the
// model-level ones (Confusion, Evaluate, CrossValidate, Compare) run a
// runtime/nn model over a runtime/data dataset:
//
//	metrics.Confusion(m, te)      // renders as a table of counts
//	metrics.Evaluate(m, te)       // accuracy, log loss, AUC, report, confusion
//	cv := metrics.CrossValidate(func() nn.Module { return nn.NewLinear(4, 3) }, ds,
//		train.Config{Epochs: 100}, metrics.CV{Folds: 5, Seed: 1})
//	cv.Proba                      // out-of-fold probabilities, one row per row of ds
//	metrics.Compare(m, m2, te)    // what changed, which rows flipped
//
// Class ids are the dataset's (data.Dataset.Classes); a true class of -1
// marks an unlabeled row, which is left out. Misuse (slices of different
// lengths, a dataset without labels) panics with Error.
package metrics
