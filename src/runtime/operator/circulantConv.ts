// Periodic (circular) per-channel convolutions on R[C, H, W]. Unlike a zero-padded convolution, a
// circular one is diagonalised by the 2-D DFT: with x = e^{iθ}, θ = 2π(f·i/H + g·j/W),
//   (K·x)[c,i,j] = Σ_{u,v} kernel[c,u,v]·x[c,(i+u) mod H,(j+v) mod W] = λ[c,f,g]·x,
//   λ[c,f,g] = Σ_{u,v} kernel[c,u,v]·e^{+2πi(f·u/H + g·v/W)} = conj(DFT₂(kernel_c))[f,g],
// so products, sums, powers, the adjoint and the pseudo-inverse act on λ frequency by frequency, and
// the singular values are the |λ| (K is normal). The kernel is held full-size [C, H, W] (offsets taken
// mod H and W) so that K⁺, K^p and projectors, whose kernels are full-size, stay in the kind.
import * as tf from "@tensorflow/tfjs-core";
import { OperatorError } from "./errors.js";
import { dft2 } from "./fft.js";
import { matrix, type Matrix } from "./host.js";
import type { CirculantConv, ConvGeometry } from "./kinds.js";
import { randomDepthwiseConv, requireDenseConvSize, samePadding } from "./depthwiseConv.js";

const mod = (i: number, n: number): number => ((i % n) + n) % n;

function checkGeometry(g: ConvGeometry): number {
  for (const [name, v] of Object.entries(g)) {
    if (!Number.isInteger(v) || v < 1) throw new OperatorError("LIN1171", `circulant_conv: ${name} must be a positive integer, got ${v}`);
  }
  return g.channels * g.height * g.width;
}

function checkValues(values: ArrayLike<number>, expected: number, shape: string): void {
  if (values.length !== expected) throw new OperatorError("LIN1171", `circulant_conv: the kernel has ${values.length} values, a ${shape} kernel has ${expected}`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new OperatorError("LIN1004", `circulant_conv: non-finite kernel value at index ${i}`);
  }
}

/**
 * The circular convolution of a full-size periodic kernel [C, H, W] (row-major): y[c,i,j] =
 * Σ_{u,v} kernel[c,u,v]·x[c,(i+u) mod H,(j+v) mod W]. `geometry.size` is the k of the k×k kernel a
 * leaf was declared with (its parameter layout, parameters.ts); it does not restrict the kernel.
 */
export function circulantConv(geometry: ConvGeometry, kernel: ArrayLike<number>): CirculantConv {
  const n = checkGeometry(geometry);
  checkValues(kernel, n, `[${geometry.channels}, ${geometry.height}, ${geometry.width}]`);
  return { kind: "circulant_conv", rows: n, cols: n, geometry, kernel: Float64Array.from(kernel) };
}

/**
 * The circular convolution of a [C, k, k] kernel, centred as PyTorch's padding='same' (offset
 * (k−1)//2 before, k//2 after): y[c,i,j] = Σ_{a,b} taps[c,a,b]·x[c,(i+a−p) mod H,(j+b−p) mod W],
 * i.e. PyTorch's padding_mode='circular'. Tap (a,b) lands at offset ((a−p) mod H, (b−p) mod W).
 */
export function circulantFromTaps(geometry: ConvGeometry, taps: ArrayLike<number>): CirculantConv {
  checkGeometry(geometry);
  const { channels, height, width, size } = geometry;
  checkValues(taps, channels * size * size, `[${channels}, ${size}, ${size}]`);
  const p = samePadding(size);
  const kernel = new Float64Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) {
        // Taps wider than the image wrap onto one offset and add (still the circular correlation).
        const u = mod(a - p, height);
        const v = mod(b - p, width);
        kernel[(c * height + u) * width + v] += taps[(c * size + a) * size + b];
      }
    }
  }
  return { kind: "circulant_conv", rows: kernel.length, cols: kernel.length, geometry, kernel };
}

/** The [C, k, k] taps of a kernel supported in the leaf's 'same'-centred k×k window, or undefined when it is not. */
export function tapsOf(op: CirculantConv): Float64Array | undefined {
  const { channels, height, width, size } = op.geometry;
  if (size > height || size > width) return undefined; // taps would share offsets
  const p = samePadding(size);
  const taps = new Float64Array(channels * size * size);
  let inside = 0;
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) {
        const w = op.kernel[(c * height + mod(a - p, height)) * width + mod(b - p, width)];
        taps[(c * size + a) * size + b] = w;
        if (w !== 0) inside++;
      }
    }
  }
  let nonzero = 0;
  for (const w of op.kernel) if (w !== 0) nonzero++;
  return nonzero === inside ? taps : undefined;
}

