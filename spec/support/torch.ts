// PyTorch as an independent implementation for cross-engine specs: the same weights (written by the
// test to a temp dir) and the same inputs go through Linea and through a PyTorch re-implementation, and
// the outputs are compared. Debian's python3-torch (scripts/setup.sh installs it) at /usr/bin/python3,
// or LINEA_TORCH_PYTHON. In CI (CI=true) a missing torch is a failure, not a skip.
import { spawnSync } from "node:child_process";

const candidates = [process.env.LINEA_TORCH_PYTHON, "/usr/bin/python3", "python3"].filter((p): p is string => p !== undefined && p !== "");

function works(python: string): boolean {
  return spawnSync(python, ["-c", "import torch, numpy"], { encoding: "utf8" }).status === 0;
}

/** The Python with torch and numpy, or undefined. */
export const torchPython: string | undefined = candidates.find(works);

/** Why the torch specs cannot run here (undefined when they can); in CI they must run. */
export const torchMissing: string | undefined = (() => {
  if (torchPython !== undefined) return undefined;
  if (process.env.CI === "true") throw new Error("CI=true but no python3 with torch and numpy: scripts/setup.sh installs python3-torch");
  return "python3 with torch and numpy is not available (apt install python3-torch)";
})();

/**
 * Runs a Python script with torch, numpy as np and `d` (a directory) defined, single-threaded and
 * deterministic; returns its stdout parsed as JSON.
 */
export function torchScript<T>(dir: string, script: string, timeoutMs = 300_000): T {
  if (torchPython === undefined) throw new Error(torchMissing);
  const prelude = `import json, torch, numpy as np\ntorch.set_num_threads(1)\ntorch.manual_seed(0)\nd = ${JSON.stringify(dir)}\n`;
  const r = spawnSync(torchPython, ["-c", prelude + script], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`torch script failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as T;
}
