// A small builder for ONNX graphs over onnx-proto's generated protobuf classes (the bytes are always
// written by protobufjs, never by hand): unique value names, float32 and int64 initializers (shared by
// identity of the host data they come from), nodes with typed attributes, graph inputs and outputs with a
// symbolic "batch" dimension, and the model with its initializers either embedded or moved to a side file
// as ONNX external data (TensorProto.data_location = EXTERNAL with location/offset/length entries).
import onnxProto from "onnx-proto";
import type { onnx } from "onnx-proto";

// onnx-proto is CommonJS: Node's ESM loader sees only its default export (a named import fails there).
const proto = onnxProto.onnx;

/** The opset the exporters target (python3-onnx 1.12's checker knows opsets up to 17). */
export const ONNX_OPSET = 17;
/** The IR version of opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;
/** The symbolic name of the batch dimension on every input and output. */
export const BATCH_DIM = "batch";
/** Initializers at least this large (bytes) go to the side file when external data is asked for. */
export const EXTERNAL_MIN_BYTES = 1024;

/** A dimension of a graph input or output: fixed, or symbolic ("batch"). */
export type Dim = number | string;

/** A node attribute: an integer (INT), integers (INTS), a string (STRING) or { float } (FLOAT). */
export type Attr = number | readonly number[] | string | { readonly float: number };

/** The encoded model, with the side file of its external tensors when they were asked for. */
export interface OnnxExport {
  /** A serialised onnx.ModelProto. */
  readonly model: Uint8Array;
  /** The external data file's bytes (absent when every tensor is embedded). */
  readonly external?: Uint8Array;
}

/** How to encode the model. */
export interface EncodeOptions {
  /** Write tensors of ≥ 1 KiB to a side file that the model names by this (relative) location. */
  readonly externalWeights?: { readonly location: string };
  /** The graph's name (the plan's or network's). */
  readonly name?: string;
  /** Text kept in the model's doc_string. */
  readonly doc?: string;
}

function attribute(name: string, value: Attr): onnx.IAttributeProto {
  const T = proto.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === "number") return { name, type: T.INT, i: value };
  if ("float" in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.INTS, ints: [...value] };
}

