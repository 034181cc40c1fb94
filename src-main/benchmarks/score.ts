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
  /** Percentage, 0–100, over all n items: an item without a prediction counts as wrong. */
  score: number;
  /** Items scored against (all of the split, or those an evaluation ran). */
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
    return [
      {
        index: typeof row.index === 'number' ? row.index : undefined,
        id: row.id as string | number | undefined,
        prediction: row.prediction,
      },
    ];
  });
}

export function itemScore(info: BenchmarkInfo, prediction: string, answers: string[]): number {
  if (info.metric === 'math_equivalence') return answers.some((gold) => mathEquivalent(prediction, gold)) ? 1 : 0;
  return tokenF1(prediction, answers);
}

/** Pairs each prediction with its gold item (by index, or by the item's own id); an unknown one names its line. */
function matchPredictions<T extends GoldItem>(
  items: T[],
  predictions: Prediction[],
): { item: T; prediction: string }[] {
  const byIndex = new Map(items.map((item) => [item.index, item]));
  const byId = new Map(items.map((item) => [String(item.meta.id ?? item.meta.task_id ?? ''), item]));
  const lineOf = new Map<number, number>();
  return predictions.map((p, i) => {
    const field = p.index !== undefined ? 'index' : 'id';
    const item = p.index !== undefined ? byIndex.get(p.index) : byId.get(String(p.id));
    if (!item) throw new LoadError(i + 1, field, `no imported item ${p.index ?? p.id}`);
    const earlier = lineOf.get(item.index);
    if (earlier !== undefined)
      throw new LoadError(i + 1, field, `item ${p.index ?? p.id} is predicted twice, on lines ${earlier} and ${i + 1}`);
    lineOf.set(item.index, i + 1);
    return { item, prediction: p.prediction };
  });
}

/** The metric as reports name it: LLM-judged benchmarks say when they fell back to F1. */
export function metricLabel(info: BenchmarkInfo): string {
  return info.metric === 'llm_judge' ? 'f1 (no LLM judge configured)' : info.metric;
}

/** Per-item scores (0..1) of the items in `scored` → the percentage over all `itemCount` items (missing = wrong). */
export function scoreReport(
  info: BenchmarkInfo,
  itemCount: number,
  scores: number[],
  scored: { item: GoldItem }[],
  metric: string,
): ScoreReport {
  const total = scores.reduce((a, b) => a + b, 0);
  return {
    benchmark: info.id,
    score: itemCount === 0 ? 0 : Math.round((10000 * total) / itemCount) / 100,
    n: itemCount,
    metric,
    missing: itemCount - new Set(scored.map((m) => m.item.index)).size,
  };
}

export function scorePredictions(info: BenchmarkInfo, items: GoldItem[], predictions: Prediction[]): ScoreReport {
  const matched = matchPredictions(items, predictions);
  const scores = matched.map(({ item, prediction }) => itemScore(info, prediction, item.answers));
  return scoreReport(info, items.length, scores, matched, metricLabel(info));
}

/** Like scorePredictions, but an LLM judge decides each item of an LLM-judged benchmark. */
export async function scoreWithJudge(
  info: BenchmarkInfo,
  items: (GoldItem & { question: string })[],
  predictions: Prediction[],
  judge: (question: string, answers: string[], prediction: string) => Promise<number>,
  judgeName: string,
): Promise<ScoreReport> {
  if (info.metric !== 'llm_judge') return scorePredictions(info, items, predictions);
  const matched = matchPredictions(items, predictions);
  const scores: number[] = [];
  for (const { item, prediction } of matched) scores.push(await judge(item.question, item.answers, prediction));
  return scoreReport(info, items.length, scores, matched, `llm_judge (${judgeName})`);
}
