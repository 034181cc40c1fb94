/** Events that flow from main to every window (IPC in Electron, SSE in serve mode). */
export interface LabEvents {
  /** Something was written; views showing these tables refetch. */
  'store.changed': { tables: StoreTable[] };
  /** A run moved to another status (queued, running, paused, ...); `error` says why it failed. */
  'run.status': { runId: number; experimentId: number | null; status: string; error: string | null };
  /** A run finished a training step: its step number and that step's metrics under their stable names. */
  'run.step': { runId: number; experimentId: number | null; step: number; totalSteps: number; metrics: StepMetrics };
  /** A line for the run's log (resumed, a warning, an evaluation result). */
  'run.log': { runId: number; experimentId: number | null; line: string };
  /** A line about the experiment as a whole (its cold start). */
  'experiment.log': { experimentId: number; line: string };
  /** Every run the experiment's job started has ended: `failures` names the ones that failed; some may be paused. */
  'experiment.finished': { experimentId: number; failures: string[]; paused: number; cancelled: number };
}

export type StepMetrics = Record<string, number>;

export type StoreTable = 'experiments' | 'runs' | 'metrics' | 'rollouts' | 'benchmark_items' | 'settings' | 'clusters';
export type LabEventName = keyof LabEvents;

export const LAB_EVENT_NAMES = [
  'store.changed',
  'run.status',
  'run.step',
  'run.log',
  'experiment.log',
  'experiment.finished',
] as const satisfies readonly LabEventName[];

type Listener<E extends LabEventName> = (payload: LabEvents[E]) => void;

/** A small typed emitter; `on` returns its own unsubscribe so callers can't leak listeners by losing a reference. */
export class EventBus {
  private readonly listeners = new Map<LabEventName, Set<Listener<LabEventName>>>();

  on<E extends LabEventName>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener<LabEventName>);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener<LabEventName>);
  }

  emit<E extends LabEventName>(event: E, payload: LabEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  listenerCount(event: LabEventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
