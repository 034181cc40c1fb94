/**
 * What an experiment's runs recorded, per algorithm: the paper's diagnostics (entropy, entropy after tool results,
 * branches per question, branch concentration, consecutive branching) averaged over every step of every run, and
 * where one RL step's time went (rollout = sampling + tools, tools alone, update; seconds). Run after an experiment:
 * `npm run bench:experiment-report -- DATA_DIR EXPERIMENT_ID`. Prints a Markdown table, then one JSON object.
 */
import { join } from 'node:path';
import { openLab } from '../src-main/app/open-lab';
import { migrationsFromFolder } from '../src-main/store/migrations';

const [dataDir, idText] = process.argv.slice(2);
if (!dataDir || !idText) {
  console.error('usage: npm run bench:experiment-report -- DATA_DIR EXPERIMENT_ID');
  process.exit(2);
}
const KEYS = [
  'actor/entropy',
  'actor/entropy_after_tool',
  'rollout/branches_per_question',
  'rollout/branch_concentration',
  'rollout/consecutive_branch_share_per_path',
  'tool_calls/mean',
  'timing_s/rollout',
  'timing_s/tools',
  'timing_s/update',
  'timing_s/step',
] as const;

const lab = openLab({
  dataDir,
  mode: 'cli',
  migrations: migrationsFromFolder(join(import.meta.dirname, '../migrations')),
});
try {
  const runs = lab.services.runs.list({ experimentId: Number(idText) }).filter((r) => r.algorithm !== 'base');
  const byAlgorithm = new Map<string, Map<string, number[]>>();
  for (const run of runs) {
    const values = byAlgorithm.get(run.algorithm) ?? new Map<string, number[]>();
    byAlgorithm.set(run.algorithm, values);
    for (const key of KEYS) {
      const points = lab.services.metrics.series(run.id, key).flatMap((p) => (p.value === null ? [] : [p.value]));
      values.set(key, [...(values.get(key) ?? []), ...points]);
    }
  }
  const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const report = Object.fromEntries(
    [...byAlgorithm].map(([algorithm, values]) => [
      algorithm,
      Object.fromEntries(KEYS.map((key) => [key, Number(mean(values.get(key) ?? []).toFixed(3))])),
    ]),
  );
  console.log(`| algorithm | ${KEYS.join(' | ')} |`);
  console.log(`| --- | ${KEYS.map(() => '---:').join(' | ')} |`);
  for (const [algorithm, row] of Object.entries(report))
    console.log(`| ${algorithm} | ${KEYS.map((key) => row[key]).join(' | ')} |`);
  console.log(JSON.stringify(report));
} finally {
  lab.close();
}
