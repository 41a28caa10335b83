// The images(…) data source on a small generated folder: rows equal torchvision's
// Resize → CenterCrop → ToTensor [→ Normalize(0.5, 0.5)] on PIL's images (PNG: the same pixels by
// construction, lossless; JPEG: on the pixels sharp decoded, since JPEG decoders may round their IDCT
// differently), sorted and recursive listing, the seeded `n` cap, progress lines, and the coded
// errors: sharp missing (an injected loader), a corrupt file, an empty folder, the memory budget.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import sharp from "sharp";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { isLeft } from "fp-ts/lib/Either.js";
import { checkText } from "../../src/index.js";
import { Rng } from "../../src/runtime/random.js";
import { imageDecoder } from "../../src/train/imageDecoder.js";
import { imagesSource } from "../../src/train/images.js";
import { loadDataset } from "../../src/train/data.js";
import type { Dataset } from "../../src/train/dataSource.js";
import type { TrainError } from "../../src/train/errors.js";
import { torchMissing, torchScript } from "../support/torch.js";

const args = (o: Record<string, number | string> = {}): Map<string, number | string> => new Map(Object.entries(o));

/** A PNG of seeded random pixels (1, 2, 3 or 4 channels), written with pngjs. */
function writePng(file: string, width: number, height: number, channels: number, rng: Rng): void {
  const png = new PNG({ width, height, colorType: ({ 1: 0, 2: 4, 3: 2, 4: 6 } as Record<number, 0 | 2 | 4 | 6>)[channels], inputColorType: 6 });
  for (let i = 0; i < width * height; i++) {
    const v = [0, 1, 2].map(() => Math.floor(rng.uniform() * 256));
    const grey = channels <= 2;
    png.data.set([v[0], grey ? v[0] : v[1], grey ? v[0] : v[2], channels % 2 === 0 ? Math.floor(rng.uniform() * 256) : 255], 4 * i);
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: ({ 1: 0, 2: 4, 3: 2, 4: 6 } as Record<number, 0 | 2 | 4 | 6>)[channels] }));
}

/** A smooth RGB gradient as a JPEG, written with sharp. */
async function writeJpeg(file: string, width: number, height: number): Promise<void> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set([(x * 255) / width, (y * 255) / height, ((x + y) * 127) / (width + height)], 3 * (y * width + x));
  await sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toFile(file);
}

let dir = "";
const files = ["a_landscape.png", "b_portrait.png", "c_grey.png", "d_rgba.png", "e_grey_alpha.png"];
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "linea-images-"));
  const rng = new Rng(21);
  const folder = path.join(dir, "faces");
  mkdirSync(path.join(folder, "more"), { recursive: true });
  // Landscape and portrait (the shorter side goes to `size`, the crop's offsets differ), odd sizes
  // (centre-crop offsets with a half: Python rounds them to even), grey, RGBA and grey + alpha.
  writePng(path.join(folder, files[0]), 41, 22, 3, rng);
  writePng(path.join(folder, files[1]), 19, 36, 3, rng);
  writePng(path.join(folder, files[2]), 25, 25, 1, rng);
  writePng(path.join(folder, files[3]), 30, 27, 4, rng);
  writePng(path.join(folder, files[4]), 8, 11, 2, rng);
  writeFileSync(path.join(folder, "notes.txt"), "not an image");
  writePng(path.join(folder, "more", "f_nested.png"), 16, 16, 3, rng);
  await writeJpeg(path.join(dir, "photo.jpg"), 37, 29);
  // 16 bits per sample: sharp's 8-bit output and PIL's convert("RGB") both keep the high byte.
  const deep = Uint16Array.from({ length: 7 * 5 * 3 }, () => Math.floor(rng.uniform() * 65536));
  await sharp(deep, { raw: { width: 7, height: 5, channels: 3 } })
    .toColourspace("rgb16")
    .png()
    .toFile(path.join(dir, "deep.png"));
  mkdirSync(path.join(dir, "empty"));
  mkdirSync(path.join(dir, "bad"));
  writeFileSync(path.join(dir, "bad", "broken.png"), Buffer.from("\x89PNG\r\n\x1a\nthis is not a PNG body"));
});

const context = (): { seed: number; baseDir: string } => ({ seed: 1, baseDir: dir });

