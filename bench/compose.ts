// k-fold composition of one shared-network map, compiled vs unfused. The spec composes f : Z -> Z
// (Z induced by a coupling network on R^n, f's operator identity + rank-r) k times; compiling fuses the
// chain into one normal form with the single constant A^k, so evaluation costs one encode, one operator
// application and one decode for every k. The unfused reference applies f k times, each with its
// own encode, operator and decode (what running the composition map by map costs).
// One JSON line per k: {"bench":"compose","k":…,"ms":…,"reference":"unfused","reference_ms":…,…}
// Usage: npm run bench -- compose [--ks 1,10,100,1000] [--n 64] [--batch 64] [--backend wasm]
import { loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { isLeft } from "fp-ts/lib/Either.js";
import { checkText } from "../src/index.js";
import { compile } from "../src/compiler/execute/program.js";
import { flag, medianTime } from "./lib/support.js";

function spec(n: number, k: number): string {
  return `space X = R^${n};
network N : X { additive_coupling(hidden = 64); permute(reverse); additive_coupling(hidden = 64); }
space Z = induced N;
operator M[${n}] = identity_plus_lowrank(rank = 4);
map f : Z -> Z = M;
let fk : Z -> Z = ${Array.from({ length: k }, () => "f").join(" * ")};
`;
}

export default async function compose(argv: readonly string[]): Promise<void> {
  const ks = flag(argv, "ks", "1,10,100,1000").split(",").map(Number);
  const n = Number(flag(argv, "n", "64"));
  const batch = Number(flag(argv, "batch", "64"));
  const backend = flag(argv, "backend", "wasm");
  // The first program of a process pays for wasm start-up and kernel compilation: run one unreported.
  for (const [k, report] of [[1, false] as const, ...ks.map((k) => [k, true] as const)]) {
    const checked = checkText(spec(n, k), "/bench/compose.lin");
    if (isLeft(checked)) throw new Error(checked.left.map((d) => d.message).join("\n"));
    const t0 = performance.now();
    const compiled = await compile(checked.right, { backend, seed: 0, targets: ["fk", "f"] });
    const compileMs = performance.now() - t0;
    const x = tf.randomNormal([batch, n], 0, 1, "float32", 1) as tf.Tensor2D;
    const ms = await medianTime(31, () => compiled.run("fk", x), 10);
    // Unfused: k applications of f, each one encode + operator + decode.
    const refRuns = k >= 100 ? 3 : 9;
    const referenceMs = await medianTime(
      refRuns,
      () => {
        let y: tf.Tensor = tf.clone(x);
        for (let i = 0; i < k; i++) {
          const next = compiled.run("f", y);
          y.dispose();
          y = next;
        }
        return y;
      },
      1,
    );
    const line = {
      bench: "compose",
      k,
      ms: Number(ms.toFixed(3)),
      reference: "unfused",
      reference_ms: Number(referenceMs.toFixed(3)),
      n,
      batch,
      backend: compiled.backend.name,
      plan_steps: compiled.planOf("fk").steps.length,
      compile_ms: Number(compileMs.toFixed(1)),
      load1: Number(loadavg()[0]?.toFixed(2)),
    };
    if (report) process.stdout.write(`${JSON.stringify(line)}\n`);
    x.dispose();
    compiled.dispose();
  }
}
