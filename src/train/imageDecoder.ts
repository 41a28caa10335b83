// PNG and JPEG files to 8-bit pixels, through sharp (libvips), an optional peer dependency: sharp ships
// a prebuilt libvips per platform, so it is loaded on first use with a dynamic import, and its absence
// is LIN0930 naming `npm install sharp`. Decoding only: every resize, crop and conversion after it is
// Linea's own (runtime/image), so the rows match PIL/torchvision to the bit whatever sharp's version.
import type { Image8 } from "../runtime/image/resample.js";
import { FormatError, readWholeFile } from "../runtime/io/index.js";
import { TrainError } from "./errors.js";

/** What Linea asks of sharp: decode to raw 8-bit interleaved pixels (a structural subset of its API). */
interface SharpPipeline {
  raw(options: { depth: "uchar" }): SharpPipeline;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Uint8Array; info: { width: number; height: number; channels: number } }>;
}

/** sharp's default export, as far as Linea uses it. */
export type SharpFactory = (input: Uint8Array, options: { ignoreIcc: boolean }) => SharpPipeline;

/** Loads sharp; replaceable in tests (to simulate a machine without it). */
export type SharpLoader = () => Promise<SharpFactory>;

/** Imports the installed `sharp` package. */
export const importSharp: SharpLoader = async () => {
  const name = "sharp";
  // A variable specifier: the type checker and bundlers leave the optional peer out of the build.
  const module = (await import(name)) as { default: SharpFactory };
  return module.default;
};

/** Bound on one image file's bytes: far beyond any photo, far below what would exhaust memory. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

/** A decoder of image files to pixels; made once per load (one import of sharp). */
export type ImageDecoder = (file: string) => Promise<Image8>;

/** sharp loaded through `load`, LIN0930 (with the loader's reason) when it is missing or broken. */
export async function imageDecoder(load: SharpLoader = importSharp): Promise<ImageDecoder> {
  let sharp: SharpFactory;
  try {
    sharp = await load();
  } catch (e) {
    throw new TrainError(
      "LIN0930",
      `image data needs the optional package sharp to decode PNG and JPEG files, and it did not load (${(e as Error).message.split("\n")[0]}): npm install sharp`,
    );
  }
  return async (file) => {
    const bytes = await readWholeFile(file, MAX_IMAGE_FILE_BYTES, "an image file");
    let out: Awaited<ReturnType<SharpPipeline["toBuffer"]>>;
    try {
      // ignoreIcc: PIL does not apply embedded colour profiles, so neither does Linea.
      out = await sharp(bytes, { ignoreIcc: true }).raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
    } catch (e) {
      const reason = (e as Error).message;
      if (/pixel limit/i.test(reason)) throw new FormatError("LIN1151", `${reason}; shrink the image or remove it from the data`, { file });
      throw new FormatError("LIN1150", `cannot decode this image (${reason}); fix or remove the file`, { file });
    }
    const { width, height, channels } = out.info;
    return { width, height, channels, data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength) };
  };
}
