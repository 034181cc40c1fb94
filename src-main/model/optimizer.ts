/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) with global-norm gradient clipping: the optimiser of the
 * released AEPO code (lr 1e-6, weight decay 0.01, clip 1.0). Decay applies to matrices only, not to gains and biases.
 */
import * as tf from '@tensorflow/tfjs';
import { scoreTokens, type ScoreOptions, type ScoredTokens } from './scoring';
import type { Transformer } from './transformer';

export interface AdamWOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  /** Gradients are scaled down together when their global L2 norm exceeds this. */
  maxGradNorm?: number;
}

export interface AdamWState {
  step: number;
  /** First and second moments, in the order of the variables. */
  moments: { m: Float32Array; v: Float32Array }[];
}

/**
 * The update itself runs in plain JS over Float32Arrays (one pass per weight, no kernel calls): it takes either
 * engine's gradients (ONNX Runtime's arrays, or tfjs tensors read out) and writes the new values back into the tfjs
 * variables that hold the weights.
 */
export class AdamW {
  readonly options: Required<AdamWOptions>;
  step = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  constructor(
    private readonly variables: tf.Variable[],
    options: AdamWOptions,
  ) {
    this.options = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, maxGradNorm: 1.0, ...options };
    this.m = variables.map((v) => new Float32Array(v.size));
    this.v = variables.map((v) => new Float32Array(v.size));
  }

  /** Applies one update from gradients in variable order; returns the global gradient norm before clipping. */
  apply(grads: (tf.Tensor | Float32Array)[]): number {
    const { learningRate: lr, beta1, beta2, epsilon, weightDecay, maxGradNorm } = this.options;
    const arrays = grads.map((g) => (g instanceof Float32Array ? g : (g.dataSync() as Float32Array)));
    arrays.forEach((g, i) => {
      if (g.length !== this.m[i]!.length)
        throw new Error(`gradient ${i} has ${g.length} values, its weight ${this.m[i]!.length}`);
    });
    this.step++;
    let squares = 0;
    for (const g of arrays) for (let j = 0; j < g.length; j++) squares += g[j]! * g[j]!;
    const norm = Math.sqrt(squares);
    const scale = norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    // m̂/(√v̂ + ε) with the bias corrections folded into two constants: one division and one root per weight.
    const stepSize = lr / correction1;
    const rootCorrection = 1 / Math.sqrt(correction2);
    this.variables.forEach((variable, i) => {
      const [g, m, v] = [arrays[i]!, this.m[i]!, this.v[i]!];
      const weights = Float32Array.from(variable.dataSync() as Float32Array); // (the cpu backend may share its own)
      const decay = weightDecay > 0 && variable.rank >= 2 ? lr * weightDecay : 0;
      for (let j = 0; j < weights.length; j++) {
        const gj = g[j]! * scale;
        const mj = beta1 * m[j]! + (1 - beta1) * gj;
        const vj = beta2 * v[j]! + (1 - beta2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        weights[j] = weights[j]! - (stepSize * mj) / (Math.sqrt(vj) * rootCorrection + epsilon) - decay * weights[j]!;
      }
      tf.tidy(() => variable.assign(tf.tensor(weights, variable.shape)));
    });
    return norm;
  }

  state(): AdamWState {
    return { step: this.step, moments: this.m.map((m, i) => ({ m: m.slice(), v: this.v[i]!.slice() })) };
  }

  load(state: AdamWState): void {
    if (state.moments.length !== this.m.length)
      throw new Error(`optimizer state has ${state.moments.length} tensors, the model ${this.m.length}`);
    state.moments.forEach(({ m, v }, i) => {
      if (m.length !== this.m[i]!.length || v.length !== this.v[i]!.length)
        throw new Error(`optimizer state tensor ${i} has ${m.length} values, the model's weight ${this.m[i]!.length}`);
    });
    this.step = state.step;
    state.moments.forEach(({ m, v }, i) => {
      this.m[i]!.set(m);
      this.v[i]!.set(v);
    });
  }

  /** Nothing to free: the moments are plain arrays (kept for callers that release what they made). */
  dispose(): void {}
}

export interface StepResult {
  loss: number;
  gradNorm: number;
}

/**
 * One optimisation step: gradients of `loss` with respect to `variables`, clipping and the AdamW update. Every
 * intermediate tensor is released (tested: the tensor count does not grow across steps).
 */
export function trainStep(variables: tf.Variable[], optimizer: AdamW, loss: () => tf.Scalar): StepResult {
  const { value, grads } = tf.variableGrads(loss, variables);
  try {
    const ordered = variables.map((v) => {
      const g = grads[v.name];
      if (!g) throw new Error(`no gradient for ${v.name}`);
      return g;
    });
    const gradNorm = optimizer.apply(ordered);
    return { loss: value.dataSync()[0]!, gradNorm };
  } finally {
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
  }
}

/**
 * One policy update from scored sequences: `loss` receives the per-token log-probs, entropies and padding mask of
 * `sequences` under the current weights (what every policy loss consumes) and returns the scalar to minimise.
 */
export function policyStep(
  model: Transformer,
  optimizer: AdamW,
  sequences: number[][],
  loss: (scored: ScoredTokens) => tf.Scalar,
  options: ScoreOptions = {},
): StepResult {
  return trainStep(model.variables(), optimizer, () => tf.tidy(() => loss(scoreTokens(model, sequences, options))));
}
