#!/usr/bin/env bash
# Runs Linea's WebGPU conformance checks and network benchmark on a GPU machine (x86-64, NVIDIA driver,
# PyTorch with CUDA; no Node, no network), from what bench/gpu/pack.sh put in .gpu/, with PyTorch on CUDA
# timing the same network on the same weights beside it. Prints JSON lines; the last one compares the two.
#   bash bench/gpu/run.sh [--runs 10] [--batch 256]          (arguments go to bench/gpu/entry.ts)
# Environment: LINEA_GPU_WORK (scratch folder, default /tmp/linea-gpu); LINEA_TORCH_PYTHON (default
# python3); LINEA_TORCH_DEVICE (cuda; cpu for a dry run without CUDA); LINEA_GPU_ALLOW_SOFTWARE=1 lets a
# software adapter run (a dry run on lavapipe: every line then says "software":true; default: refused).
# Exit status: 0 all checks passed; 1 a check failed; 2 no adapter or an error; 3 software adapter refused;
# 4 the PyTorch reference failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
G=.gpu
W="${LINEA_GPU_WORK:-/tmp/linea-gpu}"
PY="${LINEA_TORCH_PYTHON:-python3}"
TORCH_DEVICE="${LINEA_TORCH_DEVICE:-cuda}"
NVIDIA_ICD="${LINEA_NVIDIA_ICD:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}" # overridable for a dry run
say() { printf '[gpu] %s\n' "$*" >&2; }
# xz -dc FILE, or Python's lzma where xz-utils is absent
unxz_to() { if command -v xz >/dev/null; then xz -dc "$1" > "$2"; else "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi; }

[ "$(uname -m)" = x86_64 ] || { say "the pack is linux-x64; this machine is $(uname -m)"; exit 2; }
[ -f "$G/SHA256SUMS" ] || { say "no $G/SHA256SUMS: run bash bench/gpu/pack.sh first and bring .gpu/ along"; exit 2; }
(cd "$G" && sha256sum --quiet -c SHA256SUMS) || { say "$G/ is incomplete or corrupt (SHA256SUMS)"; exit 2; }
say "pack: $(tr '\n' ';' < "$G/MANIFEST")"

rm -rf "$W"
mkdir -p "$W/dist/linux-x64" "$W/root" "$W/ref"
unxz_to "$G/node.xz" "$W/node"
chmod +x "$W/node"
cp "$G/entry.mjs" "$W/entry.mjs"
# the `webgpu` package inside the bundle loads <bundle dir>/dist/linux-x64/dawn.node
unxz_to "$G/dawn.node.xz" "$W/dist/linux-x64/dawn.node"

# The Vulkan loader, unpacked privately (dpkg -x) rather than installed: nothing on the system changes.
for deb in "$G"/*.deb; do dpkg -x "$deb" "$W/root"; done
libdir="$W/root/usr/lib/x86_64-linux-gnu"
ldconfig -n "$libdir" # the libvulkan.so.1 soname link Dawn dlopens
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$d"
done

# the adapter line, or nothing when Dawn finds no adapter
probe() { "$W/node" "$W/entry.mjs" --probe 2>/dev/null | grep '"kind":"adapter"' || true; }
adapter="$(probe)"
# No driver registered with the loader (containers often mount the NVIDIA ICD file elsewhere), or only a
# software one: point the loader at NVIDIA's ICD file.
if { [ -z "$adapter" ] || grep -q '"software":true' <<<"$adapter"; } && [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f "$NVIDIA_ICD" ]; then
  say "the loader found ${adapter:-no adapter}; retrying with VK_DRIVER_FILES=$NVIDIA_ICD"
  export VK_DRIVER_FILES="$NVIDIA_ICD"
  adapter="$(probe)"
fi
if [ -z "$adapter" ]; then
  # In containers the NVIDIA Vulkan driver comes only with NVIDIA_DRIVER_CAPABILITIES including "graphics".
  say "no WebGPU adapter (Vulkan driver) found; NVIDIA ICD file: $NVIDIA_ICD ($([ -f "$NVIDIA_ICD" ] && echo present || echo absent))"
  "$W/node" "$W/entry.mjs" --probe || true
  exit 2
fi
say "adapter: $adapter"

status=0
"$W/node" "$W/entry.mjs" --out "$W/ref" "$@" | tee "$W/webgpu.jsonl" || status=$?
[ "$status" -le 1 ] || exit "$status"

say "PyTorch reference on $TORCH_DEVICE ($PY)"
batch_runs=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[i]}" = --runs ] && batch_runs+=(--runs "${args[i + 1]}")
done
if ! "$PY" bench/network_torch.py --device "$TORCH_DEVICE" --weights "$W/ref/g.safetensors" --x "$W/ref/x.npy" --y "$W/ref/y.npy" \
  --threads "$(nproc)" "${batch_runs[@]}" > "$W/torch.json"; then
  cat "$W/torch.json" >&2 || true
  say "the PyTorch reference failed"
  exit 4
fi
cat "$W/torch.json"

# One line comparing the two, in the shape of bench/network.ts's lines.
"$PY" - "$W/webgpu.jsonl" "$W/torch.json" "$TORCH_DEVICE" <<'PYEOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
bench = next(l for l in lines if l.get("bench") == "network")
torch = json.load(open(sys.argv[2]))
device = sys.argv[3]
ref = torch.get("ms_cuda") if device == "cuda" else next((v for k, v in torch.items() if k.startswith("ms_threads_")), None)
print(json.dumps({
    "bench": "network", "backend": "webgpu", "ms": bench["ms"], "reference": f"torch-{device}",
    "reference_ms": None if ref is None else round(ref, 1),
    "ratio": None if not ref else round(bench["ms"] / ref, 1),
    "batch": bench["batch"], "D": bench["D"],
    "roundtrip_max_abs": bench["roundtrip_max_abs"],
    "max_abs_diff_vs_torch": torch.get("max_abs_diff_forward_vs_linea"),
    "max_abs_output": torch.get("max_abs_value"),
    "software": bench["software"], "gpu": torch.get("gpu"), "description": bench["description"],
}))
PYEOF
exit "$status"
