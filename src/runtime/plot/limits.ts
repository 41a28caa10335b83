// The largest picture drawn: 8192 pixels a side (a 256 MB RGBA raster at most). Renderers check the
// size they are about to draw before they allocate anything, so a result of any size gets a coded error
// (LIN1141) rather than an unbounded allocation.
import { FormatError } from "../io/index.js";

export const MAX_PICTURE_SIDE = 8192;

/** Throws LIN1141 when a `width` × `height` picture of `what` is over the limit. */
export function ensurePictureFits(width: number, height: number, what: string): void {
  if (width <= MAX_PICTURE_SIDE && height <= MAX_PICTURE_SIDE && Number.isFinite(width) && Number.isFinite(height)) return;
  throw new FormatError(
    "LIN1141",
    `picture too large: ${what} would be ${Math.ceil(width)}×${Math.ceil(height)} pixels, more than ${MAX_PICTURE_SIDE} a side; draw fewer rows or write them to .npy`,
  );
}
