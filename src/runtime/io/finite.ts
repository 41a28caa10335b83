// The one rule for non-finite values in what Linea loads (.npy and JSON inputs, network and operator
// weights, training data, --operator matrices): refused on load, naming the file, the tensor and the
// first bad index, so a NaN never runs through to print `null` with exit 0.

import { FormatError } from "./errors.js";

/** The index of flat position `flat` in a C-order array of `shape`, as "[i, j, …]". */
function indexOf(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] ?? 1;
    index.unshift(n === 0 ? 0 : rest % n);
    rest = n === 0 ? 0 : Math.floor(rest / n);
  }
  return `[${index.join(", ")}]`;
}

/** Throws LIN1114 at the first NaN or ±Infinity of `values` (C order, `shape`); integers pass untouched. */
export function requireFinite(values: ArrayLike<number | bigint>, shape: readonly number[], where: { file?: string; tensor?: string }): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && !Number.isFinite(v)) {
      const at = shape.length === 0 ? "" : ` at index ${indexOf(i, shape)}`;
      throw new FormatError("LIN1114", `non-finite value ${v}${at} (flat index ${i}); Linea refuses NaN and infinities on load`, where);
    }
  }
}
