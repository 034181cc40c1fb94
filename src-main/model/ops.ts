/**
 * Ops with hand-written gradients, each for a measured reason on the wasm backend (measured when the backend was chosen; see the README's "The policy model"):
 * only a plain 2-D matMul reaches XNNPACK (≈25 GFLOP/s; the transpose-flag variants tfjs's own gradients use run at
 * 1–2), a sum over rows transposes first (≈5 ms per 1M values), tanh runs ≈10× slower than sigmoid, and gather has
 * no gradient kernel there at all.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * xᵀ·dy for x [n, k] and dy [n, m], transposing whichever of the two is narrower: transposes cost per value, and
 * (dyᵀ·x)ᵀ moves 2,048 × 128 values instead of 2,048 × 512 for the MLP's output projection (≈1 ms against ≈13).
 */
function weightGradient(x: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor2D {
  if (x.shape[1] > dy.shape[1]) return tf.transpose(tf.matMul(tf.transpose(dy), x)) as tf.Tensor2D;
  return tf.matMul(tf.transpose(x), dy);
}

/** a [m, k] · b [k, n] → [m, n], with both gradients computed by plain (explicitly transposed) matMuls. */
export const matMul2d = tf.customGrad((a, b, save) => {
  const x = a as tf.Tensor2D;
  const w = b as tf.Tensor2D;
  (save as tf.GradSaveFunc)([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sw)), weightGradient(sx, dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** x [n, k] · w [k, m] + b [m] → [n, m]. The bias gradient is a ones-row matMul instead of a slow sum over rows. */
export const linear = tf.customGrad((x, w, b, save) => {
  const [x2, w2, b1] = [x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D];
  (save as tf.GradSaveFunc)([x2, w2]);
  return {
    value: tf.add(tf.matMul(x2, w2), b1),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(sw)), weightGradient(sx, g), sumRows(g)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/**
 * Rows of `table` [V, d] picked by `ids` [n] (int32) → [n, d]. The gradient adds each row of dy into its id's row
 * in plain JS (n·d additions), far cheaper than a one-hot matMul.
 */
export const embeddingLookup = tf.customGrad((table, ids, save) => {
  const t = table as tf.Tensor2D;
  const i = ids as tf.Tensor1D;
  (save as tf.GradSaveFunc)([i]);
  return {
    value: gatherRows(t, i),
    gradFunc: (dy, saved) => {
      const [rows, width] = t.shape;
      const picked = saved[0]!.dataSync();
      const upstream = dy.dataSync() as Float32Array;
      const grad = new Float32Array(rows * width);
      for (let n = 0; n < picked.length; n++) {
        const to = picked[n]! * width;
        const from = n * width;
        for (let j = 0; j < width; j++) grad[to + j]! += upstream[from + j]!;
      }
      return [tf.tensor2d(grad, [rows, width]), tf.zerosLike(saved[0]!)];
    },
  };
}) as (table: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D;

/** tf.gather of whole rows, done in JS: the wasm gather kernel takes ≈5 ms for 2,048 rows of 128. */
function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const [, width] = table.shape;
  const source = table.dataSync() as Float32Array;
  const picked = ids.dataSync();
  const out = new Float32Array(picked.length * width);
  for (let n = 0; n < picked.length; n++)
    out.set(source.subarray(picked[n]! * width, (picked[n]! + 1) * width), n * width);
  return tf.tensor2d(out, [picked.length, width]);
}

/** Sum over rows as a ones-row matMul ([1, n] · [n, d]), which stays on the fast path. */
function sumRows(t: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, t.shape[0]]) as tf.Tensor2D, t), [t.shape[1]]);
}

/**
 * LayerNorm over the last axis, x [n, d] → [n, d], with the analytic gradient (x̂ = (x − μ)·r, r = 1/√(σ² + ε)):
 *   ∂x = r·(g·∂y − mean(g·∂y) − x̂·mean(g·∂y·x̂)),  ∂g = Σ_rows ∂y·x̂,  ∂b = Σ_rows ∂y.
 * Autodiff through tf.moments builds about three times as many kernels.
 */
export function layerNorm(x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor2D {
  return layerNormOp(eps)(x, gain, bias);
}

const layerNormOps = new Map<number, (x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D) => tf.Tensor2D>();
function layerNormOp(eps: number) {
  let op = layerNormOps.get(eps);
  if (op) return op;
  op = tf.customGrad((x, gain, bias, save) => {
    const [x2, g, b] = [x as tf.Tensor2D, gain as tf.Tensor1D, bias as tf.Tensor1D];
    const { mean, variance } = tf.moments(x2, -1, true);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const normed = tf.mul(tf.sub(x2, mean), rstd) as tf.Tensor2D;
    (save as tf.GradSaveFunc)([normed, rstd, g]);
    return {
      value: tf.add(tf.mul(normed, g), b),
      gradFunc: (dy, saved) => {
        const [xh, r, sg] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const upstream = dy as tf.Tensor2D;
        const dNormed = tf.mul(upstream, sg);
        const dx = tf.mul(
          r,
          tf.sub(tf.sub(dNormed, tf.mean(dNormed, -1, true)), tf.mul(xh, tf.mean(tf.mul(dNormed, xh), -1, true))),
        );
        return [dx, sumRows(tf.mul(upstream, xh) as tf.Tensor2D), sumRows(upstream)];
      },
    };
  }) as (x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D) => tf.Tensor2D;
  layerNormOps.set(eps, op);
  return op;
}

const GELU_C = 2 * Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/**
 * GELU, tanh form (GPT-2): 0.5·x·(1 + tanh(u)) with u = √(2/π)·(x + 0.044715·x³), computed exactly as x·σ(2u)
 * (the same function: 0.5·(1 + tanh(u)) = σ(2u)). Gradient: σ + x·σ·(1 − σ)·2√(2/π)·(1 + 3·0.044715·x²).
 */
export const gelu = tf.customGrad((x, save) => {
  const input = x as tf.Tensor;
  const s = tf.sigmoid(tf.mul(tf.add(input, tf.mul(GELU_A, tf.mul(tf.mul(input, input), input))), GELU_C));
  (save as tf.GradSaveFunc)([input, s]);
  return {
    value: tf.mul(input, s),
    gradFunc: (dy, saved) => {
      const [sx, ss] = saved as [tf.Tensor, tf.Tensor];
      const slope = tf.mul(GELU_C, tf.add(1, tf.mul(3 * GELU_A, tf.mul(sx, sx))));
      const local = tf.add(ss, tf.mul(tf.mul(tf.mul(sx, ss), tf.sub(1, ss)), slope));
      return [tf.mul(dy, local)];
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * From logits [.., V] and target ids [..]: the target's log-probability and the distribution's entropy (nats), with
 * an analytic gradient. Against composing logSoftmax, exp and a one-hot pick, it needs one exp instead of three
 * (exp costs ≈6 ms per million values on wasm) and none of the intermediate products:
 *   ∂ log p(y) / ∂z = onehot(y) − p,   ∂H / ∂z = −p ⊙ (log p + H).
 */
export const tokenLogpAndEntropy = tf.customGrad((logits, targets, save) => {
  const z = logits as tf.Tensor;
  const vocab = z.shape[z.shape.length - 1]!;
  const logProbs = tf.logSoftmax(z);
  const probs = tf.exp(logProbs);
  const oneHot = tf.oneHot(targets as tf.Tensor, vocab).toFloat();
  const logp = tf.sum(tf.mul(logProbs, oneHot), -1);
  const entropy = tf.neg(tf.sum(tf.mul(probs, logProbs), -1));
  (save as tf.GradSaveFunc)([logProbs, probs, oneHot, entropy, targets as tf.Tensor]);
  return {
    value: tf.stack([logp, entropy], -1),
    gradFunc: (dy, saved) => {
      const [logProbs_, probs_, oneHot_, entropy_, targets_] = saved as tf.Tensor[];
      const [dLogp, dEntropy] = tf.unstack(dy as tf.Tensor, -1).map((g) => tf.expandDims(g, -1));
      const fromLogp = tf.mul(dLogp!, tf.sub(oneHot_!, probs_!));
      const fromEntropy = tf.mul(dEntropy!, tf.neg(tf.mul(probs_!, tf.add(logProbs_!, tf.expandDims(entropy_!, -1)))));
      return [tf.add(fromLogp, fromEntropy), tf.zerosLike(targets_!)];
    },
  };
}) as (logits: tf.Tensor, targets: tf.Tensor) => tf.Tensor;

/**
 * A variable holding `initial`'s values, with `initial` itself freed: tf.variable keeps the tensor it was given
 * alive as a separate tensor, which would otherwise leak once per variable.
 */
export function variableFrom(initial: tf.Tensor, trainable: boolean, name?: string): tf.Variable {
  const variable = tf.variable(initial, trainable, name);
  initial.dispose();
  return variable;
}
