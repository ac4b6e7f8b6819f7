#!/usr/bin/python3
"""Reference trajectories from PyTorch for runtime/nn's parity test.

    /usr/bin/python3 runtime/nn/testdata/torch_parity.py > runtime/nn/testdata/torch_parity.json

A 4-8-3 MLP (Linear, ReLU, Linear) with PyTorch's default initialisation
(seed 0) is trained for 5 full-batch steps on 16 fixed rows with
F.cross_entropy, once per optimizer setting. The JSON holds the initial
weights (PyTorch layout, [out, in]), the data, and for each setting the
loss at every step and the final weights. A small CNN (convolution, batch
norm, max pooling) is recorded the same way. Recorded with Debian's
python3-torch 1.13.
"""
import json
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
X = torch.randn(16, 4)
Y = torch.randint(0, 3, (16,))
base = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
init = {k: v.detach().clone() for k, v in base.state_dict().items()}

settings = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_wd": lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01),
    "momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "nesterov": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "adam_wd": lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.01),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.01),
}
out = {
    "init": {k: v.tolist() for k, v in init.items()},
    "x": X.tolist(),
    "y": Y.tolist(),
    "torch": torch.__version__,
    "runs": {},
}
for name, make in settings.items():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    model.load_state_dict(init)
    opt = make(model.parameters())
    losses = []
    for step in range(5):
        opt.zero_grad()
        loss = F.cross_entropy(model(X), Y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    out["runs"][name] = {"losses": losses, "final": {k: v.tolist() for k, v in model.state_dict().items()}}

# A small CNN: Conv2d(1, 2, 3, padding=1), BatchNorm2d(2), ReLU, MaxPool2d(2),
# Flatten, Linear(18, 3); 3 SGD steps on 4 images of 6×6.
torch.manual_seed(1)
XC = torch.randn(4, 1, 6, 6)
YC = torch.tensor([0, 1, 2, 1])
cnn = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(), nn.Linear(18, 3))
cinit = {k: v.detach().clone().tolist() for k, v in cnn.state_dict().items() if not k.endswith("num_batches_tracked")}
opt = torch.optim.SGD(cnn.parameters(), lr=0.1)
closses = []
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(cnn(XC), YC)
    loss.backward()
    opt.step()
    closses.append(loss.item())
out["cnn"] = {"init": cinit, "x": XC.tolist(), "y": YC.tolist(), "losses": closses,
              "final": {k: v.tolist() for k, v in cnn.state_dict().items() if not k.endswith("num_batches_tracked")}}
print(json.dumps(out))
