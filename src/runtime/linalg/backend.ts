// Which backend the top-level functions use. LINEA_LINALG=native|js|auto (default auto): auto takes the
// LAPACK addon when it loads and otherwise falls back to TypeScript silently (a library must not write
// to stderr by itself): the notice goes to an injectable logger, which prints only under LINEA_DEBUG,
// and linalgStatus() says on request which backend runs and why; native demands the addon and fails
// clearly without it.
import { LinalgError } from "./errors.js";
import { jsKernels } from "./js/kernels.js";
import { linalgOf, type Linalg } from "./linalg.js";
import { loadNativeKernels } from "./native.js";

/** Receives the one-line notices of backend choice. */
export type LinalgLogger = (line: string) => void;

/** LINEA_DEBUG set to anything but "", "0" or "false" asks for the notices a library keeps to itself. */
export function debugRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.LINEA_DEBUG ?? "").trim().toLowerCase();
  return v !== "" && v !== "0" && v !== "false";
}

/** The default logger: one line on stderr under LINEA_DEBUG, else nothing. */
export const debugLinalgLogger: LinalgLogger = (line) => {
  if (debugRequested()) process.stderr.write(`${line}\n`);
};

let logger: LinalgLogger = debugLinalgLogger;

/** Where notices about backend choice go (default: stderr under LINEA_DEBUG, else nowhere). */
export function setLinalgLogger(next: LinalgLogger): void {
  logger = next;
}

/** The TypeScript backend, always available. */
export const jsLinalg: Linalg = linalgOf(jsKernels);

let nativeLinalgCache: Linalg | undefined;

/** The LAPACK backend, or the reason it is unavailable. */
export function nativeLinalg(): { readonly linalg: Linalg } | { readonly reason: string } {
  const load = loadNativeKernels();
  if (!load.ok) return { reason: load.reason };
  nativeLinalgCache ??= linalgOf(load.kernels);
  return { linalg: nativeLinalgCache };
}

/** `LINEA_LINALG`'s values: `auto` (native when it loads), `js` or `native` (required). */
export type LinalgChoice = "auto" | "js" | "native";

/** The LAPACK backend, or why it is unavailable. */
export type NativeAvailability = ReturnType<typeof nativeLinalg>;

/** Resolves a choice to a backend; `auto` reports a fallback through the logger. */
export function selectLinalg(choice: LinalgChoice, native: NativeAvailability = nativeLinalg()): Linalg {
  if (choice === "js") return jsLinalg;
  if ("linalg" in native) return native.linalg;
  if (choice === "native") throw new LinalgError("LIN1047", `LINEA_LINALG=native but ${native.reason}`);
  logger(`linea: native linear algebra unavailable: ${native.reason}; using the TypeScript fallback`);
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

/**
 * One line for `linea --version --verbose`: the backend the top-level functions use and, when the
 * LAPACK addon is not the one, why. Reads LINEA_LINALG like activeLinalg, without choosing for good.
 */
export function linalgStatus(native: NativeAvailability = nativeLinalg()): string {
  let choice: LinalgChoice;
  try {
    choice = choiceFromEnvironment();
  } catch (e) {
    return `linear algebra: ${(e as Error).message}`;
  }
  if (choice === "js") return "linear algebra: TypeScript (LINEA_LINALG=js)";
  if ("linalg" in native) return "linear algebra: native LAPACK addon";
  return `linear algebra: TypeScript; native linear algebra unavailable: ${native.reason} (build it with npx linea-build-native)`;
}
