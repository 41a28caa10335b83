// The collapsed sampler on the tfjs backend: the runtime's apply takes ROW batches X [b, n] and returns
// X·Bᵀ, so the column-convention B of the collapse is handed over as is. A control applies Bᵀ instead
// (the reference code's row-convention matrix) and must be caught.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { selectBackend } from "../../../src/runtime/backend/select.js";
import { frobeniusNorm, matmul, subtract, transpose } from "../../../src/runtime/linalg/index.js";
import { apply } from "../../../src/runtime/operator/apply.js";
import { float32Tensor, hostMatrix } from "../../../src/runtime/operator/tensors.js";
import { materialise } from "../../../src/runtime/operator/hostApply.js";
import { gaussianMatrix } from "../../support/random.js";
import { randomTimeConditioned } from "../../../src/runtime/operator/timeConditioned.js";
import * as ir from "../../../src/compiler/ir/expr.js";
import { applyHost } from "../../../src/compiler/ir/evaluate.js";
import { collapseSampler } from "../../../src/compiler/passes/collapse.js";

const EPS32 = 2 ** -23;

beforeAll(async () => {
  await selectBackend(process.env.LINEA_BACKEND ?? "cpu");
});

const rowBatch = gaussianMatrix;

describe("collapsed sampler applied with the runtime (float32, row batches)", () => {
  const n = 24;
  const tc = randomTimeConditioned({ n, rank: 2, embedDim: 8, hidden: 16, alpha: 0 }, 11);
  const inner = ir.boundLeaf("A", tc);

  for (const method of ["euler", "rk4"] as const) {
    it(`${method}, T = 20: apply(B, X) equals the float64 step-by-step sampler on the rows of X`, async () => {
      const b = collapseSampler(inner, method, 20);
      const x = rowBatch(6, n, 3);
      const oracle = transpose(applyHost(ir.sampler(inner, method, 20), transpose(x))); // rows = samples
      const input = float32Tensor(x);
      const y = apply(b, input);
      const got = await hostMatrix(y);
      tf.dispose([input, y]);
      // float32: parameters rounded (ε₃₂) and one pass of ≤ 2 products with inner size ≤ n (γ_n ≈ n·ε₃₂)
      // per factor of B = αI + UVᵀ; relative to ‖|B|·|X|‖ ≤ (|α|√n + ‖U‖_F‖V‖_F)·‖X‖_F, with 4× slack.
      const m = materialise(b);
      const scale = frobeniusNorm(m) * frobeniusNorm(x);
      const tol = 4 * (n + 2) * EPS32 * scale;
      expect(frobeniusNorm(subtract(got, oracle))).toBeLessThanOrEqual(tol);
      // Control: the row-convention matrix Bᵀ (what the reference code stores) gives a different map.
      const wrong = matmul(x, m); // X·B instead of X·Bᵀ
      expect(frobeniusNorm(subtract(wrong, oracle))).toBeGreaterThan(100 * tol);
    });
  }
});
