// Point markers that stay apart when series overlap: a filled circle, a cross, an open square, a
// triangle, a diamond and a plus, in that order. Each series is one <path> whose subpaths are its
// markers, so a scatter of thousands of points stays one element per series.
import { cssColor, type Rgb } from "./colors.js";
import { element, svgNumber as n, type Markup } from "./svg.js";

export const MARKERS = ["circle", "cross", "square", "triangle", "diamond", "plus"] as const;
export type MarkerShape = (typeof MARKERS)[number];

export function markerFor(k: number): MarkerShape {
  return MARKERS[k % MARKERS.length];
}

/** Filled shapes are drawn as areas, the others as strokes. */
function filled(shape: MarkerShape): boolean {
  return shape === "circle" || shape === "triangle" || shape === "diamond";
}

function subpath(shape: MarkerShape, x: number, y: number, r: number): string {
  switch (shape) {
    case "circle":
      return `M${n(x - r)} ${n(y)}a${n(r)} ${n(r)} 0 1 0 ${n(2 * r)} 0a${n(r)} ${n(r)} 0 1 0 ${n(-2 * r)} 0Z`;
    case "cross":
      return `M${n(x - r)} ${n(y - r)}L${n(x + r)} ${n(y + r)}M${n(x - r)} ${n(y + r)}L${n(x + r)} ${n(y - r)}`;
    case "square":
      return `M${n(x - r)} ${n(y - r)}h${n(2 * r)}v${n(2 * r)}h${n(-2 * r)}Z`;
    case "triangle":
      return `M${n(x)} ${n(y - 1.2 * r)}L${n(x + 1.1 * r)} ${n(y + 0.8 * r)}L${n(x - 1.1 * r)} ${n(y + 0.8 * r)}Z`;
    case "diamond":
      return `M${n(x)} ${n(y - 1.3 * r)}L${n(x + 1.1 * r)} ${n(y)}L${n(x)} ${n(y + 1.3 * r)}L${n(x - 1.1 * r)} ${n(y)}Z`;
    case "plus":
      return `M${n(x - r)} ${n(y)}H${n(x + r)}M${n(x)} ${n(y - r)}V${n(y + r)}`;
  }
}

/**
 * The markers of one series at the given points (pixel coordinates), `r` their half size. Strokes are
 * drawn at 0.7·r, so that a cross on a circle at the same point leaves the circle's rim visible.
 */
export function markerPath(shape: MarkerShape, points: readonly (readonly [number, number])[], r: number, color: Rgb): Markup {
  const size = filled(shape) ? r : 0.7 * r;
  const d = points.map(([x, y]) => subpath(shape, x, y, size)).join("");
  const paint = cssColor(color);
  return filled(shape)
    ? element("path", { d, fill: paint, "fill-opacity": 0.7, stroke: "none", "data-marker": shape })
    : element("path", { d, fill: "none", stroke: paint, "stroke-width": 1.2, "data-marker": shape });
}
