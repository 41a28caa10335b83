# LPIPS in PyTorch from torch.nn primitives, the `lpips` package's definition (version 0.1) rebuilt
# layer by layer: ScalingLayer, torchvision's VGG16 / AlexNet `features` sliced as lpips slices them
# (MaxPool2d, or AvgPool2d as piq's replace_pooling=True), normalize_tensor (x / (||x|| + 1e-10)), 1x1
# heads without bias, spatial mean, sum over taps. It reads the same safetensors file the Linea spec
# writes (widths from the file, so a reduced-width trunk loads) and the same .npy images, and prints
# per-pair distances in float32 and float64, the float64 features (global average of the last tap) and, where asked, the float64 gradient w.r.t. the first images.
# Run by spec/runtime/metrics/lpips_torch.spec.ts through spec/support/torch.ts (torch, np, d defined).
import os
import sys

import numpy as np
import torch
import torch.nn as nn

# The one safetensors reader of the Python references (run with -c from the repository root, so no __file__).
sys.path.insert(0, os.path.join(os.getcwd(), "bench"))
from network_torch import read_safetensors  # noqa: E402

# torchvision's features: (kind, kernel, stride, padding) per layer index; ReLUs follow every conv.
VGG16 = {
    "slices": [[0, 1, 2, 3], [4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15], [16, 17, 18, 19, 20, 21, 22], [23, 24, 25, 26, 27, 28, 29]],
    "pools": {4: (2, 2), 9: (2, 2), 16: (2, 2), 23: (2, 2)},
    "convs": {i: (3, 1, 1) for i in [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]},
}
ALEXNET = {
    "slices": [[0, 1], [2, 3, 4], [5, 6, 7], [8, 9], [10, 11]],
    "pools": {2: (3, 2), 5: (3, 2)},
    "convs": {0: (11, 4, 2), 3: (5, 1, 2), 6: (3, 1, 1), 8: (3, 1, 1), 10: (3, 1, 1)},
}


class Lpips(nn.Module):
    def __init__(self, w, arch, replace_pooling, dtype):
        super().__init__()
        self.register_buffer("shift", torch.tensor([-0.030, -0.088, -0.188], dtype=dtype)[None, :, None, None])
        self.register_buffer("scale", torch.tensor([0.458, 0.448, 0.450], dtype=dtype)[None, :, None, None])
        self.slices = nn.ModuleList()
        self.lins = nn.ModuleList()
        for k, indices in enumerate(arch["slices"]):
            layers = nn.Sequential()
            width = None
            for i in indices:
                if i in arch["pools"]:
                    kernel, stride = arch["pools"][i]
                    layers.add_module(str(i), nn.AvgPool2d(kernel, stride) if replace_pooling else nn.MaxPool2d(kernel, stride))
                elif i in arch["convs"]:
                    kernel, stride, padding = arch["convs"][i]
                    weight = torch.tensor(w[f"net.slice{k + 1}.{i}.weight"], dtype=dtype)
                    conv = nn.Conv2d(weight.shape[1], weight.shape[0], kernel, stride, padding).to(dtype)
                    conv.weight.data.copy_(weight)
                    conv.bias.data.copy_(torch.tensor(w[f"net.slice{k + 1}.{i}.bias"], dtype=dtype))
                    layers.add_module(str(i), conv)
                    width = weight.shape[0]
                else:
                    layers.add_module(str(i), nn.ReLU(inplace=False))
            self.slices.append(layers)
            lin = nn.Conv2d(width, 1, 1, 1, 0, bias=False).to(dtype)
            lin.weight.data.copy_(torch.tensor(w[f"lin{k}.model.1.weight"], dtype=dtype))
            self.lins.append(lin)

    def last_tap(self, a):
        h = (a - self.shift) / self.scale
        for layers in self.slices:
            h = layers(h)
        return h

    def forward(self, a, b):
        ha = (a - self.shift) / self.scale
        hb = (b - self.shift) / self.scale
        total = 0
        for layers, lin in zip(self.slices, self.lins):
            ha = layers(ha)
            hb = layers(hb)
            na = ha / (torch.sqrt(torch.sum(ha**2, dim=1, keepdim=True)) + 1e-10)
            nb = hb / (torch.sqrt(torch.sum(hb**2, dim=1, keepdim=True)) + 1e-10)
            total = total + lin((na - nb) ** 2).mean(dim=[2, 3], keepdim=True)
        return total[:, 0, 0, 0]


def run_case(case):
    w = read_safetensors(case["weights"])
    arch = VGG16 if case["net"] == "vgg16" else ALEXNET
    a = np.load(case["a"]).astype(np.float64)
    b = np.load(case["b"]).astype(np.float64)
    if case["range"] == "0,1":  # lpips' normalize=True: [0, 1] -> [-1, 1]
        a, b = 2 * a - 1, 2 * b - 1
    out = {}
    for name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
        model = Lpips(w, arch, case["replace_pooling"], dtype)
        ta = torch.tensor(a, dtype=dtype, requires_grad=case.get("grad", False))
        tb = torch.tensor(b, dtype=dtype)
        dist = model(ta, tb)
        out[name] = dist.detach().double().tolist()
        if dtype == torch.float64:  # the feature network of FID/KID: global average of the last tap
            out["features"] = model.last_tap(ta.detach()).mean(dim=[2, 3]).reshape(-1).tolist()
        if case.get("grad", False) and dtype == torch.float64:
            dist.sum().backward()
            g = ta.grad
            if case["range"] == "0,1":
                g = g * 2  # chain rule of the [0, 1] -> [-1, 1] map
            out["grad"] = g.reshape(-1).tolist()
    return out


with open(f"{d}/cases.json") as f:
    cases = json.load(f)
print(json.dumps([run_case(c) for c in cases]))
