// numpy as an independent implementation for the file-format specs: fixtures are written by numpy
// inside the test (into a temp dir), and what Linea reads is compared with what numpy reads.
import { spawnSync } from "node:child_process";

/** Why numpy cannot be used here, or undefined when `python3 -c "import numpy"` works. */
export const numpyMissing: string | undefined = (() => {
  const r = spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8" });
  return r.status === 0 ? undefined : `python3 with numpy is not available (${r.error?.message ?? r.stderr.trim().split("\n").pop() ?? "exit " + String(r.status)})`;
})();

/** Runs a Python script with numpy imported as np and `d` the directory; returns its stdout parsed as JSON. */
export function python<T>(dir: string, script: string): T {
  const r = spawnSync("python3", ["-c", `import json, struct, numpy as np\nd = ${JSON.stringify(dir)}\n${script}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
