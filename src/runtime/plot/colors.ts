// Colours: the series palette (matplotlib's "tab10", chosen to stay apart for colour-blind readers) and
// the two value scales of pixel pictures, grey for images and blue–white–red for signed vectors.

export type Rgb = readonly [number, number, number];

export const PALETTE: readonly Rgb[] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [255, 127, 14],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
];

export function paletteColor(k: number): Rgb {
  return PALETTE[k % PALETTE.length];
}

export function cssColor([r, g, b]: Rgb): string {
  return `#${[r, g, b]
    .map((c) =>
      Math.max(0, Math.min(255, Math.round(c)))
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/** grey: black (low) to white (high); diverging: blue (low), white (middle), red (high). */
export type ColorScale = "grey" | "diverging";

/** The colour of t ∈ [0, 1] (clipped; a non-finite t is the middle) on `scale`. */
export function scaleColor(scale: ColorScale, t: number): Rgb {
  const c = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0.5;
  if (scale === "grey") {
    const v = Math.round(255 * c);
    return [v, v, v];
  }
  const d = 2 * c - 1;
  const fade = Math.round(255 * (1 - Math.abs(d)));
  return d >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

/** The stops at which `scale` is linear in between, as [offset, colour] (for an SVG gradient). */
export function scaleStops(scale: ColorScale): readonly (readonly [number, Rgb])[] {
  return scale === "grey" ? [0, 1].map((t) => [t, scaleColor(scale, t)] as const) : [0, 0.5, 1].map((t) => [t, scaleColor(scale, t)] as const);
}
