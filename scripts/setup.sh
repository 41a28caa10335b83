#!/usr/bin/env bash
# Everything a fresh Debian/Ubuntu machine needs for Linea: system libraries (LAPACK for the fast float64
# SVD; software Vulkan for the WebGPU suite), the npm packages, the native addon and the build.
# Optional parts that fail (no root, no apt) are reported and skipped: Linea then runs on its pure
# TypeScript linear algebra and without WebGPU.
set -uo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
say() { printf '[setup] %s\n' "$*"; }

if command -v apt-get >/dev/null 2>&1; then
  say "system packages: liblapacke-dev libopenblas-dev (LAPACK for the native linear algebra), graphviz (DOT to PNG)"
  if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq liblapacke-dev libopenblas-dev graphviz >/dev/null; then
    say "LAPACK installed"
  else
    say "could not install LAPACK: the pure TypeScript linear algebra will be used (slower SVD)"
  fi
  # The cross-engine specs and benchmarks compare Linea with PyTorch on the same weights; OpenBLAS's
  # pthread build, or Debian's torch runs on the reference BLAS.
  say "system packages: python3-torch python3-torchvision python3-pil python3-numpy python3-scipy python3-onnx libopenblas0-pthread (PyTorch and numpy references; the ONNX checker)"
  if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch python3-torchvision python3-pil python3-numpy python3-scipy python3-onnx libopenblas0-pthread >/dev/null; then
    say "PyTorch installed"
  else
    say "could not install PyTorch: the cross-engine specs will be skipped"
  fi
  if [ "${LINEA_SKIP_VULKAN:-0}" != "1" ]; then
    bash scripts/software-vulkan.sh || say "no software Vulkan: the WebGPU suite will be skipped"
  fi
else
  say "no apt-get: skipping system packages (native LAPACK, software Vulkan)"
fi

say "npm ci (onnxruntime-node without its CUDA download: its CPU binary ships in the package)"
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error || exit 1
if [ -f native/binding.gyp ]; then
  say "building the native LAPACK addon"
  npm run build:native --silent || say "native addon not built: the pure TypeScript linear algebra will be used"
fi
say "tsc build"
npm run build --silent || exit 1
say "done"
