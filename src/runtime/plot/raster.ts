// SVG to PNG with resvg, text set in DejaVu Sans from the `dejavu-fonts-ttf` package and never from the
// system (loadSystemFonts: false), so the same SVG gives the same PNG bytes on every machine. Each
// picture is written twice, atomically: FILE.png and the SVG it was drawn from, FILE.svg, beside it.
import { createRequire } from "node:module";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { writeFileAtomic } from "../io/index.js";
import type { Markup } from "./svg.js";

export const FONT_FAMILY = "DejaVu Sans";

// Resolved from this module (not the working directory), so that it works from src/, dist/ and an
// installed package alike.
const require = createRequire(import.meta.url);
let fontFile: string | undefined;

function dejaVuSans(): string {
  fontFile ??= require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
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
