"""Linea's blocks, operators and Linearizer maps in plain PyTorch (written by `linea export --format torch`).

This file is the same in every exported package; model.py (generated) builds the spec's networks from it.
Everything here mirrors src/runtime/network and src/runtime/operator of Linea one to one, so that:
  - a module's state_dict names are exactly the names of Linea's safetensors files ("blocks.3.f.layers.0.weight",
    Linear weights [out, in]; permutations, LU signs and ActNorm's flag as int32 buffers), and a file written by
    either side loads in the other with no renaming (load_state_dict(strict=True) here, --weights in Linea);
  - the same weights and inputs give the same outputs, forward and inverse, within float32 rounding.
Tensors are batched [batch, *shape], channels first ([C, H, W]), float32. No Linea code is needed at run time.
"""
import json
import math
import os
import struct
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ---------------------------------------------------------------------------------------------------------------
# safetensors: the format's reader and writer (the `safetensors` package is not needed). Header: 8-byte
# little-endian length, then JSON {name: {dtype, shape, data_offsets}} padded with spaces to 8 bytes; tensors
# sorted by name, contiguous, little-endian.

_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I32": np.int32, "I64": np.int64, "U8": np.uint8}
_NAMES = {np.dtype(v): k for k, v in _DTYPES.items()}


def read_safetensors(path):
    """Returns ({name: torch tensor}, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    metadata = header.pop("__metadata__", {}) or {}
    data = memoryview(raw)[8 + n :]
    out = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        arr = np.frombuffer(data[begin:end], dtype=_DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, metadata


def encode_safetensors(tensors, metadata=None):
    """The bytes of a safetensors file holding `tensors` ({name: tensor or array}) and string metadata."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        arr = t.detach().cpu().contiguous().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
        arr = np.array(arr, dtype=arr.dtype.newbyteorder("<"), order="C")  # not ascontiguousarray: it makes a 0-d array 1-d
        b = arr.tobytes()
        header[name] = {"dtype": _NAMES[arr.dtype.newbyteorder("=")], "shape": list(arr.shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf8")
    text += b" " * (-len(text) % 8)
    return b"".join([struct.pack("<Q", len(text)), text] + chunks)


def write_safetensors(path, tensors, metadata=None):
    """Writes a safetensors file atomically: a temp file in the same folder, flushed, then renamed over `path`."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(encode_safetensors(tensors, metadata))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def state_tensors(module):
    """A module's state_dict as Linea writes it: parameters float32, integer buffers int32."""
    out = {}
    for name, t in module.state_dict().items():
        t = t.detach().cpu()
        out[name] = t.to(torch.int32) if not t.is_floating_point() else t.to(torch.float32)
    return out


def load_tensors(module, tensors):
    """Loads {name: tensor} into `module` with strict=True, casting each to the dtype of the module's tensor."""
    own = module.state_dict()
    module.load_state_dict({k: v.to(own[k].dtype) if k in own else v for k, v in tensors.items()}, strict=True)


# ---------------------------------------------------------------------------------------------------------------
# Blocks. featureLayout: the channel axis C of [C, ...] at every position, or every feature of a flat [D].

def feature_layout(shape):
    if len(shape) <= 1:
        return (shape[0] if shape else 1), 1
    return shape[0], int(np.prod(shape[1:]))


def _rows(x, c, p):
    """[B, C, ...] → [B·P, C]: one row per position, the channels along it."""
    return x.reshape(x.shape[0], c, p).transpose(1, 2).reshape(-1, c)


def _from_rows(r, shape, c, p):
    return r.reshape(shape[0], p, c).transpose(1, 2).reshape(shape)


ACTIVATIONS = {
    "relu": F.relu,
    "tanh": torch.tanh,
    "gelu": F.gelu,  # exact (erf) GELU, as Linea's
    "silu": F.silu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.01),  # PyTorch's slope, as Linea's
}


class ActNorm(nn.Module):
    """y = (x + bias)·exp(log_scale) per channel (Glow); initialised once from data, the flag saved."""

    def __init__(self, shape):
        super().__init__()
        self.channels, self.positions = feature_layout(shape)
        self.bias = nn.Parameter(torch.zeros(self.channels))
        self.log_scale = nn.Parameter(torch.zeros(self.channels))
        self.register_buffer("initialized", torch.tensor(0, dtype=torch.int32))

    def _check(self):
        if int(self.initialized) != 1:
            raise RuntimeError("ActNorm is not initialised: call initialize(x) on a first batch (or load saved weights)")

    @torch.no_grad()
    def initialize(self, x, tag=None):
        r = x.reshape(x.shape[0], self.channels, self.positions).transpose(0, 1).reshape(self.channels, -1)
        self.bias.copy_(-r.mean(1))
        self.log_scale.copy_(-torch.log(r.std(1, unbiased=True) + 1e-6))
        self.initialized.fill_(1)

    def forward(self, x, tag=None):
        self._check()
        r = x.reshape(x.shape[0], self.channels, self.positions)
        return ((r + self.bias[None, :, None]) * torch.exp(self.log_scale)[None, :, None]).reshape(x.shape)

    def inverse(self, y, tag=None):
        self._check()
        r = y.reshape(y.shape[0], self.channels, self.positions)
        return (r * torch.exp(-self.log_scale)[None, :, None] - self.bias[None, :, None]).reshape(y.shape)

    def log_det(self, x):
        return self.log_scale.sum().expand(x.shape[0]) * self.positions


class Permute(nn.Module):
    """y[:, i] = x[:, indices[i]] on the feature axis; the indices (reverse or seeded) come from the weights file."""

    def __init__(self, shape):
        super().__init__()
        self.channels, self.positions = feature_layout(shape)
        self.register_buffer("indices", torch.arange(self.channels - 1, -1, -1, dtype=torch.int32))

    def forward(self, x, tag=None):
        return x.reshape(x.shape[0], self.channels, self.positions)[:, self.indices.long()].reshape(x.shape)

    def inverse(self, y, tag=None):
        return y.reshape(y.shape[0], self.channels, self.positions)[:, torch.argsort(self.indices.long())].reshape(y.shape)

    def log_det(self, x):
        return x.new_zeros(x.shape[0])


class InvDenseLU(nn.Module):
    """W = P·L·(U + diag(sign·exp(log_scale))) over the channels (Glow's LU 1×1 conv); inverse by two triangular solves."""

    def __init__(self, shape):
        super().__init__()
        c, self.positions = feature_layout(shape)
        self.channels = c
        self.lower = nn.Parameter(torch.zeros(c, c))
        self.upper = nn.Parameter(torch.zeros(c, c))
        self.log_scale = nn.Parameter(torch.zeros(c))
        self.register_buffer("perm", torch.arange(c, dtype=torch.int32))
        self.register_buffer("sign", torch.ones(c, dtype=torch.int32))

    def factors(self):
        c = self.channels
        eye = torch.eye(c, dtype=self.lower.dtype, device=self.lower.device)
        l = torch.tril(self.lower, -1) + eye
        u = torch.triu(self.upper, 1) + torch.diag(self.sign.to(self.lower.dtype) * torch.exp(self.log_scale))
        return l, u

    def forward(self, x, tag=None):
        l, u = self.factors()
        v = _rows(x, self.channels, self.positions) @ u.T @ l.T
        # P moves column k to column perm[k]: y[:, perm[k]] = v[:, k].
        return _from_rows(v[:, torch.argsort(self.perm.long())], x.shape, self.channels, self.positions)

    def inverse(self, y, tag=None):
        l, u = self.factors()
        z = _rows(y, self.channels, self.positions)[:, self.perm.long()]
        w = torch.linalg.solve_triangular(l.T, z, upper=True, left=False, unitriangular=True)  # X·Lᵀ = Z
        x = torch.linalg.solve_triangular(u.T, w, upper=False, left=False)  # X·Uᵀ = W
        return _from_rows(x, y.shape, self.channels, self.positions)

    def log_det(self, x):
        return self.log_scale.sum().expand(x.shape[0]) * self.positions


class InvDenseMatrix(nn.Module):
    """The reference's Inv1x1Conv: y = W·x over the channels, W [C_out, C_in] stored as is, inverted in float64."""

    def __init__(self, shape):
        super().__init__()
        c, self.positions = feature_layout(shape)
        self.channels = c
        self.weight = nn.Parameter(torch.eye(c))

    def forward(self, x, tag=None):
        return _from_rows(_rows(x, self.channels, self.positions) @ self.weight.T, x.shape, self.channels, self.positions)

    def inverse(self, y, tag=None):
        inv = torch.linalg.inv(self.weight.double()).to(self.weight.dtype)
        return _from_rows(_rows(y, self.channels, self.positions) @ inv.T, y.shape, self.channels, self.positions)

    def log_det(self, x):
        return torch.linalg.slogdet(self.weight.double())[1].to(x.dtype).expand(x.shape[0]) * self.positions


class Squeeze(nn.Module):
    """[C, H, W] → [4C, H/2, W/2], new channel c·4 + 2·i + j (the reference's Squeeze2x2 order)."""

    def __init__(self, shape):
        super().__init__()
        self.c, self.h, self.w = shape

    def forward(self, x, tag=None):
        c, h, w = self.c, self.h, self.w
        b = x.shape[0]
        return x.reshape(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(b, 4 * c, h // 2, w // 2)

    def inverse(self, y, tag=None):
        c, h, w = self.c, self.h, self.w
        b = y.shape[0]
        return y.reshape(b, c, 2, 2, h // 2, w // 2).permute(0, 1, 4, 2, 5, 3).reshape(b, c, h, w)

    def log_det(self, x):
        return x.new_zeros(x.shape[0])


class Unsqueeze(nn.Module):
    """The inverse of Squeeze: [4C, H, W] → [C, 2H, 2W]."""

    def __init__(self, shape):
        super().__init__()
        c4, h, w = shape
        self._squeeze = Squeeze([c4 // 4, 2 * h, 2 * w])

    def forward(self, x, tag=None):
        return self._squeeze.inverse(x)

    def inverse(self, y, tag=None):
        return self._squeeze.forward(y)

    def log_det(self, x):
        return x.new_zeros(x.shape[0])


# ---------------------------------------------------------------------------------------------------------------
# Conditioners: the MLP, and the convolutional resnet / unet (EDM's SongUNet names, src/runtime/network/conv).

class Mlp(nn.Module):
    """Linear layers `layers.{k}` (weights [out, in]), the activation between; a tag adds tag·tag.weight to the first bias."""

    def __init__(self, inputs, outputs, hidden, depth, activation, tagged):
        super().__init__()
        widths = [inputs] + [hidden] * depth + [outputs]
        self.inputs = inputs
        self.layers = nn.ModuleList([nn.Linear(widths[k], widths[k + 1]) for k in range(len(widths) - 1)])
        self.tag = nn.Linear(1, widths[1], bias=False) if tagged else None
        self.act = ACTIVATIONS[activation]

    def forward(self, x, tag=None):
        h = x.reshape(x.shape[0], self.inputs)
        n = len(self.layers)
        for k, layer in enumerate(self.layers):
            bias = layer.bias
            if k == 0 and self.tag is not None and tag:
                bias = bias + float(tag) * self.tag.weight[:, 0]
            h = F.linear(h, layer.weight, bias)
            if k < n - 1:
                h = self.act(h)
        return h


def _group_norm(c):
    return nn.GroupNorm(min(32, c // 4), c, eps=1e-6)


class UNetBlock(nn.Module):
    """SongUNet's UNetBlock (adaptive_scale = False): conv0(resample(act(norm0 x))) + affine(emb), conv1(dropout(act(norm1 h))), skip."""

    def __init__(self, cin, cout, emb, resample, attention, act, skip_scale, dropout):
        super().__init__()
        self.resample, self.act, self.skip_scale = resample, ACTIVATIONS[act], skip_scale
        self.norm0 = _group_norm(cin)
        self.conv0 = nn.Conv2d(cin, cout, 3, padding=1)
        self.affine = nn.Linear(emb, cout) if emb else None
        self.norm1 = _group_norm(cout)
        self.dropout = nn.Dropout(dropout)
        self.conv1 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout or resample != "none" else None
        self.attention = attention
        if attention:
            self.norm2 = _group_norm(cout)
            self.qkv = nn.Conv2d(cout, 3 * cout, 1)
            self.proj = nn.Conv2d(cout, cout, 1)

    def _res(self, x):
        if self.resample == "down":
            return F.avg_pool2d(x, 2)
        if self.resample == "up":
            return F.interpolate(x, scale_factor=2, mode="nearest")
        return x

    def forward(self, x, emb):
        h = self.conv0(self._res(self.act(self.norm0(x))))
        if self.affine is not None:
            h = h + self.affine(emb)[:, :, None, None]
        h = self.conv1(self.dropout(self.act(self.norm1(h))))
        skip = x if self.skip is None else self.skip(self._res(x))
        x = (h + skip) * self.skip_scale
        if self.attention:
            n, c, hh, ww = x.shape
            q, k, v = self.qkv(self.norm2(x)).reshape(n, c, 3, -1).unbind(2)  # SongUNet: channel 3c + j
            w = torch.einsum("ncq,nck->nqk", q, k / math.sqrt(c)).softmax(dim=2)
            a = torch.einsum("nqk,nck->ncq", w, v)
            x = (self.proj(a.reshape(n, c, hh, ww)) + x) * self.skip_scale
        return x


def tag_embedding(tag, channels, batch, like):
    """EDM's PositionalEmbedding (endpoint=True), halves swapped to [sin | cos] as SongUNet does."""
    half = channels // 2
    freqs = (1 / 10000) ** (torch.arange(0, half, dtype=like.dtype, device=like.device) / (half - 1))
    x = torch.full([batch], float(tag), dtype=like.dtype, device=like.device).ger(freqs)
    return torch.cat([x.sin(), x.cos()], dim=1)


class _Embedded(nn.Module):
    def _setup_embedding(self, embed, act, tagged):
        self.embed, self.tagged = embed, tagged
        if tagged:
            self.map_layer0 = nn.Linear(embed, 4 * embed)
            self.map_layer1 = nn.Linear(4 * embed, 4 * embed)

    def _emb(self, x, tag):
        if not self.tagged:
            return None
        e = tag_embedding(tag, self.embed, x.shape[0], x)
        return self.activation(self.map_layer1(self.activation(self.map_layer0(e))))


class UNet(_Embedded):
    """SongUNet-style conditioner: `levels` resolutions with skips, attention at `attention`, output aux_norm/aux_conv."""

    def __init__(self, cin, cout, height, width, channels=16, levels=2, blocks=2, attention=16, dropout=0.1, embed=16, activation="silu", tagged=False):
        super().__init__()
        self.activation = ACTIVATIONS[activation]
        self._setup_embedding(embed, activation, tagged)
        c, h, w = channels, height, width
        emb = 4 * embed if tagged else 0
        r = lambda l: f"{h >> l}x{w >> l}"
        attn = lambda l: attention != 0 and (h >> l) == attention
        mk = lambda ci, res, a: UNetBlock(ci, c, emb, res, a, activation, math.sqrt(0.5), dropout)
        self.enc = nn.ModuleDict()
        self.enc[f"{r(0)}_conv"] = nn.Conv2d(cin, c, 3, padding=1)
        for l in range(levels):
            if l > 0:
                self.enc[f"{r(l)}_down"] = mk(c, "down", False)
            for i in range(blocks):
                self.enc[f"{r(l)}_block{i}"] = mk(c, "none", attn(l))
        self.dec = nn.ModuleDict()
        for l in reversed(range(levels)):
            if l == levels - 1:
                self.dec[f"{r(l)}_in0"] = mk(c, "none", True)
                self.dec[f"{r(l)}_in1"] = mk(c, "none", False)
            else:
                self.dec[f"{r(l)}_up"] = mk(c, "up", False)
            for i in range(blocks + 1):
                self.dec[f"{r(l)}_block{i}"] = mk(2 * c, "none", i == blocks and attn(l))
        self.dec[f"{r(0)}_aux_norm"] = _group_norm(c)
        self.dec[f"{r(0)}_aux_conv"] = nn.Conv2d(c, cout, 3, padding=1)

    def forward(self, x, tag=None):
        emb = self._emb(x, tag)
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


class ResNet(_Embedded):
    """conv_in, `blocks` residual blocks (skip scale 1), norm_out, act, conv_out."""

    def __init__(self, cin, cout, height, width, channels=32, blocks=2, dropout=0.0, activation="silu", tagged=False, embed=16):
        super().__init__()
        self.activation = ACTIVATIONS[activation]
        self._setup_embedding(embed, activation, tagged)
        emb = 4 * embed if tagged else 0
        self.conv_in = nn.Conv2d(cin, channels, 3, padding=1)
        self.blocks = nn.ModuleList([UNetBlock(channels, channels, emb, "none", False, activation, 1.0, dropout) for _ in range(blocks)])
        self.norm_out = _group_norm(channels)
        self.conv_out = nn.Conv2d(channels, cout, 3, padding=1)

    def forward(self, x, tag=None):
        emb = self._emb(x, tag)
        h = self.conv_in(x)
        for b in self.blocks:
            h = b(h, emb)
        return self.conv_out(self.activation(self.norm_out(h)))


# ---------------------------------------------------------------------------------------------------------------
# Couplings: F then G, each shift-then-scale (the reference's InvUnetBlock):
#   y1 = (x1 + t_F(x2))·exp(s_F(x2)),  y2 = (x2 + t_G(y1))·exp(s_G(y1)),  s = bound(raw).

def _checkerboard(shape):
    c, h, w = shape
    ij = (torch.arange(h)[:, None] + torch.arange(w)[None, :]) % 2 == 0
    return ij.to(torch.float32).expand(c, h, w).reshape(1, -1)


class Coupling(nn.Module):
    """An affine (scale = "tanh" | "clamp") or additive (scale = None) coupling with an MLP or conv conditioner."""

    def __init__(self, shape, *, scale, scale_bound=None, mask="channel", tagged=False, hidden=256, depth=2, activation="relu", conditioner=None):
        super().__init__()
        self.shape = list(shape)
        self.scale, self.bound, self.mask = scale, scale_bound, mask
        d = int(np.prod(shape))
        self.d1, self.d2 = d // 2, d - d // 2
        factor = 1 if scale is None else 2
        conv = conditioner is not None
        if mask == "checkerboard":
            c, h, w = shape
            f_io = g_io = (list(shape), [factor * c, h, w] if conv else [factor * d])
            self.register_buffer("_mask", _checkerboard(shape), persistent=False)
        elif conv:
            c, h, w = shape
            f_io = g_io = ([c // 2, h, w], [factor * (c // 2), h, w])
        else:
            f_io, g_io = ([self.d2], [factor * self.d1]), ([self.d1], [factor * self.d2])

        def build(io):
            (cin, cout) = io
            if not conv:
                return Mlp(int(np.prod(cin)), int(np.prod(cout)), hidden, depth, activation, tagged)
            kind, args = conditioner
            cls = UNet if kind == "unet" else ResNet
            return cls(cin[0], cout[0], cin[1], cin[2], tagged=tagged, **args)

        self.f_in = f_io[0]
        self.g_in = g_io[0]
        self.f = build(f_io)
        self.g = build(g_io)

    def _bound(self, raw):
        if self.scale == "clamp":
            return torch.clamp(raw, -self.bound, self.bound)
        return self.bound * torch.tanh(raw / self.bound)

    def _condition(self, net, shape_in, inp, size, tag):
        b = inp.shape[0]
        out = net(inp.reshape(b, *shape_in), tag).reshape(b, -1)
        if self.scale is None:
            return out, None
        return out[:, :size], self._bound(out[:, size : 2 * size])

    def _run(self, x, tag):
        b = x.shape[0]
        flat = x.reshape(b, -1)
        if self.mask == "checkerboard":
            a = self._mask
            m = 1 - a
            d = self.d1 + self.d2
            t_f, s_f = self._condition(self.f, self.f_in, flat * m, d, tag)
            y = _step(flat, m, a, t_f, s_f)
            t_g, s_g = self._condition(self.g, self.g_in, y * a, d, tag)
            z = _step(y, a, m, t_g, s_g)
            log_det = x.new_zeros(b) if s_f is None else (s_f * a).sum(1) + (s_g * m).sum(1)
            return z.reshape(x.shape), log_det
        x1, x2 = flat[:, : self.d1], flat[:, self.d1 :]
        t_f, s_f = self._condition(self.f, self.f_in, x2, self.d1, tag)
        y1 = x1 + t_f if s_f is None else (x1 + t_f) * torch.exp(s_f)
        t_g, s_g = self._condition(self.g, self.g_in, y1, self.d2, tag)
        y2 = x2 + t_g if s_g is None else (x2 + t_g) * torch.exp(s_g)
        log_det = x.new_zeros(b) if s_f is None else s_f.sum(1) + s_g.sum(1)
        return torch.cat([y1, y2], 1).reshape(x.shape), log_det

    def forward(self, x, tag=None):
        return self._run(x, tag)[0]

    def log_det(self, x, tag=None):
        return self._run(x, tag)[1]

    def inverse(self, y, tag=None):
        b = y.shape[0]
        flat = y.reshape(b, -1)
        if self.mask == "checkerboard":
            a = self._mask
            m = 1 - a
            d = self.d1 + self.d2
            t_g, s_g = self._condition(self.g, self.g_in, flat * a, d, tag)
            u = _step_inverse(flat, a, m, t_g, s_g)
            t_f, s_f = self._condition(self.f, self.f_in, u * m, d, tag)
            return _step_inverse(u, m, a, t_f, s_f).reshape(y.shape)
        y1, y2 = flat[:, : self.d1], flat[:, self.d1 :]
        t_g, s_g = self._condition(self.g, self.g_in, y1, self.d2, tag)
        x2 = y2 - t_g if s_g is None else y2 * torch.exp(-s_g) - t_g
        t_f, s_f = self._condition(self.f, self.f_in, x2, self.d1, tag)
        x1 = y1 - t_f if s_f is None else y1 * torch.exp(-s_f) - t_f
        return torch.cat([x1, x2], 1).reshape(y.shape)


def _step(x, keep, m, shift, s):
    moved = x + shift if s is None else (x + shift) * torch.exp(s)
    return x * keep + moved * m


def _step_inverse(y, keep, m, shift, s):
    moved = y - shift if s is None else y * torch.exp(-s) - shift
    return y * keep + moved * m


def AffineCoupling(shape, scale="tanh", scale_bound=None, **kw):
    """`affine_coupling(…)`: scale_bound defaults to 2 for tanh, 5 for clamp (Linea's defaults)."""
    return Coupling(shape, scale=scale, scale_bound=scale_bound if scale_bound is not None else (5.0 if scale == "clamp" else 2.0), **kw)


def AdditiveCoupling(shape, **kw):
    """`additive_coupling(…)`: shift only, log-det 0."""
    return Coupling(shape, scale=None, **kw)


# ---------------------------------------------------------------------------------------------------------------
# A network: blocks in order (inverse in reverse order), state_dict names "blocks.{i}.…".

class Network(nn.Module):
    """An invertible network of a spec: `network G : X [tagged] { … }` with repeats unrolled."""

    def __init__(self, input_shape, blocks, tagged=False):
        super().__init__()
        self.input_shape, self.tagged = list(input_shape), tagged
        self.blocks = nn.ModuleList(blocks)

    def _tag(self, tag):
        if self.tagged and tag is None:
            raise ValueError("this network is tagged: pass tag = 0 or 1")
        if not self.tagged and tag is not None:
            raise ValueError("this network takes no tag")
        return tag

    def forward(self, x, tag=None):
        tag = self._tag(tag)
        for b in self.blocks:
            x = b(x, tag)
        return x

    def inverse(self, y, tag=None):
        tag = self._tag(tag)
        for b in reversed(self.blocks):
            y = b.inverse(y, tag)
        return y

    def forward_with_log_det(self, x, tag=None):
        tag = self._tag(tag)
        total = x.new_zeros(x.shape[0])
        for b in self.blocks:
            total = total + (b.log_det(x, tag) if isinstance(b, Coupling) else b.log_det(x))
            x = b(x, tag)
        return x, total

    @torch.no_grad()
    def initialize(self, x, tag=None, only_uninitialised=False):
        """ActNorm's data-dependent initialisation on batch x, block by block (as Linea's Stack.initialize)."""
        for b in self.blocks:
            if isinstance(b, ActNorm) and not (only_uninitialised and int(b.initialized) == 1):
                b.initialize(x)
            x = b(x, tag)


# ---------------------------------------------------------------------------------------------------------------
# Operators. A(t) = α·I + U(t)·V(t)ᵀ with U, V from hypernetworks of t's sinusoidal embedding (trainable);
# other declared operators keep their tensors under the file's names (frozen here) and act through the
# matrix Linea materialised at export.

class TimeConditioned(nn.Module):
    """`time_conditioned(rank, embed, hidden)`: u.{0,1,2}, v.{0,1,2} Linear layers, GELU between, α fixed."""

    def __init__(self, n, rank, embed, hidden, alpha=1.0):
        super().__init__()
        self.n, self.rank, self.embed = n, rank, embed
        self.register_buffer("alpha", torch.tensor(float(alpha)))  # fixed (the declared structure), saved as Linea saves it
        widths = [embed, hidden, hidden, n * rank]
        self.u = nn.ModuleList([nn.Linear(widths[k], widths[k + 1]) for k in range(3)])
        self.v = nn.ModuleList([nn.Linear(widths[k], widths[k + 1]) for k in range(3)])
        half = embed // 2
        step = math.log(10000) / (half - 1)
        # float64 frequencies rounded to float32, as Linea's trainer (sinusoidalEmbedding) computes them
        self.register_buffer("_freqs", torch.tensor([math.exp(-k * step) for k in range(half)], dtype=torch.float32), persistent=False)

    def _factor(self, layers, e):
        h = e
        for k, layer in enumerate(layers):
            h = layer(h)
            if k < 2:
                h = F.gelu(h)
        return h.reshape(-1, self.n, self.rank)

    def forward(self, t, z):
        """A(t_b)·z_b per row: t [B] (or a number), z [B, n] → [B, n]."""
        if not torch.is_tensor(t):
            t = torch.full([z.shape[0]], float(t), dtype=z.dtype, device=z.device)
        angles = t.reshape(-1, 1) * self._freqs.reshape(1, -1)
        e = torch.cat([torch.sin(angles), torch.cos(angles)], 1)
        u, v = self._factor(self.u, e), self._factor(self.v, e)
        uvz = torch.bmm(u, torch.bmm(v.transpose(1, 2), z.unsqueeze(2))).squeeze(2)
        return self.alpha * z + uvz


class Projector(nn.Module):
    """`projector(rank)`: P = W·Wᵀ on flat latents, W = `basis` [n, r] kept orthonormal by retract() (Linea's
    trainer: a gradient step on W, then W ← Q·diag(sign(diag R)) of its QR, in float64)."""

    def __init__(self, n, rank):
        super().__init__()
        self.basis = nn.Parameter(torch.linalg.qr(torch.randn(n, rank, dtype=torch.float64))[0].float())

    def forward(self, z):
        return z @ self.basis @ self.basis.T

    @torch.no_grad()
    def retract(self):
        q, r = torch.linalg.qr(self.basis.double())
        sign = torch.where(torch.diagonal(r) < 0, -1.0, 1.0).to(q.dtype)
        self.basis.copy_((q * sign[None, :]).to(self.basis.dtype))


class OperatorTensors(nn.Module):
    """A declared operator's tensors under the weights file's names (frozen: Linea's own parameterisation)."""

    def __init__(self, kind, shapes):
        super().__init__()
        self.kind = kind
        for name, shape in shapes.items():
            attach(self, name, nn.Parameter(torch.zeros(shape), requires_grad=False))


def attach(root, dotted, value):
    """Puts a module (or parameter) at a dotted path ("nets.G") of `root`, making plain containers on the way,
    so that state_dict names are the weights file's ("nets.G.blocks.0…")."""
    parts = dotted.split(".")
    m = root
    for p in parts[:-1]:
        if p not in m._modules:
            m.add_module(p, nn.Module())
        m = m._modules[p]
    if isinstance(value, nn.Parameter):
        m.register_parameter(parts[-1], value)
    else:
        m.add_module(parts[-1], value)


class Sampler:
    """`sampler(v, method, steps)` of a time-conditioned operator, as a map of flat latents z [B, n]."""

    def __init__(self, operator, steps, method="euler"):
        self.operator, self.steps, self.method = operator, steps, method

    def __call__(self, z):
        return sampler(self.operator, z, self.steps, self.method)


def sampler(a, z, steps, method="euler"):
    """The T-step sampler of the x₁-prediction velocity L(t)·z = (A(t)·z − z)/(1 − t): t_k = k/T, k = 0 … T−2."""
    dt = 1.0 / steps

    def velocity(t, z):
        return (a(t, z) - z) / (1 - t)

    for k in range(steps - 1):
        t = k / steps
        if method == "euler":
            z = z + dt * velocity(t, z)
        else:
            k1 = velocity(t, z)
            k2 = velocity(t + dt / 2, z + dt / 2 * k1)
            k3 = velocity(t + dt / 2, z + dt / 2 * k2)
            k4 = velocity(t + dt, z + dt * k3)
            z = z + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return z


class Chart(nn.Module):
    """A space's coordinates: g (a network and its tag) of an induced space, or the identity on R^n."""

    def __init__(self, network, tag, shape):
        super().__init__()
        self._network = [network]  # not a submodule: the Program owns the networks (names stay the file's)
        self.tag, self.shape = tag, list(shape)
        self.dim = int(np.prod(shape))

    @property
    def network(self):
        return self._network[0]

    def encode(self, x):
        b = x.shape[0]
        if self.network is None:
            return x.reshape(b, self.dim)
        return self.network(x.reshape(b, *self.shape), self.tag).reshape(b, self.dim)

    def decode(self, z):
        b = z.shape[0]
        if self.network is None:
            return z.reshape(b, *self.shape)
        return self.network.inverse(z.reshape(b, *self.network_output_shape()), self.tag).reshape(b, *self.shape)

    def network_output_shape(self):
        shape = list(self.shape)
        for blk in self.network.blocks:
            if isinstance(blk, Squeeze):
                shape = [4 * shape[0], shape[1] // 2, shape[2] // 2]
            elif isinstance(blk, Unsqueeze):
                shape = [shape[0] // 4, 2 * shape[1], 2 * shape[2]]
        return shape


class Linearizer(nn.Module):
    """f(x) = g_y⁻¹(A·g_x(x)). `op(z)` or, time-conditioned, `op(t, z)` acts on flat latents [B, n]."""

    def __init__(self, domain, codomain, op=None, matrix=None, time_conditioned=False):
        super().__init__()
        self.domain, self.codomain = domain, codomain
        self._op = [op]
        self.time_conditioned = time_conditioned
        if matrix is not None:
            self.register_buffer("matrix", torch.as_tensor(matrix, dtype=torch.float32), persistent=False)
        else:
            self.matrix = None

    def latent(self, z, t=None):
        if self.matrix is not None:
            return z @ self.matrix.T
        op = self._op[0]
        return op(t, z) if self.time_conditioned else op(z)

    def forward(self, x, t=None):
        return self.codomain.decode(self.latent(self.domain.encode(x), t))
