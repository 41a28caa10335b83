// Test helper (not a spec): runs an exported package's modules with the torch Python (spec/support/torch.ts),
// single-threaded, and evaluates its training loss on one fixed batch.
import { execFileSync, spawnSync } from "node:child_process";
import { torchPython } from "../../support/torch.js";

/** `python -m PKG.MODULE args` in `dir`; throws with stderr on failure. */
export function runPackage(dir: string, pkg: string, module: string, args: readonly string[]): void {
  const r = spawnSync(torchPython ?? "python3", ["-m", `${pkg}.${module}`, ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, OMP_NUM_THREADS: "1" },
  });
  if (r.status !== 0) throw new Error(`python -m ${pkg}.${module} failed (${r.status}): ${r.stderr}`);
}

/** The package's training loss (its own loss module, total term) of a weights file on one fixed batch of 1024 rows. */
export function evalLoss(dir: string, pkg: string, weights: string): number {
  const script = [
    "import os, sys, numpy as np, torch",
    `from ${pkg} import model as M`,
    `from ${pkg}.train import FlowMatching, Idempotent, global_batch`,
    "torch.set_num_threads(1)",
    "program = M.load_program(sys.argv[1]); program.eval()",
    `rows = torch.from_numpy(np.load(os.path.join(${JSON.stringify(pkg)}, 'data.npy')))`,
    "loss = (Idempotent if M.TRAIN['loss'] == 'idempotent' else FlowMatching)(program, M.TRAIN)",
    "with torch.no_grad(): print(float(loss(*global_batch(rows, M.TRAIN, 10**6, 1024))[0]))",
  ].join("\n");
  return Number(execFileSync(torchPython ?? "python3", ["-c", script, weights], { cwd: dir, encoding: "utf8" }).trim());
}
