import type { BackendChoice } from './backend';
import type { ModelConfig } from './config';
import type { GenerateOptions, Generation } from './session';
import type { TokenizerJson } from './tokenizer';

/** Messages to the sampler thread. Sessions are numbered by the caller and live until closed. */
export type SamplerRequest =
  // With a tokenizer, the thread matches stop strings itself (a function can't cross to it).
  | { id: number; type: 'init'; config: ModelConfig; weights: Float32Array[]; tokenizer?: TokenizerJson }
  | { id: number; type: 'weights'; version: number; weights: Float32Array[] }
  | { id: number; type: 'open'; session: number; batchSize: number }
  | { id: number; type: 'extend'; session: number; chunks: (number[] | null)[] }
  | { id: number; type: 'generate'; session: number; which: number[]; options: Omit<GenerateOptions, 'decode'> }
  | { id: number; type: 'close'; session: number };

export type SamplerAnswer =
  | { id: number; ok: true; backend?: BackendChoice; generations?: Generation[] }
  | { id: number; ok: false; error: string };