type Job = { file?: string; raw?: { w: number; h: number; c: number; data: number[] }; mode: "RGB" | "L"; size: number; symmetric: boolean; crop: boolean };

/** Every torchvision row the specs compare with, from one Python run (importing torchvision takes seconds). */
let reference: { rgb: number[][]; grey: number[][]; stretched: number[][]; jpeg: number[]; deep: number[] } | undefined;
async function torchvisionReference(): Promise<NonNullable<typeof reference>> {
  if (reference !== undefined) return reference;
  const on = (mode: "RGB" | "L", size: number, symmetric: boolean, crop: boolean): Job[] => files.map((f) => ({ file: path.join(dir, "faces", f), mode, size, symmetric, crop }));
  // The JPEG on the pixels sharp decoded (JPEG decoders may round their IDCT differently).
  const decoded = await (await imageDecoder())(path.join(dir, "photo.jpg"));
  expect([decoded.width, decoded.height, decoded.channels]).toEqual([37, 29, 3]);
  const jpeg: Job = { raw: { w: decoded.width, h: decoded.height, c: decoded.channels, data: Array.from(decoded.data) }, mode: "RGB", size: 12, symmetric: false, crop: true };
  const deep: Job = { file: path.join(dir, "deep.png"), mode: "RGB", size: 4, symmetric: false, crop: true };
  const rows = torchvisionRows([...on("RGB", 8, true, true), ...on("L", 6, false, true), ...on("RGB", 6, false, false), jpeg, deep]);
  const k = files.length;
  reference = { rgb: rows.slice(0, k), grey: rows.slice(k, 2 * k), stretched: rows.slice(2 * k, 3 * k), jpeg: rows[3 * k], deep: rows[3 * k + 1] };
  return reference;
}

/** torchvision's pipeline on PIL images, `convert(mode)` first, for each (file, size, normalise) asked. */
function torchvisionRows(jobs: Job[]): number[][] {
  writeFileSync(path.join(dir, "jobs.json"), JSON.stringify(jobs));
  return torchScript<number[][]>(
    dir,
    `
import os
from PIL import Image
import torchvision.transforms as T
out = []
for j in json.load(open(os.path.join(d, "jobs.json"))):
    if "raw" in j:
        r = j["raw"]
        im = Image.frombytes({1: "L", 3: "RGB"}[r["c"]], (r["w"], r["h"]), bytes(r["data"]))
    else:
        im = Image.open(j["file"])
    im = im.convert(j["mode"])
    steps = [T.Resize(j["size"]), T.CenterCrop(j["size"])] if j["crop"] else [T.Resize((j["size"], j["size"]))]
    steps.append(T.ToTensor())
    if j["symmetric"]:
        steps.append(T.Normalize(0.5, 0.5))
    out.append(T.Compose(steps)(im).flatten().tolist())
print(json.dumps(out))
`,
  );
}

const rowOf = (d: Dataset, i: number): Float32Array => {
  const dim = d.data.length / d.rows;
  return d.data.subarray(i * dim, (i + 1) * dim);
};

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

// Tolerance: the resampler is within 1 level of PIL (derived in spec/runtime/image/resample.spec.ts),
// i.e. 1/255 in [0, 1] and 2/255 in [−1, 1]; the other steps are integer copies (crop, mode
// conversion) or the same float32 operations as torch (v / 255, (x − 0.5) / 0.5: equal floats).
const UNIT = 1 / 255;
const SYMMETRIC = 2 / 255;

