// tfjs-wasm's BatchMatMul with a transposed operand is an order of magnitude slower than a Transpose
// kernel followed by a plain BatchMatMul (measured on the MNIST example: 15 ms against ~1 ms for
// [64, 784]·[128, 784]ᵀ). The backward pass is mostly such products, and the ones inside tfjs's fused
// matMul gradient cannot be rewritten at the op level, so the wasm kernel is wrapped once: transposed
// operands are transposed explicitly, then the original kernel runs untransposed. Same values up to
// the summation order of the product.
import * as tf from "@tensorflow/tfjs-core";

let installed = false;

interface WasmBackend {
  disposeData(dataId: object): boolean;
}

function lastTwoSwapped(rank: number): number[] {
  return [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
}

/** Wraps tfjs-wasm's BatchMatMul (once per process); a no-op when the wasm kernels are not registered. */
export function installWasmMatMulTranspose(): void {
  if (installed) return;
  const original = tf.getKernel("BatchMatMul", "wasm");
  const transpose = tf.getKernel("Transpose", "wasm");
  if (original === undefined || transpose === undefined) return;
  installed = true;
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const transposeA = args.attrs?.transposeA === true;
      const transposeB = args.attrs?.transposeB === true;
      if (!transposeA && !transposeB) return original.kernelFunc(args);
      const swap = (x: tf.TensorInfo): tf.TensorInfo =>
        transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm: lastTwoSwapped(x.shape.length) } }) as tf.TensorInfo;
      const a2 = transposeA ? swap(a) : a;
      const b2 = transposeB ? swap(b) : b;
      try {
        return original.kernelFunc({ ...args, inputs: { a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      } finally {
        const backend = args.backend as unknown as WasmBackend;
        if (transposeA) backend.disposeData(a2.dataId);
        if (transposeB) backend.disposeData(b2.dataId);
      }
    },
  });
}
