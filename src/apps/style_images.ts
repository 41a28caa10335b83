// The style-transfer example's data, generated deterministically (no style images can be downloaded
// here; the reference stylises its content image with four pretrained fast-neural-style networks,
// paper-notes §2.8): a synthetic content scene and four visibly different "styles" of it, each a fixed
// image transform: a false-colour remap, an emboss, a posterise-like smooth staircase, and blur + sepia.
// Only the colour remap and the posterise are pixelwise; emboss and blur are spatial, as real styles are.
import type { RgbImage } from "./png_image.js";

/** The names of the four styles, in style-index order (the file names are style_<index>.png). */
export const STYLE_NAMES = ["false colour", "emboss", "posterise", "blur + sepia"] as const;

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));
const smoothstep = (e0: number, e1: number, v: number): number => {
  const t = clamp01((v - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
};

/**
 * A size × size scene: sky gradient, a sun, two hills, a house with a roof and a window, striped field.
 * Edges are softened over about one pixel (smoothstep) so the scene has no aliasing at 64 px.
 */
export function contentImage(size: number): RgbImage {
  const plane = size * size;
  const data = new Float32Array(3 * plane);
  const px = 1 / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      // Sky: deep blue at the top to pale near the horizon.
      let rgb = [0.25 + 0.5 * v, 0.45 + 0.4 * v, 0.85 + 0.1 * v];
      const mix = (colour: readonly number[], w: number): void => {
        rgb = rgb.map((c, i) => (1 - w) * c + w * colour[i]);
      };
      mix([1, 0.85, 0.3], 1 - smoothstep(0.11 - px, 0.11 + px, Math.hypot(u - 0.75, v - 0.22)));
      const farHill = 0.58 + 0.06 * Math.sin(7 * u + 1);
      mix([0.3, 0.55, 0.35], smoothstep(farHill - px, farHill + px, v));
      const nearHill = 0.7 + 0.05 * Math.cos(5 * u);
      // The field: green with diagonal stripes.
      const stripes = 0.5 + 0.5 * Math.sin(60 * (u + v));
      mix([0.35 + 0.15 * stripes, 0.65 + 0.1 * stripes, 0.2], smoothstep(nearHill - px, nearHill + px, v));
      // A house: red walls, a dark roof (a triangle), a yellow window.
      const inWalls =
        smoothstep(0.18 - px, 0.18 + px, u) * (1 - smoothstep(0.42 - px, 0.42 + px, u)) * smoothstep(0.55 - px, 0.55 + px, v) * (1 - smoothstep(0.8 - px, 0.8 + px, v));
      mix([0.75, 0.2, 0.15], inWalls);
      const roof = 0.55 - (0.12 - Math.abs(u - 0.3)) * 1.1;
      const inRoof = (1 - smoothstep(0.12 - px, 0.12 + px, Math.abs(u - 0.3))) * smoothstep(roof - px, roof + px, v) * (1 - smoothstep(0.55 - px, 0.55 + px, v));
      mix([0.3, 0.15, 0.15], inRoof);
      const inWindow = (1 - smoothstep(0.05 - px, 0.05 + px, Math.abs(u - 0.3))) * (1 - smoothstep(0.05 - px, 0.05 + px, Math.abs(v - 0.64)));
      mix([1, 0.9, 0.4], inWindow);
      for (let c = 0; c < 3; c++) data[c * plane + y * size + x] = clamp01(rgb[c]);
    }
  }
  return { width: size, height: size, data };
}

/** Pixel (c, y, x) with edges clamped (replicate padding). */
function at(image: RgbImage, c: number, y: number, x: number): number {
  const { width, height } = image;
  const yy = Math.min(height - 1, Math.max(0, y));
  const xx = Math.min(width - 1, Math.max(0, x));
  return image.data[(c * height + yy) * width + xx];
}

/** A per-pixel colour transform rgb ↦ f(rgb). */
function pixelwise(image: RgbImage, f: (rgb: readonly [number, number, number]) => readonly number[]): RgbImage {
  const plane = image.width * image.height;
  const data = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    const out = f([image.data[p], image.data[plane + p], image.data[2 * plane + p]]);
    for (let c = 0; c < 3; c++) data[c * plane + p] = clamp01(out[c]);
  }
  return { ...image, data };
}

/** A per-channel correlation with a square kernel (replicate padding), plus `offset`. */
function filtered(image: RgbImage, kernel: readonly (readonly number[])[], offset: number): RgbImage {
  const { width, height } = image;
  const r = Math.floor(kernel.length / 2);
  const data = new Float32Array(image.data.length);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = offset;
        for (let a = 0; a < kernel.length; a++) for (let b = 0; b < kernel.length; b++) s += kernel[a][b] * at(image, c, y + a - r, x + b - r);
        data[(c * height + y) * width + x] = clamp01(s);
      }
    }
  }
  return { ...image, data };
}

/** Style 0: a false-colour remap (blue → red, red → green, green inverted into blue). */
function falseColour(image: RgbImage): RgbImage {
  return pixelwise(image, ([r, g, b]) => [0.9 * b + 0.1, 0.7 * r + 0.25 * g, 1 - 0.8 * g]);
}

/** Style 1: an emboss, then pulled towards a bronze grey. */
function emboss(image: RgbImage): RgbImage {
  const relief = filtered(
    image,
    [
      [-2, -1, 0],
      [-1, 1, 1],
      [0, 1, 2],
    ],
    0,
  );
  return pixelwise(relief, ([r, g, b]) => {
    const grey = 0.3 * r + 0.59 * g + 0.11 * b;
    return [0.6 * grey + 0.4 * r + 0.05, 0.6 * grey + 0.4 * g, 0.6 * grey + 0.4 * b - 0.05];
  });
}

/** Style 2: each channel through a smooth 4-level staircase (posterise with tanh risers), saturated. */
function posterise(image: RgbImage): RgbImage {
  const levels = 4;
  const step = (v: number): number => {
    const k = Math.min(levels - 1, Math.floor(v * levels));
    const f = v * levels - k;
    return (k + 0.5 + (0.5 * Math.tanh(10 * (f - 0.5))) / Math.tanh(5)) / levels;
  };
  return pixelwise(image, ([r, g, b]) => {
    const mean = (r + g + b) / 3;
    return [step(mean + 1.4 * (r - mean)), step(mean + 1.4 * (g - mean)), step(mean + 1.4 * (b - mean))];
  });
}

/** Style 3: a 5×5 box blur, then a sepia tone. */
function blurSepia(image: RgbImage): RgbImage {
  const box = Array.from({ length: 5 }, () => new Array<number>(5).fill(1 / 25));
  return pixelwise(filtered(image, box, 0), ([r, g, b]) => [0.393 * r + 0.769 * g + 0.189 * b, 0.349 * r + 0.686 * g + 0.168 * b, 0.272 * r + 0.534 * g + 0.131 * b]);
}

/** The four styles of a content image, in style-index order (STYLE_NAMES). */
export function styleImages(content: RgbImage): readonly RgbImage[] {
  return [falseColour(content), emboss(content), posterise(content), blurSepia(content)];
}
