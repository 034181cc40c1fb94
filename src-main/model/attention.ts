/**
 * Causal multi-head attention, softmax(q·kᵀ·scale + mask)·v, for N = B·H independent (sequence, head) pairs.
 *
 * Why two paths: on the wasm backend a batched matMul runs on a naive loop at ≈1.7 GFLOP/s, while a plain 2-D matMul
 * reaches XNNPACK at ≈25. For training-sized chunks the pairs are therefore cut apart in JS (reading a tensor back
 * and re-wrapping 64 slices costs ≈0.4 ms) and each product runs as a 2-D matMul, with a hand-written gradient of
 * the same form. For sampling (one new token) the batched op is cheaper than 64 tiny calls.
 */
import * as tf from '@tensorflow/tfjs';

/** Below this many query rows per pair the batched op wins. */
const SPLIT_FROM_ROWS = 16;

/** Pair n of a [N, r, c] tensor as a 2-D [r, c] tensor. */
function pairs(t: tf.Tensor3D): tf.Tensor2D[] {
  const [n, rows, cols] = t.shape;
  const data = t.dataSync() as Float32Array;
  const size = rows * cols;
  return Array.from({ length: n }, (_, i) => tf.tensor2d(data.subarray(i * size, (i + 1) * size), [rows, cols]));
}

/** a_n · b_n for every pair, as [N, r, c]; each product on the 2-D fast path. */
function pairProducts(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const as = pairs(a);
  const bs = pairs(b);
  return tf.stack(as.map((x, i) => tf.matMul(x, bs[i]!))) as tf.Tensor3D;
}

const swapLast = (t: tf.Tensor3D) => tf.transpose(t, [0, 2, 1]) as tf.Tensor3D;

/** softmax over keys after scaling and masking; scores [N, L, W], mask [B, 1, L, W] broadcast over heads. */
function maskedSoftmax(scores: tf.Tensor3D, mask: tf.Tensor4D, scale: number, heads: number): tf.Tensor3D {
  const [n, length, width] = scores.shape;
  const masked = tf.add(tf.reshape(tf.mul(scores, scale), [n / heads, heads, length, width]), mask);
  return tf.reshape(tf.softmax(masked), [n, length, width]) as tf.Tensor3D;
}

function splitAttention(heads: number, scale: number) {
  return tf.customGrad((q, k, v, mask, save) => {
    const [q3, k3, v3, m4] = [q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, mask as tf.Tensor4D];
    const [out, probs] = tf.tidy(() => {
      const p = maskedSoftmax(pairProducts(q3, swapLast(k3)), m4, scale, heads); // [N, L, W]
      return [pairProducts(p, v3), p];
    });
    (save as tf.GradSaveFunc)([q3, k3, v3, probs!]);
    return {
      value: out!,
      gradFunc: (dy, saved) => {
        const [sq, sk, sv, p] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const dOut = dy as tf.Tensor3D;
        const dProbs = pairProducts(dOut, swapLast(sv)); // [N, L, W]
        const dV = pairProducts(swapLast(p), dOut); // [N, W, dh]
        // Softmax backward: dS = P ⊙ (dP − Σ_w dP ⊙ P), then the scale of the scores.
        const dScores = tf.mul(tf.mul(p, tf.sub(dProbs, tf.sum(tf.mul(dProbs, p), -1, true))), scale) as tf.Tensor3D;
        const dQ = pairProducts(dScores, sk); // [N, L, dh]
        const dK = pairProducts(swapLast(dScores), sq); // [N, W, dh]
        return [dQ, dK, dV, tf.zerosLike(mask as tf.Tensor)];
      },
    };
  }) as (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor4D) => tf.Tensor3D;
}

/**
 * q [N, L, dh], k and v [N, W, dh] with N = B·heads (sequence-major), mask [B, 1, L, W] additive → [N, L, dh].
 */
export function attention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: tf.Tensor4D,
  heads: number,
): tf.Tensor3D {
  const scale = 1 / Math.sqrt(q.shape[2]);
  if (q.shape[1] >= SPLIT_FROM_ROWS) return splitAttention(heads, scale)(q, k, v, mask);
  const probs = maskedSoftmax(tf.matMul(q, k, false, true), mask, scale, heads);
  return tf.matMul(probs, v);
}
