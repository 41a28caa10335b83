// Duplicate keys in JSON text. JSON.parse keeps the last of two equal keys without a word (a reviver
// sees only the survivor), so a safetensors header naming one tensor twice would load whichever came
// last; this scan finds the first duplicate. It runs after JSON.parse has accepted the text, so it only
// has to track strings and nesting, not validate.

/** The first key that occurs twice in one object of valid JSON `text`; undefined if none. */
export function firstDuplicateKey(text: string): string | undefined {
  // One entry per open bracket: the keys seen so far for an object, undefined for an array.
  const stack: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = stack[stack.length - 1];
        if (keys?.has(key)) return key;
        keys?.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      stack.push(undefined);
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      expectKey = stack[stack.length - 1] !== undefined;
    }
  }
  return undefined;
}
