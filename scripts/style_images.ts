// Writes the style-transfer example's images (src/apps/style_images.ts): the content scene and its four
// styles, deterministically, as PNG.
//   npx tsx scripts/style_images.ts [--size 64] [--out examples/data/style] [--figure docs/figures/style-transfer-data.png]
// The paper's scale is --size 256 (then set `space Img = R[3, 256, 256]` in examples/style_transfer.lin).
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { encodeRgbPng, type RgbImage } from "../src/apps/png_image.js";
import { writeFileAtomic } from "../src/runtime/io/index.js";
import { contentImage, styleImages, STYLE_NAMES } from "../src/apps/style_images.js";
import { saveImageGrid } from "../src/runtime/plot/index.js";

const { values } = parseArgs({ options: { size: { type: "string", default: "64" }, out: { type: "string", default: "examples/data/style" }, figure: { type: "string" } } });
const writeRgbPng = (file: string, image: RgbImage): Promise<void> => writeFileAtomic(file, [encodeRgbPng(image)]);
const size = Number(values.size);
if (!Number.isInteger(size) || size < 8) throw new Error(`--size must be an integer ≥ 8, got ${values.size}`);
const out = values.out;
await mkdir(join(out, "styles"), { recursive: true });
const content = contentImage(size);
await writeRgbPng(join(out, "content.png"), content);
const styles = styleImages(content);
for (const [s, image] of styles.entries()) await writeRgbPng(join(out, "styles", `style_${s}.png`), image);
console.log(`wrote ${out}/content.png and ${out}/styles/style_{0..${styles.length - 1}}.png (${size}×${size}; ${STYLE_NAMES.join(", ")})`);
if (values.figure !== undefined) {
  const tiles = [content, ...styles].map((i) => i.data);
  await saveImageGrid(values.figure, tiles, [3, size, size], {
    columns: tiles.length,
    range: [0, 1],
    title: "style-transfer data: content and its four styles",
    captions: ["content", ...STYLE_NAMES.map((n, s) => `${s}: ${n}`)],
  });
  console.log(`wrote ${values.figure}`);
}
