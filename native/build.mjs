#!/usr/bin/env node
// Builds the LAPACK addon: `npm run build:native`, `npx linea-build-native`, and the package's
// `install` script (`--if-possible`). node-gyp normally downloads Node's headers; this machine and CI
// have no network for that, but Debian's nodejs (and the official tarballs) install them next to the
// binary, at <prefix>/include/node. Use those when present.
//
// --if-possible (the install script): a library's install must never fail because an optional
// accelerator cannot be built, so this mode is silent and exits 0 when the compiler, LAPACKE's header
// or the build itself is missing; Linea then uses its TypeScript linear algebra (`linea --version
// --verbose` says which one runs and why).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ifPossible = process.argv.includes("--if-possible");
const prefix = dirname(dirname(process.execPath));

/** True when `command --version` runs. */
function runs(command) {
  const r = spawnSync(command, ["--version"], { stdio: "ignore" });
  return r.error === undefined && r.status === 0;
}

/** LAPACKE's C header, where Debian/Ubuntu (liblapacke-dev), Fedora and Homebrew put it. */
function hasLapackeHeader() {
  const dirs = ["/usr/include", "/usr/local/include", "/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu", "/opt/homebrew/include", "/usr/include/openblas"];
  return dirs.some((d) => existsSync(join(d, "lapacke.h")));
}

/** node-gyp: the one npm hands its scripts, then PATH, then the copy bundled with npm next to node. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm !== undefined && existsSync(fromNpm)) return [process.execPath, fromNpm];
  if (runs("node-gyp")) return ["node-gyp"];
  const bundled = join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
  if (existsSync(bundled)) return [process.execPath, bundled];
  return undefined;
}

function giveUp(reason) {
  if (ifPossible) process.exit(0);
  console.error(`build:native: ${reason}`);
  process.exit(1);
}

if (ifPossible && !(runs("cc") && runs("make") && runs("python3") && hasLapackeHeader())) giveUp("no C compiler, make, python3 or lapacke.h");
const gyp = nodeGyp();
if (gyp === undefined) giveUp("could not find node-gyp; run it through npm run build:native");
const args = [...gyp.slice(1), "rebuild", "-C", here];
if (existsSync(join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);
// Ten minutes is far more than the one C file takes; it bounds an install that would otherwise hang
// on a header download without a network.
const result = spawnSync(gyp[0], args, { stdio: ifPossible ? "ignore" : "inherit", timeout: 600_000 });
if (result.error !== undefined) giveUp(`could not run node-gyp (${result.error.message})`);
if (result.status !== 0) giveUp(`node-gyp exited with ${result.status ?? result.signal}`);
