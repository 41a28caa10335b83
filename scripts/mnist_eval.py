#!/usr/bin/env python3
"""Evaluates generated MNIST digits with a classifier trained here (Inception weights cannot be fetched,
and MNIST FIDs are conventionally taken in a digit classifier's feature space).

    python3 scripts/mnist_eval.py --data runs/mnist-eval --samples samples.npy [--out runs/mnist-eval]

--data holds digits.npy [N, 1, 32, 32] in [0, 1] and labels.npy [N] (scripts/mnist_labelled.ts writes
them); --samples is an array [n, 1, 32, 32] (linea run … --entry sample --output samples.npy), clamped
to [0, 1] as the pictures are. A LeNet-5 (LeCun et al. 1998: its 32×32 input, 6 and 16 5×5 convolutions,
120-84-10) is trained on a seeded 80% of the digits (seed 0, 4 epochs of Adam, CPU, about a minute) and
tested on the other 20%. Writes, for `linea metrics fid|kid`:

    features_real.npy      the held-out digits' 84-wide penultimate features
    features_train.npy     as many training digits' features (real against real: the floor of the FID)
    features_samples.npy   the samples' features

and prints one JSON line: the classifier's held-out accuracy, and for the samples the share the
classifier gives ≥ 0.9 probability ("recognisable"), their mean top probability and their class counts.
Needs python3 with torch and numpy (Debian: apt install python3-torch).
"""
import argparse
import json
import os

import numpy as np
import torch
from torch import nn


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        )
        self.head = nn.Linear(84, 10)

    def forward(self, x):
        return self.head(self.features(x))


def batched(model, x, fn, batch=500):
    with torch.no_grad():
        return torch.cat([fn(model, x[i:i + batch]) for i in range(0, len(x), batch)])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--samples", required=True)
    p.add_argument("--out")
    p.add_argument("--epochs", type=int, default=4)
    a = p.parse_args()
    out = a.out or a.data
    torch.manual_seed(0)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    digits = torch.from_numpy(np.load(os.path.join(a.data, "digits.npy")).astype(np.float32))
    labels = torch.from_numpy(np.load(os.path.join(a.data, "labels.npy")).astype(np.int64))
    samples = np.load(a.samples).astype(np.float32)
    if samples.ndim != 4 or samples.shape[1:] != digits.shape[1:]:
        raise SystemExit(f"--samples has shape {list(samples.shape)}; expected [n, {', '.join(map(str, digits.shape[1:]))}]")
    samples = torch.from_numpy(np.clip(samples, 0, 1))
    order = torch.randperm(len(digits), generator=torch.Generator().manual_seed(0))
    cut = int(0.8 * len(digits))
    train, test = order[:cut], order[cut:]

    model = LeNet5()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(a.epochs):
        perm = train[torch.randperm(len(train))]
        for i in range(0, len(perm), 64):
            idx = perm[i:i + 64]
            loss = nn.functional.cross_entropy(model(digits[idx]), labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()

    logits_test = batched(model, digits[test], lambda m, x: m(x))
    accuracy = (logits_test.argmax(1) == labels[test]).float().mean().item()
    feats = lambda m, x: m.features(x)
    np.save(os.path.join(out, "features_real.npy"), batched(model, digits[test], feats).numpy().astype(np.float64))
    np.save(os.path.join(out, "features_train.npy"), batched(model, digits[train[:len(test)]], feats).numpy().astype(np.float64))
    np.save(os.path.join(out, "features_samples.npy"), batched(model, samples, feats).numpy().astype(np.float64))
    prob = torch.softmax(batched(model, samples, lambda m, x: m(x)), 1)
    top, cls = prob.max(1)
    print(json.dumps({
        "classifier_test_accuracy": round(accuracy, 4),
        "samples": len(samples),
        "recognisable_share": round((top >= 0.9).float().mean().item(), 4),
        "mean_top_probability": round(top.mean().item(), 4),
        "class_counts": torch.bincount(cls, minlength=10).tolist(),
    }))


if __name__ == "__main__":
    main()
