/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) with global-norm gradient clipping: the optimiser of the
 * released AEPO code (lr 1e-6, weight decay 0.01, clip 1.0). Decay applies to matrices only, not to gains and biases.
 */
import * as tf from '@tensorflow/tfjs';
import { variableFrom } from './ops';
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

export class AdamW {
  readonly options: Required<AdamWOptions>;
  step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly variables: tf.Variable[],
    options: AdamWOptions,
  ) {
    this.options = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, maxGradNorm: 1.0, ...options };
    this.m = variables.map((v) => variableFrom(tf.zerosLike(v), false));
    this.v = variables.map((v) => variableFrom(tf.zerosLike(v), false));
  }

  /** Applies one update from gradients in variable order; returns the global gradient norm before clipping. */
  apply(grads: tf.Tensor[]): number {
    const { learningRate: lr, beta1, beta2, epsilon, weightDecay, maxGradNorm } = this.options;
    this.step++;
    const t = this.step;
    return tf.tidy(() => {
      const norm = Math.sqrt(grads.reduce((sum, g) => sum + tf.sum(tf.square(g)).dataSync()[0]!, 0));
      const scale = norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1;
      const correction1 = 1 - beta1 ** t;
      const correction2 = 1 - beta2 ** t;
      this.variables.forEach((variable, i) => {
        const g = scale === 1 ? grads[i]! : tf.mul(grads[i]!, scale);
        const m = tf.add(tf.mul(this.m[i]!, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i]!, beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        let update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), epsilon));
        if (weightDecay > 0 && variable.rank >= 2) update = tf.add(update, tf.mul(variable, weightDecay));
        variable.assign(tf.sub(variable, tf.mul(update, lr)));
      });
      return norm;
    });
  }

  state(): AdamWState {
    return {
      step: this.step,
      moments: this.m.map((m, i) => ({ m: m.dataSync() as Float32Array, v: this.v[i]!.dataSync() as Float32Array })),
    };
  }

  load(state: AdamWState): void {
    if (state.moments.length !== this.m.length)
      throw new Error(`optimizer state has ${state.moments.length} tensors, the model ${this.m.length}`);
    this.step = state.step;
    // Inside tidy: assign keeps the values, tidy frees the temporary tensors that carried them.
    tf.tidy(() =>
      state.moments.forEach(({ m, v }, i) => {
        this.m[i]!.assign(tf.tensor(m, this.m[i]!.shape));
        this.v[i]!.assign(tf.tensor(v, this.v[i]!.shape));
      }),
    );
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
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
