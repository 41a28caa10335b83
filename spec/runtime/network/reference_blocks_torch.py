# The reference's g written as the reference writes it (paper-notes §2.2, invertable_network.py):
# Squeeze2x2 → [ActNorm2d → F, G couplings (shift-then-scale, clamp ±5) → Inv1x1Conv] × blocks →
# un-squeeze, with MLP conditioners (nn.Linear stacks) in place of the SongUNets. Run by
# reference_blocks_torch.spec.ts through spec/support/torch.ts, which defines `d` (the directory holding
# weights.json and inputs.json, written by the spec) and imports json, torch and numpy as np.
import torch.nn.functional as F

spec = json.load(open(f"{d}/weights.json"))
inputs = json.load(open(f"{d}/inputs.json"))


def tensor(name, dtype):
    t = spec["tensors"][name]
    return torch.tensor(t["data"], dtype=dtype).reshape(t["shape"])


class Squeeze2x2:
    """[B, C, H, W] → [B, 4C, H/2, W/2], new channel c·4 + 2·i + j (the reference's order)."""

    def __init__(self, wrong_order=False):
        self.wrong_order = wrong_order

    def forward(self, x):
        b, c, h, w = x.shape
        x = x.reshape(b, c, h // 2, 2, w // 2, 2)
        # control: space-to-depth's block-major order (i, j, c) instead of (c, i, j)
        perm = (0, 3, 5, 1, 2, 4) if self.wrong_order else (0, 1, 3, 5, 2, 4)
        return x.permute(*perm).reshape(b, 4 * c, h // 2, w // 2)

    def inverse(self, y):
        b, c4, h2, w2 = y.shape
        c = c4 // 4
        if self.wrong_order:
            return y.reshape(b, 2, 2, c, h2, w2).permute(0, 3, 4, 1, 5, 2).reshape(b, c, 2 * h2, 2 * w2)
        return y.reshape(b, c, 2, 2, h2, w2).permute(0, 1, 4, 2, 5, 3).reshape(b, c, 2 * h2, 2 * w2)


class ActNorm2d:
    def __init__(self, prefix, dtype):
        self.b = tensor(prefix + "bias", dtype).reshape(1, -1, 1, 1)
        self.s = tensor(prefix + "log_scale", dtype).reshape(1, -1, 1, 1)

    def forward(self, x):
        return (x + self.b) * torch.exp(self.s)

    def inverse(self, y):
        return y * torch.exp(-self.s) - self.b


class Mlp:
    """The coupling's conditioner: Linear layers (weights [out, in] as in the file), tanh between, tag·tag.weight on the first bias."""

    def __init__(self, prefix, dtype, tag):
        self.layers = []
        k = 0
        while f"{prefix}layers.{k}.weight" in spec["tensors"]:
            self.layers.append((tensor(f"{prefix}layers.{k}.weight", dtype), tensor(f"{prefix}layers.{k}.bias", dtype)))
            k += 1
        self.tag_bias = tag * tensor(prefix + "tag.weight", dtype)[:, 0] if tag is not None else None

    def __call__(self, x):
        h = x.reshape(x.shape[0], -1)
        for k, (w, b) in enumerate(self.layers):
            h = F.linear(h, w, b + self.tag_bias if k == 0 and self.tag_bias is not None else b)
            if k + 1 < len(self.layers):
                h = torch.tanh(h)
        return h


class InvUnetBlock:
    def __init__(self, i, dtype, tag, bound, soft):
        p = f"blocks.{i}."
        self.actnorm = ActNorm2d(p, dtype)
        c = f"blocks.{i + 1}."
        self.f = Mlp(c + "f.", dtype, tag)
        self.g = Mlp(c + "g.", dtype, tag)
        self.W = tensor(f"blocks.{i + 2}.weight", dtype)
        self.bound = bound
        self.soft = soft  # control: Linea's smooth tanh bound instead of the reference's clamp
        self.clamped = 0

    def shift_logs(self, net, cond):
        out = net(cond).reshape(cond.shape[0], -1, *cond.shape[2:])
        shift, raw = out.chunk(2, dim=1)
        self.clamped += int((raw.abs() > self.bound).sum())
        logs = self.bound * torch.tanh(raw / self.bound) if self.soft else torch.clamp(raw, -self.bound, self.bound)
        return shift, logs

    def forward(self, x):
        x = self.actnorm.forward(x)
        x1, x2 = x.chunk(2, dim=1)
        t, s = self.shift_logs(self.f, x2)
        y1 = (x1 + t) * torch.exp(s)
        t, s = self.shift_logs(self.g, y1)
        y2 = (x2 + t) * torch.exp(s)
        y = torch.cat([y1, y2], dim=1)
        c = self.W.shape[0]
        return F.conv2d(y, self.W.view(c, c, 1, 1))

    def inverse(self, y):
        c = self.W.shape[0]
        y = F.conv2d(y, torch.linalg.inv(self.W).view(c, c, 1, 1))
        y1, y2 = y.chunk(2, dim=1)
        t, s = self.shift_logs(self.g, y1)
        x2 = y2 * torch.exp(-s) - t
        t, s = self.shift_logs(self.f, x2)
        x1 = y1 * torch.exp(-s) - t
        return self.actnorm.inverse(torch.cat([x1, x2], dim=1))


def g(dtype, wrong_order=False, soft=False):
    squeeze = Squeeze2x2(wrong_order)
    blocks = [InvUnetBlock(1 + 3 * k, dtype, spec["tag"], spec["bound"], soft) for k in range(spec["blocks"])]

    def forward(x):
        h = squeeze.forward(x)
        for b in blocks:
            h = b.forward(h)
        return squeeze.inverse(h)

    def inverse(y):
        h = squeeze.forward(y)
        for b in reversed(blocks):
            h = b.inverse(h)
        return squeeze.inverse(h)

    return forward, inverse, blocks


def run(dtype, **kw):
    forward, inverse, blocks = g(dtype, **kw)
    x = torch.tensor(inputs["x"], dtype=dtype).reshape(inputs["shape"])
    z = torch.tensor(inputs["z"], dtype=dtype).reshape(inputs["shape"])
    with torch.no_grad():
        y = forward(x).reshape(-1).tolist()
        xi = inverse(z).reshape(-1).tolist()
    return {"forward": y, "inverse": xi, "clamped": sum(b.clamped for b in blocks)}


print(
    json.dumps(
        {
            "float32": run(torch.float32),
            "float64": run(torch.float64),
            "wrong_squeeze": run(torch.float32, wrong_order=True),
            "tanh_bound": run(torch.float32, soft=True),
        }
    )
)
