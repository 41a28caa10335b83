// Which backend the top-level functions use. LINEA_LINALG=native|js|auto (default auto): auto takes the
// LAPACK addon when it loads and otherwise falls back to TypeScript with a one-line notice through an
// injectable logger; native demands the addon and fails clearly without it.
import { LinalgError } from "./errors.js";
import { jsKernels } from "./js/kernels.js";
import { linalgOf, type Linalg } from "./linalg.js";
import { loadNativeKernels } from "./native.js";

export type LinalgLogger = (line: string) => void;

let logger: LinalgLogger = (line) => process.stderr.write(`${line}\n`);

/** Where notices about backend choice go (default: one line on stderr). */
export function setLinalgLogger(next: LinalgLogger): void {
  logger = next;
}

export const jsLinalg: Linalg = linalgOf(jsKernels);

let nativeLinalgCache: Linalg | undefined;

/** The LAPACK backend, or the reason it is unavailable. */
export function nativeLinalg(): { readonly linalg: Linalg } | { readonly reason: string } {
  const load = loadNativeKernels();
  if (!load.ok) return { reason: load.reason };
  nativeLinalgCache ??= linalgOf(load.kernels);
  return { linalg: nativeLinalgCache };
}

export type LinalgChoice = "auto" | "js" | "native";

export type NativeAvailability = ReturnType<typeof nativeLinalg>;

/** Resolves a choice to a backend; `auto` reports a fallback through the logger. */
export function selectLinalg(choice: LinalgChoice, native: NativeAvailability = nativeLinalg()): Linalg {
  if (choice === "js") return jsLinalg;
  if ("linalg" in native) return native.linalg;
  if (choice === "native") throw new LinalgError("LIN1047", `LINEA_LINALG=native but ${native.reason}`);
  logger(`linea: dense linear algebra uses the TypeScript fallback (${native.reason})`);
  return jsLinalg;
}

function choiceFromEnvironment(): LinalgChoice {
  const raw = (process.env.LINEA_LINALG ?? "").trim().toLowerCase();
  if (raw === "" || raw === "auto") return "auto";
  if (raw === "js" || raw === "native") return raw;
  throw new LinalgError("LIN1048", `LINEA_LINALG=${raw}: expected js, native or auto`);
}

let active: Linalg | undefined;

/** The backend in use, chosen once from LINEA_LINALG on first use. */
export function activeLinalg(): Linalg {
  active ??= selectLinalg(choiceFromEnvironment());
  return active;
}

/** Forces the backend (tests, CLI flags); `undefined` re-reads LINEA_LINALG on next use. */
export function useLinalg(choice: LinalgChoice | undefined): Linalg | undefined {
  active = choice === undefined ? undefined : selectLinalg(choice);
  return active;
}
