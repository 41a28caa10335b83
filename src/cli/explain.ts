// `linea explain CODE`: the catalogue entry of a diagnostic code — its title, stage and summary from the
// registry (src/diagnostics/codes.ts) and its section of docs/errors.md (the failing spec and its fix),
// read from the package (docs/*.md ship in it). An unknown code is LIN1205 with the nearest code.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { diagnosticCodes, type CodeInfo } from "../diagnostics/codes.js";
import { ExitCode, parseCommandLine, UsageError, type Command } from "./command.js";
import { didYouMean } from "./flags.js";
import { printResult } from "./output.js";

/** docs/errors.md of this package: two folders above this module, in src/cli and in dist/cli alike (as main's version()). */
function catalogueText(): string | undefined {
  try {
    return readFileSync(fileURLToPath(new URL("../../docs/errors.md", import.meta.url)), "utf8");
  } catch {
    return undefined;
  }
}

/** The section of the catalogue under `### CODE — title`, up to the next heading, trimmed; undefined when absent. */
export function catalogueSection(markdown: string, code: string): string | undefined {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => new RegExp(`^###\\s+${code}\\b`).test(l));
  if (start < 0) return undefined;
  let end = start + 1;
  let fenced = false;
  for (; end < lines.length; end++) {
    const line = lines[end] ?? "";
    if (line.startsWith("```")) fenced = !fenced;
    if (!fenced && /^#{1,3}\s/.test(line)) break;
  }
  return lines
    .slice(start + 1, end)
    .join("\n")
    .trim();
}

/** `LIN0301`, `lin0301` and `0301` all name LIN0301. */
function normalise(given: string): string {
  const t = given.trim().toUpperCase();
  return /^\d{4}$/.test(t) ? `LIN${t}` : t;
}

export const explainCommand: Command = {
  name: "explain",
  summary: "print the catalogue entry of a diagnostic code: title, stage, summary, a failing spec and its fix",
  usage: "linea explain CODE",
  flags: {},
  examples: ["linea explain LIN0301", "linea explain 1111 --json"],
  async run(args, io) {
    const parsed = parseCommandLine(args, this.flags);
    const [given, ...extra] = parsed.positionals;
    if (given === undefined || extra.length > 0) throw new UsageError("explain needs exactly one code, e.g. LIN0301");
    const code = normalise(given);
    const info: CodeInfo | undefined = diagnosticCodes.find((c) => c.code === code);
    if (info === undefined) {
      throw new UsageError(
        `unknown diagnostic code '${given}'${didYouMean(
          code,
          diagnosticCodes.map((c) => c.code),
        )}`,
        "LIN1205",
      );
    }
    const markdown = catalogueText();
    const section = markdown === undefined ? undefined : catalogueSection(markdown, info.code);
    const raisedBy = info.raisedBy === undefined ? "" : `, raised as ${info.raisedBy}`;
    printResult(
      io,
      { code: info.code, title: info.title, stage: info.stage, ...(info.raisedBy === undefined ? {} : { raisedBy: info.raisedBy }), summary: info.summary, text: section ?? null },
      () => [`${info.code} — ${info.title} (stage: ${info.stage}${raisedBy})`, "", info.summary, ...(section === undefined ? [] : ["", section]), ""].join("\n"),
    );
    return ExitCode.Ok;
  },
};
