// A tf.Variable that owns its data alone. tf.variable(t) takes a second reference to t's data and leaves
// t itself alive (counted in tf.memory().numTensors) until someone disposes it; disposing the variable
// then frees nothing, so every network built and disposed would leak its initial values.
import * as tf from "@tensorflow/tfjs-core";

/** A trainable variable initialised from `initial()`; the initial tensor is freed at once. */
export function ownedVariable<R extends tf.Rank>(initial: () => tf.Tensor<R>): tf.Variable<R> {
  // tidy frees what `initial` made; variables are never tracked by a tidy scope, so the result survives.
  return tf.tidy(() => tf.variable(initial()));
}
