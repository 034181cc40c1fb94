/** An experiment's results, one row per (run, benchmark), as `experiment start --json` prints them. */
import type { Services } from '../../services';

export interface ResultRow {
  algorithm: string;
  benchmark: string;
  seed: number;
  /** Percent, two decimals. */
  'pass@1': number;
  'pass@5': number;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Each evaluated run's last evaluation per benchmark (base rows with algorithm `base`). */
export function resultRows(services: Services, experimentId: number): ResultRow[] {
  const rows = services.evaluations.ofExperiment(experimentId);
  const out: ResultRow[] = [];
  for (const runId of [...new Set(rows.map((r) => r.runId))].sort((a, b) => a - b)) {
    const own = rows.filter((r) => r.runId === runId);
    const last = Math.max(...own.map((r) => r.step));
    for (const benchmark of [...new Set(own.map((r) => r.benchmark))]) {
      const value = (k: number) => own.find((r) => r.step === last && r.benchmark === benchmark && r.k === k)?.value;
      const { algorithm, seed } = own[0]!;
      // Pass@k at the experiment's k (5 unless its config says otherwise).
      const k = Math.max(...own.filter((r) => r.benchmark === benchmark).map((r) => r.k));
      out.push({ algorithm, benchmark, seed, 'pass@1': round(value(1) ?? 0), 'pass@5': round(value(k) ?? 0) });
    }
  }
  return out;
}
