#!/usr/bin/env bash
# Packs what bench/gpu/run.sh needs on a GPU machine that has no Node and no network, into the ignored
# folder .gpu/ (under 64 MiB): this machine's node binary, Dawn's dawn.node (the `webgpu` package), one
# esbuild bundle of bench/gpu/entry.ts with tfjs inside, and the Vulkan loader's .deb (libvulkan1).
# Run here, from anywhere: bash bench/gpu/pack.sh. Needs xz, apt-get (to download the .deb), linux-x64.
set -euo pipefail
cd "$(dirname "$0")/../.."
G=.gpu
LIMIT=$((64 * 1024 * 1024))
say() { printf '[pack] %s\n' "$*"; }

[ "$(uname -m)" = x86_64 ] || { say "this packs linux-x64 binaries; this machine is $(uname -m)"; exit 1; }
dawn=node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$dawn" ] || { say "missing $dawn: run npm ci first"; exit 1; }
esbuild=node_modules/.bin/esbuild
[ -x "$esbuild" ] || { say "missing $esbuild (installed with tsx): run npm ci first"; exit 1; }

mkdir -p "$G"
rm -f "$G"/*.xz "$G"/*.deb "$G"/entry.mjs "$G"/SHA256SUMS "$G"/MANIFEST

node_bin="$(readlink -f "$(which node)")"
say "node $(node --version) from $node_bin"
xz -T2 -c "$node_bin" > "$G/node.xz"
say "dawn.node from $dawn (webgpu $(node -p 'require("./node_modules/webgpu/package.json").version'))"
xz -T2 -c "$dawn" > "$G/dawn.node.xz"

# ESM bundle; CommonJS parts of tfjs call require(), which an ESM file lacks: the banner provides one.
# The `webgpu` package loads dawn.node from <bundle dir>/dist/linux-x64/ (run.sh puts it there).
say "bundling bench/gpu/entry.ts"
"$esbuild" bench/gpu/entry.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning \
  --outfile="$G/entry.mjs" \
  --banner:js="import { createRequire as __lineaCreateRequire } from 'node:module'; globalThis.require ??= __lineaCreateRequire(import.meta.url);"

say "Vulkan loader: apt-get download libvulkan1"
(cd "$G" && apt-get download -qq libvulkan1 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)
ls "$G"/libvulkan1_*.deb >/dev/null 2>&1 || { say "apt-get download libvulkan1 failed"; exit 1; }

{
  echo "packed $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m)"
  echo "node $(node --version)"
  echo "webgpu $(node -p 'require("./node_modules/webgpu/package.json").version')"
  echo "tfjs-core $(node -p 'require("./node_modules/@tensorflow/tfjs-core/package.json").version')"
  echo "git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$G/MANIFEST"
(cd "$G" && sha256sum node.xz dawn.node.xz entry.mjs libvulkan1_*.deb > SHA256SUMS)

total=$(du -cb "$G"/* | tail -1 | cut -f1)
ls -la "$G"
say "total $((total / 1024 / 1024)) MiB ($total bytes)"
[ "$total" -lt "$LIMIT" ] || { say "over the 64 MiB limit"; exit 1; }
say "done: copy the repository with .gpu/ to the GPU machine and run bash bench/gpu/run.sh there"
