/**
 * Throughput of the math grader on MATH500-style answers: every gold answer of the real MATH500 test file against
 * itself, against itself in a sentence with inline math ("The answer is $…$."), and against a wrong answer (the gold
 * plus one). Run: `npm run bench:math-grader` (ROUNDS=5 to change). Prints comparisons per second overall and for
 * the plain-number fast path, and one JSON object on its last line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradeMath } from '../src-main/benchmarks/grading/math-grader';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const file = join(import.meta.dirname, '..', '..', 'shared', 'benchmarks', 'math500', 'test.jsonl');
const golds = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((line) => (JSON.parse(line) as { answer: string }).answer);
const pairs: [string, string][] = golds.flatMap((gold) => [
  [gold, gold],
  [`The answer is $${gold}$.`, gold],
  [`${gold}+1`, gold],
]);
const numeric = pairs.filter(([p, g]) => /^-?\d+(\.\d+)?$/.test(p) && /^-?\d+(\.\d+)?$/.test(g));

function rate(set: [string, string][]): { perSecond: number; correct: number } {
  let correct = 0;
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) for (const [p, g] of set) if (gradeMath(p, g).correct) correct++;
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: Math.round((set.length * ROUNDS) / seconds), correct: correct / ROUNDS };
}

rate(pairs); // warm up the JIT
const all = rate(pairs);
const fast = rate(numeric);
console.log(`${pairs.length} MATH500 pairs: ${all.perSecond} comparisons/s (${all.correct} judged equivalent)`);
console.log(`${numeric.length} plain-number pairs: ${fast.perSecond} comparisons/s`);
console.log(
  JSON.stringify({
    pairs: pairs.length,
    perSecond: all.perSecond,
    numericPerSecond: fast.perSecond,
    equivalent: all.correct,
  }),
);
