import * as tf from '@tensorflow/tfjs';
import { Transformer } from './transformer';

/** The model's weights as plain arrays, in variable order: what crosses to a sampler thread after each update. */
export function weightSnapshot(model: Transformer): Float32Array[] {
  return model.variables().map((v) => (v.dataSync() as Float32Array).slice());
}

export function loadWeights(model: Transformer, weights: readonly Float32Array[]): void {
  const variables = model.variables();
  if (weights.length !== variables.length)
    throw new Error(`got ${weights.length} weight arrays for ${variables.length} variables`);
  // Inside tidy: assign keeps the values, tidy frees the temporary tensors that carried them.
  tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(weights[i]!, v.shape))));
}

/** A copy of the model with its own variables, never trained: the frozen reference policy of a KL term. */
export function frozenCopy(model: Transformer): Transformer {
  const copy = Transformer.create(model.config, 0);
  loadWeights(copy, weightSnapshot(model));
  return copy;
}