describe.skipIf(torchMissing !== undefined)("images() against torchvision", () => {
  it("RGB, centre crop, normalize = symmetric: each row is torchvision's, in sorted file order", async () => {
    const d = await loadDataset("images", args({ path: "faces", size: 8, channels: 3, normalize: "symmetric" }), context());
    expect(d.rows).toBe(files.length);
    expect(d.shape).toEqual([3, 8, 8]);
    const ref = (await torchvisionReference()).rgb;
    ref.forEach((r, i) => expect(maxDiff(rowOf(d, i), r), files[i]).toBeLessThanOrEqual(SYMMETRIC));
    // Control: rows compared in another order are caught (the comparison sees the files apart).
    expect(maxDiff(rowOf(d, 0), ref[1])).toBeGreaterThan(SYMMETRIC);
    let lo = Infinity;
    for (const v of d.data) lo = Math.min(lo, v);
    expect(lo).toBeLessThan(-0.9); // random pixels reach the bottom of [−1, 1]
  });

  it("grey (PIL's convert('L')), unit range, and crop = none (Resize((size, size)))", async () => {
    const grey = await loadDataset("images", args({ path: "faces", size: 6, channels: 1 }), context());
    const stretched = await loadDataset("images", args({ path: "faces", size: 6, channels: 3, crop: "none" }), context());
    expect(grey.shape).toEqual([1, 6, 6]);
    const ref = await torchvisionReference();
    files.forEach((f, i) => {
      expect(maxDiff(rowOf(grey, i), ref.grey[i]), f).toBeLessThanOrEqual(UNIT);
      expect(maxDiff(rowOf(stretched, i), ref.stretched[i]), f).toBeLessThanOrEqual(UNIT);
    });
    // Control: the landscape image stretched is not the landscape image cropped.
    const cropped = await loadDataset("images", args({ path: "faces", size: 6 }), context());
    expect(maxDiff(rowOf(cropped, 0), rowOf(stretched, 0))).toBeGreaterThan(UNIT);
  });

  it("a JPEG file: the pipeline on the pixels sharp decoded equals torchvision's on the same pixels", async () => {
    const d = await loadDataset("images", args({ path: "photo.jpg", size: 12 }), context());
    expect(d.rows).toBe(1);
    expect(maxDiff(d.data, (await torchvisionReference()).jpeg)).toBeLessThanOrEqual(UNIT);
  });

  it("a 16-bit PNG: scaled to 8 bits as PIL does, then the same pipeline", async () => {
    const d = await loadDataset("images", args({ path: "deep.png", size: 4 }), context());
    const ref = (await torchvisionReference()).deep;
    expect(maxDiff(d.data, ref)).toBeLessThanOrEqual(UNIT);
    // Control: the values spread over [0, 1] (a clipped 16 → 8 bit cast would be mostly 1).
    expect(d.data.filter((v) => v < 0.5).length).toBeGreaterThan(d.data.length / 4);
  });
});

describe("images() listing, subsets and progress", () => {
  it("reads sub-folders only with recursive = true, and skips files that are not PNG/JPEG", async () => {
    const flat = await loadDataset("images", args({ path: "faces", size: 4 }), context());
    const deep = await loadDataset("images", args({ path: "faces", size: 4, recursive: "true" }), context());
    expect(flat.rows).toBe(files.length);
    expect(deep.rows).toBe(files.length + 1);
    // Sorted by path: "faces/more/f_nested.png" comes after "faces/e_grey_alpha.png" ("m" > "e").
    for (let i = 0; i < files.length; i++) expect(rowOf(deep, i)).toEqual(rowOf(flat, i));
    for (let i = 0; i < files.length; i++) expect(rowOf(deep, files.length)).not.toEqual(rowOf(flat, i));
  });

  it("n takes a seeded subset in file order; the same seed gives the same rows", async () => {
    const all = await loadDataset("images", args({ path: "faces", size: 4 }), context());
    const rows = (d: Dataset): string[] => Array.from({ length: d.rows }, (_, i) => rowOf(d, i).join());
    const index = new Map(rows(all).map((r, i) => [r, i]));
    const a = await loadDataset("images", args({ path: "faces", size: 4, n: 3 }), context());
    const b = await loadDataset("images", args({ path: "faces", size: 4, n: 3, seed: 1 }), { ...context(), seed: 99 });
    expect(a.rows).toBe(3);
    const picked = rows(a).map((r) => index.get(r));
    expect(picked.every((i) => i !== undefined)).toBe(true);
    expect([...picked].sort()).toEqual(picked); // file order kept
    expect(rows(b)).toEqual(rows(a)); // seed = 1 given explicitly, as the context's
    const many = [2, 3, 4, 5, 6].map(async (seed) => rows(await loadDataset("images", args({ path: "faces", size: 4, n: 3 }), { ...context(), seed })).join("|"));
    expect(new Set([rows(a).join("|"), ...(await Promise.all(many))]).size).toBeGreaterThan(1); // control: seeds differ
  });

  it("reports progress for a long load (500 images or more), and not for a short one", async () => {
    const big = path.join(dir, "many");
    mkdirSync(big);
    const rng = new Rng(3);
    for (let i = 0; i < 500; i++) writePng(path.join(big, `${String(i).padStart(3, "0")}.png`), 2, 2, 3, rng);
    const lines: string[] = [];
    const d = await loadDataset("images", args({ path: "many", size: 2 }), { ...context(), progress: (l) => lines.push(l) });
    expect(d.rows).toBe(500);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.at(-1)).toMatch(/500\/500 images \(100%\)/);
    const quiet: string[] = [];
    await loadDataset("images", args({ path: "faces", size: 2 }), { ...context(), progress: (l) => quiet.push(l) });
    expect(quiet).toEqual([]);
  });

  it("is a data source the checker accepts, with word arguments", () => {
    const spec = `space X = R[3, 8, 8];\noperator A = time_conditioned(rank = 2);\nmap v : X -> X = A;\ntrain t { model = v; data = images(path = "faces/", size = 8, crop = center, normalize = symmetric, n = 4); }\n`;
    const r = checkText(spec, "/tmp/linea-images.lin");
    expect(isLeft(r) ? r.left.map((x) => x.code) : []).toEqual([]);
  });
});

