/** The generated mini suites, one per benchmark: data only, so config validation can name them without the generators. */
import { benchmark, type BenchmarkInfo } from '../registry';

/**
 * Difficulty knobs per suite. math: `digits` per number, `operations` per expression, `algebraShare` of items that
 * are linear equations instead; knowledge: `hops` (facts chained per question), `distractors` (unrelated entries per
 * question in the corpus); deep search: `depth` (pages from a site's home to the fact).
 */
export const MINI_SUITES: Record<
  string,
  { family: 'math' | 'knowledge' | 'deep_search'; knobs: Record<string, number> }
> = {
  'mini-gsm8k': { family: 'math', knobs: { digits: 2, operations: 2 } },
  'mini-math500': { family: 'math', knobs: { digits: 2, operations: 3, algebraShare: 0.5 } },
  'mini-math': { family: 'math', knobs: { digits: 2, operations: 3, algebraShare: 0.5 } },
  'mini-aime24': { family: 'math', knobs: { digits: 3, operations: 4, algebraShare: 0.5 } },
  'mini-aime25': { family: 'math', knobs: { digits: 3, operations: 4, algebraShare: 0.5 } },
  'mini-hotpotqa': { family: 'knowledge', knobs: { hops: 2, distractors: 3 } },
  'mini-2wiki': { family: 'knowledge', knobs: { hops: 2, distractors: 2 } },
  'mini-bamboogle': { family: 'knowledge', knobs: { hops: 2, distractors: 1 } },
  'mini-musique': { family: 'knowledge', knobs: { hops: 3, distractors: 3 } },
  'mini-gaia': { family: 'deep_search', knobs: { depth: 2 } },
  'mini-hle': { family: 'deep_search', knobs: { depth: 2 } },
  'mini-webwalker': { family: 'deep_search', knobs: { depth: 3 } },
  'mini-xbench': { family: 'deep_search', knobs: { depth: 2 } },
  'mini-frames': { family: 'deep_search', knobs: { depth: 2 } },
  'mini-simpleqa': { family: 'deep_search', knobs: { depth: 1 } },
};

/** The benchmark an id names: a registry benchmark, or a mini suite scored like the benchmark it mirrors. */
export function benchmarkInfo(id: string): BenchmarkInfo {
  if (id.startsWith('mini-') && id in MINI_SUITES) return { ...benchmark(id.slice('mini-'.length)), id };
  return benchmark(id);
}
