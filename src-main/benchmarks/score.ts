/**
 * Scoring predictions against imported gold answers with the benchmark's metric. LLM-judged benchmarks fall back to
 * token F1 until a judge endpoint is configured, and the report says so.
 */
import { gradeMath } from './grading/math-grader';
import { LoadError } from './loaders';
import { exactMatch, tokenF1 } from './metrics';
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

/** One item's verdict, kept so a user can audit any number in a table. */
export interface ItemVerdict {
  index: number;
  /** What the model answered (null: no prediction for this item). */
  prediction: string | null;
  /** The final answer the grader read from it. */
  extracted: string | null;
  gold: string[];
  /** 0..1: 1 or 0 for math and the judge, token F1 otherwise. */
  score: number;
  verdict: 'correct' | 'partial' | 'wrong' | 'missing';
  /** Why, in words (the grader's reason, or the judge's reply). */
  reason: string;
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
  /** Every item of the split, in index order, with its verdict. */
  items: ItemVerdict[];
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

/** One prediction against an item's gold answers, by the benchmark's metric, with the reason. */
export function itemVerdict(info: BenchmarkInfo, index: number, prediction: string, answers: string[]): ItemVerdict {
  if (info.metric === 'math_equivalence') {
    const verdicts = answers.map((gold) => gradeMath(prediction, gold, info.grading));
    const hit = verdicts.find((v) => v.correct);
    const shown = hit ?? verdicts[0];
    return {
      index,
      prediction,
      extracted: shown?.extracted ?? null,
      gold: answers,
      score: hit ? 1 : 0,
      verdict: hit ? 'correct' : 'wrong',
      reason: shown?.reason ?? 'no gold answer',
    };
  }
  const f1 = tokenF1(prediction, answers);
  const em = exactMatch(prediction, answers);
  return {
    index,
    prediction,
    extracted: prediction.trim(),
    gold: answers,
    score: f1,
    verdict: f1 >= 1 ? 'correct' : f1 > 0 ? 'partial' : 'wrong',
    reason: `token F1 ${f1.toFixed(2)}, exact match ${em}`,
  };
}

export function itemScore(info: BenchmarkInfo, prediction: string, answers: string[]): number {
  return itemVerdict(info, 0, prediction, answers).score;
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

/** An item without a prediction: wrong, and said so. */
const missingVerdict = (item: GoldItem): ItemVerdict => ({
  index: item.index,
  prediction: null,
  extracted: null,
  gold: item.answers,
  score: 0,
  verdict: 'missing',
  reason: 'no prediction',
});

/** The verdicts of the predicted items → the percentage over all `items` (missing ones count as wrong). */
export function scoreReport(
  info: BenchmarkInfo,
  items: GoldItem[],
  verdicts: ItemVerdict[],
  metric: string,
): ScoreReport {
  const byIndex = new Map(verdicts.map((v) => [v.index, v]));
  const all = [...items]
    .sort((a, b) => a.index - b.index)
    .map((item) => byIndex.get(item.index) ?? missingVerdict(item));
  const total = all.reduce((sum, v) => sum + v.score, 0);
  return {
    benchmark: info.id,
    score: items.length === 0 ? 0 : Math.round((10000 * total) / items.length) / 100,
    n: items.length,
    metric,
    missing: all.filter((v) => v.verdict === 'missing').length,
    items: all,
  };
}

export function scorePredictions(info: BenchmarkInfo, items: GoldItem[], predictions: Prediction[]): ScoreReport {
  const verdicts = matchPredictions(items, predictions).map(({ item, prediction }) =>
    itemVerdict(info, item.index, prediction, item.answers),
  );
  return scoreReport(info, items, verdicts, metricLabel(info));
}

/** What the LLM judge said of one prediction. */
export interface JudgeVerdict {
  score: number;
  reason: string;
}

/** Like scorePredictions, but an LLM judge decides each item of an LLM-judged benchmark. */
export async function scoreWithJudge(
  info: BenchmarkInfo,
  items: (GoldItem & { question: string })[],
  predictions: Prediction[],
  judge: (question: string, answers: string[], prediction: string) => Promise<JudgeVerdict>,
  judgeName: string,
): Promise<ScoreReport> {
  if (info.metric !== 'llm_judge') return scorePredictions(info, items, predictions);
  const verdicts: ItemVerdict[] = [];
  for (const { item, prediction } of matchPredictions(items, predictions)) {
    const judged = await judge(item.question, item.answers, prediction);
    verdicts.push({
      index: item.index,
      prediction,
      extracted: prediction.trim(),
      gold: item.answers,
      score: judged.score,
      verdict: judged.score >= 1 ? 'correct' : 'wrong',
      reason: judged.reason,
    });
  }
  return scoreReport(info, items, verdicts, `llm_judge (${judgeName})`);
}
