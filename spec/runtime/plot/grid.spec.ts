// Image grids and heat maps: one value scale for every tile (with a colour bar that states it), crisp
// enlargement of small images to a readable size, captions, row labels and titles as SVG text, RGB and
// sign colours, and the shapes that are refused. Pixels are read from the PNG rasterised from the SVG,
// at the places the SVG puts each tile.
import { describe, expect, it } from "vitest";
import { PNG } from "pngjs";
import { heatmapSvg, imageGridSvg, imageShape, rasterise, saveSamples } from "../../../src/runtime/plot/index.js";
import { elementsOf, groupOf, textsOf, xmlError } from "../../support/xml.js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

interface Drawn {
  readonly png: PNG;
  readonly svg: string;
  /** The colour of screen pixel (x, y) of tile (or heat map) `k`, from the rasterised PNG. */
  readonly at: (k: number, x: number, y: number) => number[];
  readonly tiles: Record<string, string>[];
}

function drawn(svg: string): Drawn {
  expect(xmlError(svg)).toBeUndefined();
  const png = PNG.sync.read(rasterise(svg as Parameters<typeof rasterise>[0]));
  const tiles = elementsOf(svg, "image");
  const at = (k: number, x: number, y: number): number[] => {
    const t = tiles[k];
    const i = ((Number(t.y) + y) * png.width + Number(t.x) + x) * 4;
    return Array.from(png.data.subarray(i, i + 3));
  };
  return { png, svg, at, tiles };
}

