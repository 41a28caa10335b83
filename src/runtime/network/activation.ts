// The activations a coupling's conditioner takes, with PyTorch's definitions (so that weights moved
// between the two give the same outputs): leaky slope 0.01 (tfjs's default is 0.2), exact GELU.
import * as tf from "@tensorflow/tfjs-core";

/** The activations a coupling's conditioner takes. */
export const ACTIVATIONS = ["relu", "tanh", "gelu", "silu", "leaky_relu"] as const;
/** One of `ACTIVATIONS`. */
export type Activation = (typeof ACTIVATIONS)[number];

/** Applies a conditioner activation elementwise. */
export function activate<T extends tf.Tensor>(x: T, act: Activation): T {
  switch (act) {
    case "relu":
      return tf.relu(x);
    case "tanh":
      return tf.tanh(x);
    case "leaky_relu":
      return tf.leakyRelu(x, 0.01);
    case "gelu":
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    case "silu":
      return tf.mul(x, tf.sigmoid(x));
  }
}
