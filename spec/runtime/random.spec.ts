import { describe, expect, it } from "vitest";
import { Rng, deriveSeed, seededRandom } from "../../src/runtime/random.js";
import * as operatorRandom from "../../src/runtime/operator/index.js";
import { isPermutation } from "../../src/runtime/network/permutation.js";

describe("seeded PRNG", () => {
  it("is reproducible per seed and differs across seeds", () => {
    expect(Array.from(new Rng(5).normalArray(8))).toEqual(Array.from(new Rng(5).normalArray(8)));
    expect(Array.from(new Rng(5).normalArray(8))).not.toEqual(Array.from(new Rng(6).normalArray(8)));
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
    expect(new Set(Array.from({ length: 100 }, (_, i) => deriveSeed(1, i))).size).toBe(100);
  });

  it("seededRandom is the same stream as Rng, and works with its methods detached", () => {
    const rng = new Rng(11);
    const random = seededRandom(11);
    const { uniform, normal } = random;
    const draws = (u: () => number, n: () => number): number[] => [u(), n(), n(), n(), u(), n()];
    expect(draws(uniform, normal)).toEqual(
      draws(
        () => rng.uniform(),
        () => rng.normal(),
      ),
    );
    // control: a different seed gives a different stream
    const other = seededRandom(12);
    expect(draws(other.uniform, other.normal)).not.toEqual(
      draws(
        () => new Rng(11).uniform(),
        () => new Rng(11).normal(),
      ),
    );
  });

  it("the operator barrel re-exports the one generator", () => {
    expect(operatorRandom.seededRandom).toBe(seededRandom);
  });

  it("normals have mean 0 and variance 1 within 5 standard errors; uniforms lie in [lo, hi)", () => {
    const n = 20000;
    const x = new Rng(9).normalArray(n);
    const mean = x.reduce((a, b) => a + b, 0) / n;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n)); // s.e. of the mean = 1/√n
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n)); // s.e. of the variance ≈ √(2/n)
    // control: a scaled sample fails the same check
    const scaled = x.map((v) => 1.1 * v);
    const v2 = scaled.reduce((a, b) => a + b * b, 0) / (n - 1);
    expect(Math.abs(v2 - 1)).toBeGreaterThan(5 * Math.sqrt(2 / n));
    const u = new Rng(2).uniformArray(1000, -2, 3);
    expect(u.every((v) => v >= -2 && v < 3)).toBe(true);
  });

  it("consecutive normals (the two halves of a Box–Muller pair) are uncorrelated", () => {
    // Sample correlation of pairs (x₂ᵢ, x₂ᵢ₊₁): standard error 1/√m for m independent pairs.
    const m = 10000;
    const x = new Rng(3).normalArray(2 * m);
    let sum = 0;
    for (let i = 0; i < m; i++) sum += x[2 * i] * x[2 * i + 1];
    expect(Math.abs(sum / m)).toBeLessThan(5 / Math.sqrt(m));
    // control: a pair that repeats its first half is perfectly correlated and is caught
    let repeated = 0;
    for (let i = 0; i < m; i++) repeated += x[2 * i] * x[2 * i];
    expect(Math.abs(repeated / m)).toBeGreaterThan(5 / Math.sqrt(m));
  });

  it("permutations are permutations, and not all the identity", () => {
    for (let n = 1; n < 30; n++) expect(isPermutation(new Rng(n).permutation(n))).toBe(true);
    expect(Array.from(new Rng(1).permutation(10))).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(isPermutation(Int32Array.of(0, 0, 1))).toBe(false); // control
  });
});
