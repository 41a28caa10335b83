// `--data` of `linea invert`: a data source of the training registry (src/train/data.ts) written as in a
// train section — `mnist`, `mnist(n = 64, size = 28)`, `moons(n = 512, noise = 0.05)`, `npy("x.npy")` —
// or a path to a .npy file, or `train` for the data of the spec's (only) train section. A few lines of
// parsing instead of the Linea parser: the arguments are literals only, and a train section's own
// conversion (src/train/plan.ts) reads a parsed expression, not text; reaching it would mean parsing a
// made-up program, with diagnostics about text the user did not write, instead of one usage error.
import type { DataArgs } from "../train/dataSource.js";
import { UsageError } from "./command.js";

export type DataFlag = { readonly kind: "source"; readonly name: string; readonly args: DataArgs } | { readonly kind: "train" };

const CALL = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?$/s;
const NAMED = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/s;

function literal(text: string, whole: string): number | string {
  const t = text.trim();
  const quoted = /^"(.*)"$/s.exec(t) ?? /^'(.*)'$/s.exec(t);
  if (quoted !== null) return quoted[1] ?? "";
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) return t;
  const n = Number(t);
  if (t === "" || !Number.isFinite(n)) throw new UsageError(`--data ${whole}: cannot read the argument '${t}' (a number, a word or a quoted string)`);
  return n;
}

export function parseDataFlag(value: string): DataFlag {
  const text = value.trim();
  if (text === "train") return { kind: "train" };
  if (text.toLowerCase().endsWith(".npy")) return { kind: "source", name: "npy", args: new Map([["0", text]]) };
  const call = CALL.exec(text);
  if (call === null) throw new UsageError(`--data ${value}: expected a data source such as mnist, moons(n = 512) or npy("x.npy"), a .npy path, or train`);
  const args = new Map<string, number | string>();
  const inside = (call[2] ?? "").trim();
  if (inside !== "") {
    inside.split(",").forEach((part, i) => {
      const named = NAMED.exec(part.trim());
      if (named !== null) args.set(named[1] ?? "", literal(named[2] ?? "", value));
      else args.set(String(i), literal(part, value));
    });
  }
  return { kind: "source", name: call[1] ?? "", args };
}
