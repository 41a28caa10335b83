// `linea help CMD` and `CMD --help` list every flag the command's parser accepts (the same table), with
// its default and examples; unknown commands and flags get the nearest name.
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import type { Command } from "../../src/cli/command.js";
import { COMMON_FLAGS, didYouMean, type FlagTable } from "../../src/cli/flags.js";
import { lineaIn } from "./support.js";

const linea = lineaIn(tmpdir());

const modules: Record<string, () => Promise<Record<string, unknown>>> = {
  check: () => import("../../src/cli/check.js"),
  verify: () => import("../../src/cli/verify.js"),
  train: () => import("../../src/cli/train.js"),
  compile: () => import("../../src/cli/compile.js"),
  run: () => import("../../src/cli/run.js"),
  svd: () => import("../../src/cli/svd.js"),
  sample: () => import("../../src/cli/sample.js"),
  invert: () => import("../../src/cli/invert.js"),
  interpolate: () => import("../../src/cli/interpolate.js"),
  explain: () => import("../../src/cli/explain.js"),
  export: () => import("../../src/cli/export.js"),
};

async function commandNamed(name: string): Promise<Command> {
  const m = await modules[name]?.();
  const c = m?.[`${name}Command`] as Command | undefined;
  if (c === undefined) throw new Error(`no ${name}Command`);
  return c;
}

describe("linea help CMD", { timeout: 60_000 }, () => {
  for (const name of Object.keys(modules)) {
    it(`${name}: every flag with its default, the common flags, and examples of this command`, async () => {
      const command = await commandNamed(name);
      const viaHelp = await linea("help", name);
      const viaFlag = await linea(name, "--help");
      expect(viaHelp.code).toBe(0);
      expect(viaFlag.stdout).toBe(viaHelp.stdout);
      const text = viaHelp.stdout;
      const table: FlagTable = { ...command.flags, ...COMMON_FLAGS };
      for (const [flag, doc] of Object.entries(table)) {
        const line = text.split("\n").find((l) => l.includes(`--${flag}`) && l.includes(doc.help));
        expect(line, `--${flag}`).toBeDefined();
        if (doc.defaultText !== undefined) expect(line, `--${flag}`).toContain(`default: ${doc.defaultText}`);
      }
      const examples = text
        .slice(text.indexOf("examples:"))
        .split("\n")
        .slice(1)
        .filter((l) => l.trim() !== "");
      expect(examples.length).toBeGreaterThan(0);
      for (const e of examples) expect(e, e).toContain(`linea ${name} `);
    });
  }

  it("control: the run table documents --entry, and the parser refuses what the table lacks", async () => {
    const run = await commandNamed("run");
    expect(Object.keys(run.flags)).toContain("entry");
    const r = await linea("run", "x.lin", "--entri", "e");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error[LIN1204]: unknown flag '--entri'; did you mean '--entry'?");
  });
});

describe("did you mean", () => {
  it("suggests the nearest command, and the nearest flag (a swap of letters included)", async () => {
    const cmd = await linea("chek", "a.lin");
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain("linea: error[LIN1203]: unknown command 'chek'; did you mean 'check'?");
    const flag = await linea("check", "a.lin", "--jsno");
    expect(flag.stderr).toContain("unknown flag '--jsno'; did you mean '--json'?");
    const weights = await linea("verify", "a.lin", "--wieghts", "w.safetensors");
    expect(weights.stderr).toContain("did you mean '--weights'?");
    const help = await linea("help", "compil");
    expect(help.code).toBe(2);
    expect(help.stderr).toContain("did you mean 'compile'?");
  });

  it("control: nothing is suggested for a name near no candidate", async () => {
    expect(didYouMean("transmogrify", ["check", "run"])).toBe("");
    const r = await linea("transmogrify");
    expect(r.stderr).toContain("unknown command 'transmogrify'\n");
  });
});
