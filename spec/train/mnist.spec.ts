// The mnist() data source: rows [1, size, size] in [0, 1] read from the `mnist` package's JSON files,
// a seeded subset (the same for the same seed, another for another seed), the digit filter against
// the package's own per-digit files, resizing by pooling or padding, and coded errors for bad arguments.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { loadDataset, TrainError } from "../../src/train/index.js";

const context = { seed: 5, baseDir: tmpdir() };
const args = (o: Record<string, number | string> = {}): Map<string, number | string> => new Map(Object.entries(o));

/** The package's images of one digit, read independently of the source under test. */
function packageDigit(d: number): number[][] {
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
  const flat = (JSON.parse(readFileSync(path.join(dir, `${d}.json`), "utf8")) as { data: number[] }).data;
  return Array.from({ length: flat.length / 784 }, (_, i) => flat.slice(i * 784, (i + 1) * 784));
}

describe("mnist()", () => {
  it("gives n rows of shape [1, 28, 28] in [0, 1], all ten digits by default", async () => {
    const d = await loadDataset("mnist", args({ n: 300 }), context);
    expect(d.shape).toEqual([1, 28, 28]);
    expect(d.rows).toBe(300);
    expect(d.data.length).toBe(300 * 784);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of d.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBe(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi).toBeGreaterThan(0.9);
    const all = await loadDataset("mnist", args(), context);
    expect(all.rows).toBe(10000);
  });

  it("is reproducible from the seed, and another seed picks other rows", async () => {
    const a = await loadDataset("mnist", args({ n: 50 }), context);
    const b = await loadDataset("mnist", args({ n: 50 }), context);
    const c = await loadDataset("mnist", args({ n: 50 }), { ...context, seed: 6 });
    const d = await loadDataset("mnist", args({ n: 50, seed: 6 }), context);
    expect(a.data).toEqual(b.data);
    expect(c.data).not.toEqual(a.data);
    expect(d.data).toEqual(c.data); // an explicit seed argument overrides the train seed
  });

  it("keeps only the digits asked for: every row is one of the package's images of those digits", async () => {
    // The source stores float32: compare with the package's doubles rounded to float32 (exactly what
    // a correct copy holds), as strings of whole images.
    const asF32 = (img: ArrayLike<number>): string => Array.from(Float32Array.from(img)).join(",");
    const sevens = new Set(packageDigit(7).map(asF32));
    const threes = new Set(packageDigit(3).map(asF32));
    const d = await loadDataset("mnist", args({ n: 40, digits: 7 }), context);
    const rows = Array.from({ length: d.rows }, (_, i) => asF32(d.data.subarray(i * 784, (i + 1) * 784)));
    for (const r of rows) expect(sevens.has(r)).toBe(true);
    // Control: a row of 7s is not among the 3s.
    expect(threes.has(rows[0])).toBe(false);
    const two = await loadDataset("mnist", args({ digits: "0,1" }), context);
    expect(two.rows).toBe(packageDigit(0).length + packageDigit(1).length);
  });

  it("resizes by average pooling (14, 7) and zero padding (32)", async () => {
    const full = await loadDataset("mnist", args({ n: 3 }), context);
    const half = await loadDataset("mnist", args({ n: 3, size: 14 }), context);
    const padded = await loadDataset("mnist", args({ n: 3, size: 32 }), context);
    expect(half.shape).toEqual([1, 14, 14]);
    expect(padded.shape).toEqual([1, 32, 32]);
    // pixel (y, x) of the 14×14 image is the mean of the 2×2 block at (2y, 2x); float32 sums of four
    // values ≤ 1: error ≤ 4 ulps of 1.
    const at = (y: number, x: number): number => full.data[y * 28 + x];
    for (const [y, x] of [
      [7, 7],
      [10, 6],
      [5, 9],
    ]) {
      const mean = (at(2 * y, 2 * x) + at(2 * y + 1, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x + 1)) / 4;
      expect(Math.abs(half.data[y * 14 + x] - mean)).toBeLessThan(4 * 2 ** -23);
    }
    // the padding is a 2-pixel zero border around the unchanged image
    expect(padded.data[0]).toBe(0);
    expect(padded.data[(2 + 14) * 32 + 2 + 14]).toBe(at(14, 14));
  });

  it("rejects bad arguments with LIN0903", async () => {
    const bads: Record<string, number | string>[] = [{ n: 0 }, { n: 2.5 }, { n: 20000 }, { digits: "3a" }, { size: 20 }, { digits: 12.5 }];
    for (const bad of bads) {
      const p = loadDataset("mnist", args(bad), context);
      await expect(p).rejects.toBeInstanceOf(TrainError);
      await expect(p).rejects.toMatchObject({ code: "LIN0903" });
    }
  });
});
