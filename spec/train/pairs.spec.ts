// pairs(inputs = …, targets = …): supervised rows for style transfer. One content image and a folder
// of k styles gives k rows, the content repeated, row i paired with style i and labelled i (the
// reference repeats its content image for its 4 styles); .npy stacks pair row by row; a row-count
// mismatch is LIN0933. The image sides are images(…)'s rows (compared with that source directly).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { saveNpy } from "../../src/runtime/io/index.js";
import { Rng } from "../../src/runtime/random.js";
import { loadDataset } from "../../src/train/data.js";
import type { TrainError } from "../../src/train/errors.js";

const args = (o: Record<string, number | string> = {}): Map<string, number | string> => new Map(Object.entries(o));

function writePng(file: string, width: number, height: number, rng: Rng): void {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i++) png.data[i] = i % 4 === 3 ? 255 : Math.floor(rng.uniform() * 256);
  writeFileSync(file, PNG.sync.write(png));
}

let dir = "";
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "linea-pairs-"));
  const rng = new Rng(8);
  writePng(path.join(dir, "content.png"), 12, 10, rng);
  mkdirSync(path.join(dir, "styles"));
  for (const s of ["candy", "mosaic", "rain_princess", "udnie"]) writePng(path.join(dir, "styles", `${s}.png`), 12, 10, rng);
  await saveNpy(path.join(dir, "x.npy"), { dtype: "F32", shape: [3, 2, 2], data: Float32Array.from({ length: 12 }, (_, i) => i) });
  await saveNpy(path.join(dir, "y.npy"), { dtype: "F32", shape: [3, 5], data: Float32Array.from({ length: 15 }, (_, i) => -i) });
  await saveNpy(path.join(dir, "y2.npy"), { dtype: "F32", shape: [2, 5], data: new Float32Array(10) });
});

const context = (): { seed: number; baseDir: string } => ({ seed: 0, baseDir: dir });

describe("pairs()", () => {
  it("one content image and four styles: the content repeated, row i paired with style i, labels 0…3", async () => {
    const d = await loadDataset("pairs", args({ inputs: "content.png", targets: "styles", size: 8, normalize: "symmetric" }), context());
    const content = await loadDataset("images", args({ path: "content.png", size: 8, normalize: "symmetric" }), context());
    const styles = await loadDataset("images", args({ path: "styles", size: 8, normalize: "symmetric" }), context());
    expect(d.rows).toBe(4);
    expect(d.shape).toEqual([3, 8, 8]);
    const dim = 3 * 8 * 8;
    for (let i = 0; i < 4; i++) expect(d.data.subarray(i * dim, (i + 1) * dim)).toEqual(content.data);
    expect(d.targets?.shape).toEqual([3, 8, 8]);
    expect(d.targets?.data).toEqual(styles.data);
    expect(Array.from(d.labels ?? [])).toEqual([0, 1, 2, 3]);
    // Control: the styles differ from one another, so a pairing in another order would be seen.
    expect(styles.data.subarray(0, dim)).not.toEqual(styles.data.subarray(dim, 2 * dim));
  });

  it("two .npy stacks pair row by row, each keeping its own row shape", async () => {
    const d = await loadDataset("pairs", args({ inputs: "x.npy", targets: "y.npy" }), context());
    expect(d.rows).toBe(3);
    expect(d.shape).toEqual([2, 2]);
    expect(Array.from(d.data)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(d.targets?.shape).toEqual([5]);
    expect(Array.from(d.targets?.data ?? [])).toEqual(Array.from(Float32Array.from({ length: 15 }, (_, i) => -i)));
    expect(Array.from(d.labels ?? [])).toEqual([0, 1, 2]);
  });

  it("LIN0933 when the row counts cannot be paired; LIN0903 without both paths", async () => {
    const failure = async (a: Record<string, number | string>): Promise<TrainError> =>
      loadDataset("pairs", args(a), context()).then(
        () => {
          throw new Error("expected a failure");
        },
        (e: unknown) => e as TrainError,
      );
    const e = await failure({ inputs: "x.npy", targets: "y2.npy" });
    expect(e.code).toBe("LIN0933");
    expect(e.message).toMatch(/x\.npy has 3 rows and y2\.npy has 2/);
    expect((await failure({ inputs: "styles", targets: "y.npy", size: 4 })).code).toBe("LIN0933"); // 4 images, 3 rows
    expect((await failure({ inputs: "x.npy" })).code).toBe("LIN0903");
  });
});
