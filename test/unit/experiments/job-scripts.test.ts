// The Python a cluster job runs, run here with a real python3: the relay copies what verl's file logger writes into
// the job log behind the marker (and passes the exit code on), and the reward scores as rl/rewards.ts does.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS_MARKER, RELAY_PY, REWARD_PY } from '../../../src-main/experiments/remote/job-scripts';
import { hierarchicalReward } from '../../../src-main/rl/rewards';
import { tempDir } from '../../support/temp';

function workingDir(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'aepo_lab'));
  writeFileSync(join(dir, 'aepo_lab', 'relay.py'), RELAY_PY);
  writeFileSync(join(dir, 'aepo_lab', 'reward.py'), REWARD_PY);
  return dir;
}

// Stands in for verl: writes two records through VERL_FILE_LOGGER_PATH, as verl's file logger does, then exits 3.
const FAKE_VERL = [
  'import json, os, time',
  'path = os.environ["VERL_FILE_LOGGER_PATH"]',
  'for step in (1, 2):',
  '    with open(path, "a") as f: f.write(json.dumps({"step": step, "data": {"critic/score/mean": step / 4}}) + "\\n")',
  '    print("step", step, "done", flush=True); time.sleep(0.2)',
  'raise SystemExit(3)',
].join('\n');

describe('the cluster job scripts', () => {
  it("relay verl's file-logger records into the job log and pass verl's exit code on", () => {
    const dir = workingDir();
    const run = spawnSync('python3', ['aepo_lab/relay.py', '--skip-data', '--', 'python3', '-c', FAKE_VERL], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(3);
    const records = run.stdout
      .split('\n')
      .filter((l) => l.startsWith(METRICS_MARKER))
      .map((l) => JSON.parse(l.slice(METRICS_MARKER.length)) as unknown);
    expect(records).toEqual([
      { step: 1, data: { 'critic/score/mean': 0.25 } },
      { step: 2, data: { 'critic/score/mean': 0.5 } },
    ]);
    expect(run.stdout).toContain('step 2 done');
  });

  it('score as the local reward does', () => {
    const dir = workingDir();
    const cases: [string, string[]][] = [
      ['<think>x</think><answer>\\boxed{Paris}</answer>', ['Paris']],
      ['<think>x</think><answer>\\boxed{the Paris city}</answer>', ['Paris']],
      [
        '<think>a</think><search>q</search><result>r</result><python>1+1</python><result>2</result><answer>\\boxed{2}</answer>',
        ['2'],
      ],
      ['<think>a</think><search>q</search><answer>\\boxed{2}</answer>', ['2']],
      ['<answer>\\boxed{2}</answer>', ['2']],
      ['<think>a</think><answer>\\boxed{\\frac{1}{2}}</answer>', ['\\frac{1}{2}']],
      ['<think>a</think><answer>no</answer>', ['no']],
      ['<think>a</think><answer>\\boxed{yes}</answer>', ['no']],
    ];
    const script = [
      'import json, sys',
      'sys.path.insert(0, "aepo_lab")',
      'from reward import compute_score',
      'cases = json.loads(sys.stdin.read())',
      'print(json.dumps([compute_score("mini-gsm8k", r, json.dumps(g)) for r, g in cases]))',
    ].join('\n');
    const scores = JSON.parse(
      execFileSync('python3', ['-c', script], { cwd: dir, input: JSON.stringify(cases), encoding: 'utf8' }),
    ) as { score: number; acc: number }[];
    const local = cases.map(([response, golds]) => hierarchicalReward(response, golds));
    expect(scores.map((s) => Math.round(s.score * 1e9))).toEqual(local.map((s) => Math.round(s.reward * 1e9)));
    expect(scores.map((s) => s.acc)).toEqual(local.map((s) => (s.f1 === 1 ? 1 : 0)));
    expect(new Set(local.map((s) => s.reward)).size).toBeGreaterThan(3); // the cases reach different branches of the reward
  });
});
