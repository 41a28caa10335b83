// Pillow as the oracle of the image specs: the Python that spec/support/torch.ts finds (Debian's
// python3 with torch also has PIL), run without importing torch (seconds saved per spec). A script
// gets `json` and `d` (a directory) and prints JSON.
import { spawnSync } from "node:child_process";
import { torchMissing, torchPython } from "../../support/torch.js";

/** Why the PIL specs cannot run here (undefined when they can); in CI torch.ts throws instead. */
export const pilMissing: string | undefined = torchMissing;

/** Runs `script` with PIL importable, `json` imported and `d` = dir; returns its stdout as JSON. */
export function pilScript<T>(dir: string, script: string): T {
  if (torchPython === undefined) throw new Error(pilMissing);
  const prelude = `import json\nd = ${JSON.stringify(dir)}\n`;
  const r = spawnSync(torchPython, ["-c", prelude + script], { encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`PIL script failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as T;
}
