// Diagnostics are LSP-shaped so an editor can show them as they are; Linea adds "because" notes and a
// suggested fix under `data`, which LSP reserves for exactly this.
import type { DiagnosticCode } from "../diagnostics/codes.js";
import type { Location, Range } from "./source.js";

/** LSP's DiagnosticSeverity values. */
export const Severity = { Error: 1, Warning: 2, Information: 3, Hint: 4 } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Another place a diagnostic refers to, e.g. the earlier declaration of a duplicate name. */
export interface RelatedInformation {
  readonly location: Location;
  readonly message: string;
}

/** A replacement of `range` in `uri` by `newText`: an LSP TextEdit with its file. */
export interface FixEdit {
  readonly uri: string;
  readonly range: Range;
  readonly newText: string;
}

/** A fix a diagnostic suggests, with its edits where it is mechanical. */
export interface SuggestedFix {
  /** What the fix does, in one line. */
  readonly title: string;
  /** Concrete edits, where the fix is mechanical; empty where it needs a person's choice. */
  readonly edits: readonly FixEdit[];
}

/** A problem found in a spec: code, message, place, and why and how to fix it (LSP-shaped). */
export interface Diagnostic {
  /** The file the primary range is in. */
  readonly uri: string;
  readonly range: Range;
  readonly severity: Severity;
  /** Stable code, e.g. "LIN0301": one of src/diagnostics/codes.ts, each documented in docs/errors.md. */
  readonly code: DiagnosticCode;
  readonly source: "linea";
  /** One line naming the things involved. */
  readonly message: string;
  /** Where each space, network or name involved was declared. */
  readonly relatedInformation: readonly RelatedInformation[];
  readonly data: {
    /** "because …" notes: the chain of facts that makes this an error. */
    readonly because: readonly string[];
    readonly fix?: SuggestedFix;
  };
}

export interface DiagnosticInit {
  readonly uri: string;
  readonly range: Range;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly severity?: Severity;
  readonly related?: readonly RelatedInformation[];
  readonly because?: readonly string[];
  readonly fix?: SuggestedFix;
}

export function diagnostic(init: DiagnosticInit): Diagnostic {
  return {
    uri: init.uri,
    range: init.range,
    severity: init.severity ?? Severity.Error,
    code: init.code,
    source: "linea",
    message: init.message,
    relatedInformation: init.related ?? [],
    data: { because: init.because ?? [], ...(init.fix ? { fix: init.fix } : {}) },
  };
}

/** True when any diagnostic is an error (warnings do not count). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === Severity.Error);
}
