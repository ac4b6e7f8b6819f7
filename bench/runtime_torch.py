#!/usr/bin/python3
"""PyTorch side of the runtime figures, printed as benchreport JSON samples.

  /usr/bin/python3 bench/runtime_torch.py mlp    --threads N [--runs R] [--random]
  /usr/bin/python3 bench/runtime_torch.py logreg --threads N [--runs R]
  /usr/bin/python3 bench/runtime_torch.py gemm   --threads N [--runs R]

The logic is that of the project's anchor scripts (train_torch.py, gemm_py.py):
mlp:    784-256-10, ReLU, F.cross_entropy, SGD lr 0.1, batch 128, one epoch (468 batches)
        over 60,000x784 uniform [0,1) data with random labels (Fashion-MNIST's shape; Debian's
        Fashion-MNIST files when present and --random is not given), rows gathered per batch.
logreg: softmax regression 4->3 on 1000x4 Gaussian blobs, full batch, 1000 epochs, SGD lr 0.1.
gemm:   torch.mm float32 GFLOP/s at the shapes of runtime/tensor's BenchmarkGemm.
Run with Debian's interpreter (python3-torch 1.13, python3-numpy).
"""
import argparse, gzip, json, os, struct, sys, time


def emit(figure, value, unit, better, note=""):
    s = {"group": "runtime", "figure": figure, "impl": "pytorch", "value": round(value, 4),
         "unit": unit, "better": better}
    if note:
        s["note"] = note
    print(json.dumps(s), flush=True)


def load_idx(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    nd = b[3]
    dims = struct.unpack(">" + "I" * nd, b[4:4 + 4 * nd])
    return dims, b[4 + 4 * nd:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["mlp", "logreg", "gemm"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--random", action="store_true")
    a = ap.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(a.threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.set_num_threads(a.threads)
    note = f"torch {torch.__version__}, {a.threads} thread(s), OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'default')}"
    if a.what == "mlp":
        d = "/usr/share/datasets/fashion-mnist"
        if not a.random and os.path.exists(f"{d}/train-images-idx3-ubyte.gz"):
            (n, h, w), img = load_idx(f"{d}/train-images-idx3-ubyte.gz")
            _, lab = load_idx(f"{d}/train-labels-idx1-ubyte.gz")
            X = torch.from_numpy(np.frombuffer(img, np.uint8).reshape(n, h * w).astype(np.float32) / 255)
            Y = torch.from_numpy(np.frombuffer(lab, np.uint8).astype(np.int64))
        else:
            g = torch.Generator().manual_seed(7)
            X = torch.rand(60000, 784, generator=g)
            Y = torch.randint(0, 10, (60000,), generator=g)
        n, B = X.shape[0], 128
        nb = n // B
        for run in range(a.runs):
            torch.manual_seed(run)
            model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            perm = torch.randperm(n)
            t0 = time.perf_counter()
            for bi in range(nb):
                idx = perm[bi * B:(bi + 1) * B]
                xb, yb = X[idx], Y[idx]
                opt.zero_grad()
                loss = F.cross_entropy(model(xb), yb)
                loss.backward()
                opt.step()
            el = time.perf_counter() - t0
            emit(f"MLP 784-256-10 training, batch 128, SGD, {a.threads} thread(s)", nb * B / el, "samples/s", "higher", note)
    elif a.what == "logreg":
        g = torch.Generator().manual_seed(3)
        n, dim, k, epochs = 1000, 4, 3, 1000
        Y = torch.arange(n) % k
        X = Y.float().unsqueeze(1) + 0.8 * torch.randn(n, dim, generator=g)
        for run in range(a.runs):
            torch.manual_seed(run)
            model = nn.Linear(dim, k)
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            t0 = time.perf_counter()
            for _ in range(epochs):
                opt.zero_grad()
                loss = F.cross_entropy(model(X), Y)
                loss.backward()
                opt.step()
            el = time.perf_counter() - t0
            emit(f"softmax regression 4→3, 1,000 rows, full batch, {a.threads} thread(s)", el / epochs * 1e6, "µs/epoch", "lower", note)
    else:
        # (name, m, k, n, transpose A, transpose B): C[m,n] = op(A)·op(B)
        shapes = [("256x256x256", 256, 256, 256, False, False),
                  ("1024x1024x1024", 1024, 1024, 1024, False, False),
                  ("128x784x256 (MLP forward)", 128, 784, 256, False, False),
                  ("784x128x256 Aᵀ·B (MLP dW)", 784, 128, 256, True, False),
                  ("128x256x784 A·Bᵀ (MLP dX)", 128, 256, 784, False, True)]
        for name, m, k, n, ta, tb in shapes:
            A = (torch.rand(k, m) - 0.5).t() if ta else torch.rand(m, k) - 0.5
            Bm = (torch.rand(n, k) - 0.5).t() if tb else torch.rand(k, n) - 0.5
            C = torch.empty(m, n)
            torch.mm(A, Bm, out=C)
            reps = 1
            while True:
                t0 = time.perf_counter()
                for _ in range(reps):
                    torch.mm(A, Bm, out=C)
                el = time.perf_counter() - t0
                if el > 0.2:
                    break
                reps *= 2
            for run in range(a.runs):
                t0 = time.perf_counter()
                for _ in range(reps):
                    torch.mm(A, Bm, out=C)
                el = (time.perf_counter() - t0) / reps
                emit(f"SGEMM float32 {name}, {a.threads} thread(s)", 2.0 * m * k * n / el / 1e9, "GFLOP/s", "higher", note)


if __name__ == "__main__":
    main()
