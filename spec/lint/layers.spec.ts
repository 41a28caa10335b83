// The layer rules of .dependency-cruiser.cjs can fail: a scratch tree with the project's folder names plants one
// violation of every rule, and dependency-cruiser, run with the project's own config, reports each under its
// rule's name; a clean tree that uses every allowed edge (and the bin/ and node-host exceptions) passes.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const configPath = path.join(root, ".dependency-cruiser.cjs");
const depcruiseBin = path.join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

type Severity = "error" | "warn" | "info" | "ignore";
interface Rule {
  name: string;
  severity: Severity;
}
interface Violation {
  rule: Rule;
  from: string;
  to: string;
}
interface CruiseJson {
  summary: { error: number; warn: number; violations: Violation[] };
}

const forbidden: Rule[] = (createRequire(import.meta.url)(configPath) as { forbidden: Rule[] }).forbidden;

/** Files every scratch tree shares: a tsconfig like the project's and a stand-in tfjs package. */
const common: Record<string, string> = {
  "package.json": JSON.stringify({ name: "fixture", type: "module", dependencies: { "@tensorflow/tfjs-core": "*" } }),
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true }, include: ["src"] }),
  "node_modules/@tensorflow/tfjs-core/package.json": JSON.stringify({ name: "@tensorflow/tfjs-core", type: "module", main: "index.js" }),
  "node_modules/@tensorflow/tfjs-core/index.js": "export const tensor = 1;\n",
  // a runtime module that imports tfjs: the checker may not reach it, even through another module
  "src/runtime/tensors.ts": 'import { tensor } from "@tensorflow/tfjs-core";\nexport const t = tensor;\n',
};

/** One violation per rule; each file name says which. */
const violating: Record<string, string> = {
  ...common,
  "src/cli/main.ts": "export const main = 1;\n",
  "bin/linea.js": 'import "../src/cli/main.js";\n',
  "src/runtime/uses_cli.ts": 'import { main } from "../cli/main.js";\nexport const x = main;\n',
  "src/runtime/uses_compiler_type.ts": 'import type { Checked } from "../compiler/checker/clean.js";\nexport type X = Checked;\n',
  "src/compiler/checker/clean.ts": "export type Checked = { ok: boolean };\n",
  "src/compiler/checker/imports_tfjs.ts": 'import { tensor } from "@tensorflow/tfjs-core";\nexport const z = tensor;\n',
  "src/compiler/checker/reaches_tfjs.ts": 'import { t } from "../../runtime/tensors.js";\nexport const w = t;\n',
  "src/compiler/checker/reads_disk.ts": 'import { readFileSync } from "node:fs";\nexport const r = readFileSync;\n',
  "src/parser/uses_runtime.ts": 'import { t } from "../runtime/tensors.js";\nexport const p = t;\n',
  "src/parser/uses_tfjs.ts": 'import { tensor } from "@tensorflow/tfjs-core";\nexport const q = tensor;\n',
  "src/diagnostics/uses_parser.ts": 'import { p } from "../parser/uses_runtime.js";\nexport const d = p;\n',
  "src/train/cycle_a.ts": 'import { b } from "./cycle_b.js";\nexport const a = () => b;\n',
  "src/train/cycle_b.ts": 'import { a } from "./cycle_a.js";\nexport const b = () => a;\n',
  "src/verify/unresolvable.ts": 'import { gone } from "./missing.js";\nexport const u = gone;\n',
  "src/verify/orphan.ts": "export const nobody = 1;\n",
};

/** Every allowed edge the layers have, plus the two exceptions (bin/ imports cli; the node host reads disk). */
const clean: Record<string, string> = {
  ...common,
  "src/ast/nodes.ts": "export type Node = { kind: string };\n",
  "src/diagnostics/codes.ts": 'import type { Node } from "../ast/nodes.js";\nexport const code = (n: Node) => n.kind;\n',
  "src/parser/parse.ts": 'import { code } from "../diagnostics/codes.js";\nexport const parse = code;\n',
  "src/compiler/checker/check.ts": 'import { parse } from "../../parser/parse.js";\nexport const check = parse;\n',
  "src/compiler/checker/node_host.ts": 'import { readFileSync } from "node:fs";\nimport { check } from "./check.js";\nexport const host = [readFileSync, check];\n',
  "src/compiler/lower.ts": 'import { check } from "./checker/check.js";\nimport { t } from "../runtime/tensors.js";\nexport const lower = [check, t];\n',
  "src/apps/sample.ts": 'import { lower } from "../compiler/lower.js";\nexport const sample = lower;\n',
  "src/cli/main.ts": 'import { sample } from "../apps/sample.js";\nimport { host } from "../compiler/checker/node_host.js";\nexport const main = [sample, host];\n',
  "bin/linea.js": 'import "../src/cli/main.js";\n',
};

