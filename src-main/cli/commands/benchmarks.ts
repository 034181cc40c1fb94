import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LoadError, loadBenchmarkFile } from '../../benchmarks/loaders';
import { MINI_SUITES } from '../../benchmarks/mini/suites';
import { generateSuite } from '../../experiments/library/benchmark-library';
import { BENCHMARKS } from '../../benchmarks/registry';
import { benchmarkInfo } from '../../benchmarks/mini/catalogue';
import { parsePredictions } from '../../benchmarks/score';
import { evaluateOutsideModel, scoreOutsidePredictions } from '../../experiments/execution/outside-models';
import { jsonOption, UsageError, type Command, type CommandContext, type OptionSpec } from '../command';
import { formatTable } from '../format';

const splitOption = {
  split: { type: 'string' as const, label: '--split S', description: 'which split (default test)' },
};

function readInput(path: string | undefined, what: string): string {
  if (!path) throw new UsageError(`${what} needs a file`);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

const experimentOption: Record<string, OptionSpec> = {
  experiment: { type: 'string', label: '--experiment ID', description: "store the result in this experiment's table" },
};

/** The --experiment option as an id (null: the result is a run of its own). */
function experimentOf(context: CommandContext): number | null {
  const value = context.options.experiment;
  if (value === undefined) return null;
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0)
    throw new UsageError(`--experiment takes an experiment ID, not "${String(value)}"`);
  return id;
}

function knownBenchmark(id: string | undefined) {
  if (!id) throw new UsageError('needs a benchmark id');
  try {
    return benchmarkInfo(id);
  } catch (error) {
    // A wrong id is a data error (exit 1), not a mistyped command line.
    throw new Error((error as Error).message);
  }
}

/** A bad line in a user's file: named by file, line and field; exit 1 (a data error), nothing written. */
function badFile(context: CommandContext, file: string, error: LoadError): number {
  const message = `${basename(file)}: ${error.message}`;
  if (context.options.json)
    context.io.out(JSON.stringify({ error: { file, line: error.line, field: error.field, message: error.message } }));
  else context.io.err(`aepo-lab: ${message}; nothing was imported`);
  return 1;
}

export const benchmarksImport: Command = {
  path: ['benchmarks', 'import'],
  args: ['ID', 'FILE'],
  summary: "import a benchmark file in the authors' format (all lines checked; any bad line imports nothing)",
  options: { ...jsonOption, ...splitOption },
  async run(context) {
    const [id, file] = context.args;
    const info = knownBenchmark(id);
    const content = readInput(file, 'benchmarks import');
    let items;
    try {
      items = loadBenchmarkFile(content, info.format);
    } catch (error) {
      if (error instanceof LoadError) return badFile(context, file!, error);
      throw error;
    }
    const split = String(context.options.split ?? 'test');
    const counts = context.lab().services.benchmarks.importItems(info.id, split, basename(file!), items);
    const report = { benchmark: info.id, split, imported: items.length, ...counts };
    context.io.out(
      context.options.json
        ? JSON.stringify(report)
        : `${info.name} (${split}): ${items.length} items; ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.removed} removed`,
    );
    return 0;
  },
};

export const benchmarksList: Command = {
  path: ['benchmarks', 'list'],
  summary: 'the benchmark registry with imported item counts',
  options: jsonOption,
  async run(context) {
    const counts = context.lab().services.benchmarks.itemCounts();
    const rows = BENCHMARKS.map((b) => ({
      ...b,
      items: Object.fromEntries(counts.filter((c) => c.benchmark === b.id).map((c) => [c.split, c.items])),
    }));
    if (context.options.json) context.io.out(JSON.stringify(rows, null, 2));
    else {
      context.io.out(
        formatTable(
          ['ID', 'NAME', 'DOMAIN', 'METRIC', 'TOOLS', 'ITEMS'],
          rows.map((r) => [
            r.id,
            r.name,
            r.domain,
            r.metric,
            r.tools.join(','),
            Object.entries(r.items)
              .map(([s, n]) => `${s} ${n}`)
              .join(', ') || '—',
          ]),
        ),
      );
    }
    return 0;
  },
};

