// The suites a cold start learns from (run-config.ts `coldStart.suites`) and the base checkpoint's cache key.
import { describe, expect, it } from 'vitest';
import { generateMiniSuite } from '../../../src-main/benchmarks/mini/suites';
import { baseCheckpointKey, coldStartSuites } from '../../../src-main/experiments/execution/cold-start';
import { runConfigSchema } from '../../../src-main/experiments/plan/run-config';

describe('cold start suites', () => {
  const config = runConfigSchema.parse({});
  const sizes = { train: 20, test: 5 };

  it("are the experiment's own unless the config names others", () => {
    expect(config.coldStart.suites).toEqual([]);
    expect(coldStartSuites(config, ['mini-gsm8k'])).toEqual(['mini-gsm8k']);
    const named = runConfigSchema.parse({ coldStart: { suites: ['mini-hotpotqa', 'mini-webwalker'] } });
    expect(coldStartSuites(named, ['mini-gsm8k'])).toEqual(['mini-hotpotqa', 'mini-webwalker']);
    expect(() => runConfigSchema.parse({ coldStart: { suites: ['gsm8k'] } })).toThrow(/not a mini suite/);
  });

  it('key the base checkpoint by the suites learnt from, so a cached one made before the field existed is found', () => {
    const gsm8k = [generateMiniSuite('mini-gsm8k', sizes)];
    const named = runConfigSchema.parse({ coldStart: { suites: ['mini-gsm8k'] } });
    // The list itself is not hashed, only the suites it selects: the same suites give the same key.
    expect(baseCheckpointKey(gsm8k, named)).toBe(baseCheckpointKey(gsm8k, config));
    const two = [...gsm8k, generateMiniSuite('mini-hotpotqa', sizes)];
    expect(baseCheckpointKey(two, config)).not.toBe(baseCheckpointKey(gsm8k, config));
  });
});
