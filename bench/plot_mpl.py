#!/usr/bin/python3
"""matplotlib (Agg) side of the plot figures of `make bench`: the same charts as
runtime/chart's BenchmarkFigure (bench_test.go), same sizes (6.4x4.8 in at 100 dpi),
in the format the notebook gets. One render = build figure + draw + encode + close.
Prints one JSON sample a figure (the mean of --reps renders) for internal/cmd/benchreport.

    /usr/bin/python3 bench/plot_mpl.py [--reps 3] [--only NAME] [--out DIR]
"""
import argparse, io, json, os, sys, time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(1)
OKABE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def fig():
    return plt.subplots(figsize=(6.4, 4.8), dpi=100)


SX, SY = rng.standard_normal(10000), rng.standard_normal(10000)
LX = np.arange(1000) / 100
LY = np.sin(LX)


def scatter10k(ax):
    ax.scatter(SX, SY, s=36, c="#0072B2", alpha=0.7, linewidths=0)
    ax.set_title("scatter 10k"); ax.set_xlabel("x"); ax.set_ylabel("y")


def line1k(ax):
    ax.plot(LX, LY, lw=1.5, c="#0072B2")
    ax.set_title("line 1k"); ax.set_xlabel("x"); ax.set_ylabel("y")


L100 = np.arange(100000)
L100Y = np.sin(L100 / 1000) + 0.1 * np.sin(L100)


def line100k(ax):
    ax.plot(L100, L100Y, lw=1.5, c="#0072B2")
    ax.set_title("line 100k"); ax.set_xlabel("x"); ax.set_ylabel("y")


IRIS_MEANS = [(1.46, 0.25), (4.26, 1.33), (5.55, 2.03)]
IRIS_SDS = [(0.17, 0.1), (0.47, 0.2), (0.55, 0.27)]
IRIS = [(m[0] + s[0] * rng.standard_normal(50), m[1] + s[1] * rng.standard_normal(50)) for m, s in zip(IRIS_MEANS, IRIS_SDS)]


def scatter_iris(ax):
    for k, (name, (x, y)) in enumerate(zip(["setosa", "versicolor", "virginica"], IRIS)):
        ax.scatter(x, y, s=36, c=OKABE[k], label=name)
    ax.legend(); ax.grid(True, color="#e1e1e1")
    ax.set_title("petal_width vs petal_length"); ax.set_xlabel("petal_length"); ax.set_ylabel("petal_width")


H = rng.standard_normal(10000)


def histogram10k(ax):
    ax.hist(H, bins=30, color="#0072B2", edgecolor="white")
    ax.set_xlabel("value"); ax.set_ylabel("count")


def bar10(ax):
    ax.bar(list("abcdefghij"), [5, 7, 3, 9, 4, 6, 8, 2, 5, 7], width=0.7, color="#0072B2")
    ax.set_ylabel("value")


BOX = [rng.standard_normal(200) for _ in range(5)]


def boxplot5x200(ax):
    ax.boxplot(BOX, labels=list("abcde"), patch_artist=True)
    ax.set_ylabel("value")


CM = np.array([[(i * 7 + j * 3) % 5 for j in range(10)] for i in range(10)])
np.fill_diagonal(CM, 90 + np.arange(10))


def confusion10(ax):
    ax.imshow(CM, cmap="viridis")
    for i in range(10):
        for j in range(10):
            ax.text(j, i, str(CM[i, j]), ha="center", va="center", color="white" if CM[i, j] < 60 else "black")
    ax.set_xticks(range(10)); ax.set_yticks(range(10))
    ax.set_title("confusion matrix"); ax.set_xlabel("predicted"); ax.set_ylabel("actual")


E = np.arange(100)
TRAIN = 1.1 * np.exp(-E / 25) + 0.08 + 0.01 * np.sin(E)
VAL = 1.15 * np.exp(-E / 28) + 0.13 + 0.0004 * E


def loss100(ax):
    ax.plot(E + 1, TRAIN, lw=1.5, c=OKABE[0], label="train")
    ax.plot(E + 1, VAL, lw=1.5, c=OKABE[1], ls="--", label="validation")
    ax.legend(); ax.grid(True, color="#e1e1e1")
    ax.set_title("loss"); ax.set_xlabel("epoch"); ax.set_ylabel("loss")


POS, NEG = rng.standard_normal(500) + 1.4, rng.standard_normal(500)
TH = 4 - 8 * np.arange(101) / 100
FPR = np.array([(NEG >= t).mean() for t in TH]); TPR = np.array([(POS >= t).mean() for t in TH])


def roc(ax):
    ax.plot([0, 1], [0, 1], ls="--", c="gray", lw=1)
    ax.plot(FPR, TPR, lw=1.5, c=OKABE[0], label="ROC (AUC %.3f)" % np.trapz(TPR, FPR))
    ax.legend(loc="lower right"); ax.grid(True, color="#e1e1e1")
    ax.set_title("ROC curve"); ax.set_xlabel("false positive rate"); ax.set_ylabel("true positive rate")


BL = rng.integers(0, 2, 200)
BX = np.where(BL == 1, 1, -1) + 0.8 * rng.standard_normal(200)
BY = np.where(BL == 1, 1, -1) + 0.8 * rng.standard_normal(200)


