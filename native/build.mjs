// Builds the LAPACK addon (npm run build:native → node native/build.mjs). node-gyp normally downloads
// Node's headers; this machine and CI have no network for that, but Debian's nodejs (and the official
// tarballs) install them next to the binary, at <prefix>/include/node. Use those when present.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const prefix = dirname(dirname(process.execPath));
const args = ["rebuild", "-C", here];
if (existsSync(join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);
// Inside `npm run`, npm puts its bundled node-gyp on PATH.
const result = spawnSync("node-gyp", args, { stdio: "inherit" });
if (result.error) console.error(`build:native: could not run node-gyp (${result.error.message}); run it through npm run build:native`);
process.exit(result.status ?? 1);
