#!/usr/bin/env bash
# The main job, end to end on the default (wasm) backend: type-check every example, show how the compiler
# collapses a composition, run an entry on seeded inputs, verify an example's laws, then train a flow
# for a few steps and compare its one-step and multi-step samplers.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out
linea() { node bin/linea.js "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "linea check examples/*.lin"
linea check examples/*.lin
step "linea compile examples/toy2d.lin --emit explain"
linea compile examples/toy2d.lin --emit explain
step "linea run examples/toy2d.lin --entry push --random 4 --output out/push.json"
linea run examples/toy2d.lin --entry push --random 4 --output out/push.json
cat out/push.json; echo
step "linea verify examples/toy2d.lin"
linea verify examples/toy2d.lin
step "linea train examples/toy2d_train.lin --out out/demo-flow --steps 60   (a short run; the example trains 800 steps)"
linea train examples/toy2d_train.lin --out out/demo-flow --steps 60
step "linea sample examples/toy2d_train.lin --map v --weights out/demo-flow/weights.safetensors --steps 6,100 --n 8"
linea sample examples/toy2d_train.lin --map v --weights out/demo-flow/weights.safetensors --steps 6,100 --n 8 --out out/demo-sample
