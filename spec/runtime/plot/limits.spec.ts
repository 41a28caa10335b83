// Pictures that cannot be drawn get a coded error before anything is allocated: over 8192 pixels a side
// (LIN1141), or without the font package (LIN1140). Each against a control that draws.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { FormatError } from "../../../src/runtime/io/index.js";
import { fontFileFrom, heatmapSvg, imageGridSvg, MAX_PICTURE_SIDE } from "../../../src/runtime/plot/index.js";
import { elementsOf } from "../../support/xml.js";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof FormatError ? e.code : `not a FormatError: ${String(e)}`;
  }
  return undefined;
}

describe("picture limits", () => {
  it("refuses a heat map wider than the limit (LIN1141); one that fits draws (control)", () => {
    // At least one pixel a coordinate: MAX_PICTURE_SIDE + 1 coordinates cannot fit.
    const wide = new Float32Array(MAX_PICTURE_SIDE + 1).fill(1);
    expect(codeOf(() => heatmapSvg([wide]))).toBe("LIN1141");
    expect(codeOf(() => heatmapSvg([wide.subarray(0, 4000)]))).toBeUndefined();
  });

  it("shrinks a grid's tiles to fit the limit, and refuses one that cannot fit even at 1 pixel a data pixel", () => {
    // 120 columns of 4×4 tiles: at the default 18 pixels a data pixel (72-pixel tiles) 120·76 > 8192.
    const tiles = Array.from({ length: 120 }, (_, k) => Float32Array.from({ length: 16 }, (_, i) => (i + k) % 3));
    const svg = imageGridSvg(tiles, [1, 4, 4], { columns: 120 });
    expect(Number(elementsOf(svg, "svg")[0].width)).toBeLessThanOrEqual(MAX_PICTURE_SIDE);
    const side = Number(elementsOf(svg, "image")[0].width);
    expect(side).toBeLessThan(72);
    expect(side).toBeGreaterThanOrEqual(4 * 8);
    // Control: the default scale, asked for explicitly, does not fit.
    expect(codeOf(() => imageGridSvg(tiles, [1, 4, 4], { columns: 120, scale: 18 }))).toBe("LIN1141");
    // 5 images of 1×2000 in one row: over 10000 pixels at 1 pixel each.
    expect(
      codeOf(() =>
        imageGridSvg(
          Array.from({ length: 5 }, () => new Float32Array(2000)),
          [1, 1, 2000],
          { columns: 5 },
        ),
      ),
    ).toBe("LIN1141");
  });

  it("says which package to install when the font cannot be found (LIN1140); the installed one is found (control)", () => {
    const missing = (): string => {
      throw new Error("Cannot find module 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf'");
    };
    expect(codeOf(() => fontFileFrom(missing))).toBe("LIN1140");
    expect(() => fontFileFrom(missing)).toThrow(/npm install dejavu-fonts-ttf/);
    const found = fontFileFrom(createRequire(import.meta.url).resolve);
    expect(found.endsWith("DejaVuSans.ttf")).toBe(true);
    expect(existsSync(found)).toBe(true);
  });
});
