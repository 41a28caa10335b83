"""PyTorch CPU reference for bench/network.ts: the same architecture (4 affine couplings, each the
reference's F-then-G pair with shift-then-scale and s = b*tanh(raw/b); reverse permutations), loaded
from the safetensors file that Linea wrote, through the renaming documented in docs/runtime.md
(Linea "layers.{k}" -> nn.Sequential index 2k; Linear weights are already [out, in] in the file).

Reads: --weights FILE.safetensors --x FILE.npy (input batch) --y FILE.npy (Linea's forward output).
Prints one JSON object: median ms of forward+inverse per thread count, and the max |difference|
between torch's forward and Linea's, and torch's own round-trip error.
--device cuda (bench/gpu/run.sh, next to Linea's webgpu run) times on the GPU instead: "ms_cuda",
with the device synchronised around each pass, plus "device" and "gpu"; the CPU output is unchanged.
"""
import argparse
import json
import struct
import time

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        out[name] = np.frombuffer(data[b:end], dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
    return out


class Conditioner(nn.Module):
    def __init__(self, d_in, d_out, hidden, depth):
        super().__init__()
        widths = [d_in] + [hidden] * depth + [d_out]
        layers = []
        for k in range(len(widths) - 1):
            layers.append(nn.Linear(widths[k], widths[k + 1]))
            if k < len(widths) - 2:
                layers.append(nn.ReLU())
        self.net = nn.Sequential(*layers)
        self.tag = nn.Linear(1, hidden if depth > 0 else d_out, bias=False)

    def forward(self, x, tag):
        first = self.net[0]
        h = nn.functional.linear(x, first.weight, first.bias + tag * self.tag.weight[:, 0])
        for layer in list(self.net)[1:]:
            h = layer(h)
        return h


class Coupling(nn.Module):
    def __init__(self, d, hidden, depth, bound):
        super().__init__()
        self.d1 = d // 2
        self.d2 = d - self.d1
        self.bound = bound
        self.f = Conditioner(self.d2, 2 * self.d1, hidden, depth)
        self.g = Conditioner(self.d1, 2 * self.d2, hidden, depth)

    def _st(self, net, x, n, tag):
        out = net(x, tag)
        return out[:, :n], self.bound * torch.tanh(out[:, n:] / self.bound)

    def forward(self, x, tag):
        x1, x2 = x[:, : self.d1], x[:, self.d1 :]
        t, s = self._st(self.f, x2, self.d1, tag)
        y1 = (x1 + t) * torch.exp(s)
        t, s = self._st(self.g, y1, self.d2, tag)
        y2 = (x2 + t) * torch.exp(s)
        return torch.cat([y1, y2], 1)

    def inverse(self, y, tag):
        y1, y2 = y[:, : self.d1], y[:, self.d1 :]
        t, s = self._st(self.g, y1, self.d2, tag)
        x2 = y2 * torch.exp(-s) - t
        t, s = self._st(self.f, x2, self.d1, tag)
        x1 = y1 * torch.exp(-s) - t
        return torch.cat([x1, x2], 1)


class Reverse(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.register_buffer("indices", torch.arange(d - 1, -1, -1))

    def forward(self, x, tag):
        return x[:, self.indices]

    def inverse(self, y, tag):
        inv = torch.empty_like(self.indices)
        inv[self.indices] = torch.arange(len(self.indices), device=self.indices.device)
        return y[:, inv]


class Net(nn.Module):
    def __init__(self, d, couplings, hidden, depth, bound):
        super().__init__()
        blocks = []
        for _ in range(couplings):
            blocks += [Coupling(d, hidden, depth, bound), Reverse(d)]
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x, tag):
        for b in self.blocks:
            x = b(x, tag)
        return x

    def inverse(self, y, tag):
        for b in reversed(self.blocks):
            y = b.inverse(y, tag)
        return y


def linea_to_torch(name):
    """Linea tensor name -> this module's state_dict name (docs/runtime.md)."""
    parts = name.split(".")
    if "layers" in parts:
        i = parts.index("layers")
        parts[i : i + 2] = ["net", str(2 * int(parts[i + 1]))]
    return ".".join(parts)


def load(a, device):
    """The network with Linea's weights, the input batch and Linea's forward output, on device."""
    net = Net(a.d, a.couplings, a.hidden, a.depth, a.bound).eval()
    tensors = read_safetensors(a.weights)
    state = {linea_to_torch(k): torch.from_numpy(v.copy()) for k, v in tensors.items()}
    state = {k: (v.long() if k.endswith("indices") else v) for k, v in state.items()}
    net.load_state_dict(state, strict=True)  # strict: every name must map
    x = torch.from_numpy(np.load(a.x))
    y_linea = torch.from_numpy(np.load(a.y))
    return net.to(device), x.to(device), y_linea.to(device)


def main_cuda(a):
    if not torch.cuda.is_available():
        print(json.dumps({"torch": torch.__version__, "device": "cuda", "error": "torch.cuda.is_available() is False"}))
        raise SystemExit(1)
    net, x, y_linea = load(a, "cuda")
    # TF32 would change the float32 matmul precision; Linea's webgpu kernels compute in float32.
    torch.backends.cuda.matmul.allow_tf32 = False
    result = {"torch": torch.__version__, "device": "cuda", "gpu": torch.cuda.get_device_name(0)}
    with torch.no_grad():
        y = net(x, a.tag)
        result["max_abs_diff_forward_vs_linea"] = float((y - y_linea).abs().max())
        result["max_abs_value"] = float(y.abs().max())
        result["torch_roundtrip_max_abs"] = float((net.inverse(y, a.tag) - x).abs().max())
        for _ in range(2):
            net.inverse(net(x, a.tag), a.tag)
        torch.cuda.synchronize()
        times = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            net.inverse(net(x, a.tag), a.tag)
            torch.cuda.synchronize()
            times.append((time.perf_counter() - t0) * 1000)
        result["ms_cuda"] = float(np.median(times))
    print(json.dumps(result))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", required=True)
    p.add_argument("--x", required=True)
    p.add_argument("--y", required=True)
    p.add_argument("--d", type=int, default=784)
    p.add_argument("--couplings", type=int, default=4)
    p.add_argument("--hidden", type=int, default=512)
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--bound", type=float, default=2.0)
    p.add_argument("--tag", type=float, default=1.0)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    a = p.parse_args()
    if a.device == "cuda":
        main_cuda(a)
        return

    net, x, y_linea = load(a, "cpu")
    result = {"torch": torch.__version__, "blas": [l.strip() for l in torch.__config__.show().splitlines() if "BLAS" in l][:1]}
    with torch.no_grad():
        y = net(x, a.tag)
        result["max_abs_diff_forward_vs_linea"] = float((y - y_linea).abs().max())
        result["max_abs_value"] = float(y.abs().max())
        result["torch_roundtrip_max_abs"] = float((net.inverse(y, a.tag) - x).abs().max())
        for threads in [int(t) for t in a.threads.split(",")]:
            torch.set_num_threads(threads)
            for _ in range(2):
                net.inverse(net(x, a.tag), a.tag)
            times = []
            for _ in range(a.runs):
                t0 = time.perf_counter()
                net.inverse(net(x, a.tag), a.tag)
                times.append((time.perf_counter() - t0) * 1000)
            result[f"ms_threads_{threads}"] = float(np.median(times))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