const scratch = mkdtempSync(path.join(tmpdir(), "linea-layers-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const written = new Map<Record<string, string>, string>();

/** Writes `files` into a fresh folder under the scratch folder (once per tree) and returns the folder. */
function folderOf(files: Record<string, string>): string {
  const known = written.get(files);
  if (known !== undefined) return known;
  const dir = path.join(scratch, String(written.size));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  written.set(files, dir);
  return dir;
}

/** `depcruise src bin --config <the project's>` in the tree's folder: what `npm run lint:layers` runs. */
function depcruise(files: Record<string, string>, ...extra: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [depcruiseBin, "src", "bin", "--config", configPath, ...extra], { cwd: folderOf(files), encoding: "utf8" });
  if (run.error) throw run.error;
  return run;
}

const results = new Map<Record<string, string>, CruiseJson>();

/** The tree's violations as dependency-cruiser's JSON report (once per tree). */
function cruise(files: Record<string, string>): CruiseJson {
  const known = results.get(files);
  if (known) return known;
  const run = depcruise(files, "--output-type", "json");
  if (!run.stdout.trim().startsWith("{")) throw new Error(`depcruise printed no JSON (exit ${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as CruiseJson;
  results.set(files, result);
  return result;
}

/** "rule: from → to" for every violation, sorted: the assertion then reads as a list. */
function pairs(result: CruiseJson): string[] {
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*node_modules\//, "node_modules/")}`).sort();
}

describe("layer rules (.dependency-cruiser.cjs)", () => {
  it("reports each planted violation under its rule's name", () => {
    const result = cruise(violating);
    const reported = pairs(result);
    const expected = [
      "runtime-is-a-leaf: src/runtime/uses_cli.ts → src/cli/main.ts",
      "runtime-is-a-leaf: src/runtime/uses_compiler_type.ts → src/compiler/checker/clean.ts",
      "no-cli-imports: src/runtime/uses_cli.ts → src/cli/main.ts",
      "checker-without-tfjs: src/compiler/checker/imports_tfjs.ts → node_modules/@tensorflow/tfjs-core/index.js",
      "checker-without-tfjs: src/compiler/checker/reaches_tfjs.ts → node_modules/@tensorflow/tfjs-core/index.js",
      "checker-without-node: src/compiler/checker/reads_disk.ts → fs",
      "parser-without-runtime: src/parser/uses_runtime.ts → src/runtime/tensors.ts",
      "parser-without-runtime: src/parser/uses_tfjs.ts → node_modules/@tensorflow/tfjs-core/index.js",
      "diagnostics-bottom: src/diagnostics/uses_parser.ts → src/parser/uses_runtime.ts",
      "not-to-unresolvable: src/verify/unresolvable.ts → ./missing.js",
      "no-orphans: src/verify/orphan.ts → src/verify/orphan.ts",
    ];
    for (const line of expected) expect(reported).toContain(line);
    // the cycle is reported from whichever end dependency-cruiser reaches first
    expect(reported.filter((line) => /^no-circular: src\/train\/cycle_[ab]\.ts → src\/train\/cycle_[ab]\.ts$/.test(line)).length).toBeGreaterThan(0);
    // nothing else: the planted files break only the rules they are named for
    expect(reported.filter((line) => !expected.includes(line) && !line.startsWith("no-circular: "))).toEqual([]);
    expect(result.summary.warn).toBe(1); // the orphan: a warning, not an error
  });

  it("fails the lint command on the violating tree and passes it on the clean one", () => {
    const failing = depcruise(violating);
    expect(failing.status).not.toBe(0);
    expect(failing.stdout).toContain("error runtime-is-a-leaf: src/runtime/uses_cli.ts → src/cli/main.ts");
    const passing = depcruise(clean);
    expect(passing.stderr).toBe("");
    expect(passing.status).toBe(0);
  });

  it("plants a violation of every rule the config has", () => {
    const result = cruise(violating);
    const hit = new Set(result.summary.violations.map((v) => v.rule.name));
    expect(forbidden.map((r) => r.name).filter((name) => !hit.has(name))).toEqual([]);
  });

  it("passes a clean tree that uses every allowed edge", () => {
    const result = cruise(clean);
    expect(pairs(result)).toEqual([]);
    expect(result.summary.error + result.summary.warn).toBe(0);
  });
});