describe("image grids", () => {
  it("draws every tile on one scale by default, the min–max of all tiles (per-tile scaling, the old default, fails)", () => {
    // Two 1×2×2 images on very different scales; shared [−500, 1000]: the small one is all 0's grey, 255·500/1500 = 85.
    const small = [0, 0.001, 0.002, 0.003];
    const large = [-500, 0, 250, 1000];
    const g = drawn(imageGridSvg([small, large], [1, 2, 2], { columns: 2, scale: 3, gap: 1 }));
    expect(g.tiles.map((t) => [t.width, t.height])).toEqual([
      ["6", "6"],
      ["6", "6"],
    ]);
    expect(g.at(0, 0, 0)).toEqual([85, 85, 85]);
    expect(g.at(0, 4, 4)).toEqual([85, 85, 85]);
    expect(g.at(1, 0, 0)).toEqual([0, 0, 0]);
    expect(g.at(1, 3, 0)).toEqual([85, 85, 85]);
    expect(g.at(1, 4, 4)).toEqual([255, 255, 255]);
    // The colour bar states that scale.
    expect(elementsOf(g.svg, "g").find((e) => e.class === "color-bar")?.["data-range"]).toBe("-500 1000");
    expect(textsOf(groupOf(g.svg, "color-bar") ?? "")).toEqual(expect.arrayContaining(["0", "500", "1000"]));
  });

  it("with a range, draws every tile on that one scale and clips values outside it", () => {
    const a = [0, 0.5, 1, 0.25];
    const b = [0.5, -3, 7, 0.5];
    const g = drawn(imageGridSvg([a, b], [1, 2, 2], { columns: 2, scale: 1, gap: 1, range: [0, 1] }));
    expect(g.at(0, 1, 0)).toEqual([128, 128, 128]);
    expect(g.at(1, 0, 0)).toEqual([128, 128, 128]);
    expect(g.at(1, 1, 0)).toEqual([0, 0, 0]); // −3 clipped
    expect(g.at(1, 0, 1)).toEqual([255, 255, 255]); // 7 clipped
  });

  it("draws three channels as RGB, without a colour bar", () => {
    const rgb = [1, 0, 0, 0, 1, 0, 0, 0, 1]; // [3, 1, 3] channel-major: the R, G, B planes
    const g = drawn(imageGridSvg([rgb], [3, 1, 3], { columns: 1, scale: 1, range: [0, 1] }));
    expect(g.at(0, 0, 0)).toEqual([255, 0, 0]);
    expect(g.at(0, 1, 0)).toEqual([0, 255, 0]);
    expect(g.at(0, 2, 0)).toEqual([0, 0, 255]);
    expect(groupOf(g.svg, "color-bar")).toBeUndefined();
  });

  it("enlarges a small map's tiles to a readable size with crisp pixels (the old grid drew a 4×4 tile as 8 px)", () => {
    const v = [1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0];
    const g = drawn(imageGridSvg([v], [1, 4, 4]));
    const side = Number(g.tiles[0].width);
    expect(side).toBeGreaterThanOrEqual(64);
    const block = side / 4;
    expect(Number.isInteger(block)).toBe(true);
    // Nearest-neighbour: every screen pixel is black or white, exactly the data pixel it lies in.
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) expect(g.at(0, x, y)[0]).toBe(v[Math.floor(y / block) * 4 + Math.floor(x / block)] === 1 ? 255 : 0);
    }
  });

  it("labels tiles, rows and the picture, and the diverging scale is symmetric about 0", () => {
    const svg = imageGridSvg(
      [
        [1, -2, 0, 0.5],
        [0, 0, 1, 1],
      ],
      [1, 2, 2],
      {
        colors: "diverging",
        captions: ["v₁  σ₁ = 3", "v₂  σ₂ = 0.5"],
        rowLabels: ["right"],
        title: "right singular vectors vᵢ of f",
        valueLabel: "component",
      },
    );
    expect(xmlError(svg)).toBeUndefined();
    expect(textsOf(svg)).toEqual(expect.arrayContaining(["v₁  σ₁ = 3", "v₂  σ₂ = 0.5", "right", "right singular vectors vᵢ of f", "component"]));
    expect(elementsOf(svg, "g").find((e) => e.class === "color-bar")?.["data-range"]).toBe("-2 2");
    const g = drawn(svg);
    expect(g.at(0, 0, 0)[0]).toBe(255); // 1 of [−2, 2]: light red
    expect(g.at(0, Number(g.tiles[0].width) - 1, 0)).toEqual([0, 0, 255]); // −2: full blue
  });

  it("labels each batch's first row of tiles (samples: data above, round trips below)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "linea-grid-"));
    const file = path.join(dir, "trip.png");
    const four = (c: number): Float32Array => Float32Array.from({ length: 8 }, (_, i) => c + i);
    await saveSamples(
      file,
      [
        { label: "data", values: four(0) },
        { label: "round trip", values: four(1) },
      ],
      [1, 2, 2],
      { columns: 2, title: "data x₁ and round trips" },
    );
    const svg = readFileSync(path.join(dir, "trip.svg"), "utf8");
    expect(textsOf(svg)).toEqual(expect.arrayContaining(["data", "round trip", "data x₁ and round trips"]));
    expect(PNG.sync.read(readFileSync(file)).width).toBeGreaterThan(2 * 64);
  });

  it("is wide enough for its title, however small the grid or heat map", () => {
    const title = "decoded interpolations between pairs of noises";
    const width = (svg: string): number => Number(elementsOf(svg, "svg")[0].width);
    const titled = width(imageGridSvg([[0, 1, 1, 0]], [1, 2, 2], { title }));
    const heat = width(heatmapSvg([[1, -1]], { title }));
    // Control: without the title both are narrower than the title's estimated width, ~0.6 em a letter at 15 px.
    const minimum = 0.55 * 15 * title.length;
    expect(width(imageGridSvg([[0, 1, 1, 0]], [1, 2, 2]))).toBeLessThan(minimum);
    expect(width(heatmapSvg([[1, -1]]))).toBeLessThan(minimum);
    expect(titled).toBeGreaterThanOrEqual(minimum);
    expect(heat).toBeGreaterThanOrEqual(minimum);
  });

  it("refuses shapes that are not [1|3, H, W] and images of the wrong size", () => {
    expect(imageShape([1, 28, 28])).toEqual({ channels: 1, height: 28, width: 28 });
    expect(imageShape([64])).toBeUndefined();
    expect(imageShape([2, 4, 4])).toBeUndefined();
    expect(() => imageGridSvg([[1, 2, 3]], [64])).toThrow(RangeError);
    expect(() => imageGridSvg([[1, 2, 3]], [1, 2, 2])).toThrow(/3 values, expected 4/);
  });
});

describe("heat maps", () => {
  it("draws one row per vector on one scale symmetric about 0: positive red, negative blue, zero white", () => {
    const svg = heatmapSvg(
      [
        [2, -2, 0],
        [1, 0, -1],
      ],
      { cell: 4, rowLabels: ["u₁  σ₁ = 2", "u₂  σ₂ = 1"], valueLabel: "component" },
    );
    const g = drawn(svg);
    const rowH = Number(g.tiles[0].height) / 2;
    // Read at the cells' middles: the map's frame is drawn over its edge pixels.
    expect(g.at(0, 2, 2)).toEqual([255, 0, 0]);
    expect(g.at(0, 6, 2)).toEqual([0, 0, 255]);
    expect(g.at(0, 10, 2)).toEqual([255, 255, 255]);
    // Row 1 on row 0's scale [−2, 2]: 1 is half red, 255·(1 − ½) = 128 (rounded) in green and blue.
    expect(g.at(0, 2, rowH + 2)).toEqual([255, 128, 128]);
    expect(textsOf(svg)).toEqual(expect.arrayContaining(["u₁  σ₁ = 2", "u₂  σ₂ = 1", "coordinate j", "component", "0", "1", "2"]));
    expect(elementsOf(svg, "g").find((e) => e.class === "color-bar")?.["data-range"]).toBe("-2 2");
  });
});
