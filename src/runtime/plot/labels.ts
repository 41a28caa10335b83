// Text in the pictures: font sizes, a width estimate for laying out margins, and <text> elements.
// The estimate uses DejaVu Sans's advance widths (digits and most lower case ≈ 0.6 em, capitals ≈
// 0.7 em, narrow letters and punctuation ≈ 0.3 em); margins only need it to within a few pixels.
import { cssColor, type Rgb } from "./colors.js";
import { element, text, type Markup } from "./svg.js";

export const FONT_SIZE = { title: 15, axis: 13, tick: 11, caption: 11 } as const;

const NARROW = new Set([..." .,:;!|'ilIjft()[]ᵢ"]);

/** About how many pixels `s` takes at `size` px. */
export function textWidth(s: string, size: number): number {
  let em = 0;
  for (const ch of s) em += NARROW.has(ch) ? 0.32 : ch >= "A" && ch <= "Z" ? 0.7 : ch === "m" || ch === "w" || ch === "—" ? 0.9 : 0.62;
  return em * size;
}

/** The width a picture needs for `title` (0 without one): the title's width and a margin each side. */
export function titleWidth(title: string | undefined): number {
  return title === undefined ? 0 : textWidth(title, FONT_SIZE.title) + 24;
}

export interface LabelStyle {
  readonly size: number;
  readonly anchor?: "start" | "middle" | "end";
  readonly bold?: boolean;
  /** Degrees, about (x, y): −90 reads bottom to top. */
  readonly rotate?: number;
  readonly color?: Rgb;
  /** Vertical placement of (x, y): the baseline (default) or the text's middle. */
  readonly middle?: boolean;
}

/** A <text> element with `s` at (x, y). */
export function label(s: string, x: number, y: number, style: LabelStyle): Markup {
  return element(
    "text",
    {
      x,
      y,
      "font-size": style.size,
      "text-anchor": style.anchor ?? "start",
      "font-weight": style.bold === true ? "bold" : undefined,
      "dominant-baseline": style.middle === true ? "central" : undefined,
      transform: style.rotate === undefined ? undefined : `rotate(${style.rotate} ${x} ${y})`,
      fill: cssColor(style.color ?? [0, 0, 0]),
    },
    text(s),
  );
}

const SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉";

/** `n` in subscript digits: 12 → "₁₂". */
export function subscript(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBSCRIPT_DIGITS[Number(d)]);
}
