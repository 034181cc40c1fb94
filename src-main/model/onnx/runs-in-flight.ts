/**
 * Every ONNX Runtime call in this thread goes through here, so the thread knows when none is running. Stopping a
 * worker thread while the runtime's threads still work for it ends the whole process (a native crash), so a run's
 * worker is only ever ended between calls (experiments/execution/run-worker.ts).
 */
import type * as Ort from 'onnxruntime-node';

let inFlight = 0;
let whenIdle: (() => void) | undefined;

export async function runSession(
  session: Ort.InferenceSession,
  feeds: Record<string, Ort.Tensor>,
  /** Tensors for the outputs to be written into, where the caller reuses them. */
  outputs?: Record<string, Ort.Tensor>,
): Promise<Ort.InferenceSession.ReturnType> {
  inFlight++;
  try {
    return await (outputs ? session.run(feeds, outputs) : session.run(feeds));
  } finally {
    inFlight--;
    if (inFlight === 0) whenIdle?.();
  }
}

/** Calls `callback` as soon as no ONNX Runtime call is in flight in this thread (at once if none is). */
export function atNoRunInFlight(callback: () => void): void {
  if (inFlight === 0) callback();
  else whenIdle = callback;
}
