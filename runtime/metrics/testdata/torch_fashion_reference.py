#!/usr/bin/python3
"""PyTorch reference for the Fashion-MNIST MLP parity test (issue 4).

Run from the repository root with Debian's python3-torch and the files of
Debian's dataset-fashion-mnist:

    /usr/bin/python3 runtime/metrics/testdata/torch_fashion_reference.py > runtime/metrics/testdata/torch_fashion_reference.json

Protocol (matched by TestParity_FashionMNIST in parity_test.go): pixels / 255;
MLP 784-256-10 with ReLU; F.cross_entropy; SGD lr 0.1; batches of 128 (the
last, smaller one included); 2 epochs on the 60,000 training images;
accuracy on the 10,000 test images.

So that the two runs do the same arithmetic (and differ only by float32
rounding), nothing random is left to either library's generator:
  weights  W[i][o] (input i, output o) = bound*(2u-1), bias[o] = bound*(2u'-1),
           bound = 1/sqrt(fan_in) (PyTorch's default range), with
           u = hash(i*65536 + o, layer) and u' = hash(o, layer + 100) in [0, 1)
  order    rows sorted by hash(row, 7), the same order every epoch
  hash(x, s) = ((x*2654435761 + s*40503 + 12345) mod 2^32) / 2^32
"""
import gzip, json, struct, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

D = "/usr/share/datasets/fashion-mnist"
EPOCHS, B, LR = 2, 128, 0.1


def h(x, s):
    return ((x * 2654435761 + s * 40503 + 12345) % 2**32) / 2**32


def load(part):
    def idx(path):
        with gzip.open(path, "rb") as f:
            b = f.read()
        nd = b[3]
        dims = struct.unpack(">" + "I" * nd, b[4:4 + 4 * nd])
        return dims, np.frombuffer(b[4 + 4 * nd:], np.uint8)
    (n, hh, w), img = idx(f"{D}/{part}-images-idx3-ubyte.gz")
    _, lab = idx(f"{D}/{part}-labels-idx1-ubyte.gz")
    return torch.from_numpy(img.reshape(n, hh * w).astype(np.float32) / 255), torch.from_numpy(lab.astype(np.int64))


def init(lin, layer):
    fan_in, fan_out = lin.in_features, lin.out_features
    bound = 1 / np.sqrt(fan_in)
    i = np.arange(fan_in, dtype=np.int64)[:, None]
    o = np.arange(fan_out, dtype=np.int64)[None, :]
    u = ((i * 65536 + o) * 2654435761 + layer * 40503 + 12345) % 2**32 / 2**32
    ub = (np.arange(fan_out, dtype=np.int64) * 2654435761 + (layer + 100) * 40503 + 12345) % 2**32 / 2**32
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy((bound * (2 * u - 1)).T.astype(np.float32)))
        lin.bias.copy_(torch.from_numpy((bound * (2 * ub - 1)).astype(np.float32)))


torch.set_num_threads(1)
Xtr, Ytr = load("train")
Xte, Yte = load("t10k")
n = Xtr.shape[0]
order = torch.from_numpy(np.argsort(((np.arange(n, dtype=np.int64) * 2654435761 + 7 * 40503 + 12345) % 2**32), kind="stable"))
l1, l2 = nn.Linear(784, 256), nn.Linear(256, 10)
init(l1, 0)
init(l2, 1)
model = nn.Sequential(l1, nn.ReLU(), l2)
opt = torch.optim.SGD(model.parameters(), lr=LR)
losses = []
for epoch in range(EPOCHS):
    total = 0.0
    for i in range(0, n, B):
        idx = order[i:i + B]
        opt.zero_grad()
        loss = F.cross_entropy(model(Xtr[idx]), Ytr[idx])
        loss.backward()
        opt.step()
        total += float(loss) * len(idx)
    losses.append(total / n)
with torch.no_grad():
    out = model(Xte)
    acc = float((out.argmax(1) == Yte).float().mean())
    test_loss = float(F.cross_entropy(out, Yte))
json.dump({"torch_version": torch.__version__, "epochs": EPOCHS, "batch": B, "lr": LR,
           "command": "/usr/bin/python3 runtime/metrics/testdata/torch_fashion_reference.py > runtime/metrics/testdata/torch_fashion_reference.json",
           "train_loss_per_epoch": losses, "test_accuracy": acc, "test_loss": test_loss}, sys.stdout, indent=1)
sys.stdout.write("\n")
