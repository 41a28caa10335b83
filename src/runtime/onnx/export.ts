// A network alone as an ONNX model, for benchmarks and engine comparisons: input "x" [batch, ...inputShape],
// outputs "y" = g(x) [batch, ...outputShape] and "back" = g⁻¹(y) [batch, ...inputShape] (so one run times a
// forward and an inverse pass, as the network benchmark does).
import type { Block } from "../network/block.js";
import { BATCH_DIM, OnnxGraph, type EncodeOptions, type OnnxExport } from "./graph.js";
import { emitBlock } from "./network.js";

/** The network `block` with its tag bound (undefined for an untagged network) as an ONNX model. */
export function networkToOnnx(block: Block, tag: number | undefined, options: EncodeOptions = {}): OnnxExport {
  const g = new OnnxGraph();
  const x = g.input("x", [BATCH_DIM, ...block.inputShape]);
  const y = emitBlock(g, block, x, tag, false);
  g.output(y, "y", [BATCH_DIM, ...block.outputShape]);
  const back = emitBlock(g, block, "y", tag, true);
  g.output(back, "back", [BATCH_DIM, ...block.inputShape]);
  return g.encode({ name: options.name ?? `${block.kind}${tag === undefined ? "" : `@tag${tag}`}`, ...options });
}
