import type { AlgorithmSettings } from './types';

/**
 * The settings every algorithm's defaults start from: the released code's GRPO-style values (symmetric clip 0.2, verl's dual-clip
 * c = 3, token-mean, no KL), scaled to a laptop (k = 8 trajectories per question, 4 from the root), and 4 updates per
 * rollout batch so that clipping can act at all (docs/algorithms.md). Each algorithm file lists only what it changes.
 */
export const BASE_SETTINGS: AlgorithmSettings = {
  clipLow: 0.2,
  clipHigh: 0.2,
  dualClipC: 3,
  lossAgg: 'token-mean',
  klCoef: 0,
  groupSize: 8,
  globalSamples: 8,
  dynamicRollouts: false,
  premonitorBeta: 0.5,
  beamSize: 2,
  branch: { tau: 0.5, gamma: 0.2, penalty: 0.05 },
  segmentEntropy: 'released-scale',
  entropyAdvCoef: 0,
  stepAdvWeight: 1,
  stepDiscount: 0.95,
  dynamicSampling: false,
  maxGenerationBatches: 10,
  overlongShaping: null,
  updatesPerBatch: 4,
  ppoEpochs: 1,
  klInReward: false,
};

/**
 * The DAPO recipe's settings (Yu et al. 2025; docs/algorithms.md, "DAPO"): clip-higher ε_h = 0.28, the recipe's dual
 * clip c = 10 (its clip_ratio_c), dynamic sampling and overlong shaping over the last fifth of the response budget.
 * DAPO's defaults, and GPPO's, which Klear-Reasoner ran inside this recipe.
 */
export const DAPO_RECIPE_SETTINGS: AlgorithmSettings = {
  ...BASE_SETTINGS,
  clipHigh: 0.28,
  dualClipC: 10,
  dynamicSampling: true,
  overlongShaping: { bufferFraction: 0.2, penalty: 1 },
};
