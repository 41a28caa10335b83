// Parse + check time on generated well-typed specs of about 1k, 10k and 100k lines.
// Prints one JSON line per size: {"bench":"check","lines":…,"ms":…,"reference":null,"reference_ms":null}.
// `ms` is the median of 5 timed runs after 3 warm-up runs at the same size (so the parser's grammar
// analysis and JIT compilation are not counted); the 100k size is timed once, after the smaller sizes.
// Usage: npm run bench -- check [LINES…]
import { performance } from "node:perf_hooks";
import { checkAll, memoryFileHost, print } from "../src/index.js";
import { WellTypedBuilder, seededChoose } from "../spec/compiler/well-typed.js";
import { median } from "./lib/support.js";

/** A well-typed spec of at least `lines` lines, the same for the same size. */
export function generateSpec(lines: number): string {
  const builder = new WellTypedBuilder(seededChoose(lines));
  let steps = Math.ceil(lines / 2);
  for (;;) {
    for (let i = 0; i < steps; i++) builder.step();
    const text = print(builder.program("/bench/gen.lin"));
    const count = text.split("\n").length;
    if (count >= lines) return text;
    steps = Math.ceil(((lines - count) / Math.max(count, 1)) * steps) + 1;
  }
}

function timeCheck(text: string): { ms: number; errors: number } {
  const host = memoryFileHost({ "/bench/gen.lin": text });
  const start = performance.now();
  const out = checkAll({ uri: "/bench/gen.lin", text }, { host, root: "/bench" });
  const ms = performance.now() - start;
  return { ms, errors: out.diagnostics.length };
}

export default async function main(args: readonly string[]): Promise<void> {
  const sizes = args.length ? args.map(Number) : [1_000, 10_000, 100_000];
  timeCheck(generateSpec(1_000));
  for (const lines of sizes) {
    const text = generateSpec(lines);
    const actual = text.split("\n").length;
    const repeats = lines >= 100_000 ? 1 : 5;
    // Warm-up runs at this size, so the timed runs see code the JIT has optimised for it.
    for (let i = 0; repeats > 1 && i < 3; i++) timeCheck(text);
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const r = timeCheck(text);
      if (r.errors > 0) throw new Error(`generated spec of ${actual} lines has ${r.errors} diagnostics`);
      times.push(r.ms);
    }
    const ms = Math.round(median(times) * 10) / 10;
    process.stdout.write(`${JSON.stringify({ bench: "check", lines: actual, ms, reference: null, reference_ms: null })}\n`);
  }
}
