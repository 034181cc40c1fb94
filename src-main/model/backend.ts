/**
 * Picks the fastest tensor backend that works here: the native TensorFlow bindings (GPU, then CPU) where they
 * installed, else WebAssembly (SIMD, XNNPACK), else plain JS. The native packages are optional dependencies that
 * fail to install without internet; each failure is logged in one line and the next backend is tried.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendChoice {
  /** What we asked for, e.g. `tensorflow-gpu`. */
  name: BackendName;
  /** tf.getBackend() after selection: `tensorflow`, `wasm` or `cpu`. */
  engine: string;
  /** Why each earlier backend was skipped, one line each. */
  skipped: { name: BackendName; reason: string }[];
}

const requireOptional = createRequire(import.meta.url);
const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

/** The native packages register a `tensorflow` backend on the shared tfjs engine when required. */
const NATIVE_PACKAGES: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

async function tryBackend(name: BackendName): Promise<void> {
  const pkg = NATIVE_PACKAGES[name];
  if (pkg) {
    requireOptional(pkg);
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its backend did not initialise`);
    return;
  }
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend did not initialise`);
}

let chosen: Promise<BackendChoice> | undefined;

/**
 * Selects a backend once per thread (each worker thread has its own engine). `only` restricts the candidates, e.g.
 * from the AEPO_LAB_BACKEND variable or a test.
 */
export function selectBackend(
  options: { only?: readonly BackendName[]; log?: (line: string) => void } = {},
): Promise<BackendChoice> {
  chosen ??= (async () => {
    const candidates = options.only ?? envChoice() ?? BACKEND_ORDER;
    const skipped: BackendChoice['skipped'] = [];
    for (const name of candidates) {
      try {
        await tryBackend(name);
        await tf.ready();
        return { name, engine: tf.getBackend(), skipped };
      } catch (error) {
        const reason = firstLine(error);
        skipped.push({ name, reason });
        options.log?.(`backend ${name} unavailable: ${reason}`);
      }
    }
    throw new Error(`no tensor backend could start (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`);
  })();
  return chosen;
}

function envChoice(): BackendName[] | undefined {
  const value = process.env.AEPO_LAB_BACKEND;
  if (!value) return undefined;
  // `onnx` and `webgpu` name the training engine and its device (model/engine.ts); the tfjs backends listed with
  // them hold the weights and run the optimiser.
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== 'onnx' && s !== 'webgpu') as BackendName[];
  const unknown = names.find((n) => !BACKEND_ORDER.includes(n));
  if (unknown)
    throw new Error(
      `AEPO_LAB_BACKEND names an unknown backend "${unknown}"; use onnx, webgpu, ${BACKEND_ORDER.join(', ')}`,
    );
  return names.length > 0 ? names : undefined;
}

/** For tests that select again with other options. */
export function resetBackendChoice(): void {
  chosen = undefined;
}
