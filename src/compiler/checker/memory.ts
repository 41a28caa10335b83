// What a spec will cost in memory once compiled, estimated from shapes at check time, so that a spec
// that cannot fit is refused with a diagnostic instead of allocating until the process dies. Counts
// are parameters; every parameter is held as a float32 tensor on the backend and a float64 copy in the
// host algebra (binding decodes weights once into both), hence `bytesPerParameter`.
import type { BlockNode } from "../../ast/nodes.js";
import { literalValue } from "./args.js";

/** A float32 backend tensor plus the float64 host copy. */
export const bytesPerParameter = 4 + 8;

/** Where no budget is given (a browser, a test host): what a browser tab can usually allocate. */
export const defaultMemoryBudget = 2 * 1024 ** 3;

/** The largest dimension of a space (the product of its extents): array lengths are 32-bit below. */
export const maxSpaceDimension = 2 ** 31 - 1;

/** More layers than this in one network (repeats multiplied out) is refused whatever their size. */
export const maxNetworkLayers = 100_000;

/**
 * The runtime's defaults for arguments left out (runtime/network/spec.ts COUPLING_DEFAULTS and
 * binding/operators.ts TIME_CONDITIONED_DEFAULTS; spec/compiler/memory.spec.ts keeps them equal).
 */
export const couplingDefaults = { hidden: 256, depth: 2 } as const;
export const timeConditionedDefaults = { embed: 64, hidden: 256 } as const;

/** An argument's literal number, or the default. */
type ArgValue = (name: string) => number | string | undefined;

const numberOr = (v: number | string | undefined, fallback: number): number => (typeof v === "number" ? v : fallback);

/** Parameters of an operator builtin of shape rows × cols, by its runtime representation. */
export function operatorParameters(builtin: string, rows: number, cols: number, arg: ArgValue): number {
  const rank = numberOr(arg("rank"), 1);
  switch (builtin) {
    // isometric has no weights, but its [I; 0] is held as a dense matrix.
    case "isometric":
    case "dense":
    case "orthogonal":
      return rows * cols;
    case "diagonal":
      return Math.min(rows, cols);
    case "depthwise_conv": {
      // A [styles, C, k, k] kernel table; matrix-free, so nothing of size rows × cols.
      const k = numberOr(arg("kernel"), 1);
      return numberOr(arg("styles"), 1) * numberOr(arg("channels"), 3) * k * k;
    }
    case "identity":
      return 0;
    case "scaled_identity":
      return 1;
    case "lowrank":
    case "identity_plus_lowrank":
      return rank * (rows + cols) + 1;
    case "svd_factored":
      return rank * (rows + cols + 1);
    case "projector":
      return rows * rank;
    case "time_conditioned": {
      // A hypernetwork t ↦ embedding (embed) ↦ hidden ↦ the factors U(t), V(t) (n × rank each) and α.
      const embed = numberOr(arg("embed"), timeConditionedDefaults.embed);
      const hidden = numberOr(arg("hidden"), timeConditionedDefaults.hidden);
      const out = 2 * rows * rank + 1;
      return embed * hidden + hidden + hidden * out + out;
    }
    default:
      return rows * cols;
  }
}

/** An MLP conditioner of `inputs` → `outputs` (one of a coupling's two), its hidden layers as written. */
function mlpParameters(inputs: number, outputs: number, arg: ArgValue): number {
  const hidden = numberOr(arg("hidden"), couplingDefaults.hidden);
  const depth = numberOr(arg("depth"), couplingDefaults.depth);
  return inputs * hidden + hidden + (depth - 1) * (hidden * hidden + hidden) + hidden * outputs + outputs;
}

/**
 * An upper estimate of one convolutional conditioner's weights at `channels` c (its input and output
 * convs are counted at c channels too, which bounds them for the reference's few image channels): per
 * residual block two 3×3 convs of at most 2c → c and c → c (27c²) and the tag's projection (4·embed·c);
 * a unet has `levels`·(2·blocks + 1) of them (the decoder one more per level), attention 4c² per level,
 * and the embedding MLP embed → 4·embed → 4·embed.
 */
function convConditionerParameters(kind: "unet" | "resnet", arg: ArgValue): number {
  const c = numberOr(arg("channels"), kind === "unet" ? 16 : 32);
  const blocks = numberOr(arg("blocks"), 2);
  const embed = numberOr(arg("embed"), 16);
  const levels = kind === "unet" ? numberOr(arg("levels"), 2) : 1;
  const residual = kind === "unet" ? levels * (2 * blocks + 1) : blocks;
  const attention = kind === "unet" ? 4 * c * c * levels : 0;
  return residual * (27 * c * c + 4 * embed * c + 4 * c) + attention + 2 * 9 * c * c + embed * 4 * embed + 16 * embed * embed + 8 * embed;
}

