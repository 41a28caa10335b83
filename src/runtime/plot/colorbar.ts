// A colour bar: the value scale of a pixel picture as a vertical gradient with ticks at real values,
// so that a reader can tell which colour is which number.
import { cssColor, scaleStops, type ColorScale } from "./colors.js";
import { FONT_SIZE, label, textWidth } from "./labels.js";
import { element, type Markup } from "./svg.js";
import { linearTicks } from "./ticks.js";

export const COLOR_BAR_WIDTH = 14;

/** Pixels a colour bar takes beside a picture: the bar, its tick labels and its rotated title. */
export function colorBarSpace(range: readonly [number, number], title: string | undefined): number {
  const ticks = linearTicks(range[0], range[1], 8);
  const widest = Math.max(0, ...ticks.map((t) => textWidth(t.label, FONT_SIZE.tick)));
  return COLOR_BAR_WIDTH + 6 + widest + (title === undefined ? 0 : FONT_SIZE.axis + 8) + 8;
}

/**
 * The bar at (x, top), `height` tall, for values in `range` on `scale` (bottom = range[0]); `id`
 * names its gradient, unique within the document.
 */
export function colorBar(id: string, x: number, top: number, height: number, scale: ColorScale, range: readonly [number, number], title?: string): Markup {
  const [lo, hi] = range;
  const stops = scaleStops(scale).map(([t, c]) => element("stop", { offset: t, "stop-color": cssColor(c) }));
  // y1 = 1 → y2 = 0: the gradient runs from the bottom (low) to the top (high).
  const gradient = element("linearGradient", { id, x1: 0, y1: 1, x2: 0, y2: 0 }, ...stops);
  const parts: Markup[] = [
    element("defs", {}, gradient),
    element("rect", { x, y: top, width: COLOR_BAR_WIDTH, height, fill: `url(#${id})`, stroke: "#000000", "stroke-width": 0.6 }),
  ];
  const ticks = hi > lo ? linearTicks(lo, hi, Math.max(3, Math.round(height / 40))) : [{ at: lo, label: String(lo) }];
  let widest = 0;
  for (const t of ticks) {
    const y = hi > lo ? top + height * (1 - (t.at - lo) / (hi - lo)) : top + height / 2;
    parts.push(element("line", { x1: x + COLOR_BAR_WIDTH, y1: y, x2: x + COLOR_BAR_WIDTH + 4, y2: y, stroke: "#000000", "stroke-width": 0.8 }));
    parts.push(label(t.label, x + COLOR_BAR_WIDTH + 6, y, { size: FONT_SIZE.tick, middle: true }));
    widest = Math.max(widest, textWidth(t.label, FONT_SIZE.tick));
  }
  if (title !== undefined) {
    const tx = x + COLOR_BAR_WIDTH + 6 + widest + 6 + FONT_SIZE.axis / 2;
    parts.push(label(title, tx, top + height / 2, { size: FONT_SIZE.axis, anchor: "middle", rotate: -90, middle: true }));
  }
  return element("g", { class: "color-bar", "data-range": `${lo} ${hi}` }, ...parts);
}
