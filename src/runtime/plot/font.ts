// A 3×5 pixel font for axis numbers (digits, sign, point, exponent, and a few letters). No font or
// canvas library is installed; numbers on axes are all a plot here needs.
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  "0": ["111", "101", "101", "101", "111"],
  "1": ["010", "110", "010", "010", "111"],
  "2": ["111", "001", "111", "100", "111"],
  "3": ["111", "001", "111", "001", "111"],
  "4": ["101", "101", "111", "001", "001"],
  "5": ["111", "100", "111", "001", "111"],
  "6": ["111", "100", "111", "101", "111"],
  "7": ["111", "001", "010", "010", "010"],
  "8": ["111", "101", "111", "101", "111"],
  "9": ["111", "101", "111", "001", "111"],
  "-": ["000", "000", "111", "000", "000"],
  "+": ["000", "010", "111", "010", "000"],
  ".": ["000", "000", "000", "000", "010"],
  e: ["000", "111", "111", "100", "111"],
  " ": ["000", "000", "000", "000", "000"],
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** Calls `set(x, y)` for each lit pixel of `text` drawn at (x0, y0), `scale` pixels per font pixel. */
export function drawText(text: string, x0: number, y0: number, scale: number, set: (x: number, y: number) => void): void {
  let x = x0;
  for (const ch of text) {
    const glyph = GLYPHS[ch] ?? GLYPHS[" "];
    glyph.forEach((row, gy) => {
      for (let gx = 0; gx < row.length; gx++) {
        if (row[gx] !== "1") continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) set(x + gx * scale + dx, y0 + gy * scale + dy);
      }
    });
    x += (GLYPH_WIDTH + 1) * scale;
  }
}

export function textWidth(text: string, scale: number): number {
  return text.length * (GLYPH_WIDTH + 1) * scale - scale;
}

/** A short label for an axis value: 3 significant digits, exponent form outside [1e-3, 1e4). */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}
