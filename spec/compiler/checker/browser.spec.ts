// The checker runs in a browser: esbuild bundles it for the browser platform (no Node built-ins to
// resolve, no tfjs), and the bundle checks a spec inside a bare JavaScript context that has no
// `process`, `require` or Node module at all. Control: the disk host (node_host.ts) does not bundle
// for the browser, so the test does see a Node import when there is one.
import { runInNewContext } from "node:vm";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const checkerDir = join(import.meta.dirname, "../../../src/compiler/checker");

/** An IIFE bundle for the browser exposing `linea.checkWith`, `linea.extendModule`, `linea.memoryFileHost`, or esbuild's errors. */
async function browserBundle(entry: string): Promise<{ code?: string; inputs?: string[]; errors: string[] }> {
  try {
    const out = await build({
      stdin: { contents: entry, resolveDir: checkerDir, loader: "ts" },
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "linea",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    return { code: out.outputFiles[0]?.text, inputs: Object.keys(out.metafile.inputs), errors: [] };
  } catch (e) {
    const errors = (e as { errors?: { text: string }[] }).errors ?? [];
    return { errors: errors.map((x) => x.text) };
  }
}

describe("the checker in a browser", () => {
  it("bundles for the browser and checks a spec in a context without Node", async () => {
    const { code, inputs, errors } = await browserBundle(
      'export { checkWith } from "./check.js"; export { extendModule } from "./extend.js"; export { memoryFileHost } from "./host.js";',
    );
    expect(errors).toEqual([]);
    expect(code).toBeDefined();
    // No module of tfjs is bundled (the code registry's text names the packages, so the text is not the test).
    expect(inputs?.filter((i) => i.includes("@tensorflow"))).toEqual([]);
    const spec =
      "space X = R^2;\nspace Y = R^3;\nnetwork G : X { additive_coupling(hidden = 4); }\nnetwork H : Y { actnorm; }\nmap f : induced G -> induced H = dense;\nmap g : induced H -> induced H = dense;\nlet bad = f * g;\n";
    const sandbox: Record<string, unknown> = {};
    runInNewContext(
      `${code ?? ""}\nresult = linea.checkWith({ uri: "/p/spec.lin", text: spec }, { host: linea.memoryFileHost({}), root: "/p" }).diagnostics.map((d) => d.code);`,
      Object.assign(sandbox, { spec }),
    );
    expect(sandbox.process).toBeUndefined();
    // f * g composes through H's space into G's: the checker's typing rule fires inside the bare context.
    expect(sandbox.result).toEqual(["LIN0301"]);
  });

  it("control: the disk host does not bundle for the browser", async () => {
    const { errors } = await browserBundle('export { nodeFileHost } from "./node_host.js";');
    expect(errors.join("\n")).toMatch(/node:fs|fs/);
  });
});
