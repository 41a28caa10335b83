// SVG to PNG with resvg, text set in DejaVu Sans from the `dejavu-fonts-ttf` package and never from the
// system (loadSystemFonts: false), so the same SVG gives the same PNG bytes on every machine. Each
// picture is written twice, atomically: FILE.png and the SVG it was drawn from, FILE.svg, beside it.
import { createRequire } from "node:module";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { FormatError, writeFileAtomic } from "../io/index.js";
import type { Markup } from "./svg.js";

export const FONT_FAMILY = "DejaVu Sans";

// Resolved from this module (not the working directory), so that it works from src/, dist/ and an
// installed package alike.
const require = createRequire(import.meta.url);
let fontFile: string | undefined;

const FONT_PATH = "dejavu-fonts-ttf/ttf/DejaVuSans.ttf";

/** The font file as `resolve` finds it; LIN1140 when it cannot (the package is not installed). */
export function fontFileFrom(resolve: (id: string) => string): string {
  try {
    return resolve(FONT_PATH);
  } catch {
    throw new FormatError("LIN1140", `cannot draw pictures: the font ${FONT_PATH} is not installed (npm install dejavu-fonts-ttf)`);
  }
}

function dejaVuSans(): string {
  fontFile ??= fontFileFrom(require.resolve);
  return fontFile;
}

/** PNG bytes of `svg`, at the size the document declares. */
export function rasterise(svg: Markup): Buffer {
  const renderer = new Resvg(svg, { font: { fontFiles: [dejaVuSans()], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY } });
  return renderer.render().asPng();
}

/** FILE with its extension replaced by .svg (FILE.svg when it has none). */
export function svgPathBeside(file: string): string {
  const ext = path.extname(file);
  return `${ext === "" ? file : file.slice(0, -ext.length)}.svg`;
}

/** Writes `file` (PNG) and the SVG beside it, each atomically. */
export async function saveSvgAndPng(file: string, svg: Markup): Promise<void> {
  const png = rasterise(svg);
  await writeFileAtomic(svgPathBeside(file), [new TextEncoder().encode(svg)]);
  await writeFileAtomic(file, [png]);
}
