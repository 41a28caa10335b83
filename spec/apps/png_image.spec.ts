// RGB PNG rows of R[3, H, W] and the style-transfer example's synthetic data: decoding inverts encoding
// exactly on byte values (control: a changed pixel is seen), the layout is channel-major, sizes are
// checked (LIN1173), and the generated content and styles are deterministic and differ from each other.
import { describe, expect, it } from "vitest";
import { decodeRgbPng, encodeRgbPng, imageRow, type RgbImage } from "../../src/apps/png_image.js";
import { contentImage, styleImages, STYLE_NAMES } from "../../src/apps/style_images.js";

describe("RGB PNG rows", () => {
  // Values k/255 are the bytes' own values: a round trip through a PNG returns them exactly.
  const image: RgbImage = { width: 3, height: 2, data: Float32Array.from({ length: 18 }, (_, i) => ((i * 37) % 256) / 255) };

  it("decode(encode(x)) = x on byte values, channel-major [3, H, W]; control: a changed pixel is seen", () => {
    const back = decodeRgbPng(encodeRgbPng(image), "x.png");
    expect([back.width, back.height]).toEqual([3, 2]);
    expect(Array.from(back.data)).toEqual(Array.from(image.data));
    const changed = { ...image, data: image.data.map((v, i) => (i === 7 ? 1 - v : v)) };
    expect(Array.from(decodeRgbPng(encodeRgbPng(changed), "x.png").data)).not.toEqual(Array.from(image.data));
  });

  it("refuses bytes that are no PNG and an image of the wrong size for the domain (LIN1173)", () => {
    expect(() => decodeRgbPng(new Uint8Array([1, 2, 3]), "bad.png")).toThrow(expect.objectContaining({ code: "LIN1173" }));
    expect(() => imageRow(image, 17, "x.png")).toThrow(expect.objectContaining({ code: "LIN1173" }));
    expect(imageRow(image, 18, "x.png")).toBe(image.data);
  });
});

describe("the style-transfer data", () => {
  const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

  it("is deterministic, in [0, 1], and has four styles that differ from the content and from each other", () => {
    const content = contentImage(16);
    expect(Array.from(contentImage(16).data)).toEqual(Array.from(content.data));
    const styles = styleImages(content);
    expect(styles).toHaveLength(STYLE_NAMES.length);
    for (const s of [content, ...styles]) expect(s.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    // "Visibly different": some pixel channel moves by at least a tenth of the range (control: the
    // content against itself moves by nothing).
    expect(maxDiff(content.data, content.data)).toBe(0);
    for (const [i, a] of [content, ...styles].entries()) for (const b of [content, ...styles].slice(i + 1)) expect(maxDiff(a.data, b.data)).toBeGreaterThan(0.1);
  });
});
