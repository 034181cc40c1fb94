/**
 * Scoring predictions against imported gold answers with the benchmark's metric. LLM-judged benchmarks fall back to
 * token F1 until a judge endpoint is configured, and the report says so.
 */
import { LoadError } from './loaders';
import { mathEquivalent, tokenF1 } from './metrics';
import type { BenchmarkInfo } from './registry';

export interface Prediction {
  /** Item index in the imported file, or the item's own id (meta.id / task_id). */
  index?: number;
  id?: string | number;
  prediction: string;
}

export interface GoldItem {
  index: number;
  answers: string[];
  meta: Record<string, unknown>;
}

export interface ScoreReport {
  benchmark: string;
  /** Percentage, 0–100. */
  score: number;
  n: number;
  metric: string;
  /** Gold items with no prediction. */
  missing: number;
}

export function parsePredictions(content: string): Prediction[] {
  return content.split(/\r?\n/).flatMap((line, i) => {
    if (line.trim() === '') return [];
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new LoadError(i + 1, '(line)', `not JSON: ${(error as Error).message}`);
    }
    if (typeof row.prediction !== 'string') throw new LoadError(i + 1, 'prediction', 'must be a string');
    if (typeof row.index !== 'number' && typeof row.id !== 'string' && typeof row.id !== 'number') {
      throw new LoadError(i + 1, 'index', 'needs an "index" (number) or an "id"');
    }
    return [{ index: typeof row.index === 'number' ? row.index : undefined, id: row.id as string | number | undefined, prediction: row.prediction }];
  });
}

export function itemScore(info: BenchmarkInfo, prediction: string, answers: string[]): number {
  if (info.metric === 'math_equivalence') return answers.some((gold) => mathEquivalent(prediction, gold)) ? 1 : 0;
  return tokenF1(prediction, answers);
}

export function scorePredictions(info: BenchmarkInfo, items: GoldItem[], predictions: Prediction[]): ScoreReport {
  const byIndex = new Map(items.map((item) => [item.index, item]));
  const byId = new Map(items.map((item) => [String(item.meta.id ?? item.meta.task_id ?? ''), item]));
  const seen = new Set<number>();
  let total = 0;
  predictions.forEach((p, i) => {
    const item = p.index !== undefined ? byIndex.get(p.index) : byId.get(String(p.id));
    if (!item) throw new LoadError(i + 1, p.index !== undefined ? 'index' : 'id', `no imported item ${p.index ?? p.id}`);
    seen.add(item.index);
    total += itemScore(info, p.prediction, item.answers);
  });
  const metric = info.metric === 'llm_judge' ? 'f1 (no LLM judge configured)' : info.metric;
  return {
    benchmark: info.id,
    score: predictions.length === 0 ? 0 : Math.round((10000 * total) / predictions.length) / 100,
    n: predictions.length,
    metric,
    missing: items.length - seen.size,
  };
}

/** Like scorePredictions, but an LLM judge decides each item of an LLM-judged benchmark. */
export async function scoreWithJudge(
  info: BenchmarkInfo,
  items: (GoldItem & { question: string })[],
  predictions: Prediction[],
  judge: (question: string, answers: string[], prediction: string) => Promise<number>,
  judgeName: string,
): Promise<ScoreReport> {
  const base = scorePredictions(info, items, predictions); // validates every prediction first
  if (info.metric !== 'llm_judge') return base;
  const byIndex = new Map(items.map((item) => [item.index, item]));
  const byId = new Map(items.map((item) => [String(item.meta.id ?? item.meta.task_id ?? ''), item]));
  let total = 0;
  for (const p of predictions) {
    const item = (p.index !== undefined ? byIndex.get(p.index) : byId.get(String(p.id)))!;
    total += await judge(item.question, item.answers, p.prediction);
  }
  return { ...base, score: predictions.length === 0 ? 0 : Math.round((10000 * total) / predictions.length) / 100, metric: `llm_judge (${judgeName})` };
}
