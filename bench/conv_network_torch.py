"""PyTorch CPU reference for bench/conv_network.ts: the reference's g (paper-notes §2.2) as its code writes
it, Squeeze2x2 → [ActNorm2d → F, G couplings (shift-then-scale, clamp ±5) with SongUNet conditioners →
Inv1x1Conv] × 4 → un-squeeze, loaded from the safetensors file Linea wrote. The rename map Linea → torch:
  blocks.{3k+1}.bias / .log_scale       → ActNorm2d's per-channel b, s (Linea keeps [C])
  blocks.{3k+2}.f.* / .g.*              → the two SongUNets' state_dicts, names unchanged
  blocks.{3k+3}.weight                  → Inv1x1Conv's W [C, C] (viewed [C, C, 1, 1])
The UNet is the one the conditioner parity spec checks (spec/runtime/network/conv/unet_torch.py).

Reads --weights FILE --x FILE.npy (input batch) --y FILE.npy (Linea's forward output) --config JSON.
Prints one JSON object: median ms of forward+inverse and of one training step (forward, mse to a fixed
target, backward, Adam step) per thread count, the max |torch − Linea| of the forward, torch's round trip.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "spec", "runtime", "network", "conv"))
from network_torch import read_safetensors  # noqa: E402
from unet_torch import UNet  # noqa: E402


def squeeze(x):
    b, c, h, w = x.shape
    return x.reshape(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(b, 4 * c, h // 2, w // 2)


def unsqueeze(y):
    b, c4, h2, w2 = y.shape
    c = c4 // 4
    return y.reshape(b, c, 2, 2, h2, w2).permute(0, 1, 4, 2, 5, 3).reshape(b, c, 2 * h2, 2 * w2)


class InvUnetBlock(nn.Module):
    def __init__(self, c, h, w, cfg):
        super().__init__()
        self.b = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.s = nn.Parameter(torch.zeros(1, c, 1, 1))
        unet = lambda: UNet({**cfg, "in": c // 2, "out": c, "height": h, "width": w, "tagged": True})
        self.f, self.g = unet(), unet()
        self.W = nn.Parameter(torch.eye(c))
        self.bound = 5.0

    def shift_logs(self, net, cond, tag):
        shift, raw = net(cond, tag).chunk(2, dim=1)
        return shift, torch.clamp(raw, -self.bound, self.bound)

    def forward(self, x, tag):
        x = (x + self.b) * torch.exp(self.s)
        x1, x2 = x.chunk(2, dim=1)
        t, s = self.shift_logs(self.f, x2, tag)
        y1 = (x1 + t) * torch.exp(s)
        t, s = self.shift_logs(self.g, y1, tag)
        y2 = (x2 + t) * torch.exp(s)
        c = self.W.shape[0]
        return F.conv2d(torch.cat([y1, y2], dim=1), self.W.view(c, c, 1, 1))

    def inverse(self, y, tag):
        c = self.W.shape[0]
        y = F.conv2d(y, torch.linalg.inv(self.W).view(c, c, 1, 1))  # as the reference: inv on every call
        y1, y2 = y.chunk(2, dim=1)
        t, s = self.shift_logs(self.g, y1, tag)
        x2 = y2 * torch.exp(-s) - t
        t, s = self.shift_logs(self.f, x2, tag)
        x1 = y1 * torch.exp(-s) - t
        return torch.cat([x1, x2], dim=1) * torch.exp(-self.s) - self.b


class InverseUnet(nn.Module):
    def __init__(self, shape, cfg, blocks):
        super().__init__()
        c, h, w = shape
        self.blocks = nn.ModuleList([InvUnetBlock(4 * c, h // 2, w // 2, cfg) for _ in range(blocks)])

    def forward(self, x, tag):
        h = squeeze(x)
        for b in self.blocks:
            h = b(h, tag)
        return unsqueeze(h)

    def inverse(self, y, tag):
        h = squeeze(y)
        for b in reversed(self.blocks):
            h = b.inverse(h, tag)
        return unsqueeze(h)

    def load_linea(self, tensors):
        state = {}
        for k, b in enumerate(self.blocks):
            a, cpl, inv = 3 * k + 1, 3 * k + 2, 3 * k + 3
            c = b.W.shape[0]
            state[f"blocks.{k}.b"] = tensors[f"blocks.{a}.bias"].reshape(1, c, 1, 1)
            state[f"blocks.{k}.s"] = tensors[f"blocks.{a}.log_scale"].reshape(1, c, 1, 1)
            state[f"blocks.{k}.W"] = tensors[f"blocks.{inv}.weight"]
            for side in ("f", "g"):
                prefix = f"blocks.{cpl}.{side}."
                for name, v in tensors.items():
                    if name.startswith(prefix):
                        state[f"blocks.{k}.{side}.{name[len(prefix):]}"] = v
        self.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()}, strict=True)


def median_ms(fn, runs, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", required=True)
    p.add_argument("--x", required=True)
    p.add_argument("--y", required=True)
    p.add_argument("--config", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--tag", type=int, default=1)
    p.add_argument("--train-batch", type=int, default=0, help="rows of the training step (0: all)")
    a = p.parse_args()
    cfg = json.loads(a.config)
    x = torch.from_numpy(np.load(a.x))
    y_linea = np.load(a.y)
    net = InverseUnet(cfg["shape"], cfg["unet"], cfg["blocks"])
    net.load_linea(read_safetensors(a.weights))
    net.eval()  # dropout off, as Linea's evaluation mode: forward and inverse agree
    out = {}
    with torch.no_grad():
        y = net(x, a.tag)
        back = net.inverse(y, a.tag)
    out["max_abs_diff_forward_vs_linea"] = float(np.max(np.abs(y.numpy() - y_linea)))
    out["torch_roundtrip_max_abs"] = float((back - x).abs().max())
    xs = x[: a.train_batch] if a.train_batch > 0 else x
    target = torch.zeros_like(xs)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        with torch.no_grad():
            out[f"ms_threads_{threads}"] = median_ms(lambda: net.inverse(net(x, a.tag), a.tag), a.runs)
        net.train()
        opt = torch.optim.Adam(net.parameters(), lr=1e-4)

        def step():
            opt.zero_grad()
            loss = F.mse_loss(net(xs, a.tag), target)
            loss.backward()
            opt.step()

        out[f"train_ms_threads_{threads}"] = median_ms(step, a.runs)
        net.eval()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
