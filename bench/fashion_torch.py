#!/usr/bin/python3
"""PyTorch side of bench/fashion (make bench): the MLP 784-256-10 (ReLU,
F.cross_entropy, SGD lr 0.1, batch 128, rows shuffled every epoch, the last
partial batch kept) trained one epoch over Debian's Fashion-MNIST, pixels
scaled to [0, 1]; prints the throughput (samples/s, the epoch alone) and the
test accuracy after the epoch as benchreport samples. Idiomatic PyTorch:
nn.Sequential, loss.backward(), optim.SGD.step().

  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/fashion_torch.py --threads N [--seed S]
"""
import argparse, gzip, json, os, struct, sys, time

D = "/usr/share/datasets/fashion-mnist"


def load_idx(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    nd = b[3]
    dims = struct.unpack(">" + "I" * nd, b[4:4 + 4 * nd])
    return dims, b[4 + 4 * nd:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    def part(name):
        (n, h, w), img = load_idx(f"{D}/{name}-images-idx3-ubyte.gz")
        _, lab = load_idx(f"{D}/{name}-labels-idx1-ubyte.gz")
        x = torch.from_numpy(np.frombuffer(img, np.uint8).reshape(n, h * w).astype(np.float32) / 255)
        y = torch.from_numpy(np.frombuffer(lab, np.uint8).astype(np.int64))
        return x, y

    xtr, ytr = part("train")
    xte, yte = part("t10k")
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    t0 = time.perf_counter()
    perm = torch.randperm(len(xtr))
    for i in range(0, len(xtr), 128):
        idx = perm[i:i + 128]
        loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    dt = time.perf_counter() - t0
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    note = f"torch {torch.__version__}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'default')}"
    print(f"fashion_torch: {a.threads} thread(s): {len(xtr) / dt:.0f} samples/s, test accuracy {acc:.4f}", file=sys.stderr)
    for fig, v, unit in ((f"Fashion-MNIST epoch, MLP 784-256-10, batch 128, SGD 0.1, {a.threads} thread(s)", len(xtr) / dt, "samples/s"),
                         (f"Fashion-MNIST test accuracy after one epoch, {a.threads} thread(s)", acc * 100, "%")):
        print(json.dumps({"group": "runtime", "figure": fig, "impl": "pytorch", "value": round(v, 4), "unit": unit,
                          "better": "higher", "note": note}), flush=True)


if __name__ == "__main__":
    main()
