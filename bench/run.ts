// `npm run bench -- NAME [args]` runs bench/NAME.ts, whose default export (or the module itself, when
// imported) does the measuring and prints JSON lines. Each benchmark is its own module, so adding one
// needs no change here.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export type Benchmark = (args: readonly string[]) => Promise<void>;

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z0-9_-]+$/.test(name) || !existsSync(join(here, `${name}.ts`))) {
  process.stderr.write(`usage: npm run bench -- NAME [args]\navailable: ${available.join(", ")}\n`);
  process.exit(2);
}
// A module either exports its benchmark as `default` or runs it when imported (reading process.argv).
const loaded: { default?: unknown } = await import(pathToFileURL(join(here, `${name}.ts`)).href);
if (typeof loaded.default === "function") await (loaded.default as Benchmark)(args);
