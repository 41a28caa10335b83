// Image grids and heat maps: layout sizes, per-tile min–max normalisation (grey and RGB), the sign
// colours of the heat map, and the shapes that are refused.
import { describe, expect, it } from "vitest";
import { PNG } from "pngjs";
import { imageShape, renderHeatmapRows, renderImageGrid } from "../../../src/runtime/plot/index.js";

function pixel(image: PNG, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return Array.from(image.data.subarray(i, i + 3));
}

describe("renderImageGrid", () => {
  it("lays out tiles with gaps and normalises each tile to its own min–max (grey)", () => {
    // Two 1×2×2 images on very different scales; each spans black to white on its own.
    const small = [0, 0.001, 0.002, 0.003];
    const large = [-500, 0, 250, 1000];
    const image = PNG.sync.read(renderImageGrid([small, large], [1, 2, 2], { columns: 2, scale: 3, gap: 1 }));
    expect([image.width, image.height]).toEqual([2 * 6 + 3, 6 + 2]);
    // Tile 0 starts at (1, 1), tile 1 at (1 + 6 + 1, 1); pixel (x, y) of a tile covers 3×3 screen pixels.
    expect(pixel(image, 1, 1)).toEqual([0, 0, 0]);
    expect(pixel(image, 1 + 3, 1 + 3)).toEqual([255, 255, 255]);
    expect(pixel(image, 8, 1)).toEqual([0, 0, 0]);
    expect(pixel(image, 8 + 3, 4)).toEqual([255, 255, 255]);
    expect(pixel(image, 8 + 3, 1)).toEqual([85, 85, 85]); // 0 in [−500, 1000]: 255·500/1500
    // The gap stays white; a shared normalisation (the control) would have made tile 0 all black.
    expect(pixel(image, 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(image, 1 + 3, 1)[0]).toBeGreaterThan(0);
  });

  it("with a range, draws every tile on that one scale and clips values outside it", () => {
    // Range [0, 1]: 0.5 is mid grey in both tiles, −3 clips to black and 7 to white; per-tile
    // normalisation (the control above) would have drawn tile 1's 0.5 as black, its minimum.
    const a = [0, 0.5, 1, 0.25];
    const b = [0.5, -3, 7, 0.5];
    const image = PNG.sync.read(renderImageGrid([a, b], [1, 2, 2], { columns: 2, scale: 1, gap: 1, range: [0, 1] }));
    expect(pixel(image, 2, 1)).toEqual([128, 128, 128]); // tile 0, pixel (1, 0) = 0.5
    expect(pixel(image, 4, 1)).toEqual([128, 128, 128]); // tile 1, pixel (0, 0) = 0.5
    expect(pixel(image, 5, 1)).toEqual([0, 0, 0]); // −3 clipped
    expect(pixel(image, 4, 2)).toEqual([255, 255, 255]); // 7 clipped
  });

  it("draws three channels as RGB and a constant tile as mid grey", () => {
    const rgb = [1, 0, 0, 0, 1, 0, 0, 0, 1]; // [3, 1, 3] channel-major: the R, G, B planes
    const image = PNG.sync.read(renderImageGrid([rgb, [2, 2, 2, 2, 2, 2, 2, 2, 2]], [3, 1, 3], { columns: 1, scale: 1, gap: 0 }));
    expect([image.width, image.height]).toEqual([3, 2]);
    expect(pixel(image, 0, 0)).toEqual([255, 0, 0]);
    expect(pixel(image, 1, 0)).toEqual([0, 255, 0]);
    expect(pixel(image, 2, 0)).toEqual([0, 0, 255]);
    expect(pixel(image, 1, 1)).toEqual([128, 128, 128]);
  });

  it("refuses shapes that are not [1|3, H, W] and images of the wrong size", () => {
    expect(imageShape([1, 28, 28])).toEqual({ channels: 1, height: 28, width: 28 });
    expect(imageShape([64])).toBeUndefined();
    expect(imageShape([2, 4, 4])).toBeUndefined();
    expect(() => renderImageGrid([[1, 2, 3]], [64])).toThrow(RangeError);
    expect(() => renderImageGrid([[1, 2, 3]], [1, 2, 2])).toThrow(/3 values, expected 4/);
  });
});

describe("renderHeatmapRows", () => {
  it("draws one row per vector, positive red, negative blue, zero white, scaled per row", () => {
    const image = PNG.sync.read(
      renderHeatmapRows(
        [
          [2, -2, 0],
          [0.01, 0, -0.005],
        ],
        { cell: 2 },
      ),
    );
    expect([image.width, image.height]).toEqual([6, 4]);
    expect(pixel(image, 0, 0)).toEqual([255, 0, 0]);
    expect(pixel(image, 2, 0)).toEqual([0, 0, 255]);
    expect(pixel(image, 4, 0)).toEqual([255, 255, 255]);
    // Row 1 is scaled by its own peak 0.01: full red, and half blue for −0.005.
    expect(pixel(image, 0, 2)).toEqual([255, 0, 0]);
    expect(pixel(image, 4, 2)).toEqual([128, 128, 255]);
  });
});
