"""PyTorch re-implementation of Linea's convolutional conditioners (src/runtime/network/conv/), from torch.nn
primitives, with the module names of EDM's SongUNet so that Linea's safetensors file loads with
load_state_dict(strict=True): a missing, extra or mis-shaped parameter fails the load.

Reads d/weights_{kind}.safetensors (parameters, Linear weights [out, in]) and d/inputs_{kind}.safetensors
(x [B, C, H, W], r the cotangent), d/config.json. For each kind and tag prints out(x) flattened, the gradient
of sum(out * r) for every parameter and x, and two controls: the output with the embedding's sin/cos halves
left unswapped and with q, k, v taken as contiguous channel blocks instead of interleaved.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "bench"))
from network_torch import read_safetensors  # noqa: E402

ACT = {"silu": F.silu, "relu": F.relu, "tanh": torch.tanh, "gelu": F.gelu, "leaky_relu": lambda x: F.leaky_relu(x, 0.01)}
CONTROL = {"unswapped": False, "qkv_blocks": False}


def group_norm(c):
    return nn.GroupNorm(min(32, c // 4), c, eps=1e-6)


class Block(nn.Module):
    def __init__(self, cin, cout, emb, resample, attention, act, skip_scale):
        super().__init__()
        self.resample, self.act, self.skip_scale = resample, ACT[act], skip_scale
        self.norm0 = group_norm(cin)
        self.conv0 = nn.Conv2d(cin, cout, 3, padding=1)
        self.affine = nn.Linear(emb, cout) if emb else None
        self.norm1 = group_norm(cout)
        self.conv1 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout or resample != "none" else None
        self.attention = attention
        if attention:
            self.norm2 = group_norm(cout)
            self.qkv = nn.Conv2d(cout, 3 * cout, 1)
            self.proj = nn.Conv2d(cout, cout, 1)

    def res(self, x):
        if self.resample == "down":
            return F.avg_pool2d(x, 2)
        if self.resample == "up":
            return F.interpolate(x, scale_factor=2, mode="nearest")
        return x

    def forward(self, x, emb):
        h = self.conv0(self.res(self.act(self.norm0(x))))
        if self.affine is not None:
            h = h + self.affine(emb)[:, :, None, None]
        h = self.conv1(self.act(self.norm1(h)))
        skip = x if self.skip is None else self.skip(self.res(x))
        x = (h + skip) * self.skip_scale
        if self.attention:
            n, c, hh, ww = x.shape
            qkv = self.qkv(self.norm2(x))
            if CONTROL["qkv_blocks"]:
                q, k, v = qkv.reshape(n, 3, c, -1).unbind(1)
            else:
                q, k, v = qkv.reshape(n, c, 3, -1).unbind(2)  # SongUNet: channel 3c + j
            w = torch.einsum("ncq,nck->nqk", q, k / math.sqrt(c)).softmax(dim=2)
            a = torch.einsum("nqk,nck->ncq", w, v)
            x = (self.proj(a.reshape(n, c, hh, ww)) + x) * self.skip_scale
        return x


def embedding(tag, channels, batch):
    half = channels // 2
    freqs = torch.arange(0, half, dtype=torch.float32) / (half - 1)  # endpoint=True
    freqs = (1 / 10000) ** freqs
    x = torch.full([batch], float(tag)).ger(freqs)
    e = torch.cat([x.cos(), x.sin()], dim=1)
    if not CONTROL["unswapped"]:
        e = e.reshape(batch, 2, -1).flip(1).reshape(batch, -1)  # SongUNet swaps to [sin | cos]
    return e


class Mapping(nn.Module):
    def __init__(self, embed, act):
        super().__init__()
        self.embed, self.act = embed, ACT[act]
        self.map_layer0 = nn.Linear(embed, 4 * embed)
        self.map_layer1 = nn.Linear(4 * embed, 4 * embed)

    def emb(self, tag, batch):
        return self.act(self.map_layer1(self.act(self.map_layer0(embedding(tag, self.embed, batch)))))


class UNet(Mapping):
    def __init__(self, cfg):
        super().__init__(cfg["embed"], cfg["activation"])
        c, L, nb, h, w = cfg["channels"], cfg["levels"], cfg["blocks"], cfg["height"], cfg["width"]
        emb = 4 * cfg["embed"] if cfg["tagged"] else 0
        if not cfg["tagged"]:
            del self.map_layer0, self.map_layer1
        self.tagged = cfg["tagged"]
        r = lambda l: f"{h >> l}x{w >> l}"
        attn = lambda l: cfg["attention"] != 0 and (h >> l) == cfg["attention"]
        mk = lambda cin, res, a: Block(cin, c, emb, res, a, cfg["activation"], math.sqrt(0.5))
        self.enc = nn.ModuleDict()
        self.enc[f"{r(0)}_conv"] = nn.Conv2d(cfg["in"], c, 3, padding=1)
        for l in range(L):
            if l > 0:
                self.enc[f"{r(l)}_down"] = mk(c, "down", False)
            for i in range(nb):
                self.enc[f"{r(l)}_block{i}"] = mk(c, "none", attn(l))
        self.dec = nn.ModuleDict()
        for l in reversed(range(L)):
            if l == L - 1:
                self.dec[f"{r(l)}_in0"] = mk(c, "none", True)
                self.dec[f"{r(l)}_in1"] = mk(c, "none", False)
            else:
                self.dec[f"{r(l)}_up"] = mk(c, "up", False)
            for i in range(nb + 1):
                self.dec[f"{r(l)}_block{i}"] = mk(2 * c, "none", i == nb and attn(l))
        self.dec[f"{r(0)}_aux_norm"] = group_norm(c)
        self.dec[f"{r(0)}_aux_conv"] = nn.Conv2d(c, cfg["out"], 3, padding=1)
        self.activation = ACT[cfg["activation"]]

    def forward(self, x, tag):
        emb = self.emb(tag, x.shape[0]) if self.tagged else None
        skips = []
        for name, m in self.enc.items():
            x = m(x) if name.endswith("_conv") else m(x, emb)
            skips.append(x)
        for name, m in self.dec.items():
            if name.endswith("aux_norm"):
                x = m(x)
            elif name.endswith("aux_conv"):
                x = m(self.activation(x))
            else:
                if x.shape[1] != m.norm0.num_channels:
                    x = torch.cat([x, skips.pop()], dim=1)
                x = m(x, emb)
        return x


class ResNet(Mapping):
    def __init__(self, cfg):
        super().__init__(cfg["embed"], cfg["activation"])
        c = cfg["channels"]
        emb = 4 * cfg["embed"] if cfg["tagged"] else 0
        if not cfg["tagged"]:
            del self.map_layer0, self.map_layer1
        self.tagged = cfg["tagged"]
        self.conv_in = nn.Conv2d(cfg["in"], c, 3, padding=1)
        self.blocks = nn.ModuleList([Block(c, c, emb, "none", False, cfg["activation"], 1.0) for _ in range(cfg["blocks"])])
        self.norm_out = group_norm(c)
        self.conv_out = nn.Conv2d(c, cfg["out"], 3, padding=1)
        self.activation = ACT[cfg["activation"]]

    def forward(self, x, tag):
        emb = self.emb(tag, x.shape[0]) if self.tagged else None
        h = self.conv_in(x)
        for b in self.blocks:
            h = b(h, emb)
        return self.conv_out(self.activation(self.norm_out(h)))


def run(d, kind, cfg):
    model = (UNet if cfg["arch"] == "unet" else ResNet)(cfg)
    weights = {k: torch.from_numpy(v.copy()) for k, v in read_safetensors(os.path.join(d, f"weights_{kind}.safetensors")).items()}
    model.load_state_dict(weights, strict=True)
    inputs = read_safetensors(os.path.join(d, f"inputs_{kind}.safetensors"))
    out = {}
    for tag in cfg["tags"]:
        x = torch.from_numpy(inputs["x"].copy()).requires_grad_(True)
        r = torch.from_numpy(inputs["r"].copy())
        model.zero_grad()
        y = model(x, tag)
        (y * r).sum().backward()
        grads = {name: p.grad.flatten().tolist() for name, p in model.named_parameters()}
        grads["x"] = x.grad.flatten().tolist()
        controls = {}
        with torch.no_grad():
            for c in CONTROL:
                CONTROL[c] = True
                controls[c] = model(x, tag).flatten().tolist()
                CONTROL[c] = False
        key = "null" if tag is None else str(tag)  # as JavaScript's String(tag)
        out[key] = {"y": y.detach().flatten().tolist(), "grads": grads, "controls": controls}
    return out


if __name__ == "__main__":
    torch.set_num_threads(1)
    d = sys.argv[1]
    with open(os.path.join(d, "config.json")) as f:
        configs = json.load(f)
    print(json.dumps({kind: run(d, kind, cfg) for kind, cfg in configs.items()}))
