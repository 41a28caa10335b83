// `linea export --format torch` end to end on the 2-D flow example (examples/toy2d_train.lin): the package
// trains under DistributedDataParallel with 2 real processes (gloo, started by the generated launcher), the
// loss falls, 2 processes with global batch B equal 1 process with batch B, and Linea verifies and samples
// from the checkpoint torch wrote (--weights, no conversion). Plus the command line's refusals.
//
// DDP = 1 process, tolerance. Both runs draw the same global batch per step (seeded by (seed, step)) and run
// the same arithmetic; they differ only in the order of float32 sums: the gradient of the mean over B rows is
// one reduction of B terms in one process, two of B/2 averaged in two. With the probabilistic rounding bound
// (Higham & Mary 2019; λ = 5.5 holds with probability ≥ 1 − 7e-7) that perturbs each gradient coordinate by a
// relative η = λ·√B·u, u = 2⁻²⁴. Adam's step is lr·m̂/(√v̂ + ε), a ratio of the gradient's moments, so a
// relative η in the gradients moves it by ≤ 2η·|m̂/√v̂| ≤ 2η·(1−β₁)/√(1−β₂) (Kingma & Ba §2.1: the
// effective step is bounded by lr·(1−β₁)/√(1−β₂) when 1−β₁ > √(1−β₂), as for 0.9/0.999). Over K steps,
// to first order, |θ_DDP − θ_1| ≤ K·lr·2η·(1−β₁)/√(1−β₂); FEEDBACK = 10 allows for the earlier differences
// fed back through the gradient (second order: they change the gradient by H·δθ, small against g here).
// CONTROL: 1 process with batch B/2 (what one rank computes if DDP did not average across ranks) lands
// orders of magnitude outside; a file missing a tensor is refused by Linea. A resumed run (--resume, from the
// step-20 checkpoint with Adam's moments) repeats the uninterrupted one exactly: each step's batch depends on
// (seed, step) only and the state is restored bit for bit.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSafetensors, saveSafetensors } from "../../src/runtime/io/index.js";
import { torchMissing } from "../support/torch.js";
import { evalLoss, runPackage } from "../apps/export_torch/python_package.js";
import { lineaIn } from "./support.js";

const U = 2 ** -24;
const LAMBDA = 5.5;
const FEEDBACK = 10;
const ADAM_STEP = 0.1 / Math.sqrt(0.001); // (1 − β₁)/√(1 − β₂)
const STEPS = 40;
const BATCH = 128;
const LR = 2e-3; // the example's

const dir = mkdtempSync(join(tmpdir(), "linea-export-"));
writeFileSync(join(dir, "linea.json"), "{}");
copyFileSync(fileURLToPath(new URL("../../examples/toy2d_train.lin", import.meta.url)), join(dir, "toy2d.lin"));
writeFileSync(join(dir, "toy2d.lin"), `${readFileSync(join(dir, "toy2d.lin"), "utf8")}\nverify roundtrip(G);\nverify linear(B) with runs = 20;\n`);
const linea = lineaIn(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function train(out: string, extra: readonly string[] = [], nproc = 1): void {
  const args = ["--out", out, "--steps", String(STEPS), "--batch", String(BATCH), "--threads", "1", "--checkpoint-every", "20", ...extra];
  if (nproc === 1) runPackage(dir, "toy2d_pkg", "train", args);
  else runPackage(dir, "toy2d_pkg", "launch", ["--nproc", String(nproc), "--", ...args]);
}

async function floats(file: string): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of (await loadSafetensors(file)).tensors) if (t.dtype === "F32" && !name.startsWith("train/")) out.set(name, t.data);
  return out;
}

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let m = 0;
  for (const [name, x] of a) {
    const y = b.get(name);
    if (y === undefined) return Infinity;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  }
  return m;
}

