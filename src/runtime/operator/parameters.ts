// The named parameter tensors of an operator, in the layout they are saved in (safetensors, row-major,
// float32 on disk): see docs/operators.md for the table and the mapping from the reference's PyTorch
// state_dict. Derived quantities (the orthonormal Q of a projector, the Cayley Q) are not parameters.
import { OperatorError } from "./errors.js";
import { matrix, type Matrix } from "./host.js";
import {
  cayley,
  dense,
  diagonal,
  householder,
  identity,
  identityPlusLowRank,
  lowRank,
  projector,
  scaledIdentity,
  svdFactored,
  type ConvGeometry,
  type DenseLayer,
  type Hypernetwork,
  type LinearOperator,
} from "./kinds.js";
import { timeConditioned } from "./timeConditioned.js";
import { depthwiseConv, indexedDepthwiseConv } from "./depthwiseConv.js";
import { circulantConv, circulantFromTaps, tapsOf } from "./circulantConv.js";

/** One tensor of an operator as files store it: shape and row-major float64 values. */
export interface NamedParameter {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

function layerParameters(prefix: string, layers: Hypernetwork["layers"], out: Map<string, NamedParameter>): void {
  layers.forEach((layer: DenseLayer, i) => {
    out.set(`${prefix}${i}.weight`, { shape: [layer.weight.rows, layer.weight.cols], data: layer.weight.data });
    out.set(`${prefix}${i}.bias`, { shape: [layer.bias.length], data: layer.bias });
  });
}

function collect(op: LinearOperator, prefix: string, out: Map<string, NamedParameter>): void {
  const m = (name: string, rows: number, cols: number, data: Float64Array): void => {
    out.set(prefix + name, { shape: [rows, cols], data });
  };
  const scalar = (name: string, value: number): void => {
    out.set(prefix + name, { shape: [], data: Float64Array.of(value) });
  };
  switch (op.kind) {
    case "dense":
      return m("weight", op.rows, op.cols, op.matrix.data);
    case "diagonal":
      out.set(prefix + "diag", { shape: [op.diag.length], data: op.diag });
      return;
    case "identity":
      return;
    case "scaled_identity":
      return scalar("scale", op.scale);
    case "lowrank":
      m("u", op.u.rows, op.u.cols, op.u.data);
      return m("v", op.v.rows, op.v.cols, op.v.data);
    case "identity_plus_lowrank":
      scalar("alpha", op.alpha);
      m("u", op.u.rows, op.u.cols, op.u.data);
      return m("v", op.v.rows, op.v.cols, op.v.data);
    case "orthogonal":
      if (op.form.type === "householder") return m("vectors", op.form.vectors.rows, op.form.vectors.cols, op.form.vectors.data);
      return m("weight", op.form.weight.rows, op.form.weight.cols, op.form.weight.data);
    case "svd_factored":
      m("u", op.u.rows, op.u.cols, op.u.data);
      out.set(prefix + "s", { shape: [op.s.length], data: op.s });
      return m("v", op.v.rows, op.v.cols, op.v.data);
    case "projector":
      return m("basis", op.basis.rows, op.basis.cols, op.basis.data);
    case "time_conditioned":
      scalar("alpha", op.alpha);
      layerParameters(prefix + "u.", op.u.layers, out);
      layerParameters(prefix + "v.", op.v.layers, out);
      return;
    case "depthwise_conv": {
      // PyTorch's grouped-conv weight layout [C, 1, k, k]. Only the padding of a leaf ('same') is
      // implied by the name; a transposed convolution (an algebra result) keeps its kernel only.
      const { channels, size } = op.geometry;
      out.set(prefix + "kernel", { shape: [channels, 1, size, size], data: op.kernel });
      return;
    }
    case "indexed_depthwise_conv": {
      const { channels, size } = op.geometry;
      out.set(prefix + "kernel", { shape: [op.styles, channels, 1, size, size], data: op.kernels });
      return;
    }
    case "circulant_conv": {
      // A leaf's k×k taps in depthwise_conv's layout [C, 1, k, k] (PyTorch's padding_mode='circular');
      // a kernel beyond that window (K⁺, K^p: algebra results) as the full periodic [C, H, W] one.
      const { channels, height, width, size } = op.geometry;
      const taps = tapsOf(op);
      if (taps !== undefined) out.set(prefix + "kernel", { shape: [channels, 1, size, size], data: taps });
      else out.set(prefix + "periodic_kernel", { shape: [channels, height, width], data: op.kernel });
      return;
    }
    case "product":
      return op.factors.forEach((f, i) => collect(f, `${prefix}factors.${i}.`, out));
    case "sum":
      return op.terms.forEach((t, i) => collect(t, `${prefix}terms.${i}.`, out));
    case "scaled":
      scalar("scale", op.scale);
      return collect(op.inner, prefix + "inner.", out);
    case "transposed":
      return collect(op.inner, prefix + "inner.", out);
    case "iterative_pinv": // derived from its operand, which holds the parameters
      return collect(op.inner, prefix + "inner.", out);
    case "kronecker":
      collect(op.a, prefix + "a.", out);
      return collect(op.b, prefix + "b.", out);
  }
}

/** Parameter name → shape and float64 values, names prefixed by `prefix` (e.g. "A."). */
export function operatorParameters(op: LinearOperator, prefix = ""): Map<string, NamedParameter> {
  const out = new Map<string, NamedParameter>();
  collect(op, prefix, out);
  return out;
}

/** What a leaf operator is, apart from its parameter values: enough to check and rebuild it. */
export type LeafDescription =
  | { readonly kind: "dense"; readonly rows: number; readonly cols: number }
  | { readonly kind: "diagonal"; readonly rows: number; readonly cols: number }
  | { readonly kind: "identity"; readonly n: number }
  | { readonly kind: "scaled_identity"; readonly n: number }
  | { readonly kind: "lowrank"; readonly rows: number; readonly cols: number; readonly rank: number }
  | { readonly kind: "identity_plus_lowrank"; readonly n: number; readonly rank: number }
  | { readonly kind: "orthogonal"; readonly n: number; readonly param: "householder" | "cayley"; readonly reflectors?: number }
  | { readonly kind: "svd_factored"; readonly rows: number; readonly cols: number; readonly rank: number }
  | { readonly kind: "projector"; readonly n: number; readonly rank: number }
  | { readonly kind: "time_conditioned"; readonly n: number; readonly rank: number; readonly embedDim: number; readonly hidden: number }
  | { readonly kind: "depthwise_conv"; readonly geometry: ConvGeometry }
  | { readonly kind: "indexed_depthwise_conv"; readonly geometry: ConvGeometry; readonly styles: number }
  | { readonly kind: "circulant_conv"; readonly geometry: ConvGeometry; readonly periodic?: boolean };

/**
 * Rebuilds a leaf operator from named parameters (as read from a file), checking that every tensor is
 * present with the documented shape; an error names the tensor. Extra tensors are ignored here (the
 * caller owns the file and decides whether leftovers are an error).
 */
export function operatorFromParameters(description: LeafDescription, params: ReadonlyMap<string, NamedParameter>, prefix = ""): LinearOperator {
  const get = (name: string, shape: readonly number[]): Float64Array => {
    const p = params.get(prefix + name);
    if (p === undefined) throw new OperatorError("LIN1004", `missing tensor '${prefix + name}' for a ${description.kind} operator`);
    if (p.shape.length !== shape.length || p.shape.some((d, i) => d !== shape[i]) || p.data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new OperatorError("LIN1004", `tensor '${prefix + name}' has shape [${p.shape.join(", ")}], expected [${shape.join(", ")}]`);
    }
    return p.data;
  };
  const m = (name: string, rows: number, cols: number): Matrix => matrix(rows, cols, get(name, [rows, cols]));
  switch (description.kind) {
    case "dense":
      return dense(m("weight", description.rows, description.cols));
    case "diagonal":
      return diagonal(get("diag", [Math.min(description.rows, description.cols)]), description.rows, description.cols);
    case "identity":
      return identity(description.n);
    case "scaled_identity":
      return scaledIdentity(description.n, get("scale", [])[0]);
    case "lowrank":
      return lowRank(m("u", description.rows, description.rank), m("v", description.cols, description.rank));
    case "identity_plus_lowrank": {
      const { n, rank } = description;
      return identityPlusLowRank(m("u", n, rank), m("v", n, rank), get("alpha", [])[0]);
    }
    case "orthogonal":
      return description.param === "householder"
        ? householder(m("vectors", description.reflectors ?? description.n, description.n))
        : cayley(m("weight", description.n, description.n));
    case "svd_factored": {
      const { rows, cols, rank } = description;
      return svdFactored(m("u", rows, rank), get("s", [rank]), m("v", cols, rank));
    }
    case "projector":
      return projector(m("basis", description.n, description.rank));
    case "time_conditioned": {
      const { n, rank, embedDim, hidden } = description;
      const layer = (name: string, inputs: number, outputs: number): DenseLayer => ({
        weight: m(`${name}.weight`, outputs, inputs),
        bias: get(`${name}.bias`, [outputs]),
      });
      const net = (f: string): Hypernetwork => ({
        layers: [layer(`${f}.0`, embedDim, hidden), layer(`${f}.1`, hidden, hidden), layer(`${f}.2`, hidden, n * rank)],
      });
      return timeConditioned({ n, rank, embedDim, hidden, alpha: get("alpha", [])[0] }, net("u"), net("v"));
    }
    case "depthwise_conv": {
      const { channels, size } = description.geometry;
      return depthwiseConv(description.geometry, get("kernel", [channels, 1, size, size]));
    }
    case "indexed_depthwise_conv": {
      const { geometry, styles } = description;
      return indexedDepthwiseConv(geometry, styles, get("kernel", [styles, geometry.channels, 1, geometry.size, geometry.size]));
    }
    case "circulant_conv": {
      const { channels, height, width, size } = description.geometry;
      return description.periodic === true
        ? circulantConv(description.geometry, get("periodic_kernel", [channels, height, width]))
        : circulantFromTaps(description.geometry, get("kernel", [channels, 1, size, size]));
    }
  }
}
