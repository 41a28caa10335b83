// What the applications that add generated declarations to a spec (sampler lets, interpolation mixes)
// check them against, until the checker checks an expression in the scope of a checked module (issue 9):
// the spec's text with its checked program. checkWithAppended (cli/spec_input.ts, the one apps → cli
// import, at its two call sites) prints the diagnostics of the generated text; here they are collected
// and thrown, so that an application prints nothing and the command prints them as before.
import type { CheckedProgram } from "../compiler/checked.js";

/** A spec that reads and checks, with its text (cli/spec_input.ts's CheckedSpec is one). */
export interface SpecText {
  /** The file's absolute path (its uri in the checked program). */
  readonly path: string;
  readonly text: string;
  readonly program: CheckedProgram;
  /** The text of each module the check read, by uri (for rendering diagnostics). */
  readonly sources: (uri: string) => string | undefined;
  /** The directory the diagnostics name files relative to. */
  readonly cwd: string;
}

/** The generated declarations do not check: their diagnostics, rendered as `linea` prints them on stdout. */
export class GeneratedDeclarationsError extends Error {
  constructor(readonly rendered: string) {
    super("the generated declarations do not check");
  }
}

/** Where checkWithAppended writes the diagnostics of generated text: collected, not printed. */
export interface DiagnosticsCollector {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Everything written, stdout and stderr in order. */
  printed(): string;
}

export function diagnosticsCollector(cwd: string): DiagnosticsCollector {
  let text = "";
  const write = (t: string): void => {
    text += t;
  };
  return { stdout: write, stderr: write, cwd, printed: () => text };
}