/**
 * Parameters of one layer on features of shape `shape` (dim values). On an image [C, H, W], actnorm and
 * inv_dense act per channel (ActNorm2d, the 1×1 convolution) on C channels; on a flat space on dim.
 */
function layerParameters(name: string, shape: readonly number[], arg: ArgValue): number {
  const dim = shape.reduce((a, b) => a * b, 1);
  const channels = shape.length >= 2 ? (shape[0] ?? dim) : dim;
  switch (name) {
    case "affine_coupling":
    case "additive_coupling": {
      const conditioner = arg("conditioner");
      if (conditioner === "unet" || conditioner === "resnet") return 2 * convConditionerParameters(conditioner, arg);
      const factor = name === "affine_coupling" ? 2 : 1;
      if (arg("mask") === "checkerboard") {
        // Each conditioner sees all dim features and returns a shift (and log-scale) for each.
        return 2 * mlpParameters(dim, factor * dim, arg);
      }
      // The pair F, G (paper-notes §2.2): F from the second part (dim − kept) to the first's shift (and
      // log-scale), G from the first to the second's.
      const kept = Math.floor(dim / 2);
      return mlpParameters(dim - kept, factor * kept, arg) + mlpParameters(kept, factor * (dim - kept), arg);
    }
    case "actnorm":
      return 2 * channels;
    case "inv_dense":
      // The stored matrix (param = matrix), or the LU form's full lower and upper factors (masked) and log-scales.
      return arg("param") === "matrix" ? channels * channels : 2 * channels * channels + channels;
    case "permute":
      return dim;
    default:
      return 0;
  }
}

export interface NetworkSize {
  readonly parameters: number;
  /** Layers with repeats multiplied out. */
  readonly layers: number;
}

/** Passes of a squeezing repeat body walked one by one (beyond it, passes are counted at the first's shape). */
const MAX_WALKED_PASSES = 100_000;

/** Whether blocks (or a repeat among them) squeeze or unsqueeze. */
function reshapes(blocks: readonly BlockNode[]): boolean {
  return blocks.some((b) => (b.kind === "Repeat" ? reshapes(b.body) : b.name.name === "squeeze" || b.name.name === "unsqueeze"));
}

/** The shape after a squeeze ([C, H, W] → [4C, H/2, W/2]) or an unsqueeze (the reverse); flat shapes stay. */
function reshapedBy(name: string, shape: readonly number[]): readonly number[] {
  const [c, h, w] = shape;
  if (shape.length !== 3 || c === undefined || h === undefined || w === undefined) return shape;
  if (name === "squeeze") return [4 * c, Math.floor(h / 2), Math.floor(w / 2)];
  if (name === "unsqueeze") return [Math.floor(c / 4), 2 * h, 2 * w];
  return shape;
}

/**
 * The parameters and layers of a network's blocks on features of shape `shape` (a number: that many
 * flat features), following squeeze and unsqueeze through the blocks.
 */
export function networkSize(blocks: readonly BlockNode[], shape: readonly number[] | number): NetworkSize {
  let parameters = 0;
  let layers = 0;
  let current: readonly number[] = typeof shape === "number" ? [shape] : shape;
  // Repeat bodies nest at most as deep as the parser lets braces nest; each level multiplies.
  const visit = (list: readonly BlockNode[], times: number): void => {
    for (const b of list) {
      if (b.kind === "Repeat") {
        const n = b.count.value;
        if (!Number.isInteger(n) || n <= 0) continue;
        // A body that squeezes sees a new shape on every pass: walk the passes in order (a bounded count;
        // a longer repeat is over the layer cap anyway). Otherwise one pass stands for all of them.
        if (reshapes(b.body) && times * n <= MAX_WALKED_PASSES) for (let i = 0; i < n; i++) visit(b.body, times);
        else visit(b.body, times * n);
        continue;
      }
      const args = b.args ?? [];
      const arg: ArgValue = (name) => {
        const a = args.find((x) => x.name?.name === name);
        return a === undefined ? undefined : literalValue(a.value);
      };
      parameters += times * layerParameters(b.name.name, current, arg);
      current = reshapedBy(b.name.name, current);
      layers += times;
    }
  };
  visit(blocks, 1);
  return { parameters, layers };
}

const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/** Bytes in binary units with two or three significant digits: 16 GiB, 7.5 TiB, 512 B. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "more than can be counted";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || value >= 100 ? Math.round(value).toString() : Number(value.toPrecision(value >= 10 ? 3 : 2)).toString();
  return `${shown} ${units[unit]}`;
}

const unitFactors: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** `16G`, `512 MiB`, `2.5gb`, `1073741824` as bytes (binary units); undefined when it is none of these. */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const factor = m ? unitFactors[m[2].toLowerCase()] : undefined;
  if (!m || factor === undefined) return undefined;
  const bytes = Number(m[1]) * factor;
  return Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes) : undefined;
}
