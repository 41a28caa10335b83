// torchvision's image pipeline on 8-bit images, step for step: PIL's mode conversions to "RGB" and
// "L", `Resize(size)` (the shorter side to `size`, PIL bilinear: resample.ts), `CenterCrop(size)`,
// `ToTensor()` ([C, H, W] float32 in [0, 1]) and `Normalize(0.5, 0.5)` (to [−1, 1]). Each step uses
// the same integer or float32 arithmetic as PIL / torch, so the rows equal torchvision's to the bit.
import { resizeBilinear, type Image8 } from "./resample.js";

/** PIL's RGB → L weights (Convert.c's L24: ITU-R 601-2 luma in 16-bit fixed point, rounded). */
function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
}

/**
 * The image as PIL's `convert("RGB")` (3 channels) or `convert("L")` (1) gives it, from grey,
 * grey + alpha, RGB or RGBA: alpha is dropped, not composited, as PIL does.
 */
export function toChannels(image: Image8, channels: 1 | 3): Image8 {
  const { width, height, channels: c, data } = image;
  if (c === channels) return image;
  if (![1, 2, 3, 4].includes(c)) throw new RangeError(`toChannels: an image of ${c} channels`);
  const n = width * height;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const at = i * c;
    const grey = c <= 2;
    if (channels === 1) out[i] = grey ? data[at] : luma(data[at], data[at + 1], data[at + 2]);
    else if (grey) out.fill(data[at], 3 * i, 3 * i + 3);
    else out.set(data.subarray(at, at + 3), 3 * i);
  }
  return { width, height, channels, data: out };
}

/** torchvision 0.14's `Resize(size)` output size for an int `size`: shorter side `size`, the longer truncated. */
export function shorterSideSize(width: number, height: number, size: number): { width: number; height: number } {
  const [short, long] = width <= height ? [width, height] : [height, width];
  // Python's `int(size * long / short)`: a float quotient, truncated.
  const newLong = Math.trunc((size * long) / short);
  return width <= height ? { width: size, height: newLong } : { width: newLong, height: size };
}

/** Python 3's round(): halves to even (torchvision's centre-crop offsets use it). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torchvision's `CenterCrop(size)` of an image at least `size` on each side. */
export function centerCrop(image: Image8, size: number): Image8 {
  const { width, height, channels: c } = image;
  if (width < size || height < size) throw new RangeError(`centerCrop: a ${width}×${height} image is smaller than ${size}`);
  const top = roundHalfEven((height - size) / 2);
  const left = roundHalfEven((width - size) / 2);
  const out = new Uint8Array(size * size * c);
  for (let y = 0; y < size; y++) {
    const from = ((top + y) * width + left) * c;
    out.set(image.data.subarray(from, from + size * c), y * size * c);
  }
  return { width: size, height: size, channels: c, data: out };
}

/** How a row's values are scaled: `unit` is ToTensor's [0, 1]; `symmetric` adds Normalize(0.5, 0.5): [−1, 1]. */
export type Normalization = "unit" | "symmetric";

/** `ToTensor()` (then `Normalize(0.5, 0.5)` for `symmetric`) into `out` at `offset`: [C, H, W] float32. */
export function writeTensor(image: Image8, normalize: Normalization, out: Float32Array, offset: number): void {
  const { width, height, channels: c, data } = image;
  const plane = width * height;
  for (let i = 0; i < plane; i++) {
    for (let ch = 0; ch < c; ch++) {
      // torch: float32 v / 255, then float32 (x − 0.5) / 0.5; a double quotient rounded once to float32
      // is the correctly rounded float32 quotient, so this is the same float32.
      const unit = Math.fround(data[i * c + ch] / 255);
      out[offset + ch * plane + i] = normalize === "unit" ? unit : Math.fround(unit - 0.5) / 0.5;
    }
  }
}

/** What `images(…)` does to each decoded picture: how big, which crop, how many channels. */
export interface ImagePipeline {
  readonly size: number;
  /** `center`: Resize(size) then CenterCrop(size); `none`: Resize((size, size)), the aspect not kept. */
  readonly crop: "center" | "none";
  readonly channels: 1 | 3;
  readonly normalize: Normalization;
}

/** One decoded picture through the pipeline, written as a [channels, size, size] row at `offset`. */
export function applyPipeline(image: Image8, pipeline: ImagePipeline, out: Float32Array, offset: number): void {
  const converted = toChannels(image, pipeline.channels);
  let square: Image8;
  if (pipeline.crop === "center") {
    const to = shorterSideSize(converted.width, converted.height, pipeline.size);
    square = centerCrop(resizeBilinear(converted, to.width, to.height), pipeline.size);
  } else {
    square = resizeBilinear(converted, pipeline.size, pipeline.size);
  }
  writeTensor(square, pipeline.normalize, out, offset);
}
