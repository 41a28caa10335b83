// The applications in a long-lived process: sample, invert (through a map's sampler and through a map
// that is one) and interpolate, run again and again, leave exactly as many tensors as they found.
// Control: invert applied B† through a cached upload nothing freed, one tensor per cycle.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { interpolateMaps } from "../../src/apps/interpolate.js";
import { invertibleSampler, invertSampler } from "../../src/apps/invert.js";
import { compareSamplers } from "../../src/apps/sample.js";
import { samplerSpec, seededNoise } from "../../src/apps/sampling.js";
import { selectBackend } from "../../src/runtime/backend/index.js";
import { countAcross } from "../support/lifecycle.js";
import { checkedSpec } from "./support.js";

const CYCLES = 20;
const dir = mkdtempSync(join(tmpdir(), "linea-apps-lifecycle-"));
writeFileSync(join(dir, "linea.json"), "{}");
const timed = checkedSpec(
  dir,
  "timed.lin",
  "space P = R^2;\nnetwork G : P { additive_coupling(hidden = 8); }\nspace X = induced G;\noperator A = time_conditioned(rank = 1, embed = 8, hidden = 8);\nmap v : X -> X = A;\n",
);
const flat = checkedSpec(dir, "flat.lin", "space P = R^3;\nnetwork G : P { affine_coupling(hidden = 8); }\nspace X = induced G;\noperator M[3, 3] = dense;\nmap B : X -> X = M;\n");
const mixable = checkedSpec(
  dir,
  "mix.lin",
  "space P = R^4;\nnetwork G : P tagged { affine_coupling(hidden = 8); }\nspace C = induced G[0];\nspace S = induced G[1];\noperator A1[4] = dense;\noperator A2 = identity_plus_lowrank(rank = 2);\nmap f1 : C -> S = A1;\nmap f2 : C -> S = A2;\n",
);
const choice = { method: "euler", steps: 6 } as const;
const rows = (dim: number) => ({ name: "rows", data: seededNoise(4, dim), rows: 4, shape: [dim] });

beforeAll(async () => {
  await selectBackend("cpu");
});

async function expectFlat(cycle: () => Promise<void>): Promise<void> {
  const counts = await countAcross(CYCLES, cycle);
  expect(counts.afterFirst).toBe(counts.start);
  expect(counts.afterLast).toBe(counts.afterFirst);
}

describe("apps in a long-lived process", { timeout: 600_000 }, () => {
  it("sample: compareSamplers", () => expectFlat(async () => void (await compareSamplers(samplerSpec(timed, "v", [choice], { backend: "cpu" }), [choice], { samples: 4 }))));

  it("invert: a map that is a sampler, and a map's sampler", async () => {
    await expectFlat(async () => {
      const s = await invertibleSampler(flat, { sampler: "B" }, { backend: "cpu" });
      try {
        await invertSampler(s, rows(3), { rows: 4, pairs: 1, frames: 3 });
      } finally {
        s.compiled.dispose();
      }
    });
    await expectFlat(async () => {
      const s = await invertibleSampler(timed, { map: "v", choice }, { backend: "cpu" });
      try {
        await invertSampler(s, rows(2), { rows: 4, pairs: 1, frames: 3 });
      } finally {
        s.compiled.dispose();
      }
    });
  });

  it("interpolate: interpolateMaps", () =>
    expectFlat(async () => void (await interpolateMaps(mixable, "f1", "f2", [0, 0.5, 1], async (d) => seededNoise(4, d), { backend: "cpu" }))));
});
