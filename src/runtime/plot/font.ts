// A 3×5 pixel bitmap font for plot text: digits, capitals, a few symbols, and σ with a subscript i.
// Lower-case letters are drawn as capitals (5 rows leave no room for ascenders and descenders).
// Written in code rather than taken from a library: the font-rendering npm packages (opentype.js,
// canvas, sharp) either need native binaries or ship megabytes of outline fonts and a rasteriser,
// while plot labels need ~50 fixed glyphs that fit on one screen.
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
  A: ["010", "101", "111", "101", "101"],
  B: ["110", "101", "110", "101", "110"],
  C: ["011", "100", "100", "100", "011"],
  D: ["110", "101", "101", "101", "110"],
  E: ["111", "100", "110", "100", "111"],
  F: ["111", "100", "110", "100", "100"],
  G: ["011", "100", "101", "101", "011"],
  H: ["101", "101", "111", "101", "101"],
  I: ["111", "010", "010", "010", "111"],
  J: ["001", "001", "001", "101", "010"],
  K: ["101", "101", "110", "101", "101"],
  L: ["100", "100", "100", "100", "111"],
  M: ["101", "111", "111", "101", "101"],
  N: ["110", "101", "101", "101", "101"],
  O: ["010", "101", "101", "101", "010"],
  P: ["110", "101", "110", "100", "100"],
  Q: ["010", "101", "101", "110", "011"],
  R: ["110", "101", "110", "101", "101"],
  S: ["011", "100", "010", "001", "110"],
  T: ["111", "010", "010", "010", "010"],
  U: ["101", "101", "101", "101", "111"],
  V: ["101", "101", "101", "101", "010"],
  W: ["101", "101", "111", "111", "101"],
  X: ["101", "101", "010", "101", "101"],
  Y: ["101", "101", "010", "010", "010"],
  Z: ["111", "001", "010", "100", "111"],
  // Wider or narrower than 3 where 3 columns cannot tell the shape apart.
  σ: ["0000", "0111", "1010", "1010", "0100"],
  ᵢ: ["0", "1", "0", "1", "1"],
  "-": ["000", "000", "111", "000", "000"],
  "+": ["000", "010", "111", "010", "000"],
  "×": ["000", "101", "010", "101", "000"],
  "=": ["000", "111", "000", "111", "000"],
  ".": ["000", "000", "000", "000", "010"],
  ",": ["000", "000", "000", "010", "100"],
  ":": ["000", "010", "000", "010", "000"],
  _: ["000", "000", "000", "000", "111"],
  "/": ["001", "001", "010", "100", "100"],
  "(": ["010", "100", "100", "100", "010"],
  ")": ["010", "001", "001", "001", "010"],
  "[": ["110", "100", "100", "100", "110"],
  "]": ["011", "001", "001", "001", "011"],
  "'": ["010", "010", "000", "000", "000"],
  "%": ["101", "001", "010", "100", "101"],
  "?": ["111", "001", "010", "000", "010"],
  " ": ["000", "000", "000", "000", "000"],
};

export const GLYPH_HEIGHT = 5;

/** The glyph for `ch`: itself, else its capital, else "?" so that a missing glyph is visible. */
function glyph(ch: string): readonly string[] {
  return GLYPHS[ch] ?? GLYPHS[ch.toUpperCase()] ?? GLYPHS["?"];
}

/** Whether every character of `text` has a glyph of its own or as a capital. */
export function canDraw(text: string): boolean {
  for (const ch of text) if (GLYPHS[ch] === undefined && GLYPHS[ch.toUpperCase()] === undefined) return false;
  return true;
}

/** Calls `set(x, y)` for each lit pixel of `text` drawn at (x0, y0), `scale` pixels per font pixel. */
export function drawText(text: string, x0: number, y0: number, scale: number, set: (x: number, y: number) => void): void {
  let x = x0;
  for (const ch of text) {
    glyph(ch).forEach((row, gy) => {
      for (let gx = 0; gx < row.length; gx++) {
        if (row[gx] !== "1") continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) set(x + gx * scale + dx, y0 + gy * scale + dy);
      }
    });
    x += (glyph(ch)[0].length + 1) * scale;
  }
}

export function textWidth(text: string, scale: number): number {
  let columns = 0;
  for (const ch of text) columns += glyph(ch)[0].length + 1;
  return columns === 0 ? 0 : (columns - 1) * scale;
}

/** A short label for an axis value: 3 significant digits, exponent form outside [1e-3, 1e4). */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}
