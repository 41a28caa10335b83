// A stride-1 "same" 2-D convolution (odd square kernel) on NHWC tensors, differentiable in both the input
// and the filter on every backend. tfjs-wasm has a fast Conv2D (XNNPACK) but no Conv2DBackpropFilter, so
// tfjs's own gradient fails there; both gradients are written here as forward convolutions, the op
// XNNPACK is fast at. Measured on wasm (1 thread) for [16, 32, 32, 6] → 16 channels, 3×3, median of 12:
//   forward tf.conv2d 2.3 ms; forward as im2col (pad + 9 slices + concat → matMul) 23 ms;
//   dx by Conv2DBackpropInput (tf.conv2dTranspose) 22 ms, by a conv with the flipped filter 2.1 ms;
//   dW by im2col + matMul 28 ms, by Conv3DBackpropFilterV2 at depth 1 25 ms, by the convolution below 4.6 ms.
// Hence: forward tf.conv2d, dx = conv(dy, flipped Wᵀ), dW = conv(padded xᵀ, dyᵀ) (values agree to float32
// summation order; spec/runtime/network/conv/conv2d.spec.ts checks both against a float64 oracle).

import * as tf from "@tensorflow/tfjs-core";

/** The filter for dx: spatially flipped, in/out channels swapped ([k, k, in, out] → [k, k, out, in]). */
function adjointFilter(w: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
}

/**
 * dW[i, j, c, o] = Σ_{b,h,w} xpad[b, h+i, w+j, c] · dy[b, h, w, o]: a "valid" convolution of xpad laid out as
 * [c, H+2p, W+2p, b] (channels as the batch, the batch as the channels) with dy laid out as the filter
 * [H, W, b, o]; the result [c, k, k, o] is transposed to [k, k, c, o].
 */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, k: number): tf.Tensor4D {
  const p = (k - 1) / 2;
  const padded =
    p === 0
      ? x
      : tf.pad(x, [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ]);
  const xT = tf.transpose(padded, [3, 1, 2, 0]);
  const dyT = tf.transpose(dy, [1, 2, 0, 3]);
  return tf.transpose(tf.conv2d(xT, dyT, 1, "valid"), [1, 2, 0, 3]);
}

// tfjs types a custom-gradient function's arguments as one list of tensors and the save function.
const convSame = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, w]);
  const value = tf.conv2d(x, w, 1, "same");
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
    const d = dy as tf.Tensor4D;
    return [tf.conv2d(d, adjointFilter(sw), 1, "same"), filterGradient(sx, d, sw.shape[0])];
  };
  return { value, gradFunc };
});

/**
 * y = x ⋆ w with zero padding (k − 1)/2, stride 1: x [batch, H, W, in], w [k, k, in, out] (tfjs's HWIO),
 * k odd; y [batch, H, W, out]. Differentiable in x and w on wasm, cpu and webgpu.
 */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  return convSame(x, w) as tf.Tensor4D;
}
