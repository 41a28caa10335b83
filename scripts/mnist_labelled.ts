// Writes the MNIST digits Linea trains on (the mnist package's 10,000, through `mnist(size = …)`: PIL-exact
// bilinear resize, [0, 1]) with their labels, for evaluating samples against them (bench/mnist_eval.py).
//   npx tsx scripts/mnist_labelled.ts [--size 32] [--out runs/mnist-eval]
// → digits.npy float32 [10000, 1, size, size] (digit by digit, 0 first) and labels.npy int32 [10000].
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { saveNpy } from "../src/runtime/io/index.js";
import { mnist } from "../src/train/mnist.js";

const { values } = parseArgs({ options: { size: { type: "string", default: "32" }, out: { type: "string", default: "runs/mnist-eval" } } });
const size = Number(values.size);
const parts = [];
for (let digit = 0; digit <= 9; digit++)
  parts.push(
    await mnist(
      new Map([
        ["digits", String(digit)],
        ["size", size],
      ]),
      { seed: 0, baseDir: "." },
    ),
  );
const rows = parts.reduce((n, p) => n + p.rows, 0);
const digits = new Float32Array(rows * size * size);
const labels = new Int32Array(rows);
let at = 0;
parts.forEach((p, digit) => {
  digits.set(p.data, at * size * size);
  labels.fill(digit, at, at + p.rows);
  at += p.rows;
});
await mkdir(values.out, { recursive: true });
await saveNpy(join(values.out, "digits.npy"), { dtype: "F32", shape: [rows, 1, size, size], data: digits });
await saveNpy(join(values.out, "labels.npy"), { dtype: "I32", shape: [rows], data: labels });
console.log(`wrote ${values.out}/digits.npy [${rows}, 1, ${size}, ${size}] and labels.npy [${rows}]`);
