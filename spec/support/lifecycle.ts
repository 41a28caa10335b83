// Counting the tensors a cycle leaves behind: a long-lived process (the language server, a notebook)
// compiles and disposes again and again, so every cycle must free all it made.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { isLeft } from "fp-ts/lib/Either.js";
import { checkText, type CheckedProgram } from "../../src/index.js";

const examples = fileURLToPath(new URL("../../examples/", import.meta.url));

/** An example spec of examples/, checked (with its imports). */
export function checkedExample(name: string): CheckedProgram {
  const path = `${examples}${name}`;
  const r = checkText(readFileSync(path, "utf8"), path);
  if (isLeft(r)) throw new Error(`${name} does not check: ${r.left.map((d) => d.message).join("; ")}`);
  return r.right;
}

/** tf.memory().numTensors before the first cycle, after the first and after the last. */
export interface TensorCounts {
  readonly start: number;
  readonly afterFirst: number;
  readonly afterLast: number;
}

/** Runs `cycle` `times` times and counts the live tensors around it. */
export async function countAcross(times: number, cycle: () => Promise<void>): Promise<TensorCounts> {
  const start = tf.memory().numTensors;
  await cycle();
  const afterFirst = tf.memory().numTensors;
  for (let i = 1; i < times; i++) await cycle();
  return { start, afterFirst, afterLast: tf.memory().numTensors };
}
