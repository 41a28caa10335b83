// Complex discrete Fourier transforms of any length in float64: fft.js (indutny's radix-4 FFT, a
// maintained npm package) for power-of-two lengths, and Bluestein's chirp-z for the others, which
// rewrites a length-N DFT as one circular convolution of power-of-two length M ≥ 2N − 1 (three fft.js
// transforms). fft.js has no arbitrary-length transform, hence the hand-written chirp-z on top of it.
import FFTModule from "fft.js";

/** The part of fft.js's API used here (its bundled typings declare every argument `any`). */
interface FftJs {
  transform(out: Float64Array, data: Float64Array): void;
  inverseTransform(out: Float64Array, data: Float64Array): void;
}

const FftJsClass = FFTModule as unknown as new (size: number) => FftJs;

const isPowerOfTwo = (n: number): boolean => n >= 2 && (n & (n - 1)) === 0;

/** One planned length-N transform: X_k = Σ_n x_n·e^{−2πi·kn/N} (forward) on interleaved [re, im] arrays. */
interface Plan {
  forward(data: Float64Array): Float64Array;
}

function radix2Plan(n: number): Plan {
  const fft = new FftJsClass(n);
  return {
    forward(data) {
      const out = new Float64Array(2 * n);
      fft.transform(out, data);
      return out;
    },
  };
}

/**
 * Bluestein: kn = (k² + n² − (k − n)²)/2, so X_k = w_k·Σ_n (x_n·w_n)·conj(w_{k−n}) with w_j = e^{−πi·j²/N}:
 * a circular convolution of a = x·w (zero-padded to M) with b_j = conj(w_j) for |j| < N (wrapped).
 * j² is reduced mod 2N before the angle is formed, so the chirp keeps float64 accuracy for large N.
 */
function bluesteinPlan(n: number): Plan {
  let m = 2;
  while (m < 2 * n - 1) m *= 2;
  const fft = new FftJsClass(m);
  const wRe = new Float64Array(n);
  const wIm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const angle = (-Math.PI * ((j * j) % (2 * n))) / n;
    wRe[j] = Math.cos(angle);
    wIm[j] = Math.sin(angle);
  }
  const b = new Float64Array(2 * m);
  for (let j = 0; j < n; j++) {
    b[2 * j] = wRe[j];
    b[2 * j + 1] = -wIm[j];
    if (j > 0) {
      b[2 * (m - j)] = wRe[j];
      b[2 * (m - j) + 1] = -wIm[j];
    }
  }
  const bHat = new Float64Array(2 * m);
  fft.transform(bHat, b);
  return {
    forward(data) {
      const a = new Float64Array(2 * m);
      for (let j = 0; j < n; j++) {
        const re = data[2 * j];
        const im = data[2 * j + 1];
        a[2 * j] = re * wRe[j] - im * wIm[j];
        a[2 * j + 1] = re * wIm[j] + im * wRe[j];
      }
      const aHat = new Float64Array(2 * m);
      fft.transform(aHat, a);
      for (let j = 0; j < m; j++) {
        const re = aHat[2 * j] * bHat[2 * j] - aHat[2 * j + 1] * bHat[2 * j + 1];
        const im = aHat[2 * j] * bHat[2 * j + 1] + aHat[2 * j + 1] * bHat[2 * j];
        aHat[2 * j] = re;
        aHat[2 * j + 1] = im;
      }
      const conv = new Float64Array(2 * m);
      fft.inverseTransform(conv, aHat); // fft.js's inverse divides by M
      const out = new Float64Array(2 * n);
      for (let k = 0; k < n; k++) {
        const re = conv[2 * k];
        const im = conv[2 * k + 1];
        out[2 * k] = re * wRe[k] - im * wIm[k];
        out[2 * k + 1] = re * wIm[k] + im * wRe[k];
      }
      return out;
    },
  };
}

const plans = new Map<number, Plan>();

function planFor(n: number): Plan {
  let plan = plans.get(n);
  if (plan === undefined) {
    plan = n === 1 ? { forward: (data) => Float64Array.from(data) } : isPowerOfTwo(n) ? radix2Plan(n) : bluesteinPlan(n);
    plans.set(n, plan);
  }
  return plan;
}

/** The forward DFT X_k = Σ_n x_n·e^{−2πi·kn/N} of one interleaved complex vector [re₀, im₀, re₁, …] of any length N ≥ 1. */
export function dft(data: Float64Array): Float64Array {
  return planFor(data.length / 2).forward(data);
}

/** The inverse DFT x_n = (1/N)·Σ_k X_k·e^{+2πi·kn/N}, by conj(DFT(conj X))/N. */
export function inverseDft(data: Float64Array): Float64Array {
  const n = data.length / 2;
  const conj = Float64Array.from(data);
  for (let j = 0; j < n; j++) conj[2 * j + 1] = -conj[2 * j + 1];
  const out = dft(conj);
  for (let j = 0; j < n; j++) {
    out[2 * j] /= n;
    out[2 * j + 1] = -out[2 * j + 1] / n;
  }
  return out;
}

/**
 * The 2-D DFT (or its inverse) of `planes` interleaved complex H×W planes stored one after another,
 * row-major: rows first, then columns (the 2-D DFT is separable).
 */
export function dft2(data: Float64Array, planes: number, height: number, width: number, inverse = false): Float64Array {
  const one = inverse ? inverseDft : dft;
  const out = Float64Array.from(data);
  const row = new Float64Array(2 * width);
  const column = new Float64Array(2 * height);
  for (let p = 0; p < planes; p++) {
    const base = 2 * p * height * width;
    for (let i = 0; i < height; i++) {
      const start = base + 2 * i * width;
      row.set(out.subarray(start, start + 2 * width));
      out.set(one(row), start);
    }
    for (let j = 0; j < width; j++) {
      for (let i = 0; i < height; i++) {
        column[2 * i] = out[base + 2 * (i * width + j)];
        column[2 * i + 1] = out[base + 2 * (i * width + j) + 1];
      }
      const t = one(column);
      for (let i = 0; i < height; i++) {
        out[base + 2 * (i * width + j)] = t[2 * i];
        out[base + 2 * (i * width + j) + 1] = t[2 * i + 1];
      }
    }
  }
  return out;
}
