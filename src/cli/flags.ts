// Flags as one table per command: the same table is node:util's parseArgs configuration and the text
// of `linea help CMD` (every flag with its value, its default and what it does), so help cannot drift
// from what the parser accepts. The common flags (--json, --max-diagnostics) are every command's:
// main reads them before the command sees its arguments.
import { closest } from "../compiler/checker/suggest.js";
import { DEFAULT_MAX_DIAGNOSTICS } from "../diagnostics/render.js";

export interface FlagDoc {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's placeholder in help (`N`, `FILE`); string flags only. */
  readonly value?: string;
  /** The default as help shows it (not applied by the parser: commands decide what an absent flag means). */
  readonly defaultText?: string;
  readonly help: string;
}

export type FlagTable = Readonly<Record<string, FlagDoc>>;

/** Flags every command takes; main strips them from the arguments and passes their values in CommandIO. */
export const COMMON_FLAGS = {
  json: { type: "boolean", help: "print one JSON document on stdout, on success and on error (docs/cli.md)" },
  "max-diagnostics": { type: "string", value: "N", defaultText: String(DEFAULT_MAX_DIAGNOSTICS), help: "diagnostics shown per file at most, then a count of the rest" },
  "memory-budget": { type: "string", value: "SIZE", defaultText: "LINEA_MEMORY_BUDGET, else the machine's memory", help: "the check's memory budget (16G, 512MiB, bytes)" },
  help: { type: "boolean", short: "h", help: "print this help" },
} as const satisfies FlagTable;

/** "; did you mean 'x'?" when a candidate is a plausible typo of `given`, else "". */
export function didYouMean(given: string, candidates: Iterable<string>, prefix = ""): string {
  const names = [...candidates];
  // The checker's edit distance, and a swap of letters (`--jsno`), which it counts as two edits.
  const letters = (w: string): string => [...w].sort().join("");
  const near = closest(given, names) ?? names.find((c) => c !== given && c.length > 2 && letters(c) === letters(given));
  return near === undefined ? "" : `; did you mean '${prefix}${near}'?`;
}

/** `--name VALUE` or `-s, --name` as help shows a flag. */
function flagSynopsis(name: string, doc: FlagDoc): string {
  const short = doc.short === undefined ? "" : `-${doc.short}, `;
  return `${short}--${name}${doc.type === "string" ? ` ${doc.value ?? "VALUE"}` : ""}`;
}

function flagLines(table: FlagTable): string[] {
  const entries = Object.entries(table);
  const width = Math.max(0, ...entries.map(([n, d]) => flagSynopsis(n, d).length));
  return entries.map(([n, d]) => {
    const notes = [d.multiple === true ? "repeatable" : "", d.defaultText === undefined ? "" : `default: ${d.defaultText}`].filter((s) => s !== "");
    return `  ${flagSynopsis(n, d).padEnd(width)}  ${d.help}${notes.length === 0 ? "" : ` (${notes.join("; ")})`}`;
  });
}

interface HelpSubject {
  readonly usage: string;
  readonly summary: string;
  readonly flags: FlagTable;
  readonly examples: readonly string[];
}

/** The whole help of a command: usage, summary, its flags, the common flags and examples. */
export function helpText(c: HelpSubject): string {
  const own = Object.keys(c.flags).length === 0 ? ["  (none)"] : flagLines(c.flags);
  return [`usage: ${c.usage}`, c.summary, "", "flags:", ...own, "", "common flags:", ...flagLines(COMMON_FLAGS), "", "examples:", ...c.examples.map((e) => `  ${e}`), ""].join(
    "\n",
  );
}