export const score: Command = {
  path: ['score'],
  args: ['ID'],
  summary: 'score a JSONL of {"index": i, "prediction": "..."} (or "id") against the imported gold answers',
  options: {
    ...jsonOption,
    ...splitOption,
    predictions: { type: 'string', label: '--predictions FILE', description: 'the predictions to score' },
    judge: {
      type: 'boolean',
      label: '--judge',
      description: 'let the LLM judge from Settings score LLM-judged benchmarks',
    },
    ...experimentOption,
  },
  async run(context) {
    const info = knownBenchmark(context.args[0]);
    const file = context.options.predictions as string | undefined;
    const content = readInput(file, 'score --predictions');
    let report;
    try {
      report = await scoreOutsidePredictions(context.lab(), {
        info,
        split: String(context.options.split ?? 'test'),
        predictions: parsePredictions(content),
        file: file!,
        label: basename(file!),
        useJudge: context.options.judge === true,
        experimentId: experimentOf(context),
      });
    } catch (error) {
      if (error instanceof LoadError) return badFile(context, file!, error);
      throw error;
    }
    context.io.out(
      context.options.json
        ? JSON.stringify(report)
        : `${info.name}: ${report.score} % (${report.metric}) over all ${report.n} items; ${report.missing} had no prediction and count as wrong (stored as run ${report.runId})`,
    );
    return 0;
  },
};

export const benchmarksGenerate: Command = {
  path: ['benchmarks', 'generate'],
  args: ['SUITE'],
  summary: `generate a mini suite (${Object.keys(MINI_SUITES).slice(0, 3).join(', ')}, ...): train/test items with demonstrations, its corpus and sites`,
  options: {
    ...jsonOption,
    seed: { type: 'string', label: '--seed N', description: 'generator seed (default 0)' },
    train: { type: 'string', label: '--train N', description: 'training items (default 200)' },
    test: { type: 'string', label: '--test N', description: 'test items (default 50)' },
  },
  async run(context) {
    const [id] = context.args;
    if (!id || !(id in MINI_SUITES))
      throw new UsageError(`generate takes one of ${Object.keys(MINI_SUITES).join(', ')}`);
    const number = (name: string, fallback: number) => {
      const value = Number(context.options[name] ?? fallback);
      if (!Number.isInteger(value) || value < 0)
        throw new UsageError(`--${name} takes a whole number, not "${String(context.options[name])}"`);
      return value;
    };
    const report = generateSuite(context.lab(), {
      suite: id,
      seed: number('seed', 0),
      train: number('train', 200),
      test: number('test', 50),
    });
    context.io.out(
      context.options.json
        ? JSON.stringify(report)
        : `${id}: ${report.train} train and ${report.test} test items, ${report.documents} documents, ${report.pages} pages`,
    );
    return 0;
  },
};

export const evaluate: Command = {
  path: ['evaluate'],
  args: ['ID'],
  summary: 'evaluate a model behind an OpenAI-compatible chat endpoint on imported items, with the real tools',
  options: {
    ...jsonOption,
    ...splitOption,
    endpoint: {
      type: 'string',
      label: '--endpoint URL',
      description: 'base URL up to /v1, e.g. http://127.0.0.1:8000/v1',
    },
    model: { type: 'string', label: '--model M', description: 'model name to send (default "default")' },
    'api-key': { type: 'string', label: '--api-key K', description: 'bearer key for the endpoint' },
    limit: { type: 'string', label: '--limit N', description: 'only the first N items' },
    'no-system-prompt': {
      type: 'boolean',
      label: '--no-system-prompt',
      description: 'send no system message (for a policy trained without one)',
    },
    ...experimentOption,
  },
  async run(context) {
    const info = knownBenchmark(context.args[0]);
    const baseUrl = context.options.endpoint;
    if (typeof baseUrl !== 'string' || !/^https?:\/\//.test(baseUrl))
      throw new UsageError('evaluate needs --endpoint http(s)://host:port/v1');
    const model = String(context.options.model ?? 'default');
    const result = await evaluateOutsideModel(context.lab(), {
      info,
      split: String(context.options.split ?? 'test'),
      limit: context.options.limit === undefined ? Infinity : Number(context.options.limit),
      endpoint: { baseUrl, model, apiKey: context.options['api-key'] as string | undefined },
      pythonSandbox: join(context.workerDir, 'python-sandbox.js'),
      experimentId: experimentOf(context),
      options: {
        onItem: (done, total) => context.io.err(`evaluated ${done}/${total}`),
        systemPrompt: context.options['no-system-prompt'] ? null : undefined,
      },
    });
    context.io.out(
      context.options.json
        ? JSON.stringify({ ...result, transcripts: undefined })
        : `${info.id}: ${result.score} % (${result.metric}) over ${result.n} items, ${result.toolCalls} tool calls (stored as run ${result.runId})`,
    );
    return 0;
  },
};
