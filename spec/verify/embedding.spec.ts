// The laws of an embedding φ : X ↪ E (docs/gsvd.md), through verificationOf as `linea verify` runs them:
// left_inverse holds for an isometric lift, an extension through a network on E and a generic dense
// lift, and is caught on a rank-deficient one (the control); norm_preserving holds exactly (ratio 1) for
// the isometric lift in X's induced metric, and its controls — 2·isometric (ratio exactly 2) and a
// Gaussian dense lift — are caught outside a band that excludes their ratios.
import { isRight } from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { checkText } from "../../src/index.js";
import type { CheckedProgram } from "../../src/compiler/checker/checked.js";
import type { CheckResult } from "../../src/verify/law.js";
import { verificationOf } from "../../src/verify/program.js";

const SPEC = `space X = R^6;
network G : X { affine_coupling(hidden = 8, depth = 1, activation = tanh); permute(reverse); additive_coupling(hidden = 8, depth = 1); }
space Z = induced G;
space E = R^9;
network H : E { affine_coupling(hidden = 8, depth = 1, activation = tanh); }
embedding phi : Z -> E = isometric;
embedding ext : Z -> E = extend(H, isometric);
embedding wide : Z -> E = dense;
embedding flat : Z -> E = lowrank(rank = 2);
embedding twice : Z -> E = 2 * isometric;
verify left_inverse(phi);
verify left_inverse(ext);
verify left_inverse(wide);
verify left_inverse(flat);
verify norm_preserving(phi);
verify norm_preserving(twice) with band = [1.999, 2.001];
verify norm_preserving(twice);
verify norm_preserving(wide) with band = [0.99, 1.01];
verify norm_preserving(phi) with metric = euclidean, band = [0.2, 5];
`;

let program: CheckedProgram;
const results = new Map<string, CheckResult[]>();

beforeAll(async () => {
  process.env.LINEA_BACKEND = process.env.LINEA_BACKEND ?? "cpu";
  const checked = checkText(SPEC, "/virtual/embedding.lin");
  if (!isRight(checked)) throw new Error("the fixture spec must check");
  program = checked.right;
  const v = await verificationOf(program, {}, SPEC);
  try {
    for (const t of v.targets) {
      expect(t.problem, t.label).toBeUndefined();
      const out: CheckResult[] = [];
      for (const c of t.checks) out.push(await c.run({ runs: 40, seed: 3 }));
      results.set(t.label, out);
    }
  } finally {
    v.dispose();
  }
}, 120_000);

const passed = (label: string): boolean => {
  const r = results.get(label);
  if (r === undefined || r.length === 0) throw new Error(`no results for ${label}`);
  return r.every((x) => x.passed);
};

describe("verify left_inverse(φ)", () => {
  it("holds for the isometric lift, an extension through H and a full-rank dense lift", () => {
    expect(passed("verify left_inverse(phi)")).toBe(true);
    expect(passed("verify left_inverse(ext)")).toBe(true);
    expect(passed("verify left_inverse(wide)")).toBe(true);
  });

  it("catches a rank-2 lift, whose pinv·A is a projector and not the identity (the control)", () => {
    expect(passed("verify left_inverse(flat)")).toBe(false);
  });
});

describe("verify norm_preserving(φ)", () => {
  it("observes the ratio 1 for the isometric lift in Z's induced metric, to float32 rounding", () => {
    const [r] = results.get("verify norm_preserving(phi)") ?? [];
    expect(r?.passed).toBe(true);
    const band = /observed band \[([0-9.e+-]+), ([0-9.e+-]+)\]/.exec(r?.note ?? "");
    expect(band).not.toBeNull();
    // ‖P·Δz‖ = ‖Δz‖ exactly; float32 differences of O(1) values err by ~1e-6 relative at the nearest step.
    expect(Math.abs(Number(band?.[1]) - 1)).toBeLessThan(1e-4);
    expect(Math.abs(Number(band?.[2]) - 1)).toBeLessThan(1e-4);
  });

  it("passes 2·isometric in a band around 2 and catches it in the default band [1, 1] (the control)", () => {
    expect(passed("verify norm_preserving(twice) with band = [1.999, 2.001]")).toBe(true);
    expect(passed("verify norm_preserving(twice)")).toBe(false);
  });

  it("catches a Gaussian dense lift, whose ratios spread with the direction, in a 1% band", () => {
    expect(passed("verify norm_preserving(wide) with band = [0.99, 1.01]")).toBe(false);
  });

  it("measures in X's Euclidean coordinates when asked (ratios of g's distortion, inside a wide band)", () => {
    const [r] = results.get("verify norm_preserving(phi) with metric = euclidean, band = [0.2, 5]") ?? [];
    expect(r?.passed).toBe(true);
    expect(r?.property).toContain("Euclidean coordinates");
  });
});
