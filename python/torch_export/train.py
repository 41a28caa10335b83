"""The spec's train section (flow matching, or the idempotent objective) in PyTorch, under DistributedDataParallel when launched so.

    python -m PKG.train --out runs/x                      # one process (CPU, or the GPU when there is one)
    torchrun --nproc_per_node=N -m PKG.train --out runs/x # N processes: gloo on CPU, nccl on GPUs
    python -m PKG.launch --nproc N -- --out runs/x        # the same without torchrun (it sets the rendezvous variables)

It does what `linea train` does (docs/training.md): each step draws a batch of `batch` data rows (with replacement),
Gaussian noise x0, times t ~ U[0, 1] and two latent perturbations from a generator seeded by (seed, step) only, so
N processes, each taking its 1/N share of that global batch, compute the same averaged gradient as one process
(DDP averages the shares' gradients; every term is a mean over equal shares). The loss is paper-notes §2.4:
    latent     = mean((A_t z_t − z1)²),  z_t = (1−t)·z0 + t·z1,  z0 = g_noise(x0), z1 = g_data(x1)
    noise_rec  = mean((x0 − g_noise⁻¹(z0 + σε))²)
    data_rec   = mean((x1 − g_data⁻¹(z1 + σε′))²)
    prediction = mean((x1 − g_data⁻¹(A_t z_t))²)
summed unweighted (σ = noise_level). `loss = idempotent` trains p = g⁻¹∘Q∘g (Idempotent below), the projector
retracted to an orthonormal basis after every step as Linea does. Rank 0 writes checkpoints DIR/checkpoints/step-NNNNNNNN.safetensors (atomic:
temp file + rename) with every tensor of the program under Linea's names, Adam's moments under train/adam/ and the
loss history under train/loss, and DIR/weights.safetensors at the end: `linea sample|invert|svd|verify --weights`
read either directly.
"""
import argparse
import json
import os
import re
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from . import model as M
from .linea_torch import Chart, load_tensors, read_safetensors, state_tensors, write_safetensors

COLUMNS = {"flow_matching": ["total", "latent", "noise_rec", "data_rec", "prediction"], "idempotent": ["total", "data_rec", "latent"]}


def step_seed(seed, step):
    """Linea's stepSeed (src/train/session.ts): a step's randomness depends on (seed, step) only."""
    return (((seed ^ 0x5BD1E995) * 0x27D4EB2D) + ((step + 1) * 0x165667B1)) & 0xFFFFFFFF


def module_at(program, path):
    m = program
    for p in path.split("."):
        m = getattr(m, p)
    return m


class FlowMatching(nn.Module):
    """The loss terms of one batch share, as one module so that DDP sees every trained parameter."""

    def __init__(self, program, cfg):
        super().__init__()
        self.program = program
        self.operator = module_at(program, cfg["operator"])
        chart = lambda c: Chart(None if c["network"] is None else module_at(program, c["network"]), c["tag"], c["shape"])
        self.noise, self.data = chart(cfg["noise"]), chart(cfg["data"])
        self.sigma = cfg["noise_level"]

    def forward(self, x1, x0, t, e0, e1):
        z0 = self.noise.encode(x0)
        z1 = self.data.encode(x1)
        tc = t.reshape(-1, 1)
        predicted = self.operator(t, (1 - tc) * z0 + tc * z1)
        flat = lambda v: v.reshape(v.shape[0], -1)
        latent = ((predicted - z1) ** 2).mean()
        noise_rec = ((flat(x0) - flat(self.noise.decode(z0 + self.sigma * e0))) ** 2).mean()
        data_rec = ((flat(x1) - flat(self.data.decode(z1 + self.sigma * e1))) ** 2).mean()
        prediction = ((flat(x1) - flat(self.data.decode(predicted))) ** 2).mean()
        return torch.stack([latent + noise_rec + data_rec + prediction, latent, noise_rec, data_rec, prediction])


