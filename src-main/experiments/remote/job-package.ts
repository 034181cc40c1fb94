/**
 * A cluster job's working directory, zipped: the relay and reward scripts and the benchmark's items, the same ones a
 * local run trains and is tested on. The zip is deterministic, so its content hash names it
 * (`gcs://_ray_pkg_<hash>.zip`, as Ray's SDK names packages) and runs on the same benchmark share one upload.
 */
import { createHash } from 'node:crypto';
import { LabError } from '../../core/errors';
import { MINI_SUITES } from '../../benchmarks/mini/catalogue';
import { generateMiniSuite } from '../../benchmarks/mini/suites';
import { zipArchive } from '../../clusters/zip-archive';
import type { RunConfig } from '../plan/run-config';
import { RELAY_PY, REWARD_PY } from './job-scripts';

export interface JobPackage {
  uri: string;
  zip: Buffer;
  sha256: string;
  files: string[];
}

const jsonl = (benchmark: string, items: { question: string; answers: string[] }[]) =>
  items.map((item) => JSON.stringify({ benchmark, question: item.question, answers: item.answers })).join('\n') + '\n';

export function jobPackage(benchmark: string, config: RunConfig): JobPackage {
  if (!(benchmark in MINI_SUITES))
    throw new LabError(
      'invalid_input',
      `"${benchmark}" has no train items to send; runs on the mini suites can go to a cluster`,
    );
  // The same generation as the local job (experiment-runner), so a remote run sees the same questions.
  const suite = generateMiniSuite(benchmark, { train: config.training.trainItems, test: config.evaluation.items });
  const files = {
    'aepo_lab/relay.py': RELAY_PY,
    'aepo_lab/reward.py': REWARD_PY,
    'aepo_lab/data/train.jsonl': jsonl(benchmark, suite.train),
    'aepo_lab/data/test.jsonl': jsonl(benchmark, suite.test),
  };
  const zip = zipArchive(files);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  return { uri: `gcs://_ray_pkg_${sha256.slice(0, 32)}.zip`, zip, sha256, files: Object.keys(files).sort() };
}
