// tanh and exp for the couplings' scale, fast on the wasm backend. tfjs-wasm's tanh and exp kernels
// are scalar (measured on [256, 392]: tanh 5–13 ms, exp 3–7 ms), while its sigmoid is XNNPACK-
// vectorised (0.2 ms). On wasm we use the identities
//   tanh(v) = 2σ(2v) − 1        (abs. error ≤ 2e-7 on [−5, 5], measured)
//   exp(v)  = σ(v) / σ(−v)      (rel. error ≤ 4e-7 on [−5, 5], measured; |v| ≤ scale_bound here)
// Other backends keep the direct kernels (fewer ops matters more there).

import * as tf from "@tensorflow/tfjs-core";

function onWasm(): boolean {
  return tf.getBackend() === "wasm";
}

export function tanhFast(v: tf.Tensor): tf.Tensor {
  if (!onWasm()) return tf.tanh(v);
  return tf.tidy(() => tf.sub(tf.mul(tf.sigmoid(tf.mul(v, 2)), 2), 1));
}

/** exp(v) for moderate |v| (the bounded log-scales of couplings). */
export function expBounded(v: tf.Tensor): tf.Tensor {
  if (!onWasm()) return tf.exp(v);
  return tf.tidy(() => tf.div(tf.sigmoid(v), tf.sigmoid(tf.neg(v))));
}
