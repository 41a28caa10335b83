#!/usr/bin/env bash
# The main job, end to end on the default (wasm) backend: type-check every example, show how the compiler
# collapses a composition, run an entry on seeded inputs, and verify an example's laws.
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
