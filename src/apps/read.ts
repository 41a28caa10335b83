// Reading a result the applications own back to the host: its float32 values, and the tensor freed
// (tfjs memory is not garbage-collected, and every app reads many results in a row).
import type * as tf from "@tensorflow/tfjs-core";

export async function takeValues(t: tf.Tensor): Promise<Float32Array> {
  try {
    return Float32Array.from((await t.data()) as Float32Array);
  } finally {
    t.dispose();
  }
}