class Idempotent(nn.Module):
    """`loss = idempotent` (docs/training.md): p = g⁻¹∘Q∘g on one space; data_rec = mean((x − p(x))²),
    latent = Σ‖(I − Q)g(x)‖² / [Σ‖g(x)‖²] with [·] constant in the gradient; total = data_rec + latent."""

    def __init__(self, program, cfg):
        super().__init__()
        self.program = program
        self.operator = module_at(program, cfg["operator"])
        c = cfg["data"]
        self.data = Chart(None if c["network"] is None else module_at(program, c["network"]), c["tag"], c["shape"])

    def forward(self, x1, *_):
        z = self.data.encode(x1)
        projected = self.operator(z)
        flat = lambda v: v.reshape(v.shape[0], -1)
        data_rec = ((flat(x1) - flat(self.data.decode(projected))) ** 2).mean()
        latent = ((z - projected) ** 2).sum() / (z**2).sum().detach()
        return torch.stack([data_rec + latent, data_rec, latent])

    @torch.no_grad()
    def after_step(self):
        self.operator.retract()


def global_batch(rows, cfg, step, size):
    """Step `step`'s whole batch (every process draws the same one and keeps its share)."""
    g = torch.Generator().manual_seed(step_seed(cfg["seed"], step))
    dn = int(np.prod(cfg["noise"]["shape"]))
    dd = int(np.prod(cfg["data"]["shape"]))
    idx = torch.randint(0, rows.shape[0], (size,), generator=g)
    x0 = torch.randn(size, dn, generator=g)
    t = torch.rand(size, generator=g)
    e0 = torch.randn(size, dn, generator=g)
    e1 = torch.randn(size, dd, generator=g)
    return rows[idx].reshape(size, *cfg["data"]["shape"]), x0.reshape(size, *cfg["noise"]["shape"]), t, e0, e1


