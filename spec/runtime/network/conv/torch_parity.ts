// Test helper (not a spec): runs a Linea conv conditioner and the PyTorch re-implementation in
// unet_torch.py on the SAME weights (written to safetensors, Linear weights [out, in]) and inputs.

import * as tf from "@tensorflow/tfjs-core";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Conditioner } from "../../../../src/runtime/network/conditioner.js";
import type { HostTensor } from "../../../../src/runtime/io/host_tensor.js";
import { saveSafetensors } from "../../../../src/runtime/io/safetensors.js";
import { torchScript } from "../../../support/torch.js";

/** The JSON config unet_torch.py builds its model from. */
export interface TorchConfig {
  readonly arch: "unet" | "resnet";
  readonly in: number;
  readonly out: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly levels: number;
  readonly blocks: number;
  readonly attention: number;
  readonly embed: number;
  readonly activation: string;
  readonly tagged: boolean;
  readonly tags: readonly (number | null)[];
}

/** Per tag: torch's output, gradients of sum(out·r) (parameters by name, "x"), and the controls' outputs. */
export interface TorchResult {
  readonly y: number[];
  readonly grads: Record<string, number[]>;
  readonly controls: { unswapped: number[]; qkv_blocks: number[] };
}

/** Linea's side of one tag: output, gradients in the file's layout, keyed like torch's. */
export interface LineaResult {
  readonly y: Float32Array;
  readonly grads: Map<string, Float32Array>;
}

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

async function fileTensor(t: tf.Tensor, transposed: boolean): Promise<HostTensor> {
  const v = (await t.data()) as Float32Array;
  if (!transposed) return { dtype: "F32", shape: [...t.shape], data: Float32Array.from(v) };
  const [rows, cols] = t.shape as [number, number];
  return { dtype: "F32", shape: [cols, rows], data: transpose2d(v, rows, cols) };
}

/** Linea's output and gradients of sum(out·r) w.r.t. every parameter and x, for one tag. */
export async function lineaRun(net: Conditioner, x: tf.Tensor4D, r: tf.Tensor4D, tag: number | undefined): Promise<LineaResult> {
  const params = [...net.parameters("")];
  const xv = tf.variable(x);
  const loss = (): tf.Scalar => tf.sum(tf.mul(net.apply(xv, tag), r));
  const { grads } = tf.variableGrads(loss, [...params.map(([, p]) => p.variable), xv]);
  const out = new Map<string, Float32Array>();
  for (const [name, p] of params) out.set(name, (await fileTensor(grads[p.variable.name], p.transposedInFile)).data as Float32Array);
  out.set("x", (await grads[xv.name].data()) as Float32Array);
  const y = tf.tidy(() => net.apply(x, tag));
  const result = { y: (await y.data()) as Float32Array, grads: out };
  tf.dispose([y, xv, ...Object.values(grads)]);
  return result;
}

/** Writes every net's weights and inputs to a temp dir and runs unet_torch.py on them. */
export async function torchRun(
  nets: Record<string, { net: Conditioner; config: TorchConfig; x: tf.Tensor4D; r: tf.Tensor4D }>,
): Promise<Record<string, Record<string, TorchResult>>> {
  const dir = mkdtempSync(join(tmpdir(), "linea-conv-torch-"));
  const configs: Record<string, TorchConfig> = {};
  for (const [kind, { net, config, x, r }] of Object.entries(nets)) {
    const weights = new Map<string, HostTensor>();
    for (const [name, p] of net.parameters("")) weights.set(name, await fileTensor(p.variable, p.transposedInFile));
    await saveSafetensors(join(dir, `weights_${kind}.safetensors`), weights);
    await saveSafetensors(
      join(dir, `inputs_${kind}.safetensors`),
      new Map([
        ["x", await fileTensor(x, false)],
        ["r", await fileTensor(r, false)],
      ]),
    );
    configs[kind] = config;
  }
  writeFileSync(join(dir, "config.json"), JSON.stringify(configs));
  const script = join(import.meta.dirname, "unet_torch.py");
  return torchScript(dir, `import runpy, sys\nsys.argv = [${JSON.stringify(script)}, d]\nrunpy.run_path(${JSON.stringify(script)}, run_name="__main__")\n`);
}
