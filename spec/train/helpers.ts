// A tiny flow-matching spec and a checked program for the training tests: a 2-D tagged flow of two
// small couplings and a rank-2 A(t), trained on 512 moons points. Small enough for a few dozen steps
// per test on one shared CPU core.
import { isLeft } from "fp-ts/lib/Either.js";
import { checkText } from "../../src/index.js";
import type { CheckedProgram } from "../../src/compiler/checked.js";

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
    `train fit { ${Object.entries(train).map(([k, v]) => `${k} = ${v};`).join(" ")} }`,
    "",
  ].join("\n");
}

export function checked(text: string, uri = "/virtual/tiny.lin"): CheckedProgram {
  const r = checkText(text, uri);
  if (isLeft(r)) throw new Error(`spec does not check: ${r.left.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  return r.right;
}
