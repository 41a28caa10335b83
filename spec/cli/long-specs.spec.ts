// `linea check` on specs with 100,000-term chains and `linea compile` on 30,000-term ones (a compile
// of 100,000 takes 5–8 s, mostly the backend's start and the explain text; the library specs in
// spec/compiler/long-chains.spec.ts lower and optimise 100,000): exit 0, no "internal error". Before,
// both exited 3 with "Maximum call stack size exceeded" from about 2,400 terms (measured once).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineaIn } from "./support.js";

const terms = 100_000;
const compiledTerms = 30_000;
const dir = mkdtempSync(join(tmpdir(), "linea-long-specs-"));
writeFileSync(join(dir, "linea.json"), "{}");
const chain = (op: string, n: number): string => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? "f" : "g")).join(` ${op} `);
for (const [name, op] of [
  ["product", "*"],
  ["sum", "+"],
] as const) {
  for (const [file, n] of [
    [name, terms],
    [`${name}-compiled`, compiledTerms],
  ] as const) {
    writeFileSync(join(dir, `${file}.lin`), `space X = R^4;\nmap f : X -> X = dense;\nmap g : X -> X = diagonal;\nlet h = ${chain(op, n)};\nentry e(x : X) = h(x);\n`);
  }
}
const linea = lineaIn(dir);

describe("linea on long specs", { timeout: 60_000 }, () => {
  for (const name of ["product", "sum"]) {
    it(`check a ${terms}-term ${name} and compile a ${compiledTerms}-term one`, async () => {
      const check = await linea("check", `${name}.lin`);
      expect(check.stderr).toBe("");
      expect([check.code, check.stdout]).toEqual([0, "1 file checked: no problems\n"]);
      const compile = await linea("compile", `${name}-compiled.lin`, "--emit", "ir", "--backend", "cpu");
      expect(compile.stderr).not.toContain("internal error");
      expect(compile.code).toBe(0);
      expect(compile.stdout).toContain("== h: after (1 applications)");
    });
  }
});
