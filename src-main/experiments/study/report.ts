/**
 * A study's report (docs/study/README.md): for each of the paper's claims its statistic with a 95 % interval and a
 * verdict (reproduced, not reproduced, inconclusive at this power), the settings and the command, with SVG and PNG
 * figures. Everything is read from what the experiment's runs stored; the same runs give the same report.
 */
import { LabError } from '../../core/errors';
import type { Services } from '../../services';
import { ALGORITHM_IDS } from '../../rl/types';
import { storedPlan } from '../plan/plan';
import { DEFAULT_BOOTSTRAP } from '../results/results-table';
import { accuracyClaim, type AccuracyClaim } from './claim-accuracy';
import { branchingClaim, type BranchingClaim } from './claim-branching';
import { diversityClaim, type DiversityClaim } from './claim-diversity';
import { entropyClaim, type EntropyClaim } from './claim-entropy';
import { studyFigures, type Figure } from './figures';
import { reportMarkdown } from './report-markdown';
import { metricCurves, studyRuns, type MetricCurve, type StudyRuns } from './study-data';
import type { Verdict } from './verdict';

export const LEARNING_METRIC = 'reward/mean';

/** The seven baselines the paper compares AEPO with. */
export const BASELINES = ALGORITHM_IDS.filter((a) => !a.startsWith('aepo'));

export interface ClaimSummary {
  id: 'branching' | 'entropy' | 'accuracy' | 'diversity';
  title: string;
  verdict: Verdict;
  /** The numbers behind the verdict, one sentence. */
  summary: string;
}

export interface StudyFindings {
  experimentId: number;
  name: string;
  description: string;
  runs: StudyRuns;
  branching: BranchingClaim;
  entropy: EntropyClaim;
  accuracy: AccuracyClaim;
  diversity: DiversityClaim;
  /** Mean training reward per step, per algorithm: the learning curves behind the claims. */
  learning: MetricCurve[];
  resamples: number;
}

export interface StudyReport {
  experimentId: number;
  title: string;
  claims: ClaimSummary[];
  markdown: string;
  figures: Figure[];
}

export function studyFindings(services: Services, experimentId: number): StudyFindings {
  const experiment = services.experiments.get(experimentId);
  const plan = storedPlan(experiment);
  if (!plan?.study)
    throw new LabError(
      'invalid_input',
      `experiment ${experimentId} is not a study; \`aepo-lab study paper-claims\` plans one`,
    );
  const bootstrap = DEFAULT_BOOTSTRAP;
  const runs = studyRuns(services, experimentId, plan);
  const baselines = BASELINES.filter((b) => plan.algorithms.includes(b));
  return {
    experimentId,
    name: experiment.name,
    description: experiment.description,
    runs,
    branching: branchingClaim(services, runs, bootstrap),
    entropy: entropyClaim(services, runs, baselines, bootstrap),
    accuracy: accuracyClaim(services, experimentId, baselines),
    diversity: diversityClaim(services, runs, baselines, bootstrap),
    learning: metricCurves(services, runs.byAlgorithm, LEARNING_METRIC, bootstrap),
    resamples: bootstrap.resamples,
  };
}

export async function studyReport(services: Services, experimentId: number, appVersion = ''): Promise<StudyReport> {
  const findings = studyFindings(services, experimentId);
  const figures = await studyFigures({ ...findings, algorithms: findings.runs.algorithms });
  const { markdown, claims } = reportMarkdown(services, findings, figures, appVersion);
  return { experimentId, title: `The paper's claims: experiment ${experimentId}`, claims, markdown, figures };
}
