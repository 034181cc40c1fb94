// The paper-claims study end to end at smoke size, through the built command: a study of all ten algorithms on two
// seeds (the smoke preset's cached base checkpoint, so no cold start), then its report with every section and figure.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aepoLabBuilt } from '../support/processes';
import { withSmokeBase } from '../support/shared-smoke';
import { tempDir } from '../support/temp';

const ALL_TEN = 'grpo,dapo,reinforce_pp,gppo,cispo,gigpo,arpo,aepo,aepo_rollout_only,aepo_update_only';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('aepo-lab study (built)', () => {
  it('--dry-run prints the plan, its estimate and its minimum detectable difference, and runs nothing', async () => {
    const dataDir = tempDir();
    const dry = await aepoLabBuilt(['--data-dir', dataDir, 'study', 'paper-claims', '--dry-run', '--budget', '90']);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toMatch(/algorithms \(10\): grpo, .*aepo_rollout_only, aepo_update_only/);
    expect(dry.out).toMatch(/seeds: 1, 2, 3, each with its own cold start/);
    expect(dry.out).toMatch(/\d+ runs, about \d+ min here/);
    expect(dry.out).toMatch(/minimum detectable paired difference .*\n\s+mini-webwalker: \d+\.\d points/);
    const json = await aepoLabBuilt(['--data-dir', dataDir, 'study', 'paper-claims', '--dry-run', '--json']);
    const plan = JSON.parse(json.out) as { budgetMinutes: number; estimate: { seconds: number } };
    expect(plan.budgetMinutes).toBe(90);
    expect(plan.estimate.seconds / 60).toBeLessThanOrEqual(90);
    const listed = await aepoLabBuilt(['--data-dir', dataDir, 'runs', 'list', '--json']);
    expect(JSON.parse(listed.out)).toEqual([]);
    const bad = await aepoLabBuilt(['--data-dir', dataDir, 'study', 'paper-claims', '--budget', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--budget takes minutes/);
  });

  it(
    'a smoke-sized study runs and its report has every section, with SVG and PNG figures',
    { timeout: 500_000 },
    async () => {
      const dataDir = await withSmokeBase();
      const run = await aepoLabBuilt([
        '--data-dir',
        dataDir,
        'experiment',
        'start',
        '--preset',
        'smoke',
        '--algos',
        ALL_TEN,
        '--seeds',
        '1,2',
        '--study',
        'paper-claims',
        '--json',
      ]);
      expect(run.code, run.err).toBe(0);
      expect(run.err).toMatch(/base checkpoint reused/);
      const id = (JSON.parse(run.out.trim().split('\n').at(-1)!) as { experiment: number }).experiment;

      const folder = tempDir();
      const written = await aepoLabBuilt(['--data-dir', dataDir, 'study', 'report', String(id), '--out', folder]);
      expect(written.code, written.err).toBe(0);
      const report = readFileSync(join(folder, 'README.md'), 'utf8');
      for (const section of [
        '| 1. Branch concentration |',
        '| 2. Entropy stability |',
        '| 3. Accuracy |',
        '| 4. Diversity |',
        '## Setup',
        '## 1. Branch concentration',
        '## 2. Entropy stability',
        '## 3. Accuracy',
        '### Results table, Pass@1',
        '### Results table, Pass@5',
        '## 4. Diversity',
        '## Method',
      ])
        expect(report, section).toContain(section);
      // Every claim has one of the three verdicts; every algorithm is in the tables; the settings footnote is there.
      expect(report.match(/\| \*\*(reproduced|not reproduced|inconclusive)\*\* \|/g)).toHaveLength(4);
      for (const algorithm of ALL_TEN.split(',')) expect(report).toContain(`| ${algorithm} |`);
      expect(report).toMatch(/Settings: |Settings that differ/);
      expect(report).toMatch(/Runs\*\*: 22 of 22 finished/);
      for (const name of [
        'branch-concentration',
        'consecutive-branch',
        'entropy',
        'learning-curves',
        'results',
        'profile',
      ]) {
        expect(report).toContain(`](figures/${name}.svg)`);
        expect(readFileSync(join(folder, 'figures', `${name}.svg`), 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
        expect(readFileSync(join(folder, 'figures', `${name}.png`)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
      }

      // The export command writes the same report.
      const exported = tempDir();
      const viaExport = await aepoLabBuilt(['--data-dir', dataDir, 'export', String(id), '--report', exported]);
      expect(viaExport.code, viaExport.err).toBe(0);
      expect(readFileSync(join(exported, 'README.md'), 'utf8')).toBe(report);
      expect(existsSync(join(exported, 'figures', 'entropy.png'))).toBe(true);

      // An experiment that is not a study says so.
      const created = await aepoLabBuilt([
        '--data-dir',
        dataDir,
        'experiment',
        'create',
        '--preset',
        'smoke',
        '--json',
      ]);
      const plainId = (JSON.parse(created.out) as { experiment: number }).experiment;
      const plain = await aepoLabBuilt(['--data-dir', dataDir, 'study', 'report', String(plainId)]);
      expect(plain.code).toBe(1);
      expect(plain.err).toMatch(/is not a study/);
    },
  );
});
