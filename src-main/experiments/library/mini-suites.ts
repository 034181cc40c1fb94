/**
 * Writing a generated mini suite into the data folder: its items (train and test, with demonstrations) into
 * benchmark_items, its encyclopedia as the search corpus, its websites as site bundles for browse.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { MiniSuite } from '../../benchmarks/mini/suites';
import type { SearchDocument } from '../../tools/search/search-tool';
import type { Services } from '../../services';

/** What storing and reading suites needs: the data folder and the lab's services. */
export interface SuiteStore {
  dataDir: string;
  services: Services;
}

export function corpusFile(lab: Pick<SuiteStore, 'dataDir'>, suite: string): string {
  return join(lab.dataDir, 'corpora', `${suite}.json`);
}

/** The search corpus of a stored suite ([] when it has none). */
export function readCorpus(lab: Pick<SuiteStore, 'dataDir'>, suite: string): SearchDocument[] {
  const file = corpusFile(lab, suite);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SearchDocument[]) : [];
}

export function storeMiniSuite(lab: SuiteStore, suite: MiniSuite) {
  const hash = (question: string, answers: string[]) =>
    createHash('sha256')
      .update(JSON.stringify([question, answers]))
      .digest('hex');
  const counts = Object.fromEntries(
    (['train', 'test'] as const).map((split) => [
      split,
      lab.services.benchmarks.importItems(
        suite.id,
        split,
        'generated',
        suite[split].map((item, index) => ({
          index,
          question: item.question,
          answers: item.answers,
          meta: { demonstration: item.demonstration, knobs: suite.knobs },
          hash: hash(item.question, item.answers),
        })),
      ),
    ]),
  );
  const corpus = corpusFile(lab, suite.id);
  mkdirSync(dirname(corpus), { recursive: true });
  writeFileSync(corpus, JSON.stringify(suite.documents));
  for (const [url, html] of Object.entries(suite.pages)) {
    const match = /^https?:\/\/([^/]+)(\/[^?#]*)?/.exec(url)!;
    const file = join(lab.dataDir, 'sites', match[1]!, `${(match[2] ?? '/').replace(/\/$/, '/index')}.html`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, html);
  }
  return counts;
}