function valueInfo(name: string, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: proto.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** An ONNX graph under construction: every method returns the name of the value it made. */
export class OnnxGraph {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly suffix = new Map<string, number>();
  private readonly shared = new WeakMap<object, Map<string, string>>();
  private readonly constants = new Map<string, string>();

  /** A name not used yet, from a hint ("blocks.0.f.layers.0.weight" stays readable). */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_.:/-]/g, "_") || "v";
    let name = base;
    // The next suffix per base, so that thousands of "Add"s cost one probe each, not a scan.
    let k = this.suffix.get(base) ?? 1;
    while (this.used.has(name)) name = `${base}_${k++}`;
    this.suffix.set(base, k);
    this.used.add(name);
    return name;
  }

  /** A graph input of float32 values; the name is taken as given (it must be unused). */
  input(name: string, dims: readonly Dim[]): string {
    if (this.used.has(name)) throw new Error(`onnx graph: input name ${name} is already used`);
    this.used.add(name);
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /** Makes `value` the graph output `name` (through an Identity when the names differ). */
  output(value: string, name: string, dims: readonly Dim[]): void {
    if (value !== name) {
      if (this.used.has(name)) throw new Error(`onnx graph: output name ${name} is already used`);
      this.used.add(name);
      this.nodes.push({ opType: "Identity", input: [value], output: [name], name: this.fresh(`${name}/Identity`) });
    }
    this.outputs.push(valueInfo(name, dims));
  }

  /** A float32 initializer (values rounded from float64 where they are). */
  floats(hint: string, values: ArrayLike<number>, dims: readonly number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    const name = this.fresh(hint);
    // raw_data is little-endian; every platform Node runs on here (x64, arm64) is.
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: proto.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    });
    return name;
  }

  /** A float32 initializer made once per (host object, key): a matrix used twice is stored once. */
  sharedFloats(owner: object, key: string, make: () => { hint: string; values: ArrayLike<number>; dims: readonly number[] }): string {
    let byKey = this.shared.get(owner);
    if (byKey === undefined) {
      byKey = new Map();
      this.shared.set(owner, byKey);
    }
    const hit = byKey.get(key);
    if (hit !== undefined) return hit;
    const m = make();
    const name = this.floats(m.hint, m.values, m.dims);
    byKey.set(key, name);
    return name;
  }

  /** An int64 initializer (shapes, axes, indices). */
  ints(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i:${dims.join(",")}:${values.join(",")}`;
    const hit = this.constants.get(key);
    if (hit !== undefined) return hit;
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [...dims], dataType: proto.TensorProto.DataType.INT64, int64Data: [...values] });
    this.constants.set(key, name);
    return name;
  }

  /** A float32 scalar constant, made once per value. */
  scalar(value: number): string {
    const key = `f:${Object.is(value, -0) ? "-0" : String(value)}`;
    const hit = this.constants.get(key);
    if (hit !== undefined) return hit;
    const name = this.floats(`c_${String(value)}`, [value], []);
    this.constants.set(key, name);
    return name;
  }

  /** One node with one output. */
  op(type: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}, hint: string = type): string {
    return this.opN(type, inputs, 1, attrs, hint)[0] ?? "";
  }

  /** One node with `count` outputs. */
  opN(type: string, inputs: readonly string[], count: number, attrs: Readonly<Record<string, Attr>> = {}, hint: string = type): string[] {
    const output = Array.from({ length: count }, (_, i) => this.fresh(count === 1 ? hint : `${hint}_${i}`));
    this.nodes.push({
      opType: type,
      input: [...inputs],
      output,
      name: this.fresh(`${hint}/${type}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /**
   * Reshape keeping the leading (batch) axis: a leading −1 is written 0, ONNX's "copy this dimension", so
   * shape inference carries the symbolic batch through. With −1 every Reshape makes a fresh unknown
   * dimension, and ORT's session creation grows quadratically in them (measured on the reference MNIST
   * velocity plan, 4,000 nodes: 8.7 s with −1, 0.6 s with 0).
   */
  reshape(x: string, shape: readonly number[]): string {
    return this.op("Reshape", [x, this.ints("shape", shape[0] === -1 ? [0, ...shape.slice(1)] : shape)]);
  }

  /** Reshape that merges or splits the leading axis (−1 inferred): only where the batch axis really changes. */
  reshapeAll(x: string, shape: readonly number[]): string {
    return this.op("Reshape", [x, this.ints("shape", shape)]);
  }

  /** Columns [start, end) of axis `axis`. */
  slice(x: string, axis: number, start: number, end: number): string {
    return this.op("Slice", [x, this.ints("starts", [start]), this.ints("ends", [end]), this.ints("axes", [axis])]);
  }

  /** The number of nodes so far (for reports and tests). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The model: opset 17, IR 8, weights embedded or external. */
  encode(options: EncodeOptions = {}): OnnxExport {
    const location = options.externalWeights?.location;
    const chunks: Uint8Array[] = [];
    let offset = 0;
    const initializer = this.initializers.map((t): onnx.ITensorProto => {
      const raw = t.rawData;
      if (location === undefined || raw === undefined || raw === null || raw.length < EXTERNAL_MIN_BYTES) return t;
      const entry = {
        ...t,
        rawData: undefined,
        dataLocation: proto.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: "location", value: location },
          { key: "offset", value: String(offset) },
          { key: "length", value: String(raw.length) },
        ],
      };
      chunks.push(raw);
      offset += raw.length;
      return entry;
    });
    const graph = proto.GraphProto.create({ name: options.name ?? "linea", node: this.nodes, initializer, input: this.inputs, output: this.outputs });
    const model = proto.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: "", version: ONNX_OPSET }],
      producerName: "linea",
      docString: options.doc ?? "",
      graph,
    });
    const bytes = proto.ModelProto.encode(model).finish();
    if (location === undefined) return { model: bytes };
    const external = new Uint8Array(offset);
    let at = 0;
    for (const c of chunks) {
      external.set(c, at);
      at += c.length;
    }
    return { model: bytes, external };
  }
}
