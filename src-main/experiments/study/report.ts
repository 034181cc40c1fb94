/** A study's report (placeholder while the statistics land). */
import type { Services } from '../../services';

export interface StudyReport {
  experimentId: number;
  markdown: string;
  figures: { filename: string; svg: string; png: string }[];
}

export function studyReport(services: Services, id: number): StudyReport {
  const experiment = services.experiments.get(id);
  return { experimentId: experiment.id, markdown: `# ${experiment.name}\n`, figures: [] };
}
