// Weights for a demonstration of operator interpolation in examples/style_transfer.lin before training
// is available: the seeded networks (seed 0) with the four kernels of K set BY HAND, not trained:
//   0  a 4×4 box blur                      1  the identity (centre tap)
//   2  a sharpen (2·centre − its 4-neighbourhood mean)   3  a diagonal relief (emboss-like)
// each scaled per channel (R, G, B) to tint the result. Usage:
//   npx tsx scripts/style_demo_weights.ts [--out runs/style-demo/weights.safetensors]
//   linea interpolate examples/style_transfer.lin --maps stylise --styles 0,3 --image examples/data/style/content.png \
//     --weights runs/style-demo/weights.safetensors --alphas 0,0.35,0.4,0.45,0.5,0.55,0.6,0.65,1
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { isLeft } from "fp-ts/lib/Either.js";
import { compileFile } from "../src/compiler/execute/program.js";
import { loadSafetensors, saveSafetensors } from "../src/runtime/io/index.js";

const { values } = parseArgs({ options: { out: { type: "string", default: "runs/style-demo/weights.safetensors" } } });
const out = values.out;
const compiled = await compileFile("examples/style_transfer.lin", { seed: 0, backend: "cpu", targets: ["mosaic"] });
if (isLeft(compiled)) throw new Error(compiled.left.map((d) => d.message).join("; "));
await mkdir(dirname(out), { recursive: true });
await compiled.right.saveWeights(out);
compiled.right.dispose();

const k = 4;
const tap = (a: number, b: number): number => a * k + b;
// 'same' padding for k = 4 puts the output pixel at tap (1, 1).
const blur = Array.from({ length: k * k }, () => 1 / 16);
const identity = Array.from({ length: k * k }, (_, i) => (i === tap(1, 1) ? 1 : 0));
const sharpen = identity.map((v, i) => 2 * v - ([tap(0, 1), tap(2, 1), tap(1, 0), tap(1, 2), tap(1, 1)].includes(i) ? 1 / 5 : 0));
const relief = identity.map((v, i) => v + (i === tap(2, 2) ? 1 : 0) - (i === tap(0, 0) ? 1 : 0));
const styles = [
  { kernel: blur, tint: [1.1, 0.95, 0.7] },
  { kernel: identity, tint: [1, 1, 1] },
  { kernel: sharpen, tint: [0.8, 1, 1.15] },
  { kernel: relief, tint: [0.9, 0.9, 1.2] },
];
const kernel = new Float32Array(styles.length * 3 * k * k);
styles.forEach((s, si) => s.tint.forEach((gain, c) => s.kernel.forEach((w, i) => (kernel[(si * 3 + c) * k * k + i] = gain * w))));
const file = await loadSafetensors(out);
const tensors = new Map(file.tensors);
if (!tensors.has("K.kernel")) throw new Error(`${out} has no K.kernel`);
tensors.set("K.kernel", { dtype: "F32", shape: [styles.length, 3, 1, k, k], data: kernel });
await saveSafetensors(out, tensors, { ...file.metadata });
console.log(`wrote ${out}: seeded networks, hand-set kernels (blur, identity, sharpen, relief)`);
