// SVG markup from typed elements. Attribute values and character data are escaped here, once, so that
// no label (a spec's map name, a title with "<" or "&") can break the document; `Markup` is a branded
// string that only this module makes, so unescaped text cannot be passed where markup is expected.

declare const markupBrand: unique symbol;
export type Markup = string & { readonly [markupBrand]: true };

/** Attribute values; undefined ones are left out, numbers are written with at most 2 decimals. */
export type Attributes = Readonly<Record<string, string | number | undefined>>;

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** 2 decimals are a hundredth of a pixel: finer than any renderer draws, and short, stable output. */
export function svgNumber(v: number): string {
  if (!Number.isFinite(v)) return "0";
  const rounded = Math.round(v * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

function attributeText(attributes: Attributes): string {
  let out = "";
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    out += ` ${name}="${escapeXml(typeof value === "number" ? svgNumber(value) : value)}"`;
  }
  return out;
}

export function element(name: string, attributes: Attributes = {}, ...children: readonly Markup[]): Markup {
  const open = `<${name}${attributeText(attributes)}`;
  return (children.length === 0 ? `${open}/>` : `${open}>${children.join("")}</${name}>`) as Markup;
}

/** Character data, escaped. */
export function text(s: string): Markup {
  return escapeXml(s) as Markup;
}

export function group(attributes: Attributes, children: readonly Markup[]): Markup {
  return element("g", attributes, ...children);
}

/** A whole document: a white background of `width` × `height` pixels and `children` over it. */
export function svgDocument(width: number, height: number, fontFamily: string, children: readonly Markup[]): Markup {
  const body = element(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width, height, viewBox: `0 0 ${svgNumber(width)} ${svgNumber(height)}`, "font-family": fontFamily },
    element("rect", { width, height, fill: "#ffffff" }),
    ...children,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n` as Markup;
}
