#!/usr/bin/python3
"""Reference figures for runtime/metrics tests, from scikit-learn.

Run from the repository root with Debian's python3-sklearn:

    /usr/bin/python3 runtime/metrics/testdata/sklearn_reference.py > runtime/metrics/testdata/sklearn_reference.json

The Go tests read the JSON; Python is not needed at test time.

Parity protocol (matched with parity_test.go):
  data   runtime/data/builtin/{iris,digits}.csv (the copies scikit-learn ships)
  split  test rows are those with index % 3 == 0 (iris) or % 4 == 0 (digits),
         the rest train: no random generator to match
  scale  StandardScaler fitted on the training rows
  logreg LogisticRegression(C=1.0, lbfgs, multinomial): minimises
         sum(log loss) + ||W||^2 / (2C); a convex problem, so any optimizer
         that converges reaches the same model
  mlp    MLPClassifier(hidden (32,), relu, adam lr 1e-3, alpha 1e-4,
         batch 32, 200 epochs, no early stop); mean test accuracy over
         seeds 0..4
"""
import csv, json, sys, warnings
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn import metrics

warnings.filterwarnings("ignore")


def load(name):
    with open(f"runtime/data/builtin/{name}.csv", newline="") as f:
        rows = list(csv.reader(f))
    X = np.array([[float(v) for v in r[:-1]] for r in rows[1:]])
    y = [r[-1] for r in rows[1:]]
    return X, y


def fixtures():
    rng = np.random.RandomState(7)
    n, k = 60, 3
    y = rng.randint(0, k, n)
    logits = rng.randn(n, k) + 1.5 * np.eye(k)[y]
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    pred = p.argmax(1)
    score = p[:, 1]
    pos = (y == 1)
    yr = rng.randn(40)
    pr = yr + 0.5 * rng.randn(40)
    prec, rec, f1, sup = metrics.precision_recall_fscore_support(y, pred, zero_division=0)
    return {
        "y": y.tolist(), "proba": p.tolist(), "pred": pred.tolist(),
        "accuracy": metrics.accuracy_score(y, pred),
        "confusion": metrics.confusion_matrix(y, pred).tolist(),
        "precision": prec.tolist(), "recall": rec.tolist(), "f1": f1.tolist(),
        "macro_f1": metrics.f1_score(y, pred, average="macro"),
        "weighted_f1": metrics.f1_score(y, pred, average="weighted"),
        "log_loss": metrics.log_loss(y, p),
        "positive": pos.tolist(), "score": score.tolist(),
        "auc": metrics.roc_auc_score(pos, score),
        "average_precision": metrics.average_precision_score(pos, score),
        "auc_ovr": metrics.roc_auc_score(y, p, multi_class="ovr", average="macro"),
        "y_reg": yr.tolist(), "pred_reg": pr.tolist(),
        "mse": metrics.mean_squared_error(yr, pr),
        "mae": metrics.mean_absolute_error(yr, pr),
        "r2": metrics.r2_score(yr, pr),
    }


def parity():
    out = {}
    for name, mod in (("iris", 3), ("digits", 4)):
        X, y = load(name)
        test = np.array([i % mod == 0 for i in range(len(y))])
        Xtr, Xte = X[~test], X[test]
        ytr = [v for v, t in zip(y, test) if not t]
        yte = [v for v, t in zip(y, test) if t]
        sc = StandardScaler().fit(Xtr)
        Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
        lr = LogisticRegression(C=1.0, max_iter=10000).fit(Xtr, ytr)
        accs = []
        for seed in range(5):
            mlp = MLPClassifier(hidden_layer_sizes=(32,), activation="relu", solver="adam",
                                learning_rate_init=1e-3, alpha=1e-4, batch_size=32,
                                max_iter=200, n_iter_no_change=10**6, tol=0,
                                random_state=seed).fit(Xtr, ytr)
            accs.append(mlp.score(Xte, yte))
        out[name] = {
            "train_rows": int((~test).sum()), "test_rows": int(test.sum()),
            "logreg_test_accuracy": lr.score(Xte, yte),
            "logreg_train_accuracy": lr.score(Xtr, ytr),
            # mean log loss on the test rows: equal only if the optimum is
            "logreg_test_log_loss": metrics.log_loss(yte, lr.predict_proba(Xte)),
            "mlp_test_accuracy_mean": float(np.mean(accs)),
            "mlp_test_accuracy_per_seed": accs,
        }
    return out


json.dump({"sklearn_version": sklearn.__version__, "numpy_version": np.__version__,
           "command": "/usr/bin/python3 runtime/metrics/testdata/sklearn_reference.py > runtime/metrics/testdata/sklearn_reference.json",
           "fixtures": fixtures(), "parity": parity()}, sys.stdout, indent=1)
sys.stdout.write("\n")
