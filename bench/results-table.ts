/**
 * How long a results table takes to compute (intervals, paired comparisons, the bold rule's tests, IQM and profile):
 * 9 rows × BENCHMARKS benchmarks × SEEDS seeds × ITEMS items × SAMPLES samples of random 0/1 scores, the default 2,000
 * resamples. `npm run bench:results-table -- [ITEMS] [SAMPLES] [SEEDS] [BENCHMARKS]`; defaults are `quick`'s sizes
 * (20 × 5 × 2 × 3); `paper`'s are 100 5 3 14. Prints one JSON object.
 */
import { MINI_SUITES } from '../src-main/benchmarks/mini/catalogue';
import { Rng } from '../src-main/model/rng';
import { resultsTable } from '../src-main/experiments/results/results-table';
import type { EvaluationRow, ItemScore } from '../src-main/store/evaluations-repo';

const [items = 20, samples = 5, seeds = 2, benchmarkCount = 3] = process.argv.slice(2).map(Number);
const ROWS = ['base', 'grpo', 'dapo', 'reinforce++', 'gppo', 'cispo', 'gigpo', 'arpo', 'aepo'];
const BENCHMARKS = Object.keys(MINI_SUITES); // `paper`'s 14, `quick`'s 3 first
const rng = new Rng(1);
const evaluations: EvaluationRow[] = [];
const scores: ItemScore[] = [];
let runId = 0;
for (const algorithm of ROWS)
  for (let seed = 1; seed <= seeds; seed++)
    for (const benchmark of BENCHMARKS.slice(0, benchmarkCount)) {
      runId++;
      let sum = 0;
      for (let index = 0; index < items; index++) {
        const p = (index % 10) / 10; // items of every difficulty
        for (let sample = 0; sample < samples; sample++) {
          const score = rng.next() < p ? 1 : 0;
          sum += score;
          scores.push({ runId, step: 1, benchmark, index, sample, score });
        }
      }
      const value = (100 * sum) / (items * samples);
      evaluations.push({
        runId,
        step: 1,
        benchmark,
        metric: 'pass',
        k: 1,
        value,
        n: items,
        algorithm,
        runBenchmark: benchmark,
        seed,
        runName: '',
      });
    }
const started = performance.now();
const table = resultsTable(evaluations, 'pass@1', scores);
const ms = performance.now() - started;
console.log(
  JSON.stringify({
    rows: ROWS.length,
    benchmarks: benchmarkCount,
    seeds,
    items,
    samples,
    comparisons: table.comparisons,
    ms: Math.round(ms),
  }),
);
