// Runs from elsewhere: a verl file-logger log and a Trackio database. Metric names are mapped to ours (unknown
// ones kept), the same file twice is a no-op, and a malformed file imports nothing and is named.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { openLab } from '../../../src-main/app/open-lab';
import { labMetricName, verlMetricName } from '../../../src-main/experiments/imports/verl-metrics';
import { tempDir } from '../../support/temp';

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

  it('imports a Trackio database: its runs with configs and metrics, once; a file that is not one is refused', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'aepo-project.db');
    const Database = (await import('better-sqlite3')).default;
    const trackio = new Database(file);
    trackio.exec(`
      CREATE TABLE metrics (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp TEXT NOT NULL, run_name TEXT NOT NULL,
        step INTEGER NOT NULL, metrics TEXT NOT NULL);
      CREATE TABLE configs (id INTEGER PRIMARY KEY AUTOINCREMENT, run_name TEXT NOT NULL, config TEXT NOT NULL,
        created_at TEXT NOT NULL, UNIQUE(run_name));`);
    const add = trackio.prepare('INSERT INTO metrics (timestamp, run_name, step, metrics) VALUES (?, ?, ?, ?)');
    add.run('2026-11-25T10:00:00', 'aepo-s1', 0, JSON.stringify({ 'critic/score/mean': 0.1, 'actor/entropy': 1.2 }));
    add.run('2026-11-25T10:01:00', 'aepo-s1', 1, JSON.stringify({ 'critic/score/mean': 0.3, note: 'x' }));
    add.run('2026-11-25T10:00:30', 'grpo-s1', 0, JSON.stringify({ 'critic/score/mean': 0.2 }));
    trackio
      .prepare('INSERT INTO configs (run_name, config, created_at) VALUES (?, ?, ?)')
      .run('aepo-s1', JSON.stringify({ algorithm: 'aepo', lr: 1e-6 }), '2026-11-25');
    trackio.close();

    const first = await cli(['--data-dir', dataDir, 'import', 'trackio', file, '--json']);
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out)).toEqual({
      runs: [
        { runId: 1, name: 'aepo-s1', steps: 2, unchanged: false },
        { runId: 2, name: 'grpo-s1', steps: 1, unchanged: false },
      ],
    });
    expect((await cli(['--data-dir', dataDir, 'import', 'trackio', file])).out).toMatch(
      /aepo-s1: imported before, as run 1; nothing changed\ngrpo-s1: imported before, as run 2/,
    );
    const notTrackio = join(dataDir, 'other.db');
    new Database(notTrackio).exec('CREATE TABLE metrics (x INTEGER)');
    const refused = await cli(['--data-dir', dataDir, 'import', 'trackio', notTrackio]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/is not a Trackio database: its metrics table has no "run_name" column/);

    const lab = openLab({ dataDir, mode: 'cli', logError: () => {} });
    try {
      const run = lab.services.runs.get(1);
      expect([run.algorithm, run.config.lr, run.status]).toEqual(['aepo', 1e-6, 'completed']);
      expect(lab.services.metrics.series(1, 'reward/mean').map((p) => [p.step, p.value, p.wallTimeMs])).toEqual([
        [0, 0.1, Date.parse('2026-11-25T10:00:00')],
        [1, 0.3, Date.parse('2026-11-25T10:01:00')],
      ]);
      expect(lab.services.runs.list()).toHaveLength(2);
    } finally {
      lab.close();
    }
  });
});