/** Whether two circular convolutions act on one image layout (C, H, W), so that their spectra combine. */
export function sameImage(a: CirculantConv, b: CirculantConv): boolean {
  const g = a.geometry;
  const h = b.geometry;
  return g.channels === h.channels && g.height === h.height && g.width === h.width;
}

const spectra = new WeakMap<Float64Array, Float64Array>();

/** λ = conj(DFT₂(kernel)) per channel, interleaved complex [C, H, W, 2]; computed once per kernel array. */
export function spectrum(op: CirculantConv): Float64Array {
  const hit = spectra.get(op.kernel);
  if (hit !== undefined) return hit;
  const { channels, height, width } = op.geometry;
  const complex = new Float64Array(2 * op.kernel.length);
  for (let i = 0; i < op.kernel.length; i++) complex[2 * i] = op.kernel[i];
  const out = dft2(complex, channels, height, width);
  for (let i = 0; i < op.kernel.length; i++) out[2 * i + 1] = -out[2 * i + 1];
  spectra.set(op.kernel, out);
  return out;
}

/**
 * The circular convolution of geometry `like` with eigenvalues λ (interleaved [C, H, W, 2], Hermitian:
 * λ[−f] = conj λ[f], which every rule here preserves): kernel = Re IDFT₂(conj λ). The imaginary part is
 * rounding only and is dropped.
 */
export function fromSpectrum(like: CirculantConv, lambda: Float64Array): CirculantConv {
  const { channels, height, width } = like.geometry;
  const conj = Float64Array.from(lambda);
  for (let i = 1; i < conj.length; i += 2) conj[i] = -conj[i];
  const back = dft2(conj, channels, height, width, true);
  const kernel = new Float64Array(like.kernel.length);
  for (let i = 0; i < kernel.length; i++) kernel[i] = back[2 * i];
  spectra.set(kernel, Float64Array.from(lambda));
  return { ...like, kernel };
}

/** Kᵀ: λ ↦ conj λ, i.e. kernel[c,u,v] ↦ kernel[c,−u,−v] (the correlation with the flipped kernel). */
export function transposeCirculant(op: CirculantConv): CirculantConv {
  const { channels, height, width } = op.geometry;
  const kernel = new Float64Array(op.kernel.length);
  for (let c = 0; c < channels; c++) {
    for (let u = 0; u < height; u++) {
      for (let v = 0; v < width; v++) kernel[(c * height + ((height - u) % height)) * width + ((width - v) % width)] = op.kernel[(c * height + u) * width + v];
    }
  }
  return { ...op, kernel };
}

/** A + B (kernels add) for one image layout. */
export function sumCirculant(a: CirculantConv, b: CirculantConv): CirculantConv {
  return { ...a, kernel: a.kernel.map((k, i) => k + b.kernel[i]) };
}

/** A + s·I: s added at offset (0, 0) of every channel. */
export function plusIdentity(a: CirculantConv, s: number): CirculantConv {
  const kernel = Float64Array.from(a.kernel);
  const plane = a.geometry.height * a.geometry.width;
  for (let c = 0; c < a.geometry.channels; c++) kernel[c * plane] += s;
  return { ...a, kernel };
}

/** A·B: spectra multiply frequency by frequency. */
export function productCirculant(a: CirculantConv, b: CirculantConv): CirculantConv {
  const la = spectrum(a);
  const lb = spectrum(b);
  const out = new Float64Array(la.length);
  for (let i = 0; i < la.length; i += 2) {
    out[i] = la[i] * lb[i] - la[i + 1] * lb[i + 1];
    out[i + 1] = la[i] * lb[i + 1] + la[i + 1] * lb[i];
  }
  return fromSpectrum(a, out);
}

/** A^p for an integer p ≥ 1: λ^p by repeated squaring, per frequency. */
export function powerCirculant(a: CirculantConv, p: number): CirculantConv {
  const l = spectrum(a);
  const out = new Float64Array(l.length);
  for (let i = 0; i < l.length; i += 2) {
    let re = 1;
    let im = 0;
    let bRe = l[i];
    let bIm = l[i + 1];
    for (let e = p; e > 0; e >>= 1) {
      if (e & 1) [re, im] = [re * bRe - im * bIm, re * bIm + im * bRe];
      [bRe, bIm] = [bRe * bRe - bIm * bIm, 2 * bRe * bIm];
    }
    out[i] = re;
    out[i + 1] = im;
  }
  return fromSpectrum(a, out);
}

