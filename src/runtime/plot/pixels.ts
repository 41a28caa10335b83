// Pixel pictures inside an SVG: an image tile or a heat map is an embedded PNG, enlarged by whole
// factors with nearest-neighbour (each data pixel a crisp block) before it is embedded and drawn at its
// own size, so no viewer or rasteriser resamples it. Encoded with pngjs.
import { PNG } from "pngjs";
import type { Rgb } from "./colors.js";
import { element, type Markup } from "./svg.js";

/** A width × height picture, one colour per data pixel, row-major. */
export interface PixelBlock {
  readonly width: number;
  readonly height: number;
  readonly color: (x: number, y: number) => Rgb;
}

/** PNG bytes of `block`, each data pixel drawn as scaleX × scaleY screen pixels. */
export function encodePixels(block: PixelBlock, scaleX: number, scaleY: number): Buffer {
  const png = new PNG({ width: block.width * scaleX, height: block.height * scaleY });
  for (let y = 0; y < block.height; y++) {
    for (let x = 0; x < block.width; x++) {
      const [r, g, b] = block.color(x, y);
      for (let dy = 0; dy < scaleY; dy++) {
        let i = ((y * scaleY + dy) * png.width + x * scaleX) * 4;
        for (let dx = 0; dx < scaleX; dx++, i += 4) {
          png.data[i] = r;
          png.data[i + 1] = g;
          png.data[i + 2] = b;
          png.data[i + 3] = 255;
        }
      }
    }
  }
  return PNG.sync.write(png);
}

/** `block` as an <image> at (x, y), enlarged by the whole factors scaleX, scaleY. */
export function pixelImage(block: PixelBlock, x: number, y: number, scaleX: number, scaleY: number, attributes: Readonly<Record<string, string>> = {}): Markup {
  const bytes = encodePixels(block, scaleX, scaleY);
  return element("image", {
    x,
    y,
    width: block.width * scaleX,
    height: block.height * scaleY,
    href: `data:image/png;base64,${bytes.toString("base64")}`,
    // Drawn 1:1 already; the hint keeps a viewer that rescales the SVG from blurring the blocks.
    "image-rendering": "optimizeSpeed",
    preserveAspectRatio: "none",
    ...attributes,
  });
}
