import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../../src-main/cli/format';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/temp';

describe('aepo-lab CLI', () => {
  it('lists every command in --help and prints its version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'runs list', 'runs show ID']) expect(help.out).toContain(command);
    expect(help.out).toContain('--data-dir DIR');
    expect(await cli(['--version'])).toMatchObject({ code: 0, out: 'aepo-lab 0.1.0' });
  });

  it('exits 2 with one line for unknown commands and bad flags', async () => {
    const cases = [
      ['frobnicate'],
      ['runs'],
      ['runs', 'drop'],
      ['runs', 'list', '--frob'],
      ['runs', 'list', '--port', '3'],
      ['runs', 'show', 'abc'],
      ['runs', 'list', 'extra'],
    ];
    for (const argv of cases) {
      const result = await cli(['--data-dir', tempDir(), ...argv]);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err.split('\n'), argv.join(' ')).toHaveLength(1);
      expect(result.err).toMatch(/^aepo-lab: .* \(see aepo-lab --help\)$/);
    }
  });

  it('prints runs as JSON and as a table', async () => {
    const dir = tempDir();
    expect(JSON.parse((await cli(['--data-dir', dir, 'runs', 'list', '--json'])).out)).toEqual([]);
    expect((await cli(['--data-dir', dir, 'runs', 'list'])).out).toMatch(/^No runs yet/);

    const { openLab } = await import('../../../src-main/app/open-lab');
    const lab = openLab({ dataDir: dir, mode: 'cli' });
    lab.services.runs.create({ algorithm: 'aepo', benchmark: 'hotpotqa', seed: 2, config: { beta: 0.5 } });
    lab.close();

    expect((await cli(['--data-dir', dir, 'runs', 'list', '--status', 'running'])).out).toBe('No runs match.');
    const list = await cli(['--data-dir', dir, 'runs', 'list', '--json']);
    expect(JSON.parse(list.out)).toMatchObject([{ id: 1, algorithm: 'aepo', benchmark: 'hotpotqa', seed: 2 }]);
    const table = (await cli(['--data-dir', dir, 'runs', 'list'])).out.split('\n');
    expect(table[0]).toMatch(/^ID\s+ALGORITHM\s+BENCHMARK\s+SEED\s+STATUS\s+CREATED\s+DURATION$/);
    expect(table[2]).toMatch(/^1\s+aepo\s+hotpotqa\s+2\s+queued\s/);
    const show = await cli(['--data-dir', dir, 'runs', 'show', '1', '--json']);
    expect(JSON.parse(show.out)).toMatchObject({ id: 1, config: { beta: 0.5 } });
    expect((await cli(['--data-dir', dir, 'runs', 'show', '1'])).out).toMatch(/algorithm\s+aepo/);
  });

  it('exits 1 with the reason when a run does not exist', async () => {
    const result = await cli(['--data-dir', tempDir(), 'runs', 'show', '42']);
    expect(result).toMatchObject({ code: 1, err: 'aepo-lab: run 42 not found' });
  });

  it('takes the data folder from AEPO_LAB_HOME when --data-dir is absent', async () => {
    const dir = tempDir();
    const { openLab } = await import('../../../src-main/app/open-lab');
    const lab = openLab({ dataDir: dir, mode: 'cli' });
    lab.services.runs.create({ algorithm: 'grpo', benchmark: 'gsm8k', seed: 0 });
    lab.close();
    const result = await cli(['runs', 'list', '--json'], { AEPO_LAB_HOME: dir });
    expect(JSON.parse(result.out)).toHaveLength(1);
  });

  it('experiment start refuses bad ids as usage errors; pause and cancel reach the queued runs', async () => {
    const dir = tempDir();
    const bad = await cli(['--data-dir', dir, 'experiment', 'start', '--algos', 'aepo,nonsense']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/algorithms\.1: unknown algorithm "nonsense"/);
    expect((await cli(['--data-dir', dir, 'experiment', 'pause', '9'])).err).toMatch(/experiment 9 not found/);

    const { openLab } = await import('../../../src-main/app/open-lab');
    const { createPlannedExperiment, experimentPlanInput } = await import('../../../src-main/experiments/plan/plan');
    const lab = openLab({ dataDir: dir, mode: 'cli' });
    const plan = { name: 'e', preset: 'smoke', algorithms: ['grpo'], benchmarks: ['mini-gsm8k'], seeds: [1] };
    createPlannedExperiment(lab.services, experimentPlanInput.parse(plan));
    lab.close();

    expect((await cli(['--data-dir', dir, 'experiment', 'pause', '1'])).out).toBe('experiment 1: 2 run(s) pausing');
    const paused = JSON.parse((await cli(['--data-dir', dir, 'runs', 'list', '--json'])).out) as { status: string }[];
    expect(paused.map((r) => r.status)).toEqual(['paused', 'paused']);
    expect((await cli(['--data-dir', dir, 'experiment', 'cancel', '1'])).out).toBe('experiment 1: 2 run(s) cancelled');
    expect((await cli(['--data-dir', dir, 'experiment', 'cancel', '1'])).out).toBe('experiment 1 has no run to cancel');
  });

  it('names an experiment of many suites by their count, within the 200 characters a name may have', async () => {
    const dir = tempDir();
    const { MINI_SUITES } = await import('../../../src-main/benchmarks/mini/catalogue');
    const benches = Object.keys(MINI_SUITES).join(',');
    const made = await cli(['--data-dir', dir, 'experiment', 'create', '--algos', 'grpo', '--benches', benches]);
    expect(made.code, made.err).toBe(0);
    const { openLab } = await import('../../../src-main/app/open-lab');
    const lab = openLab({ dataDir: dir, mode: 'cli' });
    expect(lab.services.experiments.list()[0]!.name).toBe(
      `quick: grpo on ${Object.keys(MINI_SUITES).length} benchmarks`,
    );
    lab.close();
  });
});

describe('terminal safety', () => {
  it('strips escape sequences and control characters from foreign text, keeping line breaks and tabs', () => {
    const hostile = 'a\u001b]0;pwned\u0007b\u001b[2J\u001b[31mc\u001b[0m\td\r\ne\u0008f\u009b1mg\u001bPh';
    expect(terminalSafe(hostile)).toBe('ab' + 'c\td\nefg' + 'h');
    expect(terminalSafe('plain text\nwith lines')).toBe('plain text\nwith lines');
  });
});