/** |λ| for every channel and frequency: the D singular values of K, unsorted. */
export function singularValuesCirculant(op: CirculantConv): Float64Array {
  const l = spectrum(op);
  const out = new Float64Array(op.rows);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(l[2 * i] * l[2 * i] + l[2 * i + 1] * l[2 * i + 1]);
  return out;
}

/**
 * K⁺: 1/λ where |λ| > cutoff, else 0 (K is normal, so its pseudo-inverse is diagonal in the same
 * Fourier basis); `keep` = 1 where |λ| > cutoff maps to the orthogonal projector onto range(K).
 */
export function pinvCirculant(op: CirculantConv, cutoff: number): { readonly pinv: CirculantConv; readonly projector: CirculantConv; readonly rank: number } {
  const l = spectrum(op);
  const inv = new Float64Array(l.length);
  const keep = new Float64Array(l.length);
  let rank = 0;
  for (let i = 0; i < l.length; i += 2) {
    const m2 = l[i] * l[i] + l[i + 1] * l[i + 1];
    if (Math.sqrt(m2) > cutoff) {
      inv[i] = l[i] / m2;
      inv[i + 1] = -l[i + 1] / m2;
      keep[i] = 1;
      rank++;
    }
  }
  return { pinv: fromSpectrum(op, inv), projector: fromSpectrum(op, keep), rank };
}

/** Top singular triplets of K: σ descending, u and v real orthonormal D×k. */
export interface CirculantTriplets {
  readonly u: Matrix;
  readonly s: Float64Array;
  readonly v: Matrix;
  /** All D singular values, unordered (for the rank and cut-off). */
  readonly all: Float64Array;
}

/**
 * The k largest singular triplets from the Fourier modes, without a D×D matrix. For a frequency f whose
 * conjugate −f differs, with λ_f = σ·e^{iφ} and θ = 2π(f·i/H + g·j/W):
 *   K·cos θ = Re(λ·e^{iθ}) = σ·cos(θ + φ),  K·sin θ = Im(λ·e^{iθ}) = σ·sin(θ + φ),
 * so (cos θ, sin θ)·√(2/HW) are two right singular vectors and (cos(θ+φ), sin(θ+φ))·√(2/HW) the left
 * ones (u = K·v/σ, also defined at σ = 0). A self-conjugate f (each of f, g equal to 0 or half the size)
 * has a real λ and contributes cos θ/√(HW) once. Each vector lives in one channel's block.
 */
