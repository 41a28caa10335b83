// Colour in human diagnostics: decided by the CLI (a TTY, NO_COLOR, FORCE_COLOR) and passed to the
// renderer, which is colourless by default.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useColour } from "../../src/cli/colour.js";
import { main, type MainIO } from "../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "linea-colour-"));
writeFileSync(join(dir, "linea.json"), "{}");
writeFileSync(join(dir, "bad.lin"), "space X = R^2;\nmap f : X -> Y = dense;\n");
const RED = "\u001b[31m";
const YELLOW = "\u001b[33m";

async function checkBad(io: Partial<MainIO>): Promise<string> {
  let err = "";
  await main(["check", "bad.lin"], { stdout: () => undefined, stderr: (t) => (err += t), cwd: dir, ...io });
  return err;
}

describe("colour", () => {
  it("follows the terminal, NO_COLOR (any non-empty value) and FORCE_COLOR (even when piped)", () => {
    expect(useColour({}, true)).toBe(true);
    expect(useColour({}, false)).toBe(false);
    expect(useColour({ NO_COLOR: "1" }, true)).toBe(false);
    expect(useColour({ NO_COLOR: "" }, true)).toBe(true); // empty means unset (no-color.org)
    expect(useColour({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(useColour({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(useColour({ TERM: "dumb" }, true)).toBe(false);
  });

  it("a TTY gets red errors and coloured carets; piped output and NO_COLOR get none", async () => {
    const tty = await checkBad({ stderrIsTTY: true, env: {} });
    expect(tty).toContain(`${RED}error[LIN0201]`);
    expect(tty).toContain(`${RED}^`);
    expect(await checkBad({ stderrIsTTY: false, env: {} })).not.toContain("\u001b[");
    expect(await checkBad({ stderrIsTTY: true, env: { NO_COLOR: "yes" } })).not.toContain("\u001b[");
    expect(await checkBad({ stderrIsTTY: false, env: { FORCE_COLOR: "1" } })).toContain(RED);
    // Control: the text is the same once the colour codes are taken out.
    const stripped = tty.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, "g"), "");
    expect(stripped).toBe(await checkBad({}));
  });

  it("warnings are yellow", async () => {
    const { renderDiagnostics } = await import("../../src/diagnostics/render.js");
    const { diagnostic, Severity } = await import("../../src/ast/diagnostic.js");
    const { LineMap } = await import("../../src/ast/source.js");
    const text = "space X = R^2;\n";
    const d = diagnostic({ uri: "/p/a.lin", range: new LineMap(text).range(6, 7), code: "LIN0201", message: "m", severity: Severity.Warning });
    expect(renderDiagnostics([d], () => text, { cwd: "/p", color: true })).toContain(`${YELLOW}warning[LIN0201]`);
    expect(renderDiagnostics([d], () => text, { cwd: "/p" })).not.toContain("\u001b["); // the library default: no colour
  });
});
