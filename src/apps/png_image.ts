// RGB images as rows of a space R[3, H, W]: PNG files decoded (pngjs) to channel-major values in [0, 1],
// and such rows encoded back. The convention of the style-transfer example and its data
// (examples/data/style): values v = byte / 255, alpha dropped, rounded back to the nearest byte.
import { PNG } from "pngjs";
import { FormatError, readWholeFile } from "../runtime/io/index.js";

/** An RGB image, channel-major [3, height, width], values in [0, 1]. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** Input images above this many bytes are refused before decoding (a 4096² RGBA PNG is at most ~64 MiB). */
const MAX_PNG_BYTES = 256 * 1024 * 1024;

/** PNG bytes of an RGB image (values clipped to [0, 1], rounded to bytes; alpha 255). */
export function encodeRgbPng(image: RgbImage): Buffer {
  const { width, height, data } = image;
  const png = new PNG({ width, height });
  const plane = width * height;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) png.data[4 * p + c] = Math.round(255 * Math.min(1, Math.max(0, data[c * plane + p])));
    png.data[4 * p + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Decodes PNG bytes to an RGB image; `file` names the source in the error. */
export function decodeRgbPng(bytes: Uint8Array, file: string): RgbImage {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes));
  } catch (e) {
    throw new FormatError("LIN1173", `not a readable PNG (${e instanceof Error ? e.message : String(e)})`, { file });
  }
  const { width, height } = png;
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) data[c * plane + p] = png.data[4 * p + c] / 255;
  return { width, height, data };
}

/** Reads a PNG file as an RGB image. */
export async function readRgbPng(file: string): Promise<RgbImage> {
  return decodeRgbPng(await readWholeFile(file, MAX_PNG_BYTES, "a PNG image"), file);
}

/** The image as one row of R[3, H, W] for a domain of dimension `dim`; LIN1173 when the sizes differ. */
export function imageRow(image: RgbImage, dim: number, file: string): Float32Array {
  if (image.data.length !== dim) {
    throw new FormatError("LIN1173", `the image is 3×${image.height}×${image.width} = ${image.data.length} values, but the map's domain has dimension ${dim}`, { file });
  }
  return image.data;
}
