// The data registry: seeded built-in 2-D distributions whose points lie where the distribution
// says (with a control that fails when a point is moved), .npy files, and clear errors.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isLeft } from "fp-ts/lib/Either.js";
import { dataSources } from "../../src/compiler/checker/builtins.js";
import { checkText } from "../../src/index.js";
import { saveNpy } from "../../src/runtime/io/index.js";
import { dataSourceNames, loadDataset, projectRootOf, registerDataSource, TrainError, type Dataset } from "../../src/train/index.js";

const context = { seed: 3, baseDir: tmpdir() };
const args = (o: Record<string, number | string> = {}): Map<string, number | string> => new Map(Object.entries(o));

function points(d: Dataset): [number, number][] {
  return Array.from({ length: d.rows }, (_, i) => [d.data[2 * i], d.data[2 * i + 1]]);
}

/** Distance from p to the nearer moon (centred make_moons arcs, radius 1). */
function moonDistance([x, y]: [number, number]): number {
  const upper = Math.abs(Math.hypot(x + 0.5, y + 0.25) - 1) + (y + 0.25 < 0 ? 1 : 0);
  const lower = Math.abs(Math.hypot(x - 0.5, y - 0.25) - 1) + (y - 0.25 > 0 ? 1 : 0);
  return Math.min(upper, lower);
}

