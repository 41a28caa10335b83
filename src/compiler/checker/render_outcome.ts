// renderDiagnostics for what the checker returns: `checkAll`'s outcome renders as it is, with the code
// frames from the sources it read, and a sources map is accepted where a lookup function is. Here, not
// in src/diagnostics, because that layer may not know the checker's types.
import type { Diagnostic } from "../../ast/diagnostic.js";
import { renderDiagnostics as renderList, type RenderOptions, type SourceLookup } from "../../diagnostics/render.js";
import type { CheckOutcome } from "./check.js";

/** A lookup function, or the URI → text map a `CheckOutcome` carries. */
export type Sources = SourceLookup | ReadonlyMap<string, string>;

function lookupOf(sources: Sources): SourceLookup {
  return typeof sources === "function" ? sources : (uri) => sources.get(uri);
}

/** Renders a check's outcome: every diagnostic with its code frame, then a one-line summary. */
export function renderDiagnostics(outcome: CheckOutcome, options?: RenderOptions): string;
/** Renders diagnostics with code frames from `sources`, then a one-line summary. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: Sources, options?: RenderOptions): string;
export function renderDiagnostics(first: CheckOutcome | readonly Diagnostic[], second?: Sources | RenderOptions, third?: RenderOptions): string {
  if (isDiagnosticList(first)) return renderList(first, lookupOf(second as Sources), third);
  return renderList(first.diagnostics, lookupOf(first.sources), second as RenderOptions | undefined);
}

function isDiagnosticList(value: CheckOutcome | readonly Diagnostic[]): value is readonly Diagnostic[] {
  return Array.isArray(value);
}
