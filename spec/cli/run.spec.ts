// `linea run` through main(): exit codes (0 ok, 1 spec or runtime errors, 2 usage / unreadable files),
// .npy and .json inputs and outputs that round trip, --random, --batch, one-line coded errors.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { textsOf, tileLayout } from "../support/xml.js";
import { describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";
import { loadNpy, numbersOf, saveNpy } from "../../src/runtime/io/index.js";

const dir = mkdtempSync(join(tmpdir(), "linea-run-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(
  join(dir, "spec.lin"),
  `space X = R^3;
network N : X { additive_coupling(hidden = 4); }
space Z = induced N;
operator M[3] = dense;
map f : Z -> Z = M;
entry apply(x : Z) = f(x);
entry mix(a : Z, b : Z) = 0.5 * a + 0.5 * b;
entry size(x : Z) = norm(x);
space Img = R[1, 3, 4];
space P = R^2;
operator I12[12] = identity;
operator S2[2] = diagonal;
map img : Img -> Img = I12;
map plane : P -> P = S2;
`,
);
writeFileSync(join(dir, "bad.lin"), "space X = R^2;\nspace Y = R^3;\nmap f : X -> Y = dense;\nlet g = f * f;\n");

const linea = lineaIn(dir);

const rows = [
  [0.5, -1, 2],
  [1, 0, -0.25],
];

describe("linea run", { timeout: 60_000 }, () => {
  it("runs an entry on JSON input, prints the backend and a summary, and writes JSON that reads back", async () => {
    writeFileSync(join(dir, "x.json"), JSON.stringify(rows));
    const r = await linea("run", "spec.lin", "--entry", "apply", "--input", "x.json", "--output", "y.json", "--backend", "cpu");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("backend: cpu");
    expect(r.stderr).toMatch(/apply: \[2, 3\] -> \[2, 3\] in [\d.]+ ms/);
    const y = JSON.parse(readFileSync(join(dir, "y.json"), "utf8")) as number[][];
    expect(y.length).toBe(2);
    expect(y[0]?.length).toBe(3);
    // The same rows as .npy give the same result as .npy.
    await saveNpy(join(dir, "x.npy"), { dtype: "F32", shape: [2, 3], data: Float32Array.from(rows.flat()) });
    const n = await linea("run", "spec.lin", "--entry", "apply", "--input", "x.npy", "--output", "y.npy", "--backend", "cpu");
    expect(n.code).toBe(0);
    const npy = await loadNpy(join(dir, "y.npy"));
    expect(npy.shape).toEqual([2, 3]);
    expect(Array.from(numbersOf(npy))).toEqual(y.flat().map((v) => Math.fround(v)));
    // --batch 1 runs row by row: the same values.
    const b = await linea("run", "spec.lin", "--entry", "apply", "--input", "x.json", "--batch", "1", "--backend", "cpu");
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toEqual(y);
  });

  it("takes one --input per parameter, and scalar entries give one number per row", async () => {
    writeFileSync(join(dir, "x.json"), JSON.stringify(rows));
    const mix = await linea("run", "spec.lin", "--entry", "mix", "--input", "x.json", "--input", "x.json", "--backend", "cpu");
    expect(mix.code).toBe(0);
    const same = JSON.parse(mix.stdout) as number[][];
    // a ⊕ a halves twice: the induced mean of a point with itself is the point (up to float32 round trips).
    same.flat().forEach((v, i) => expect(Math.abs(v - (rows.flat()[i] ?? 0))).toBeLessThan(1e-5));
    const size = await linea("run", "spec.lin", "--entry", "size", "--random", "4", "--seed", "2", "--backend", "cpu");
    expect(size.code).toBe(0);
    const values = JSON.parse(size.stdout) as number[];
    expect(values.length).toBe(4);
    values.forEach((v) => expect(v).toBeGreaterThan(0));
    // --random is seeded: the same seed, the same draw.
    const again = await linea("run", "spec.lin", "--entry", "size", "--random", "4", "--seed", "2", "--backend", "cpu");
    expect(again.stdout).toBe(size.stdout);
  });

  it("exits 1 with rendered diagnostics for a spec with a type error", async () => {
    const r = await linea("run", "bad.lin", "--entry", "g", "--random", "1", "--backend", "cpu");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[LIN/);
    expect(r.stdout).toBe(""); // `run … > y.json` leaves y.json empty, not holding the diagnostics
  });

  it("exits 1 with one coded line for runtime errors, never a stack", async () => {
    writeFileSync(join(dir, "short.json"), JSON.stringify([[1, 2]]));
    const bad = await linea("run", "spec.lin", "--entry", "apply", "--input", "short.json", "--backend", "cpu");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^linea run: error\[LIN0802\]: .*$/m);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const unknown = await linea("run", "spec.lin", "--entry", "nope", "--random", "1", "--backend", "cpu");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error[LIN0801]");
  });

  it("rejects an input whose samples do not have the space's dimension, though its total size divides it", async () => {
    // 6 values fit 2 rows of dim 3, but as [3, 2] (.npy) or rows of 2 and 4 (JSON) they are not samples of Z.
    await saveNpy(join(dir, "wide.npy"), { dtype: "F32", shape: [3, 2], data: Float32Array.from(rows.flat()) });
    writeFileSync(
      join(dir, "ragged.json"),
      JSON.stringify([
        [1, 2],
        [3, 4, 5, 6],
      ]),
    );
    for (const file of ["wide.npy", "ragged.json"]) {
      const r = await linea("run", "spec.lin", "--entry", "apply", "--input", file, "--backend", "cpu");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^linea run: error\\[LIN0802\\]: --input ${file}: .*3 value`, "m"));
    }
    // Two inputs of 2 and 1 samples: an error, not the first sample of each (with or without --batch).
    writeFileSync(join(dir, "one.json"), JSON.stringify([rows[0]]));
    writeFileSync(join(dir, "two.json"), JSON.stringify(rows));
    for (const batch of [[], ["--batch", "1"]]) {
      const r = await linea("run", "spec.lin", "--entry", "mix", "--input", "two.json", "--input", "one.json", ...batch, "--backend", "cpu");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error\[LIN0802\]: mix: the inputs have different numbers of samples \(2, 1\)/);
    }
    // Control: the same six values shaped [2, 3] are two samples and run.
    await saveNpy(join(dir, "tall.npy"), { dtype: "F32", shape: [2, 3], data: Float32Array.from(rows.flat()) });
    expect((await linea("run", "spec.lin", "--entry", "apply", "--input", "tall.npy", "--backend", "cpu")).code).toBe(0);
  });

  it("--picture draws image rows as a grid, plane points as a scatter, vectors as a heat map", async () => {
    // An identity map on a [1, 3, 4] image space: 5 rows give a 3×2 grid of 3×4 tiles, enlarged, with an SVG beside it.
    const grid = await linea("run", "spec.lin", "--entry", "img", "--random", "5", "--picture", "img.png", "--output", "img.npy");
    expect(grid.code).toBe(0);
    expect(grid.stderr).toContain("image grid of 5 row(s)");
    const g = PNG.sync.read(readFileSync(join(dir, "img.png")));
    expect(g.width).toBeGreaterThan(3 * 64);
    const svg = readFileSync(join(dir, "img.svg"), "utf8");
    expect(tileLayout(svg)).toEqual({ tiles: 5, columns: 3, rows: 2 });
    expect(textsOf(svg)).toContain("img");
    const scatter = await linea("run", "spec.lin", "--entry", "plane", "--random", "50", "--picture", "plane.png");
    expect(scatter.code).toBe(0);
    expect(scatter.stderr).toContain("scatter of 50 row(s)");
    const heat = await linea("run", "spec.lin", "--entry", "apply", "--random", "4", "--picture", "apply.png");
    expect(heat.code).toBe(0);
    expect(heat.stderr).toContain("heat map of 4 row(s)");
    // More rows than a picture holds: the first 256 are drawn, and the title says so.
    const many = await linea("run", "spec.lin", "--entry", "img", "--random", "300", "--picture", "many.png", "--output", "many.npy");
    expect(many.code).toBe(0);
    const manySvg = readFileSync(join(dir, "many.svg"), "utf8");
    expect(tileLayout(manySvg).tiles).toBe(256);
    expect(textsOf(manySvg)).toContain("img, first 256 of 300 rows");
    // A heat map wider than the pixel limit (one pixel a coordinate, 9000 > 8192): one coded line, exit 2, no picture.
    writeFileSync(join(dir, "wide.lin"), "space W = R^9000;\noperator D[9000] = diagonal;\nmap wide : W -> W = D;\n");
    const wide = await linea("run", "wide.lin", "--entry", "wide", "--random", "1", "--picture", "wide.png", "--output", "wide.npy");
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/^linea run: error\[LIN1141\]: picture too large: a heat map of 1 row of 9000 coordinates/m);
    // One error line and no stack trace (the other stderr line is the backend's).
    expect(wide.stderr.split("\n").filter((l) => l.includes("error"))).toHaveLength(1);
    expect(wide.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(dir, "wide.png"))).toBe(false);
    // Control: anything but a .png is refused before any work, as a usage error.
    const bad = await linea("run", "spec.lin", "--entry", "img", "--random", "5", "--picture", "img.jpg");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected a .png file");
  });

  it("exits 2 on usage errors and unreadable files", async () => {
    expect((await linea("run", "spec.lin")).code).toBe(2);
    expect((await linea("run", "spec.lin", "--entry", "apply")).code).toBe(2);
    expect((await linea("run", "missing.lin", "--entry", "apply", "--random", "1")).code).toBe(2);
    expect((await linea("run", "spec.lin", "--entry", "apply", "--input", "nope.npy", "--backend", "cpu")).code).toBe(2);
    expect((await linea("run", "spec.lin", "--entry", "apply", "--random", "1", "--backend", "quantum")).code).toBe(2);
    expect((await linea("run", "spec.lin", "--entry", "apply", "--random", "0")).code).toBe(2);
    const weights = await linea("run", "spec.lin", "--entry", "apply", "--random", "1", "--weights", "none.safetensors", "--backend", "cpu");
    expect(weights.code).toBe(2);
    expect(weights.stderr).toContain("error[LIN1111]");
  });
});
