# The exported model.py's maps against Linea: run by package.spec.ts in directory `d` (spec/support/torch.ts'
# prelude), which holds the package `npy_pkg` and x.npy. Prints program.maps["f"](x) in float32 and float64,
# the local conditioning κ of f in float64 (√D·max over samples of ‖f(x+δ) − f(x)‖/‖δ‖, δ random of size 1e-4),
# the ops count N (summed fan-ins of the network's weights, twice: g_x then g_y⁻¹, + 12 per coupling pass, +
# A's fan-in), the control (A transposed), and the map kinds model.py wrote.
import math
import sys

sys.path.insert(0, d)
from npy_pkg import model as M  # noqa: E402

program = M.load_program()
program.eval()
x = torch.from_numpy(np.load(f"{d}/x.npy"))
f = program.maps["f"]
out = {}
with torch.no_grad():
    out["float32"] = f(x).flatten().tolist()
    program.double()
    f.matrix = f.matrix.double()
    x64 = x.double()
    y64 = f(x64)
    out["float64"] = y64.flatten().tolist()
    g = torch.Generator().manual_seed(0)
    ratios = []
    for _ in range(8):
        dx = torch.randn(x64.shape, generator=g, dtype=torch.float64)
        dx = 1e-4 * dx / dx.norm(dim=1, keepdim=True)
        ratios.append(((f(x64 + dx) - y64).norm(dim=1) / dx.norm(dim=1)).max().item())
    out["kappa"] = max(1.0, max(ratios) * math.sqrt(x.shape[1]))
    n = 0
    couplings = 0
    for name, t in program.H.state_dict().items():
        if name.endswith(".weight") and t.dim() >= 2 and "tag." not in name:
            n += 2 * (int(np.prod(t.shape[1:])) + 2)
        if name.endswith("layers.0.weight"):
            couplings += 1
    out["ops"] = n + 2 * 12 * couplings + f.matrix.shape[1]
    f.matrix = f.matrix.T.contiguous()
    out["control"] = f(x64).flatten().tolist()
    out["max_abs"] = max(float(y64.abs().max()), float(x64.abs().max()))
print(json.dumps(out))
