// Python literals for generated source: numbers, strings, lists and keyword arguments written the way a
// person would (2.0 for a float, "tanh" for a string), so the generated model.py reads like hand-written code.

/** A value a generated call takes. */
export type PyValue = number | string | boolean | null | readonly PyValue[] | { readonly float: number };

/** A float literal that Python reads back as a float (1 → 1.0, 2e-3 stays exact by JavaScript's shortest form). */
function floatLiteral(x: number): string {
  const s = String(x);
  return /[.eE]/.test(s) || !Number.isFinite(x) ? s : `${s}.0`;
}

/** The Python source of a value. */
export function pyLiteral(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${(v as readonly PyValue[]).map(pyLiteral).join(", ")}]`;
  return floatLiteral((v as { readonly float: number }).float);
}

/** `name(a, b, k=v, …)`, keyword arguments in the order given, undefined ones left out. */
export function pyCall(name: string, positional: readonly PyValue[], keywords: Readonly<Record<string, PyValue | undefined>> = {}): string {
  const kw = Object.entries(keywords).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${pyLiteral(v)}`]));
  return `${name}(${[...positional.map(pyLiteral), ...kw].join(", ")})`;
}

/** A Python identifier for a Linea name (letters, digits, underscores; a leading digit gets an underscore). */
export function pyIdentifier(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(s) ? `_${s}` : s;
}