describe.skipIf(torchMissing !== undefined)(
  `linea export --format torch, trained with DDP${torchMissing === undefined ? "" : ` (skipped: ${torchMissing})`}`,
  { timeout: 120_000 },
  () => {
    beforeAll(async () => {
      const r = await linea("export", "toy2d.lin", "--format", "torch", "--out", "toy2d_pkg", "--backend", "cpu");
      expect(r.code, r.stderr).toBe(0);
      train("single");
      train("ddp", [], 2);
      train("half", ["--batch", String(BATCH / 2)]);
      train("still", ["--lr", "0"]);
      // stopped at step 20 and resumed; the same with Adam's moments removed from the checkpoint (control)
      for (const out of ["resumed", "fresh_moments"]) runPackage(dir, "toy2d_pkg", "train", ["--out", out, "--steps", "20", "--batch", String(BATCH), "--threads", "1"]);
      const step20 = join(dir, "fresh_moments", "checkpoints", "step-00000020.safetensors");
      const tensors = new Map([...(await loadSafetensors(step20)).tensors].filter(([name]) => !name.startsWith("train/adam/")));
      await saveSafetensors(step20, tensors, { format: "linea-checkpoint", step: "20" });
      for (const out of ["resumed", "fresh_moments"]) train(out, ["--resume"]);
    }, 120_000);

    it("writes the package: fixed files, model.py, Linea's initial values and the data", () => {
      for (const f of ["__init__.py", "linea_torch.py", "model.py", "train.py", "launch.py", "init.safetensors", "data.npy"])
        expect(existsSync(join(dir, "toy2d_pkg", f)), f).toBe(true);
      const model = readFileSync(join(dir, "toy2d_pkg", "model.py"), "utf8");
      expect(model).toContain('attach(self, "G", network_G())');
      expect(model).toContain('self.maps["B"] = Linearizer(Chart(self.G, 0, [2]), Chart(self.G, 1, [2]), op=Sampler(self.A, steps=100, method="euler"))');
    });

    it("the loss falls over the run; with lr = 0 it does not move (control)", () => {
      const before = evalLoss(dir, "toy2d_pkg", join(dir, "toy2d_pkg", "init.safetensors"));
      const after = evalLoss(dir, "toy2d_pkg", join(dir, "ddp", "weights.safetensors"));
      const still = evalLoss(dir, "toy2d_pkg", join(dir, "still", "weights.safetensors"));
      expect(after).toBeLessThan(0.95 * before);
      expect(still).toBe(before);
    });

    it("2 processes with global batch B equal 1 process with batch B; 1 process with B/2 does not (control)", async () => {
      const single = await floats(join(dir, "single", "weights.safetensors"));
      const ddp = await floats(join(dir, "ddp", "weights.safetensors"));
      const half = await floats(join(dir, "half", "weights.safetensors"));
      const eta = LAMBDA * Math.sqrt(BATCH) * U;
      const tol = FEEDBACK * STEPS * LR * 2 * eta * ADAM_STEP;
      const d = maxDiff(single, ddp);
      console.log(`max |θ_DDP − θ_1| = ${d.toExponential(2)}, tolerance ${tol.toExponential(2)}, control ${maxDiff(single, half).toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(tol);
      expect(maxDiff(single, half)).toBeGreaterThan(tol);
      // the run moved the weights well beyond the tolerance (the comparison is not between two untrained files)
      expect(maxDiff(single, await floats(join(dir, "toy2d_pkg", "init.safetensors")))).toBeGreaterThan(100 * tol);
    });

    it("a run stopped and resumed from its checkpoint equals the uninterrupted run; without Adam's moments it does not (control)", async () => {
      const single = await floats(join(dir, "single", "weights.safetensors"));
      expect(maxDiff(single, await floats(join(dir, "resumed", "weights.safetensors")))).toBe(0);
      expect(maxDiff(single, await floats(join(dir, "fresh_moments", "weights.safetensors")))).toBeGreaterThan(0);
    });

    it("Linea verifies and samples from torch's checkpoint; a checkpoint missing a tensor is refused (control)", async () => {
      const checkpoint = join(dir, "ddp", "checkpoints", `step-${String(STEPS).padStart(8, "0")}.safetensors`);
      const verify = await linea("verify", "toy2d.lin", "--weights", checkpoint, "--backend", "cpu");
      expect(verify.code, verify.stderr + verify.stdout).toBe(0);
      expect(verify.stdout).toContain("6 law checks: 6 passed, 0 failed");
      const sample = await linea(
        "sample",
        "toy2d.lin",
        "--map",
        "v",
        "--methods",
        "euler",
        "--steps",
        "6",
        "--n",
        "8",
        "--weights",
        checkpoint,
        "--out",
        "samples",
        "--backend",
        "cpu",
      );
      expect(sample.code, sample.stderr).toBe(0);
      expect(existsSync(join(dir, "samples", "results.json"))).toBe(true);
      const file = await loadSafetensors(checkpoint);
      const tensors = new Map(file.tensors);
      tensors.delete("A.u.0.weight");
      await saveSafetensors(join(dir, "broken.safetensors"), tensors);
      const broken = await linea("verify", "toy2d.lin", "--weights", "broken.safetensors", "--backend", "cpu");
      expect(broken.code).not.toBe(0);
      expect(broken.stderr).toContain("A.u.0.weight");
    });

    it("refuses a missing or unknown --format and a package name Python cannot import", async () => {
      expect((await linea("export", "toy2d.lin", "--out", "p")).code).toBe(2);
      const unknown = await linea("export", "toy2d.lin", "--format", "torhc", "--out", "p");
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("torch");
      expect((await linea("export", "toy2d.lin", "--format", "torch", "--out", "my-pkg")).code).toBe(2);
    });
  },
);
