// A tiny flow-matching spec and a checked program for the training tests: a 2-D tagged flow of two
// small couplings and a rank-2 A(t), trained on 512 moons points. Small enough for a few dozen steps
// per test on one shared CPU core.
import { isLeft } from "fp-ts/lib/Either.js";
import { checkText } from "../../src/index.js";
import type { CheckedProgram } from "../../src/compiler/checker/checked.js";

/** `train fit { key = value; … }` on one line. */
export function trainSection(fields: Record<string, string>): string {
  return `train fit { ${Object.entries(fields)
    .map(([k, v]) => `${k} = ${v};`)
    .join(" ")} }`;
}

export function tinySpec(fields: Record<string, string> = {}): string {
  const train = {
    model: "v",
    data: "moons(n = 512)",
    loss: "flow_matching",
    steps: "40",
    batch: "64",
    lr: "3e-3",
    seed: "1",
    checkpoint_every: "10",
    ...fields,
  };
  return [
    "space P = R^2;",
    "network G : P tagged {",
    "  repeat 2 { affine_coupling(hidden = 16, depth = 1, activation = tanh); permute(reverse); }",
    "}",
    "space Noise = induced G[0];",
    "space Data = induced G[1];",
    "operator A = time_conditioned(rank = 2, embed = 8, hidden = 16);",
    "map v : Noise -> Data = A;",
    "entry sample(x : Noise) = sampler(v, method = euler, steps = 10)(x);",
    trainSection(train),
    "",
  ].join("\n");
}

export function checked(text: string, uri = "/virtual/tiny.lin"): CheckedProgram {
  const r = checkText(text, uri);
  if (isLeft(r)) throw new Error(`spec does not check: ${r.left.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  return r.right;
}

/**
 * A tiny image flow on 14×14 MNIST (mnist(size = 14)): every block kind an image network uses
 * (actnorm, squeeze, affine and additive couplings on [C, H, W], both permutations, inv_dense),
 * a rank-2 A(t) and an RK4 sampler. Seconds per few steps on one core.
 */
export function tinyImageSpec(fields: Record<string, string> = {}): string {
  const train = {
    model: "v",
    data: "mnist(n = 64, size = 14)",
    steps: "4",
    batch: "8",
    lr: "1e-3",
    seed: "2",
    checkpoint_every: "2",
    ...fields,
  };
  return [
    "space Img = R[1, 14, 14];",
    "network G : Img tagged {",
    "  actnorm; squeeze;",
    "  affine_coupling(hidden = 8, depth = 1, activation = relu, scale_bound = 2.0);",
    "  permute(random, seed = 1);",
    "  additive_coupling(hidden = 8, depth = 1, activation = tanh);",
    "  inv_dense; permute(reverse); actnorm;",
    "}",
    "space Noise = induced G[0];",
    "space Data = induced G[1];",
    "operator A = time_conditioned(rank = 2, embed = 8, hidden = 8);",
    "map v : Noise -> Data = A;",
    "let B = sampler(v, method = rk4, steps = 6);",
    "entry sample(x : Noise) = B(x);",
    trainSection(train),
    "",
  ].join("\n");
}