def boundary200(ax):
    x0, x1, y0, y1 = BX.min() - 0.5, BX.max() + 0.5, BY.min() - 0.5, BY.max() + 0.5
    xx, yy = np.meshgrid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 120))
    zz = (xx + yy > 0).astype(int)
    ax.contourf(xx, yy, zz, levels=[-0.5, 0.5, 1.5], colors=["#a8cfe6", "#f5d9a0"])
    for k in range(2):
        m = BL == k
        ax.scatter(BX[m], BY[m], s=49, c=OKABE[k], edgecolors="#202020", linewidths=0.7, label="class %d" % k)
    ax.legend(); ax.set_title("decision boundary"); ax.set_xlabel("x"); ax.set_ylabel("y")


def bowl_path(steps=30):
    x, y, lr, px, py = -3.5, 1.2, 0.2, [], []
    for _ in range(steps + 1):
        px.append(x); py.append(y)
        x, y = x - lr * x, y - lr * 8 * y
    return np.array(px), np.array(py)


PX, PY = bowl_path()


def descent30(ax):
    g = np.linspace(-4, 0.5, 100)
    xx, yy = np.meshgrid(g, np.linspace(-2.25, 2.25, 100))
    zz = 0.5 * xx ** 2 + 4 * yy ** 2
    levels = np.quantile(zz, (np.arange(1, 15) / 15) ** 2)
    ax.contourf(xx, yy, zz, levels=levels, cmap="viridis", alpha=0.3, extend="both")
    ax.contour(xx, yy, zz, levels=levels, cmap="viridis", linewidths=1)
    ax.plot(PX, PY, "-o", c=OKABE[3], ms=4, lw=1.5, label="path (30 steps)")
    ax.scatter(PX[:1], PY[:1], s=81, c="white", edgecolors="black", linewidths=1.5, zorder=3, label="start")
    ax.scatter(PX[-1:], PY[-1:], s=64, c="black", zorder=3, label="end")
    ax.legend(); ax.set_title("gradient descent"); ax.set_xlabel("x"); ax.set_ylabel("y")


DIGITS = rng.integers(0, 17, (20, 8, 8))


def digits20():
    fig, axes = plt.subplots(2, 10, figsize=(6.7, 1.74), dpi=100)
    for k, ax in enumerate(axes.flat):
        ax.imshow(DIGITS[k], cmap="gray_r", interpolation="nearest")
        ax.set_title(str(k % 10), fontsize=9)
        ax.axis("off")
    return fig


PAIRS = [rng.standard_normal(150), rng.standard_normal(150),
         np.concatenate([x for x, _ in IRIS]), np.concatenate([y for _, y in IRIS])]
PAIRS_NAMES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
PAIRS_LABELS = np.repeat([0, 1, 2], 50)


def pairs4():
    fig, axes = plt.subplots(4, 4, figsize=(8.4, 8.4), dpi=100)
    for i in range(4):
        for j in range(4):
            ax = axes[i, j]
            for k, name in enumerate(["setosa", "versicolor", "virginica"]):
                m = PAIRS_LABELS == k
                if i == j:
                    ax.hist(PAIRS[i][m], bins=9, color=OKABE[k], alpha=0.55, label=name)
                else:
                    ax.scatter(PAIRS[j][m], PAIRS[i][m], s=16, c=OKABE[k], label=name)
            if i == 3:
                ax.set_xlabel(PAIRS_NAMES[j])
            if j == 0:
                ax.set_ylabel(PAIRS_NAMES[i])
    axes[0, 3].legend()
    return fig


FIGURES = [  # name, format the notebook gets, draw
    ("scatter10k", "png", scatter10k), ("scatter10k", "svg", scatter10k),
    ("line1k", "png", line1k), ("line1k", "svg", line1k),
    ("line100k", "svg", line100k), ("scatter-iris", "svg", scatter_iris), ("histogram10k", "svg", histogram10k),
    ("bar10", "svg", bar10), ("boxplot5x200", "svg", boxplot5x200),
    ("confusion10", "svg", confusion10), ("loss100", "svg", loss100), ("roc", "svg", roc),
    ("boundary200", "svg", boundary200), ("descent30", "svg", descent30), ("digits20", "svg", None),
    ("pairs4-iris", "svg", "pairs"),
]


def render(name, fmt, draw, buf):
    if draw is None:
        f = digits20()
    elif draw == "pairs":
        f = pairs4()
    else:
        f, ax = fig()
        draw(ax)
    f.savefig(buf, format=fmt)
    plt.close(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only")
    ap.add_argument("--out")
    a = ap.parse_args()
    for name, fmt, draw in FIGURES:
        if a.only and a.only != name:
            continue
        buf = io.BytesIO()
        render(name, fmt, draw, buf)  # warm-up (font cache, first-draw costs)
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            with open(os.path.join(a.out, "mpl-%s.%s" % (name, fmt)), "wb") as fh:
                fh.write(buf.getvalue())
        t0 = time.perf_counter()
        for _ in range(a.reps):
            render(name, fmt, draw, io.BytesIO())
        ms = (time.perf_counter() - t0) / a.reps * 1e3
        print(json.dumps({"group": "plots", "figure": "%s (%s)" % (name, fmt), "impl": "matplotlib",
                          "value": round(ms, 3), "unit": "ms", "better": "lower",
                          "note": "matplotlib %s Agg, %d bytes" % (matplotlib.__version__, buf.tell())}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
