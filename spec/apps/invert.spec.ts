// apps/invert.ts without the CLI: invertSampler sends data rows x₁ to their noises through B† and back
// through the compiled sampler, and every row's round-trip PSNR clears a floor derived from cond(B) and
// float32 rounding; with a deliberately wrong operator (2·B in place of B, so f† halves) every row
// falls below it. The pixel-space interpolation is decoded by the linear f: its ends are the round
// trips and its midpoint their mean. Data of the wrong width are refused.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { invertibleSampler, invertSampler, type InvertibleSampler } from "../../src/apps/invert.js";
import { seededNoise } from "../../src/apps/sampling.js";
import { TrainError } from "../../src/train/errors.js";
import type { Dataset } from "../../src/train/dataSource.js";
import { scale } from "../../src/runtime/operator/index.js";
import { checkedSpec } from "./support.js";

const FLOAT32_EPS = 2 ** -23;
const N = 3;
const ROWS = 8;

const dir = mkdtempSync(join(tmpdir(), "linea-apps-invert-"));
writeFileSync(join(dir, "linea.json"), "{}");
const spec = checkedSpec(dir, "flat.lin", `space X = R^${N};\noperator M[${N}, ${N}] = dense;\nmap B : X -> X = M;\n`);
const dataset: Dataset = { name: "rows", data: seededNoise(ROWS, N), rows: ROWS, shape: [N] };

const row = (a: Float32Array, i: number): Float32Array => a.subarray(i * N, (i + 1) * N);
const distance = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.hypot(...Array.from(a, (v, i) => v - (b[i] ?? NaN)));

describe("apps/invert: invertSampler", { timeout: 60_000 }, () => {
  it("recovers every row above a PSNR floor derived from cond(B); a wrong operator does not", async () => {
    const s = await invertibleSampler(spec, { sampler: "B" }, { backend: "cpu" });
    try {
      let decomposing = 0;
      const r = await invertSampler(s, dataset, { rows: ROWS, pairs: 2, frames: 3, onDecompose: () => decomposing++ });
      expect(decomposing).toBe(1);
      expect(r.rows).toBe(ROWS);
      expect(r.summary.rank).toBe(N);
      expect(r.pinv.rank).toBe(N);
      // x₀ = B†x₁ applied in float32 (γ₃‖B†‖‖x₁‖, B† rounded: √3·ε‖B†‖‖x₁‖), then B·x₀ in float32
      // (γ₃‖B‖‖x₀‖, B rounded: √3·ε‖B‖‖x₀‖): ‖x̂₁ − x₁‖ ≤ 2(3 + √3)·cond(B)·ε₃₂·‖x₁‖, doubled for slack.
      const bound = 4 * (3 + Math.sqrt(3)) * r.summary.condition * FLOAT32_EPS;
      const floor = Array.from({ length: ROWS }, (_, i) => -10 * Math.log10((bound * Math.hypot(...row(dataset.data, i))) ** 2 / N));
      for (let i = 0; i < ROWS; i++) expect(r.score.psnr[i]).toBeGreaterThanOrEqual(floor[i] ?? Infinity);
      expect(r.data).toEqual(dataset.data);

      // Control: f† computed from 2·B (half of B†), the round trip through the true B returns x₁/2.
      const wrong: InvertibleSampler = { ...s, form: { ...s.form, operator: scale(2, s.form.operator) } };
      const w = await invertSampler(wrong, dataset, { rows: ROWS, pairs: 0, frames: 2 });
      for (let i = 0; i < ROWS; i++) expect(w.score.psnr[i]).toBeLessThan(floor[i] ?? -Infinity);

      // The decoded interpolation: frames (k, 0) and (k, 2) are the round trips of rows 2k and 2k + 1, frame (k, 1) their mean.
      expect(r.interpolation).toHaveLength(2 * 3 * N);
      const frame = (k: number, i: number): Float32Array => row(r.interpolation, 3 * k + i);
      for (let k = 0; k < 2; k++) {
        const [a, b] = [row(r.roundTrip, 2 * k), row(r.roundTrip, 2 * k + 1)];
        const tolerance = 4 * bound * Math.max(Math.hypot(...a), Math.hypot(...b));
        expect(distance(frame(k, 0), a)).toBeLessThanOrEqual(tolerance);
        expect(distance(frame(k, 2), b)).toBeLessThanOrEqual(tolerance);
        expect(
          distance(
            frame(k, 1),
            a.map((v, j) => (v + (b[j] ?? NaN)) / 2),
          ),
        ).toBeLessThanOrEqual(tolerance);
        // Control: the midpoint is neither end.
        expect(distance(frame(k, 1), a)).toBeGreaterThan(100 * tolerance);
      }
    } finally {
      s.compiled.dispose();
    }
  });

  it("refuses data whose rows do not fit the sampler's data space", async () => {
    const s = await invertibleSampler(spec, { sampler: "B" }, { backend: "cpu" });
    try {
      const narrow: Dataset = { name: "narrow", data: seededNoise(4, 2), rows: 4, shape: [2] };
      await expect(invertSampler(s, narrow, { rows: 4, pairs: 1, frames: 2 })).rejects.toBeInstanceOf(TrainError);
      await expect(invertSampler(s, dataset, { rows: 4, pairs: 3, frames: 2 })).rejects.toMatchObject({ code: "LIN0903" });
    } finally {
      s.compiled.dispose();
    }
  });
});
