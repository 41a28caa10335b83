// The `linea` command line run in-process from a folder, its output captured: what every CLI spec calls.
import { main } from "../../src/cli/main.js";

export interface LineaRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A `linea(...args)` that runs main() with `cwd` as the working directory. */
export function lineaIn(cwd: string): (...args: string[]) => Promise<LineaRun> {
  return async (...args) => {
    let stdout = "";
    let stderr = "";
    const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
    return { code, stdout, stderr };
  };
}
