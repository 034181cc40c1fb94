/**
 * The options every ONNX Runtime session here is built with. An intra-op pool whose call ended keeps its threads
 * busy-waiting for a while ("spinning"). The decoder wants that: its calls are a fraction of a millisecond apart
 * and waking sleeping threads costs more than its small kernels (sampling at batch 16: 30k tokens/s spinning, 23k
 * not). Training does not: its two sessions take turns, and the idle one's spinning took the cores from the
 * working one (a train step 91 ms spinning, 55 ms not, on 2 cores; docs/engine.md).
 */
import type * as Ort from 'onnxruntime-node';

export function sessionOptions(
  threads: number,
  { provider = 'cpu', spin = false }: { provider?: string; spin?: boolean } = {},
): Ort.InferenceSession.SessionOptions {
  const allow_spinning = spin ? '1' : '0';
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning }, inter_op: { allow_spinning } } },
  };
}
