# The exported blocks (python/torch_export/linea_torch.py) against Linea on the same weights: run by
# network_source.spec.ts, which writes into the directory `d` (defined by spec/support/torch.ts' prelude):
# linea_torch.py (the template), nets.json ({name: Python source of the network, as the exporter writes it}),
# {name}.safetensors (Linea's saveNetwork) and {name}_io.safetensors (x, z). For each network: load with
# strict=True, forward(x) and inverse(z) in float32 and float64, a control with every float parameter moved
# by 1% of its RMS, the refusal of a file missing one tensor, and the module's state written back for Linea.
import sys

sys.path.insert(0, d)
from linea_torch import *  # noqa: E402,F403
from linea_torch import read_safetensors, state_tensors, write_safetensors, load_tensors  # noqa: E402

sources = json.load(open(f"{d}/nets.json"))
out = {}
for name, spec in sources.items():
    net = eval(spec["source"])  # the exporter's expression: Network([...], tagged=..., blocks=[...])
    weights, _ = read_safetensors(f"{d}/{name}.safetensors")
    load_tensors(net, weights)  # strict=True
    io, _ = read_safetensors(f"{d}/{name}_io.safetensors")
    tag = spec["tag"]
    net.eval()
    res = {}
    with torch.no_grad():
        for label, dtype in (("float32", torch.float32), ("float64", torch.float64)):
            net.to(dtype)
            res[label] = {"forward": net(io["x"].to(dtype), tag).flatten().tolist(), "inverse": net.inverse(io["z"].to(dtype), tag).flatten().tolist()}
        net.to(torch.float32)
        # state back for Linea, before the control touches the values
        write_safetensors(f"{d}/{name}_torch.safetensors", state_tensors(net), {"format": "linea-network"})
        for p in net.parameters():
            if p.numel() > 0:
                p.add_(1e-3 * p.pow(2).mean().sqrt() * torch.randn_like(p))
        res["control"] = {"forward": net(io["x"], tag).flatten().tolist(), "inverse": net.inverse(io["z"], tag).flatten().tolist()}
    missing = dict(weights)
    missing.pop(sorted(missing)[0])
    try:
        load_tensors(eval(spec["source"]), missing)
        res["strict_refused"] = False
    except RuntimeError:
        res["strict_refused"] = True
    res["names"] = sorted(net.state_dict().keys())
    out[name] = res
print(json.dumps(out))
