// The package's version, read from package.json (two folders above this module, in src/cli and in dist/cli alike).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The version in package.json, or "unknown". */
export function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"));
  const v = typeof manifest === "object" && manifest !== null && "version" in manifest ? manifest.version : undefined;
  return typeof v === "string" ? v : "unknown";
}
