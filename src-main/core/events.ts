/** Events that flow from main to every window (IPC in Electron, SSE in serve mode). */
export interface LabEvents {
  /** Something was written; views showing these tables refetch. */
  'store.changed': { tables: StoreTable[] };
}

export type StoreTable = 'experiments' | 'runs' | 'metrics' | 'rollouts' | 'benchmark_items' | 'settings';
export type LabEventName = keyof LabEvents;

export const LAB_EVENT_NAMES = ['store.changed'] as const satisfies readonly LabEventName[];

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