def optimiser(cfg, params):
    wd = cfg["weight_decay"]
    if cfg["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=cfg["lr"], weight_decay=wd)
    cls = torch.optim.AdamW if cfg["optimizer"] == "adamw" else torch.optim.Adam
    return cls(params, lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)


CHECKPOINT = re.compile(r"^step-(\d{8,})\.safetensors$")


def latest_checkpoint(folder):
    if not os.path.isdir(folder):
        return None
    steps = sorted((int(m.group(1)), n) for n in os.listdir(folder) for m in [CHECKPOINT.match(n)] if m)
    return os.path.join(folder, steps[-1][1]) if steps else None


def save(path, program, named, opt, history, cfg, step, fmt):
    tensors = state_tensors(program)
    state = opt.state_dict()["state"]
    for i, (name, _) in enumerate(named):
        s = state.get(i, {})
        if "exp_avg" in s:
            tensors[f"train/adam/m/{name}"] = s["exp_avg"].float().cpu()
            tensors[f"train/adam/v/{name}"] = s["exp_avg_sq"].float().cpu()
    tensors["train/loss"] = torch.tensor(history, dtype=torch.float32).reshape(-1, len(COLUMNS[cfg["loss"]]))
    write_safetensors(path, tensors, {"format": fmt, "step": step, "seed": cfg["seed"], "train": cfg["name"], "optimizer": cfg["optimizer"], "engine": "pytorch " + torch.__version__})


def main(argv=None):
    cfg = dict(M.TRAIN or {})
    if not cfg:
        sys.exit("this spec has no train section")
    if cfg["loss"] not in COLUMNS:
        sys.exit(f"loss {cfg['loss']}: the PyTorch export trains flow_matching and idempotent; train this section with `linea train`")
    columns = COLUMNS[cfg["loss"]]
    ap = argparse.ArgumentParser(prog=f"python -m {__package__}.train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join("runs", f"{__package__}-{cfg['name']}"))
    ap.add_argument("--steps", type=int, default=cfg["steps"])
    ap.add_argument("--batch", type=int, default=cfg["batch"], help="the global batch, split evenly over the processes")
    ap.add_argument("--lr", type=float, default=cfg["lr"])
    ap.add_argument("--checkpoint-every", type=int, default=cfg["checkpoint_every"])
    ap.add_argument("--weights", help="start from this safetensors file instead of init.safetensors")
    ap.add_argument("--resume", action="store_true", help="continue from the newest checkpoint in OUT/checkpoints")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, help="torch threads per process")
    ap.add_argument("--log-every", type=int, default=0, help="print a JSON line every N steps (rank 0)")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = args.device.startswith("cuda")
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo", rank=rank, world_size=world)
    if args.batch % world != 0:
        sys.exit(f"batch {args.batch} does not split evenly over {world} processes")
    share = args.batch // world

    program = M.load_program(args.weights)
    rows = torch.from_numpy(np.load(os.path.join(os.path.dirname(os.path.abspath(M.__file__)), cfg["data_file"])).astype(np.float32))
    loss_module = (Idempotent if cfg["loss"] == "idempotent" else FlowMatching)(program, cfg)
    trained = set()
    for c in (cfg["noise"], cfg["data"]):
        if c["network"] is not None:
            trained.update(id(p) for p in module_at(program, c["network"]).parameters())
    trained.update(id(p) for p in loss_module.operator.parameters())
    named = []
    for name, p in program.named_parameters():
        p.requires_grad_(id(p) in trained)
        if id(p) in trained:
            named.append((name, p))
    # Only what the loss has a gradient for is trained (Linea's variablesWithGradient: e.g. a tag weight when
    # only tag 0 is used), so DDP need not search for unused parameters every step.
    probe = [b[:2] for b in global_batch(rows, cfg, 0, 2)]
    loss_module(*probe)[0].backward()
    named = [(n, p) for n, p in named if p.grad is not None]
    for n, p in program.named_parameters():
        p.grad = None
        if not any(p is q for _, q in named):
            p.requires_grad_(False)
    named.sort(key=lambda kv: kv[0])  # Linea's optimiser order: sorted by file name
    program.to(device)
    loss_module.to(device)
    cfg["lr"] = args.lr
    opt = optimiser(cfg, [p for _, p in named])
    history, start = [], 0
    ckpt_dir = os.path.join(args.out, "checkpoints")
    if args.resume:
        path = latest_checkpoint(ckpt_dir)
        if path is not None:
            tensors, meta = read_safetensors(path)
            load_tensors(program, {k: v for k, v in tensors.items() if not k.startswith("train/")})
            start = int(meta["step"])
            history = tensors["train/loss"].tolist()
            if f"train/adam/m/{named[0][0]}" in tensors and cfg["optimizer"] != "sgd":
                for i, (name, p) in enumerate(named):
                    opt.state[p] = {"step": torch.tensor(float(start)), "exp_avg": tensors[f"train/adam/m/{name}"].to(device), "exp_avg_sq": tensors[f"train/adam/v/{name}"].to(device)}
    model = DistributedDataParallel(loss_module, device_ids=[local] if cuda else None, find_unused_parameters=False) if world > 1 else loss_module
    program.train()  # dropout of conv conditioners on, as Linea trains
    began = time.time()
    for step in range(start, args.steps):
        batch = global_batch(rows, cfg, step, args.batch)
        mine = [b[rank * share : (rank + 1) * share].to(device) for b in batch]
        opt.zero_grad(set_to_none=True)
        terms = model(*mine)
        terms[0].backward()
        opt.step()
        if hasattr(loss_module, "after_step"):
            loss_module.after_step()  # the projector's retraction, identical on every rank
        terms = terms.detach()
        if world > 1:
            dist.all_reduce(terms)
            terms /= world
        history.append(terms.cpu().tolist())
        done = step + 1
        if rank == 0 and args.log_every and (done % args.log_every == 0 or done == args.steps):
            print(json.dumps({"step": done, **dict(zip(columns, history[-1])), "s": round(time.time() - began, 3)}), flush=True)
        if rank == 0 and (done % args.checkpoint_every == 0 or done == args.steps):
            save(os.path.join(ckpt_dir, f"step-{done:08d}.safetensors"), program, named, opt, history, cfg, done, "linea-checkpoint")
    if rank == 0:
        program.eval()
        write_safetensors(os.path.join(args.out, "weights.safetensors"), state_tensors(program), {"format": "linea-weights", "train": cfg["name"], "step": args.steps})
        with open(os.path.join(args.out, "loss.json"), "w") as f:
            json.dump({"columns": columns, "loss": history, "processes": world, "batch": args.batch}, f)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
