/**
 * Scoring and evaluating models from outside the app, wired here so every front end does it the same way: a
 * predictions file scored against the imported gold answers (with the LLM judge from Settings where asked), or a
 * model behind an OpenAI-compatible endpoint run as an agent with the real tools. Both results are stored as runs.
 */
import { readCorpus } from '../library/mini-suites';
import type { PythonCalls } from '../../tools/types';
import type { SuiteStore } from '../library/mini-suites';

/** The lab as evaluating an outside model uses it: its data, services and python pool. */
type Lab = SuiteStore & { python?: PythonCalls };
import { AppTools } from './app-tools';
import { evaluateEndpoint, type EvaluationOptions } from '../../benchmarks/evaluate';
import { judgeAnswer } from '../../benchmarks/judge';
import type { BenchmarkInfo } from '../../benchmarks/registry';
import { scorePredictions, scoreWithJudge, type Prediction } from '../../benchmarks/score';
import { recordOutsideResult } from '../results/outside-results';

function goldItems(lab: Lab, info: BenchmarkInfo, split: string) {
  const items = lab.services.benchmarks.items(info.id, split);
  if (items.length === 0)
    throw new Error(
      `no ${info.id} (${split}) items imported yet; run aepo-lab benchmarks import ${info.id} FILE first`,
    );
  return items;
}

/** Scores predictions over every item of the split (a missing one counts as wrong) and stores the score as a run. */
export async function scoreOutsidePredictions(
  lab: Lab,
  request: {
    info: BenchmarkInfo;
    split: string;
    predictions: Prediction[];
    /** Where the predictions came from (kept with the run, and its row label). */
    file: string;
    label: string;
    useJudge: boolean;
    experimentId: number | null;
  },
) {
  const { info, predictions } = request;
  const items = goldItems(lab, info, request.split);
  let report;
  if (request.useJudge) {
    const settings = lab.services.settings;
    const judge = settings.get().judge;
    if (!judge) throw new Error('--judge needs a judge endpoint in Settings (judge: {baseUrl, model})');
    const endpoint = { ...judge, apiKey: settings.secret('judgeApiKey') };
    const ask = (q: string, answers: string[], p: string) => judgeAnswer(endpoint, q, answers, p);
    report = await scoreWithJudge(info, items, predictions, ask, judge.model);
  } else report = scorePredictions(info, items, predictions);
  const runId = recordOutsideResult(lab.services, {
    experimentId: request.experimentId,
    label: `predictions:${request.label}`,
    benchmark: info.id,
    value: report.score,
    n: report.n,
    source: { predictions: request.file },
    items: report.items,
  });
  return { ...report, runId };
}

/** Runs an outside model as an agent on the split's items with the real tools, and stores its score as a run. */
export async function evaluateOutsideModel(
  lab: Lab,
  request: {
    info: BenchmarkInfo;
    split: string;
    limit: number;
    endpoint: { baseUrl: string; model: string; apiKey?: string };
    pythonSandbox: string;
    experimentId: number | null;
    options: EvaluationOptions;
  },
) {
  const { info, endpoint } = request;
  const items = goldItems(lab, info, request.split).slice(0, request.limit);
  // A mini suite's questions are answered from its own encyclopedia.
  const corpus = info.id.startsWith('mini-') ? { id: info.id, documents: readCorpus(lab, info.id) } : undefined;
  // The lab's one python pool (the app, serve and a CLI job all open a lab with worker threads).
  const tools = new AppTools(lab, { pythonSandbox: request.pythonSandbox, corpus, python: lab.python });
  try {
    const result = await evaluateEndpoint(endpoint, info, items, tools, request.options);
    const runId = recordOutsideResult(lab.services, {
      experimentId: request.experimentId,
      label: `outside:${endpoint.model}`,
      benchmark: info.id,
      value: result.score,
      n: result.n,
      source: { endpoint: endpoint.baseUrl, model: endpoint.model },
      items: result.items,
    });
    return { ...result, runId };
  } finally {
    await tools.stop();
  }
}
