/**
 * The benchmarks a user has: the registry (the paper's 14 and SimpleQA, and the generated mini suites) with the items
 * imported for each split; importing a file in the authors' format (all lines checked first, nothing written on a bad
 * one); generating a mini suite; browsing items. One place, so the app and the CLI do it the same way.
 */
import { basename } from 'node:path';
import { storeMiniSuite } from './mini-suites';
import { LabError } from '../../core/errors';
import { MINI_SUITES } from '../../benchmarks/mini/catalogue';
import { generateMiniSuite } from '../../benchmarks/mini/suites';
import { LoadError, loadBenchmarkFile } from '../../benchmarks/loaders';
import { BENCHMARKS, benchmark } from '../../benchmarks/registry';
import type { Services } from '../../services';
import type { BenchmarkEntry, BenchmarkItemPage } from '../../store/records';

export function benchmarkRegistry(services: Services): BenchmarkEntry[] {
  const counts = services.benchmarks.itemCounts();
  const countsOf = (id: string) =>
    Object.fromEntries(counts.filter((c) => c.benchmark === id).map((c) => [c.split, c.items]));
  return [
    ...BENCHMARKS.map((b) => ({
      id: b.id,
      name: b.name,
      domain: b.domain,
      metric: b.metric,
      tools: [...b.tools],
      generated: false,
      knobs: {},
      counts: countsOf(b.id),
    })),
    ...Object.entries(MINI_SUITES).map(([id, suite]) => {
      const mirrored = benchmark(id.slice('mini-'.length));
      return {
        id,
        name: `${mirrored.name} (mini)`,
        domain: suite.family,
        metric: mirrored.metric,
        tools: [...mirrored.tools],
        generated: true,
        knobs: suite.knobs,
        counts: countsOf(id),
      };
    }),
  ];
}

/** Imports a file's content; a bad line imports nothing and the error names the file, line and field. */
export function importBenchmarkFile(
  services: Services,
  request: { id: string; split: string; fileName: string; content: string },
) {
  const info = benchmark(request.id);
  let items;
  try {
    items = loadBenchmarkFile(request.content, info.format);
  } catch (error) {
    if (error instanceof LoadError)
      throw new LabError('invalid_input', `${basename(request.fileName)}: ${error.message}; nothing was imported`);
    throw error;
  }
  const counts = services.benchmarks.importItems(info.id, request.split, basename(request.fileName), items);
  return { benchmark: info.id, split: request.split, imported: items.length, ...counts };
}

/** Generates a mini suite and stores its items, corpus and sites. */
export function generateSuite(
  host: { dataDir: string; services: Services },
  request: { suite: string; seed: number; train: number; test: number },
) {
  if (!(request.suite in MINI_SUITES)) throw new LabError('invalid_input', `no mini suite "${request.suite}"`);
  const suite = generateMiniSuite(request.suite, { seed: request.seed, train: request.train, test: request.test });
  const counts = storeMiniSuite(host, suite);
  return {
    suite: suite.id,
    train: suite.train.length,
    test: suite.test.length,
    documents: suite.documents.length,
    pages: Object.keys(suite.pages).length,
    knobs: suite.knobs,
    counts,
  };
}

/** A page of a split's items, optionally only those whose question or answers contain `search`. */
export function browseItems(
  services: Services,
  request: { id: string; split: string; offset: number; limit: number; search?: string },
): BenchmarkItemPage {
  const words = (request.search ?? '').toLowerCase();
  const all = services.benchmarks
    .items(request.id, request.split)
    .filter((item) => !words || `${item.question} ${item.answers.join(' ')}`.toLowerCase().includes(words));
  return {
    total: all.length,
    items: all
      .slice(request.offset, request.offset + request.limit)
      .map(({ index, question, answers }) => ({ index, question, answers })),
  };
}