describe("images() errors", () => {
  const failure = async (p: Promise<unknown>): Promise<TrainError> => {
    const e: unknown = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(Error);
    return e as TrainError;
  };
  afterEach(() => {
    delete process.env.LINEA_MEMORY_BUDGET;
  });

  it("LIN0930 naming `npm install sharp` when sharp does not load; control: it loads here", async () => {
    const missing = imagesSource(() => Promise.reject(new Error("Cannot find package 'sharp' imported from linea")));
    const e = await failure(missing(args({ path: "faces", size: 4 }), context()));
    expect(e.code).toBe("LIN0930");
    expect(e.message).toContain("npm install sharp");
    expect(e.message).toContain("Cannot find package 'sharp'");
    expect((await imagesSource()(args({ path: "faces", size: 4 }), context())).rows).toBe(files.length);
  });

  it("LIN1150 naming a corrupt file", async () => {
    const e = await failure(loadDataset("images", args({ path: "bad", size: 4 }), context()));
    expect(e.code).toBe("LIN1150");
    expect(e.message).toContain("broken.png");
  });

  it("LIN0931 for an empty folder, a folder of no images, a missing path and a non-image file", async () => {
    for (const p of ["empty", "missing", "faces/notes.txt"]) {
      const e = await failure(loadDataset("images", args({ path: p, size: 4 }), context()));
      expect(e.code, p).toBe("LIN0931");
      expect(e.message, p).toContain(p);
    }
  });

  it("LIN0932 over the memory budget, before anything is decoded; control: within it, the rows load", async () => {
    // 5 rows × 3 × 8 × 8 float32 = 5 × 768 = 3840 bytes.
    process.env.LINEA_MEMORY_BUDGET = "3839";
    const noDecoder = imagesSource(() => Promise.reject(new Error("sharp must not be loaded")));
    const e = await failure(noDecoder(args({ path: "faces", size: 8 }), context()));
    expect(e.code).toBe("LIN0932");
    expect(e.message).toMatch(/n = 4\b/); // 3839 bytes hold 4 rows of 768 bytes
    process.env.LINEA_MEMORY_BUDGET = "3840";
    expect((await loadDataset("images", args({ path: "faces", size: 8 }), context())).rows).toBe(5);
  });

  it("LIN0903 for bad pipeline arguments, LIN0910 for a path outside the project", async () => {
    const bads: Record<string, number | string>[] = [
      {},
      { size: 0 },
      { size: 4, channels: 2 },
      { size: 4, crop: "left" },
      { size: 4, normalize: "imagenet" },
      { size: 4, recursive: "maybe" },
    ];
    for (const bad of bads) {
      const e = await failure(loadDataset("images", args({ path: "faces", ...bad }), context()));
      expect(e.code, JSON.stringify(bad)).toBe("LIN0903");
    }
    const inside = path.join(dir, "faces");
    const e = await failure(loadDataset("images", args({ path: "../photo.jpg", size: 4 }), { seed: 0, baseDir: inside, root: inside }));
    expect(e.code).toBe("LIN0910");
  });
});