describe("built-in 2-D data", () => {
  it("is reproducible from the seed and differs across seeds", async () => {
    const a = await loadDataset("moons", args({ n: 100 }), context);
    const b = await loadDataset("moons", args({ n: 100 }), context);
    const c = await loadDataset("moons", args({ n: 100 }), { ...context, seed: 4 });
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
    expect(a.shape).toEqual([2]);
    expect(a.rows).toBe(100);
  });

  it("moons lie on the two arcs (noise 0), and a moved point is caught", async () => {
    const d = await loadDataset("moons", args({ n: 500, noise: 0 }), context);
    const ps = points(d);
    // float32 storage of coordinates ≤ 2 in size: error ≤ 2·2⁻²³ per coordinate.
    for (const p of ps) expect(moonDistance(p)).toBeLessThan(1e-6);
    const moved: [number, number] = [ps[0][0] + 0.1, ps[0][1]];
    expect(moonDistance(moved)).toBeGreaterThan(1e-3);
    // both moons are populated
    expect(ps.filter(([, y]) => y > 0.3).length).toBeGreaterThan(100);
    expect(ps.filter(([, y]) => y < -0.3).length).toBeGreaterThan(100);
  });

  it("eight Gaussians sit at the eight modes on the radius-2 circle", async () => {
    const d = await loadDataset("gaussians", args({ n: 800, noise: 0 }), context);
    const modes = new Set<number>();
    for (const [x, y] of points(d)) {
      expect(Math.hypot(x, y)).toBeCloseTo(2, 5);
      const k = Math.round((Math.atan2(y, x) / (2 * Math.PI)) * 8 + 8) % 8;
      expect(Math.abs(Math.atan2(y, x) - (2 * Math.PI * k) / 8) % (2 * Math.PI)).toBeLessThan(1e-5);
      modes.add(k);
    }
    expect(modes.size).toBe(8);
  });

  it("checkerboard points fall on dark squares only", async () => {
    const d = await loadDataset("checkerboard", args({ n: 1000 }), context);
    const dark = ([x, y]: [number, number]): boolean => (Math.floor(x + 2) + Math.floor(y + 2)) % 2 === 0;
    const ps = points(d);
    for (const p of ps) {
      expect(Math.abs(p[0])).toBeLessThanOrEqual(2);
      expect(Math.abs(p[1])).toBeLessThanOrEqual(2);
      expect(dark(p)).toBe(true);
    }
    // control: shifting by one square lands on a light square
    expect(dark([ps[0][0] + 1 > 2 ? ps[0][0] - 1 : ps[0][0] + 1, ps[0][1]])).toBe(false);
  });

  it("reads .npy files relative to the spec and rejects bad arguments", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "linea-data-"));
    await saveNpy(path.join(dir, "pts.npy"), { dtype: "F64", shape: [3, 2], data: Float64Array.of(1, 2, 3, 4, 5, 6) });
    const d = await loadDataset("npy", args({ 0: "pts.npy" }), { seed: 0, baseDir: dir });
    expect(Array.from(d.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.shape).toEqual([2]);
    await expect(loadDataset("npy", args({ 0: "missing.npy" }), { seed: 0, baseDir: dir })).rejects.toThrow(TrainError);
    await expect(loadDataset("moons", args({ n: -3 }), context)).rejects.toThrow(/positive integer/);
    await expect(loadDataset("cifar10", args(), context)).rejects.toThrow(/not available/);
  });

  it("keeps a spec's .npy path inside the project folder on real paths (LIN0910); a command-line path has no root", async () => {
    const project = mkdtempSync(path.join(tmpdir(), "linea-data-project-"));
    const outside = mkdtempSync(path.join(tmpdir(), "linea-data-outside-"));
    writeFileSync(path.join(project, "linea.json"), "{}");
    mkdirSync(path.join(project, "specs"));
    const pts = { dtype: "F32", shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) } as const;
    await saveNpy(path.join(outside, "pts.npy"), pts);
    await saveNpy(path.join(project, "pts.npy"), pts);
    symlinkSync(path.join(outside, "pts.npy"), path.join(project, "specs", "link.npy"));
    // A spec in specs/ belongs to the project above it (the folder with linea.json), as for imports.
    const baseDir = path.join(project, "specs");
    expect(projectRootOf(baseDir)).toBe(project);
    const spec = { seed: 0, baseDir, root: projectRootOf(baseDir) };
    const refused = async (file: string): Promise<string> => {
      const e: unknown = await loadDataset("npy", args({ 0: file }), spec).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(TrainError);
      expect((e as TrainError).code).toBe("LIN0910");
      return (e as TrainError).message;
    };
    expect(await refused("link.npy")).toMatch(/link\.npy \(a symbolic link to .*linea-data-outside-.*pts\.npy\) is outside the project folder/);
    expect(await refused(`../../${path.basename(outside)}/pts.npy`)).toMatch(/is outside the project folder/);
    // Controls: the same file inside the project (a parent folder of the spec's, inside the root), and
    // the link read as a command-line path (no root).
    expect((await loadDataset("npy", args({ 0: "../pts.npy" }), spec)).rows).toBe(2);
    expect((await loadDataset("npy", args({ 0: "link.npy" }), { seed: 0, baseDir })).rows).toBe(2);
  });

  it("has a loader for every source the checker accepts, and the checker accepts no other", async () => {
    const loadable = new Set(dataSourceNames());
    for (const name of dataSources) expect(loadable.has(name), name).toBe(true);
    const spec = (data: string): string => `space X = R^2;\noperator A = time_conditioned(rank = 2);\nmap v : X -> X = A;\ntrain t { model = v; data = ${data}; }\n`;
    const codes = (data: string): string[] => {
      const r = checkText(spec(data), "/tmp/linea-data-sources.lin");
      return isLeft(r) ? r.left.map((d) => d.code) : [];
    };
    expect(codes("eight_gaussians(n = 8)")).toEqual([]);
    expect((await loadDataset("eight_gaussians", args({ n: 8 }), context)).rows).toBe(8);
    // Control: a source no loader implements is refused when the spec is checked, not when training starts.
    expect(codes("cifar10()")).toEqual(["LIN0605"]);
  });

  it("takes new sources through the registry", async () => {
    registerDataSource("line", async () => ({ name: "line", data: Float32Array.of(0, 0, 1, 1), rows: 2, shape: [2] }));
    expect(dataSourceNames()).toContain("line");
    expect((await loadDataset("line", args(), context)).rows).toBe(2);
  });
});
