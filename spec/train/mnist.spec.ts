// The mnist() data source: rows [1, size, size] in [0, 1] read from the `mnist` package's JSON files,
// a seeded subset (the same for the same seed, another for another seed), the digit filter against
// the package's own per-digit files, resizing as torchvision's Resize (PIL bilinear) does, and coded
// errors for bad arguments.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { loadDataset, TrainError } from "../../src/train/index.js";
import { pilMissing, pilScript } from "../runtime/image/pil.js";

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

  it.skipIf(pilMissing !== undefined)("resizes 28 → 32, 14, 7 as torchvision's Resize on the reference's PIL digits", async () => {
    // The reference's MNIST rows are ToTensor(Resize(size)(PIL "L" image)): k/255 of PIL's bilinear
    // output. The same 3 digits go through Pillow here, from their 8-bit values (the package's values
    // are k/255 to 3 decimals, so round(v·255) is k). Tolerance: 1 level, 1/255, plus the float32
    // rounding of k/255 (half an ulp of 1, 2⁻²⁴): the resampler's bound (derived in
    // spec/runtime/image/resample.spec.ts) on values scaled by 1/255.
    const full = await loadDataset("mnist", args({ n: 3 }), context);
    const pixels = Array.from(full.data, (v) => Math.round(v * 255));
    const dir = mkdtempSync(path.join(tmpdir(), "linea-mnist-pil-"));
    writeFileSync(path.join(dir, "digits.json"), JSON.stringify(pixels));
    const pil = pilScript<Record<string, number[]>>(
      dir,
      `
from PIL import Image
import os
flat = json.load(open(os.path.join(d, "digits.json")))
out = {}
for size in (32, 14, 7):
    rows = []
    for i in range(3):
        im = Image.frombytes("L", (28, 28), bytes(flat[i * 784:(i + 1) * 784]))
        # Resize(size) of a square image is resize((size, size), BILINEAR); ToTensor is k / 255.
        rows += [v / 255 for v in im.resize((size, size), Image.BILINEAR).tobytes()]
    out[str(size)] = rows
print(json.dumps(out))
`,
    );
    for (const size of [32, 14, 7]) {
      const resized = await loadDataset("mnist", args({ n: 3, size }), context);
      expect(resized.shape).toEqual([1, size, size]);
      const ref = pil[String(size)];
      expect(resized.data.length).toBe(ref.length);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(resized.data[i] - ref[i]));
      expect(worst, `size ${size}`).toBeLessThanOrEqual(1 / 255 + 2 ** -24);
    }
    // Control: the old 32 (2 pixels of zero padding around the unchanged digit) is not torchvision's.
    const padded = new Float32Array(3 * 32 * 32);
    for (let i = 0; i < 3; i++) for (let y = 0; y < 28; y++) padded.set(full.data.subarray(i * 784 + y * 28, i * 784 + (y + 1) * 28), i * 1024 + (y + 2) * 32 + 2);
    let paddedWorst = 0;
    for (let i = 0; i < padded.length; i++) paddedWorst = Math.max(paddedWorst, Math.abs(padded[i] - pil["32"][i]));
    expect(paddedWorst).toBeGreaterThan(1 / 255 + 2 ** -24);
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
