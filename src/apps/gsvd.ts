// The generalized SVD of h = W ∘ φ (docs/gsvd.md): φ : X ↪ E a left-invertible embedding, W : E → R^k a
// linear head. W = U Σ Vᵀ in float64 (apps/spectrum.ts on the head's operator), so h = U Σ Vᵀ φ; the right
// singular directions vᵢ ∈ E are read back in X through the left inverse, x̃ᵢ = ψ(vᵢ), ψ = left_inverse(φ).
// How much of vᵢ the inputs can reach is measured: ‖φ(ψ(vᵢ)) − vᵢ‖, 0 when vᵢ lies in φ's image and up
// to ‖vᵢ‖ = 1 when no input moves h along it.
import * as tf from "@tensorflow/tfjs-core";
import type { CompiledProgram } from "../compiler/execute/program.js";
import { factorName, type FactorPart } from "../compiler/lowering/lower.js";
import { spectrumOf, type Spectrum } from "./spectrum.js";

/** The parts of `map` a program must compile as targets for gsvdOf. */
export function gsvdTargets(map: string): string[] {
  const parts: FactorPart[] = ["head", "embedding", "left_inverse"];
  return [map, ...parts.map((p) => factorName(map, p))];
}

/** What gsvdOf computed. */
export interface GeneralizedSvd {
  readonly map: string;
  /** The SVD of the head W : E → R^k (values, U in the output space, V in E, k vectors each). */
  readonly head: Spectrum;
  /** ψ(vᵢ) for the top k right singular directions: [k, …X shape] points of X. */
  readonly decoded: Float32Array;
  /** ‖φ(ψ(vᵢ)) − vᵢ‖ for each of the k directions (vᵢ unit): the part of vᵢ off φ's image. */
  readonly offImage: Float64Array;
  readonly domain: { readonly space: string; readonly shape: readonly number[] };
}

async function rows(t: tf.Tensor): Promise<Float32Array> {
  try {
    return Float32Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

/** The generalized SVD of `map` (h = W * φ) in a program compiled with gsvdTargets(map), its top `top` directions decoded. */
export async function gsvdOf(compiled: CompiledProgram, map: string, top: number): Promise<GeneralizedSvd> {
  const head = await spectrumOf(compiled, factorName(map, "head"), top);
  const { k } = head;
  const inverse = compiled.planOf(factorName(map, "left_inverse"));
  const m = head.cols;
  const decoded = k === 0 ? new Float32Array(0) : await rows(await compiled.runAsync(factorName(map, "left_inverse"), head.right));
  const again = k === 0 ? new Float32Array(0) : await rows(await compiled.runAsync(factorName(map, "embedding"), decoded));
  const offImage = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += ((again[i * m + j] ?? 0) - (head.right[i * m + j] ?? 0)) ** 2;
    offImage[i] = Math.sqrt(s);
  }
  const result = inverse.result;
  const shape = result.kind === "vector" ? result.shape : [];
  return { map, head, decoded, offImage, domain: { space: result.kind === "vector" ? result.space : "", shape } };
}
