import type { EventBus } from '../core/events';
import type { MetricSample, MetricsRepo, SeriesRange } from '../store/metrics-repo';
import type { MetricKeyInfo, MetricPoint } from '../store/records';

export function createMetricsService(repo: MetricsRepo, requireRun: (id: number) => unknown, bus: EventBus) {
  return {
    meanByBenchmark: (key: string, modelSize: string) => repo.meanByBenchmark(key, modelSize),
    /** Per run and key, the sum and count of its values (what a results table reports as compute). */
    totals: (runIds: number[], keys: string[]) => repo.totals(runIds, keys),
    append(runId: number, samples: MetricSample[]): { written: number } {
      requireRun(runId);
      const written = repo.append(runId, samples);
      bus.emit('store.changed', { tables: ['metrics'] });
      return { written };
    },
    series(runId: number, key: string, range: SeriesRange = {}): MetricPoint[] {
      requireRun(runId);
      return repo.series(runId, key, range);
    },
    /** Drops the points after `step`: a run resumed from its checkpoint at `step` writes them again. */
    deleteAfter(runId: number, step: number): void {
      repo.deleteAfter(runId, step);
      bus.emit('store.changed', { tables: ['metrics'] });
    },
    keys(runId: number): MetricKeyInfo[] {
      requireRun(runId);
      return repo.keys(runId);
    },
  };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
