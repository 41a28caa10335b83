// The DFT of any length (fft.js for powers of two, Bluestein's chirp-z otherwise) against the textbook
// sum X_k = Σ x_n·e^{−2πi·kn/N} in float64, the inverse as its round trip, and the 2-D transform as
// rows-then-columns of that sum. Control: the transform with the opposite sign convention is caught.
import { describe, expect, it } from "vitest";
import { dft, dft2, inverseDft } from "../../../src/runtime/operator/fft.js";
import { seededRandom } from "../../../src/runtime/random.js";

const EPS64 = 2 ** -52;

function naive(data: Float64Array, sign = -1): Float64Array {
  const n = data.length / 2;
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const angle = (sign * 2 * Math.PI * ((k * j) % n)) / n;
      out[2 * k] += data[2 * j] * Math.cos(angle) - data[2 * j + 1] * Math.sin(angle);
      out[2 * k + 1] += data[2 * j] * Math.sin(angle) + data[2 * j + 1] * Math.cos(angle);
    }
  }
  return out;
}

function randomComplex(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: 2 * n }, () => random.normal());
}

const maxDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
const norm = (a: Float64Array): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

// FFT round-off is ‖δX‖ ≤ c·log₂N·ε·‖X‖ with c of order 5 (Cooley–Tukey with accurate twiddles);
// Bluestein runs three FFTs of length M < 4N plus two chirp products, so ≤ 3·5·log₂(4N)·ε·‖X‖ + the
// naive sum's own N·ε·‖x‖. 50·log₂(4N) + N covers both with margin; max |entry| ≤ the 2-norm.
const tolerance = (n: number, scale: number): number => (50 * Math.log2(4 * n) + n) * EPS64 * scale;

describe("dft", () => {
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 31, 64]) {
    it(`matches the textbook DFT at N = ${n} (${n >= 2 && (n & (n - 1)) === 0 ? "fft.js" : "Bluestein"})`, () => {
      const x = randomComplex(n, 17 + n);
      const want = naive(x);
      expect(maxDiff(dft(x), want)).toBeLessThanOrEqual(tolerance(n, norm(want)));
      expect(maxDiff(inverseDft(dft(x)), x)).toBeLessThanOrEqual(tolerance(n, norm(x)));
      if (n > 2) {
        // Control: the + sign convention (the inverse's, unscaled) differs by O(‖X‖).
        expect(maxDiff(naive(x, +1), want)).toBeGreaterThan(1e3 * tolerance(n, norm(want)));
      }
    });
  }

  it("dft2 is the 1-D DFT along rows then columns, per plane", () => {
    const [planes, h, w] = [2, 3, 4];
    const x = randomComplex(planes * h * w, 5);
    const got = dft2(x, planes, h, w);
    // X[p,f,g] = Σ_{i,j} x[p,i,j]·e^{−2πi(f·i/h + g·j/w)}
    for (let p = 0; p < planes; p++) {
      for (let f = 0; f < h; f++) {
        for (let g = 0; g < w; g++) {
          let re = 0;
          let im = 0;
          for (let i = 0; i < h; i++) {
            for (let j = 0; j < w; j++) {
              const angle = -2 * Math.PI * ((f * i) / h + (g * j) / w);
              const k = 2 * ((p * h + i) * w + j);
              re += x[k] * Math.cos(angle) - x[k + 1] * Math.sin(angle);
              im += x[k] * Math.sin(angle) + x[k + 1] * Math.cos(angle);
            }
          }
          const k = 2 * ((p * h + f) * w + g);
          expect(Math.abs(got[k] - re) + Math.abs(got[k + 1] - im)).toBeLessThanOrEqual(2 * tolerance(h * w, norm(got)));
        }
      }
    }
    expect(maxDiff(dft2(got, planes, h, w, true), x)).toBeLessThanOrEqual(2 * tolerance(h * w, norm(x)));
  });
});
