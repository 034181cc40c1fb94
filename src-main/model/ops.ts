/**
 * Two ops with hand-written gradients. On the wasm backend only a plain 2-D matMul reaches XNNPACK (≈25 GFLOP/s);
 * tfjs's own matMul gradient uses the transpose flags (≈1–2 GFLOP/s), and gather has no gradient kernel there at
 * all (UnsortedSegmentSum is missing). See docs: toolchain.md part 2, "wasm facts that matter".
 */
import * as tf from '@tensorflow/tfjs';

/** a [m, k] · b [k, n] → [m, n], with both gradients computed by plain (explicitly transposed) matMuls. */
export const matMul2d = tf.customGrad((a, b, save) => {
  const x = a as tf.Tensor2D;
  const w = b as tf.Tensor2D;
  (save as tf.GradSaveFunc)([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Rows of `table` [V, d] picked by `ids` [n] (int32) → [n, d]. The gradient scatters through a one-hot matMul,
 * which every backend can differentiate.
 */
export const embeddingLookup = tf.customGrad((table, ids, save) => {
  const t = table as tf.Tensor2D;
  const i = ids as tf.Tensor1D;
  (save as tf.GradSaveFunc)([i]);
  return {
    value: tf.gather(t, i),
    gradFunc: (dy, saved) => {
      const [si] = saved as [tf.Tensor1D];
      const oneHotT = tf.transpose(tf.oneHot(si, t.shape[0]).toFloat()) as tf.Tensor2D;
      return [tf.matMul(oneHotT, dy as tf.Tensor2D), tf.zerosLike(si)];
    },
  };
}) as (table: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D;

/** LayerNorm over the last axis: x [n, d] → [n, d]. */
export function layerNorm(x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gain), bias);
}

/** GELU, tanh form (GPT-2): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}
