// A small XML well-formedness check for the SVG the plots write (no XML parser is installed): one
// root element, every tag closed in order, attributes quoted and unique, only the five predefined
// entities or numeric references, no stray "<" or "&". Plus readers for the text and attributes of
// elements, for tests that look at what a picture says.

const NAME = "[A-Za-z_][\\w.:-]*";
const ATTRIBUTE = new RegExp(`\\s+(${NAME})\\s*=\\s*("[^"<]*"|'[^'<]*')`, "y");
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;

/** The first well-formedness error of `xml`, or undefined when it is well formed. */
export function xmlError(xml: string): string | undefined {
  let i = 0;
  const stack: string[] = [];
  let roots = 0;
  const checkText = (from: number, to: number): string | undefined => {
    for (let k = from; k < to; k++) {
      if (xml[k] === "&") {
        ENTITY.lastIndex = k;
        if (!ENTITY.test(xml)) return `bad entity at ${k}`;
      }
      if (stack.length === 0 && !/\s/.test(xml[k] ?? "")) return `text outside the root at ${k}`;
    }
    return undefined;
  };
  if (xml.startsWith("<?xml")) i = xml.indexOf("?>") + 2;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const end = lt < 0 ? xml.length : lt;
    const textError = checkText(i, end);
    if (textError !== undefined) return textError;
    if (lt < 0) break;
    if (xml.startsWith("</", lt)) {
      const m = new RegExp(`</(${NAME})\\s*>`, "y");
      m.lastIndex = lt;
      const close = m.exec(xml);
      if (close === null) return `bad closing tag at ${lt}`;
      if (stack.pop() !== close[1]) return `</${close[1]}> closes the wrong element at ${lt}`;
      i = m.lastIndex;
      continue;
    }
    const open = new RegExp(`<(${NAME})`, "y");
    open.lastIndex = lt;
    const tag = open.exec(xml);
    if (tag === null) return `bad tag at ${lt}`;
    let k = open.lastIndex;
    const seen = new Set<string>();
    for (;;) {
      ATTRIBUTE.lastIndex = k;
      const a = ATTRIBUTE.exec(xml);
      if (a === null) break;
      if (seen.has(a[1])) return `duplicate attribute ${a[1]} at ${k}`;
      seen.add(a[1]);
      const value = a[2].slice(1, -1);
      for (let v = 0; v < value.length; v++) {
        if (value[v] !== "&") continue;
        ENTITY.lastIndex = v;
        if (!ENTITY.test(value)) return `bad entity in attribute ${a[1]} at ${k}`;
      }
      k = ATTRIBUTE.lastIndex;
    }
    const rest = /\s*(\/?)>/y;
    rest.lastIndex = k;
    const closeOpen = rest.exec(xml);
    if (closeOpen === null) return `unterminated tag <${tag[1]} at ${lt}`;
    if (stack.length === 0 && ++roots > 1) return `a second root element at ${lt}`;
    if (closeOpen[1] === "") stack.push(tag[1]);
    i = rest.lastIndex;
  }
  if (stack.length > 0) return `<${stack[stack.length - 1]}> is never closed`;
  return roots === 1 ? undefined : "no root element";
}

function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[e] ?? "");
}

/** The text of every <text> element, unescaped, in document order. */
export function textsOf(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1]));
}

/** The attributes of every element named `name`, unescaped, in document order. */
export function elementsOf(svg: string, name: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<${name}\\b([^>]*?)/?>`, "g"))].map((m) => Object.fromEntries([...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], unescape(a[2])])));
}

/** The markup of the first <g> whose class is `cls` (up to its matching </g>), or undefined. */
export function groupOf(svg: string, cls: string): string | undefined {
  const start = svg.indexOf(`<g class="${cls}"`);
  if (start < 0) return undefined;
  let depth = 0;
  const re = /<g\b[^>]*?(\/?)>|<\/g>/g;
  re.lastIndex = start;
  for (let m = re.exec(svg); m !== null; m = re.exec(svg)) {
    if (m[0] === "</g>") depth--;
    else if (m[1] !== "/") depth++;
    if (depth === 0) return svg.slice(start, re.lastIndex);
  }
  return undefined;
}

/** How an image grid's tiles (its <image> elements) are laid out: how many, in how many columns and rows. */
export function tileLayout(svg: string): { tiles: number; columns: number; rows: number } {
  const images = elementsOf(svg, "image");
  return { tiles: images.length, columns: new Set(images.map((i) => i.x)).size, rows: new Set(images.map((i) => i.y)).size };
}