export function circulantTriplets(op: CirculantConv, k: number): CirculantTriplets {
  const { channels, height, width } = op.geometry;
  const plane = height * width;
  const l = spectrum(op);
  // One entry per triplet (a conjugate pair gives a cos and a sin entry), in flat typed arrays: D can
  // be 196,608, where an object per mode and a comparator sort cost more than the FFTs.
  const sigma = new Float64Array(op.rows);
  const source = new Int32Array(op.rows); // channel·plane + frequency index of the mode
  const sine = new Uint8Array(op.rows);
  let n = 0;
  for (let c = 0; c < channels; c++) {
    for (let f = 0; f < height; f++) {
      for (let g = 0; g < width; g++) {
        const index = f * width + g;
        const conjugate = ((height - f) % height) * width + ((width - g) % width);
        if (conjugate < index) continue; // the pair was taken at its first member
        const at = c * plane + index;
        const value = Math.sqrt(l[2 * at] * l[2 * at] + l[2 * at + 1] * l[2 * at + 1]);
        sigma[n] = value;
        source[n++] = at;
        if (conjugate !== index) {
          sigma[n] = value;
          source[n] = at;
          sine[n++] = 1;
        }
      }
    }
  }
  const count = Math.min(Math.max(0, Math.floor(k)), n);
  // The k-th largest σ by a native numeric sort of a copy, then the entries above it (and as many at it
  // as fit, in entry order), ordered by σ descending with ties in entry order: deterministic.
  const sorted = Float64Array.from(sigma).sort();
  const threshold = count === 0 ? Number.POSITIVE_INFINITY : sorted[n - count];
  const chosen: number[] = [];
  for (let t = 0; t < n; t++) if (sigma[t] > threshold) chosen.push(t);
  for (let t = 0; t < n && chosen.length < count; t++) if (sigma[t] === threshold) chosen.push(t);
  chosen.sort((x, y) => sigma[y] - sigma[x] || x - y);
  const u = matrix(op.rows, count);
  const v = matrix(op.cols, count);
  const s = new Float64Array(count);
  const modes = chosen.map((entry, t) => {
    const at = source[entry];
    const f = Math.floor((at % plane) / width);
    const g = at % width;
    const selfConjugate = ((height - f) % height) * width + ((width - g) % width) === f * width + g;
    s[t] = sigma[entry];
    return {
      t,
      c: Math.floor(at / plane),
      f,
      g,
      phase: Math.atan2(l[2 * at + 1], l[2 * at]),
      scale: selfConjugate ? 1 / Math.sqrt(plane) : Math.sqrt(2 / plane),
      sine: sine[entry] === 1,
    };
  });
  // cos and sin of θ = α + β (α = 2π·(f·i mod H)/H, β = 2π·(g·j mod W)/W) by the addition formulas
  // from tables of the H and W roots of unity (a few ulps each), and of θ + φ likewise.
  const table = (n: number): { cos: Float64Array; sin: Float64Array } => ({
    cos: Float64Array.from({ length: n }, (_, r) => Math.cos((2 * Math.PI * r) / n)),
    sin: Float64Array.from({ length: n }, (_, r) => Math.sin((2 * Math.PI * r) / n)),
  });
  const rowRoots = table(height);
  const colRoots = table(width);
  // Row by row (each row's k entries are adjacent in memory), channel by channel: a column at a time
  // would stride through the D×k arrays k times.
  for (let c = 0; c < channels; c++) {
    const here = modes.filter((m) => m.c === c).map((m) => ({ ...m, cosPhi: Math.cos(m.phase), sinPhi: Math.sin(m.phase) }));
    if (here.length === 0) continue;
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const base = (c * plane + i * width + j) * count;
        for (const m of here) {
          const ri = (m.f * i) % height;
          const cj = (m.g * j) % width;
          const cosTheta = rowRoots.cos[ri] * colRoots.cos[cj] - rowRoots.sin[ri] * colRoots.sin[cj];
          const sinTheta = rowRoots.sin[ri] * colRoots.cos[cj] + rowRoots.cos[ri] * colRoots.sin[cj];
          if (m.sine) {
            v.data[base + m.t] = m.scale * sinTheta;
            u.data[base + m.t] = m.scale * (sinTheta * m.cosPhi + cosTheta * m.sinPhi);
          } else {
            v.data[base + m.t] = m.scale * cosTheta;
            u.data[base + m.t] = m.scale * (cosTheta * m.cosPhi - sinTheta * m.sinPhi);
          }
        }
      }
    }
  }
  return { u, s, v, all: sigma };
}

/** K·M on the host in float64, M of shape [C·H·W, m]: per column and channel, IDFT₂(λ ⊙ DFT₂(x)). */
export function circulantTimes(op: CirculantConv, m: Matrix): Matrix {
  const { channels, height, width } = op.geometry;
  const l = spectrum(op);
  const out = matrix(op.rows, m.cols);
  const buffer = new Float64Array(2 * op.cols);
  for (let col = 0; col < m.cols; col++) {
    buffer.fill(0);
    for (let i = 0; i < op.cols; i++) buffer[2 * i] = m.data[i * m.cols + col];
    const x = dft2(buffer, channels, height, width);
    for (let i = 0; i < x.length; i += 2) [x[i], x[i + 1]] = [l[i] * x[i] - l[i + 1] * x[i + 1], l[i] * x[i + 1] + l[i + 1] * x[i]];
    const y = dft2(x, channels, height, width, true);
    for (let i = 0; i < op.rows; i++) out.data[i * m.cols + col] = y[2 * i];
  }
  return out;
}

/** The dense float64 matrix of K, for small sizes: row (c,i,j) holds kernel[c,u,v] in column (c,(i+u) mod H,(j+v) mod W). */
export function circulantMatrix(op: CirculantConv): Matrix {
  requireDenseConvSize("circulant_conv", op.geometry, op.rows, op.cols);
  const { channels, height, width } = op.geometry;
  const out = matrix(op.rows, op.cols);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const row = (c * height + i) * width + j;
        for (let u = 0; u < height; u++) {
          for (let v = 0; v < width; v++) {
            out.data[row * op.cols + (c * height + ((i + u) % height)) * width + ((j + v) % width)] += op.kernel[(c * height + u) * width + v];
          }
        }
      }
    }
  }
  return out;
}

