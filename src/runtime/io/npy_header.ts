// The header dict of a .npy file, parsed strictly. numpy writes a Python literal,
// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, and reads it with ast.literal_eval;
// this parses the subset numpy writes (a dict of str keys to str, bool and int-tuple values) and refuses
// anything else, so a header is never read differently from numpy (first-match regexes read a duplicated
// key as its first occurrence). Hand-written: no maintained npm package parses npy headers, and a
// Python-literal grammar of four value kinds is smaller than a dependency.

import { FormatError } from "./errors.js";

export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
}

type Value = string | boolean | readonly number[];

/** The keys numpy writes and requires, no more and no fewer (numpy: "Header does not contain the correct keys"). */
const KEYS = ["descr", "fortran_order", "shape"] as const;

class Reader {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly file: string | undefined,
  ) {}

  fail(message: string, code: "LIN1102" | "LIN1115" = "LIN1102"): never {
    throw new FormatError(code, `.npy header: ${message} at character ${this.at + 1} of ${JSON.stringify(this.text.trimEnd())}`, { file: this.file });
  }

  private space(): void {
    while (this.at < this.text.length && " \t\n\r".includes(this.text[this.at] ?? "")) this.at++;
  }

  /** Skips white space, then whether the next character is `c` (consumed if so). */
  eat(c: string): boolean {
    this.space();
    if (this.text[this.at] !== c) return false;
    this.at++;
    return true;
  }

  expect(c: string, what: string): void {
    if (!this.eat(c)) this.fail(`expected ${what}`);
  }

  string(): string {
    this.space();
    const quote = this.text[this.at];
    if (quote !== "'" && quote !== '"') this.fail("expected a quoted string");
    let out = "";
    for (this.at++; this.at < this.text.length; this.at++) {
      const c = this.text[this.at];
      if (c === quote) {
        this.at++;
        return out;
      }
      // numpy's strings (dtype descriptions) hold no escapes; one would mean something this reader does not know.
      if (c === "\\" || c === "\n") this.fail("unsupported character in a string");
      out += c;
    }
    return this.fail("unterminated string");
  }

  private integer(): number {
    this.space();
    const m = /^[0-9]+/.exec(this.text.slice(this.at));
    if (m === null) this.fail("expected a non-negative integer");
    const n = Number(m[0]);
    if (!Number.isSafeInteger(n)) this.fail(`dimension ${m[0]} is too large`);
    this.at += m[0].length;
    return n;
  }

  /** `()`, `(3,)`, `(3, 4)` or `(3, 4,)`: a Python tuple of ints (a one-element tuple needs its comma). */
  private tuple(): number[] {
    this.expect("(", "'('");
    const out: number[] = [];
    if (this.eat(")")) return out;
    for (;;) {
      out.push(this.integer());
      const comma = this.eat(",");
      if (this.eat(")")) {
        if (out.length === 1 && !comma) this.fail("(n) is not a tuple; numpy writes (n,)");
        return out;
      }
      if (!comma) this.fail("expected ',' or ')' in the shape");
    }
  }

  value(): Value {
    this.space();
    const rest = this.text.slice(this.at);
    for (const [word, v] of [
      ["True", true],
      ["False", false],
    ] as const) {
      if (rest.startsWith(word) && !/^[A-Za-z0-9_]/.test(rest.slice(word.length))) {
        this.at += word.length;
        return v;
      }
    }
    if (rest.startsWith("(")) return this.tuple();
    if (rest.startsWith("'") || rest.startsWith('"')) return this.string();
    return this.fail("expected a string, True, False or a tuple of integers (structured dtypes are not supported)");
  }

  end(): void {
    this.space();
    if (this.at !== this.text.length) this.fail("unexpected text after the dict");
  }
}

/** Parses the header text (after the length field); FormatError LIN1102 (malformed) or LIN1115 (duplicate key). */
export function parseNpyHeader(text: string, file?: string): NpyHeader {
  const r = new Reader(text, file);
  r.expect("{", "'{'");
  const dict = new Map<string, Value>();
  if (!r.eat("}")) {
    for (;;) {
      const key = r.string();
      // Python keeps the last of two equal keys; a file with two is ambiguous, so it is refused.
      if (dict.has(key)) r.fail(`duplicate key '${key}'`, "LIN1115");
      r.expect(":", "':'");
      dict.set(key, r.value());
      const comma = r.eat(",");
      if (r.eat("}")) break;
      if (!comma) r.fail("expected ',' or '}'");
    }
  }
  r.end();
  const missing = KEYS.filter((k) => !dict.has(k));
  const extra = [...dict.keys()].filter((k) => !(KEYS as readonly string[]).includes(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `lacks ${missing.join(", ")}` : "", extra.length > 0 ? `has unknown key(s) ${extra.join(", ")}` : ""].filter((s) => s !== "");
    r.fail(`the dict ${parts.join(" and ")} (numpy needs exactly descr, fortran_order and shape)`);
  }
  const descr = dict.get("descr");
  const fortranOrder = dict.get("fortran_order");
  const shape = dict.get("shape");
  if (typeof descr !== "string") return r.fail("descr must be a string");
  if (typeof fortranOrder !== "boolean") return r.fail("fortran_order must be True or False");
  if (!Array.isArray(shape)) return r.fail("shape must be a tuple of integers");
  return { descr, fortranOrder, shape: shape as readonly number[] };
}
