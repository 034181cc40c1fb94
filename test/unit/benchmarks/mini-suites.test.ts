import { afterAll, describe, expect, it } from 'vitest';
import { readCorpus, storeMiniSuite } from '../../../src-main/experiments/library/mini-suites';
import { AppTools } from '../../../src-main/experiments/execution/app-tools';
import { generateMiniSuite, MINI_SUITES } from '../../../src-main/benchmarks/mini/suites';
import { BENCHMARKS } from '../../../src-main/benchmarks/registry';
import { hierarchicalReward } from '../../../src-main/rl/rewards';
import { tempLab } from '../../support/temp';
import { SANDBOX_HOST } from '../../support/python-sandbox';

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

describe('generated mini suites', () => {
  it('one per benchmark of the registry', () => {
    expect(Object.keys(MINI_SUITES).sort()).toEqual(BENCHMARKS.map((b) => `mini-${b.id}`).sort());
  });

  it('generate at their default size (200 train, 50 test)', () => {
    for (const id of Object.keys(MINI_SUITES)) {
      const suite = generateMiniSuite(id);
      expect([suite.train.length, suite.test.length], id).toEqual([200, 50]);
    }
  });

  it('are reproducible for a seed, and their splits do not overlap', () => {
    for (const id of Object.keys(MINI_SUITES)) {
      const a = generateMiniSuite(id, { seed: 4, train: 20, test: 10 });
      expect(generateMiniSuite(id, { seed: 4, train: 20, test: 10 })).toEqual(a);
      expect(generateMiniSuite(id, { seed: 5, train: 20, test: 10 })).not.toEqual(a);
      const trainQuestions = new Set(a.train.map((item) => item.question));
      expect(
        a.test.filter((item) => trainQuestions.has(item.question)),
        id,
      ).toEqual([]);
    }
  });

  it('every demonstration is a correctly formatted, fully rewarded trajectory', () => {
    for (const id of Object.keys(MINI_SUITES)) {
      for (const item of generateMiniSuite(id, { train: 10, test: 5 }).train) {
        const response = item.demonstration.slice(item.demonstration.indexOf('\n') + 1);
        const reward = hierarchicalReward(response, item.answers);
        expect(reward.formatValid, `${id}: ${response}`).toBe(true);
        expect(reward.f1, id).toBe(1);
      }
    }
  });

  it("shows exactly what the real tools return on the suite's corpus and sites", async () => {
    const lab = tempLab();
    for (const id of ['mini-gsm8k', 'mini-musique', 'mini-webwalker']) {
      const suite = generateMiniSuite(id, { train: 3, test: 1 });
      storeMiniSuite(lab, suite);
      const tools = new AppTools(lab, {
        pythonSandbox: SANDBOX_HOST,
        pythonProcesses: 1,
        corpus: { id, documents: readCorpus(lab, id) },
      });
      stops.push(() => tools.stop());
      for (const item of suite.train) {
        for (const [, tool, input, shown] of item.demonstration.matchAll(
          /<(search|python|browse)>([\s\S]*?)<\/\1> <result>\n([\s\S]*?)\n<\/result>/g,
        )) {
          const result = await tools.call(tool as 'search' | 'python' | 'browse', input!);
          expect(result.output.replace(/\n$/, ''), `${id} ${tool} ${input}`).toBe(shown);
        }
      }
    }
    expect(lab.services.benchmarks.itemCounts()).toEqual(
      expect.arrayContaining([
        { benchmark: 'mini-musique', split: 'train', items: 3 },
        { benchmark: 'mini-musique', split: 'test', items: 1 },
      ]),
    );
  });
});