/** The shortest circular window [−before, size − 1 − before] (mod n) holding every offset in `used`. */
function circularWindow(used: readonly boolean[]): { readonly before: number; readonly size: number } {
  const n = used.length;
  if (!used.some(Boolean)) return { before: 0, size: 1 };
  // The complement of the longest circular run of unused offsets; the window starts right after it.
  let bestGap = 0;
  let bestEnd = 0;
  for (let start = 0; start < n; start++) {
    if (used[start]) continue;
    let len = 0;
    while (len < n && !used[(start + len) % n]) len++;
    if (len > bestGap) {
      bestGap = len;
      bestEnd = (start + len) % n;
    }
  }
  const size = n - bestGap;
  const first = bestGap === 0 ? 0 : bestEnd; // the first used offset of the window, in 0…n−1
  if (first === 0) return { before: 0, size };
  if (first + size > n) return { before: n - first, size }; // the window wraps through offset 0
  // A window clear of offset 0 is widened to reach it (the padding on each side must be ≥ 0), from
  // whichever side is shorter.
  return n - first + 1 <= first + size ? { before: n - first, size: n - first + 1 } : { before: 0, size: first + size };
}

/**
 * The kernel's support as a rectangular window of offsets: rows −top…kh−1−top, columns −left…kw−1−left
 * (mod H, W). A leaf's k×k kernel gives k×k; a pseudo-inverse or power usually spans the whole image.
 */
export function kernelWindow(op: CirculantConv): { readonly top: number; readonly kh: number; readonly left: number; readonly kw: number } {
  const { channels, height, width } = op.geometry;
  const rowsUsed = new Array<boolean>(height).fill(false);
  const colsUsed = new Array<boolean>(width).fill(false);
  for (let c = 0; c < channels; c++) {
    for (let u = 0; u < height; u++) {
      for (let v = 0; v < width; v++) {
        if (op.kernel[(c * height + u) * width + v] !== 0) {
          rowsUsed[u] = true;
          colsUsed[v] = true;
        }
      }
    }
  }
  const r = circularWindow(rowsUsed);
  const w = circularWindow(colsUsed);
  return { top: r.before, kh: r.size, left: w.before, kw: w.size };
}

/**
 * X·Kᵀ for a row batch X [b, C·H·W] on tfjs: circular padding (tf.pad has no wrap mode, so the wrapped
 * rows and columns are concatenated slices) by the kernel's window, then a 'valid' depthwiseConv2d with
 * the window's taps. A full-size kernel (K⁺, K^p) has an H×W window: the same path, H·W taps per
 * output coordinate. Must run inside tf.tidy.
 */
export function circulantRows(op: CirculantConv, x: tf.Tensor2D): tf.Tensor2D {
  const { channels, height, width } = op.geometry;
  const batch = x.shape[0];
  const { top, kh, left, kw } = kernelWindow(op);
  const filter = new Float32Array(kh * kw * channels);
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const u = (a - top + height) % height;
        const v = (b - left + width) % width;
        filter[(a * kw + b) * channels + c] = op.kernel[(c * height + u) * width + v];
      }
    }
  }
  const nhwc = tf.transpose(tf.reshape(x, [batch, channels, height, width]), [0, 2, 3, 1]) as tf.Tensor4D;
  // padded[i'] = x[(i' − top) mod H] for i' in 0…H+kh−2: the last `top` rows on top, the first kh−1−top below.
  const wrapRows = (t: tf.Tensor4D): tf.Tensor4D => {
    const parts = [
      top > 0 ? tf.slice(t, [0, height - top, 0, 0], [batch, top, -1, channels]) : undefined,
      t,
      kh - 1 - top > 0 ? tf.slice(t, [0, 0, 0, 0], [batch, kh - 1 - top, -1, channels]) : undefined,
    ];
    return tf.concat(
      parts.filter((p): p is tf.Tensor4D => p !== undefined),
      1,
    );
  };
  const tall = wrapRows(nhwc);
  const rowsPadded = height + kh - 1;
  const parts = [
    left > 0 ? tf.slice(tall, [0, 0, width - left, 0], [batch, rowsPadded, left, channels]) : undefined,
    tall,
    kw - 1 - left > 0 ? tf.slice(tall, [0, 0, 0, 0], [batch, rowsPadded, kw - 1 - left, channels]) : undefined,
  ];
  const padded = tf.concat(
    parts.filter((p): p is tf.Tensor4D => p !== undefined),
    2,
  );
  const y = tf.depthwiseConv2d(padded, tf.tensor4d(filter, [kh, kw, channels, 1]), 1, "valid");
  return tf.reshape(tf.transpose(y, [0, 3, 1, 2]), [batch, op.rows]);
}

/** A seeded circular convolution with the taps of randomDepthwiseConv (near-identity k×k kernels). */
export function randomCirculantConv(geometry: ConvGeometry, seed: number): CirculantConv {
  return circulantFromTaps(geometry, randomDepthwiseConv(geometry, seed).kernel);
}
