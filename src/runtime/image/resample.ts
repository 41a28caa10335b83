// PIL's bilinear resampling of 8-bit images (Pillow's libImaging/Resample.c), which is what
// torchvision's `Resize` does to a PIL image. Hand-written because the result must match PIL to the
// bit: no npm package computes PIL's coefficients (sharp/libvips and canvas use other kernels, other
// supports and float intermediates). PIL's algorithm, followed step by step:
// - per axis, a triangle filter whose support widens by the scale factor when downscaling (so a
//   downscale averages every source pixel it covers: antialiased) and stays 1 when upscaling (plain
//   bilinear); the weights of each output pixel are normalised to sum 1;
// - the weights are fixed-point integers with 22 fraction bits, rounded half away from zero;
// - the horizontal pass runs first and rounds to 8 bits, then the vertical pass does the same.
// Working in PIL's integers rather than in floats is what makes the output bit-identical.

/** An 8-bit image: `height` rows of `width` pixels of `channels` interleaved values. */
export interface Image8 {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;
}

/** Pillow's PRECISION_BITS (32 − 8 − 2): the fraction bits of its fixed-point weights. */
const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;

/** Per output pixel: the first source index, how many follow, and their fixed-point weights. */
interface AxisWeights {
  readonly first: Int32Array;
  readonly count: Int32Array;
  /** [out, kernelSize] row-major; entries past `count` are zero. */
  readonly weights: Float64Array;
  readonly kernelSize: number;
}

/** The triangle (bilinear) filter, support 1. */
function triangle(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

/** C's `(int)` conversion of a double: truncation toward zero. */
const cInt = Math.trunc;

/** Pillow's precompute_coeffs followed by normalize_coeffs_8bpc, for an axis of `inSize` → `outSize`. */
function axisWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1 * filterScale;
  const kernelSize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * kernelSize);
  const real = new Float64Array(kernelSize);
  const ss = 1 / filterScale;
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const xmin = Math.max(cInt(center - support + 0.5), 0);
    const xmax = Math.min(cInt(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      real[x] = triangle((x + xmin - center + 0.5) * ss);
      total += real[x];
    }
    for (let x = 0; x < xmax; x++) {
      const w = total === 0 ? real[x] : real[x] / total;
      // Rounded half away from zero, as Pillow's `(int)(±0.5 + w * (1 << PRECISION_BITS))`.
      weights[o * kernelSize + x] = w < 0 ? cInt(-0.5 + w * ONE) : cInt(0.5 + w * ONE);
    }
    first[o] = xmin;
    count[o] = xmax;
  }
  return { first, count, weights, kernelSize };
}

/** Pillow's clip8: the fixed-point sum (with its rounding half already added) back to 0…255. */
function clip8(sum: number): number {
  if (sum < 0) return 0;
  if (sum >= 256 * ONE) return 255;
  return Math.floor(sum / ONE);
}

/** Horizontal pass over source rows [rowFirst, rowFirst + rows): the output has `rows` rows. */
function horizontal(src: Image8, w: AxisWeights, outWidth: number, rowFirst: number, rows: number): Image8 {
  const c = src.channels;
  const out = new Uint8Array(outWidth * rows * c);
  for (let y = 0; y < rows; y++) {
    const rowIn = (y + rowFirst) * src.width * c;
    const rowOut = y * outWidth * c;
    for (let x = 0; x < outWidth; x++) {
      const k = x * w.kernelSize;
      const start = w.first[x];
      for (let ch = 0; ch < c; ch++) {
        let sum = ONE / 2;
        for (let i = 0; i < w.count[x]; i++) sum += src.data[rowIn + (start + i) * c + ch] * w.weights[k + i];
        out[rowOut + x * c + ch] = clip8(sum);
      }
    }
  }
  return { width: outWidth, height: rows, channels: c, data: out };
}

/** Vertical pass; `rowOffset` is the first source row `src` holds (the horizontal pass may skip rows). */
function vertical(src: Image8, w: AxisWeights, outHeight: number, rowOffset: number): Image8 {
  const c = src.channels;
  const stride = src.width * c;
  const out = new Uint8Array(outHeight * stride);
  for (let y = 0; y < outHeight; y++) {
    const k = y * w.kernelSize;
    const start = w.first[y] - rowOffset;
    for (let j = 0; j < stride; j++) {
      let sum = ONE / 2;
      for (let i = 0; i < w.count[y]; i++) sum += src.data[(start + i) * stride + j] * w.weights[k + i];
      out[y * stride + j] = clip8(sum);
    }
  }
  return { width: src.width, height: outHeight, channels: c, data: out };
}

/**
 * `image` resized to `width` × `height` exactly as PIL's `Image.resize((width, height), BILINEAR)`
 * (no `box`, no `reducing_gap`): bit-identical 8-bit output.
 */
export function resizeBilinear(image: Image8, width: number, height: number): Image8 {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`resizeBilinear: target size ${width}×${height} is not positive integers`);
  }
  if (image.data.length !== image.width * image.height * image.channels) {
    throw new RangeError(`resizeBilinear: ${image.data.length} values for a ${image.width}×${image.height}×${image.channels} image`);
  }
  const needHorizontal = width !== image.width;
  const needVertical = height !== image.height;
  if (!needHorizontal && !needVertical) return { ...image, data: image.data.slice() };
  const vert = axisWeights(image.height, height);
  if (!needHorizontal) return vertical(image, vert, height, 0);
  const horiz = axisWeights(image.width, width);
  if (!needVertical) return horizontal(image, horiz, width, 0, image.height);
  // Like Pillow, the horizontal pass computes only the rows the vertical pass reads.
  const rowFirst = vert.first[0];
  const rowLast = vert.first[height - 1] + vert.count[height - 1];
  return vertical(horizontal(image, horiz, width, rowFirst, rowLast - rowFirst), vert, height, rowFirst);
}
