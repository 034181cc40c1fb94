/**
 * The options every ONNX Runtime session here is built with. No session spins: an intra-op pool whose call ended
 * keeps its threads busy-waiting for a while by default, and on a machine where anything else runs (a laptop always
 * has something) those threads take the cores from it and from the work itself. Training's two sessions take turns,
 * and the idle one's spinning took the cores from the working one (a train step 91 ms spinning, 55 ms not, on 2
 * cores). The decoder, whose calls come a fraction of a millisecond apart, gained about 10 % at batch 128 from
 * spinning on a quiet machine, but with two busy processes beside it its batch-16 sampling fell below tfjs's (7.0k
 * against 7.6k tokens/s), where without spinning it stays above (9.7k) (docs/engine.md, "On a busy machine"). How
 * many threads a decoder gets is decode-sessions.ts's choice.
 */
import type * as Ort from 'onnxruntime-node';

export function sessionOptions(
  threads: number,
  { provider = 'cpu' }: { provider?: string } = {},
): Ort.InferenceSession.SessionOptions {
  const allow_spinning = '0';
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Errors only: on WebGPU the runtime warns at every session that it keeps integer shape ops on the CPU, on purpose
    // (docs/engine.md, "What runs where").
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning }, inter_op: { allow_spinning } } },
  };
}
