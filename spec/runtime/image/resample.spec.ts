// PIL's bilinear resize, re-implemented (src/runtime/image/resample.ts), against Pillow itself on the
// same 8-bit pixels: downscaling (antialiased, the support widened by the scale), upscaling (plain
// bilinear), one axis only, mixed directions, grey and RGB. Control: a plain bilinear downscale (no
// widened support, what most resizers do) is caught by the same comparison.
//
// Tolerance: max |diff| ≤ 1 level (1/255). Derivation: both sides compute the weights from the same
// IEEE double expressions and then work in the same integers (22-bit fixed point, one rounding per
// pass), so the outputs are equal unless a C compiler contracts a weight's double expression (FMA)
// and moves it by one ulp across a fixed-point rounding boundary: that changes one weight by 2⁻²²,
// the 8-bit sum by at most 255 · (kernel ≤ 2·ceil(28/7)+1 = 9 taps) · 2⁻²² < 0.001 level, which can flip
// one floor: ≤ 1 level after the horizontal pass, and a ±1 input moves the vertical pass's weighted
// mean (weights summing to 1) by ≤ 1 level, so ≤ 1 level in all.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resizeBilinear, type Image8 } from "../../../src/runtime/image/resample.js";
import { Rng } from "../../../src/runtime/random.js";
import { pilMissing, pilScript } from "./pil.js";

interface Case {
  readonly image: Image8;
  readonly width: number;
  readonly height: number;
}

function randomImage(rng: Rng, width: number, height: number, channels: number): Image8 {
  return { width, height, channels, data: Uint8Array.from({ length: width * height * channels }, () => Math.floor(rng.uniform() * 256)) };
}

/** A one-pixel checkerboard: the pattern a resizer without antialiasing aliases worst. */
function checkerboard(side: number): Image8 {
  return { width: side, height: side, channels: 1, data: Uint8Array.from({ length: side * side }, (_, i) => (((i % side) + Math.floor(i / side)) % 2 === 0 ? 255 : 0)) };
}

/** What PIL gives for each case, from Pillow on the same pixels. */
function pilResize(cases: readonly Case[]): number[][] {
  const dir = mkdtempSync(path.join(tmpdir(), "linea-resample-"));
  const plain = cases.map((c) => ({ w: c.image.width, h: c.image.height, c: c.image.channels, W: c.width, H: c.height, data: Array.from(c.image.data) }));
  writeFileSync(path.join(dir, "cases.json"), JSON.stringify(plain));
  return pilScript<number[][]>(
    dir,
    `
from PIL import Image
import os
out = []
for c in json.load(open(os.path.join(d, "cases.json"))):
    mode = "L" if c["c"] == 1 else "RGB"
    im = Image.frombytes(mode, (c["w"], c["h"]), bytes(c["data"]))
    out.append(list(im.resize((c["W"], c["H"]), Image.BILINEAR).tobytes()))
print(json.dumps(out))
`,
  );
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Control: a textbook bilinear (support 1 whatever the scale, float, rounded once). */
function plainBilinear(image: Image8, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const sample = (x: number, y: number): number => image.data[Math.min(image.height - 1, Math.max(0, y)) * image.width + Math.min(image.width - 1, Math.max(0, x))];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = ((x + 0.5) * image.width) / width - 0.5;
      const sy = ((y + 0.5) * image.height) / height - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const top = sample(x0, y0) * (1 - fx) + sample(x0 + 1, y0) * fx;
      const bottom = sample(x0, y0 + 1) * (1 - fx) + sample(x0 + 1, y0 + 1) * fx;
      out[y * width + x] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return out;
}

describe.skipIf(pilMissing !== undefined)("resizeBilinear against Pillow", () => {
  const rng = new Rng(11);
  const cases: Case[] = [
    { image: randomImage(rng, 37, 23, 1), width: 16, height: 11 }, // down, non-integer factors
    { image: randomImage(rng, 20, 30, 3), width: 47, height: 61 }, // up, RGB
    { image: randomImage(rng, 28, 28, 1), width: 32, height: 32 }, // MNIST → the reference's 32
    { image: randomImage(rng, 28, 28, 1), width: 14, height: 14 },
    { image: randomImage(rng, 28, 28, 1), width: 7, height: 7 },
    { image: randomImage(rng, 50, 40, 3), width: 50, height: 17 }, // vertical pass only
    { image: randomImage(rng, 50, 40, 3), width: 13, height: 40 }, // horizontal pass only
    { image: randomImage(rng, 10, 40, 3), width: 25, height: 9 }, // up in x, down in y
    { image: randomImage(rng, 89, 64, 3), width: 64, height: 46 }, // a CelebA-like Resize(64) of a landscape picture
    { image: checkerboard(24), width: 10, height: 10 },
  ];
  const pil = pilResize(cases);

  it("matches PIL within 1 level on every case (derivation at the top)", () => {
    cases.forEach((c, i) => {
      const ours = resizeBilinear(c.image, c.width, c.height);
      expect([ours.width, ours.height, ours.channels]).toEqual([c.width, c.height, c.image.channels]);
      expect(maxDiff(ours.data, pil[i]), `case ${i}: ${c.image.width}×${c.image.height} → ${c.width}×${c.height}`).toBeLessThanOrEqual(1);
    });
  });

  it("control: a plain (not antialiased) bilinear downscale is caught", () => {
    const i = cases.length - 1;
    const c = cases[i];
    expect(maxDiff(plainBilinear(c.image, c.width, c.height), pil[i])).toBeGreaterThan(1);
  });
});

describe("resizeBilinear", () => {
  it("returns a copy for the same size, and refuses sizes that are not positive integers", () => {
    const image = randomImage(new Rng(2), 5, 4, 3);
    const same = resizeBilinear(image, 5, 4);
    expect(same.data).toEqual(image.data);
    expect(same.data).not.toBe(image.data);
    expect(() => resizeBilinear(image, 0, 4)).toThrow(RangeError);
    expect(() => resizeBilinear(image, 2.5, 4)).toThrow(RangeError);
    expect(() => resizeBilinear({ ...image, channels: 1 }, 3, 3)).toThrow(RangeError);
  });

  it("keeps a constant image constant (the weights of each pixel sum to one)", () => {
    const flat: Image8 = { width: 13, height: 9, channels: 1, data: new Uint8Array(13 * 9).fill(200) };
    for (const [w, h] of [
      [5, 4],
      [31, 20],
      [13, 2],
    ]) {
      expect(Array.from(new Set(resizeBilinear(flat, w, h).data))).toEqual([200]);
    }
  });
});
