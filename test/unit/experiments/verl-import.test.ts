// A verl run from its file logger: metric names mapped to ours (unknown ones kept), the same file twice a no-op,
// a malformed line importing nothing and named.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli/main';
import { openLab } from '../../../src-main/app/open-lab';
import { labMetricName, verlMetricName } from '../../../src-main/experiments/imports/verl-metrics';
import { tempDir } from '../../support/temp';

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: {},
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    rendererDir: '',
    benchDir: '',
    workerDir: '',
    stopSignal: Promise.resolve(),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const line = (step: number, data: Record<string, unknown>) => JSON.stringify({ step, data });

describe('import verl', () => {
  it('maps verl metric names both ways and keeps unknown ones', () => {
    expect(labMetricName('actor/pg_clipfrac')).toBe('actor/pg_clipfrac_upper');
    expect(verlMetricName('actor/pg_clipfrac_upper')).toBe('actor/pg_clipfrac');
    expect(labMetricName('val-core/hotpotqa/acc/mean@1')).toBe('val-core/hotpotqa/acc/mean@1');
  });

  it('imports every metric row once; a second import changes nothing; a bad line imports nothing', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'aepo_qwen3.jsonl');
    writeFileSync(
      file,
      [
        line(1, { 'critic/score/mean': 0.25, 'actor/pg_clipfrac': 0.01, 'val-core/x/mean@1': 0.3, note: 'text' }),
        line(2, { 'critic/score/mean': 0.5, 'actor/pg_clipfrac': 0.02 }),
        '',
      ].join('\n'),
    );
    const first = await cli(['--data-dir', dataDir, 'import', 'verl', file, '--algorithm', 'aepo', '--json']);
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out)).toEqual({ runId: 1, steps: 2, points: 5, unchanged: false });
    const again = await cli(['--data-dir', dataDir, 'import', 'verl', file]);
    expect(again.out).toMatch(/was imported before, as run 1: nothing changed/);

    const bad = join(dataDir, 'bad.jsonl');
    writeFileSync(bad, `${line(1, { a: 1 })}\n{"step": "two", "data": {}}\n`);
    const refused = await cli(['--data-dir', dataDir, 'import', 'verl', bad]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/bad\.jsonl line 2: "step" must be a whole number from 0; nothing was imported/);

    const lab = openLab({ dataDir, mode: 'cli', logError: () => {} });
    try {
      expect(lab.services.runs.list().map((r) => [r.id, r.algorithm, r.status])).toEqual([[1, 'aepo', 'completed']]);
      expect(lab.services.metrics.series(1, 'reward/mean').map((p) => [p.step, p.value])).toEqual([
        [1, 0.25],
        [2, 0.5],
      ]);
      expect(lab.services.metrics.series(1, 'actor/pg_clipfrac_upper')).toHaveLength(2);
      expect(lab.services.metrics.series(1, 'val-core/x/mean@1')).toHaveLength(1);
    } finally {
      lab.close();
    }
  });
});
