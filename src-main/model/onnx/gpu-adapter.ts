/**
 * Which GPU adapter this machine has, asked once per process. ONNX Runtime's WebGPU provider (Dawn, inside
 * onnxruntime-node) names no adapter to JavaScript, so the question goes to the WebGPU of the Deno binary the lab
 * already ships for its python sandbox: the same drivers (Vulkan, Metal, Direct3D 12) answer both. A software adapter
 * (Mesa's lavapipe, SwiftShader, Microsoft's Basic Render Driver) is recognised, so it is never chosen automatically:
 * the CPU provider is faster than a GPU emulated on the CPU (docs/engine.md).
 */
import { execFile, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denoBinary } from '../../tools/python/sandbox-command';

export interface GpuAdapter {
  /** The vendor's name where its PCI id is a known one, else the id in hex. */
  vendor: string;
  /** The driver's description of the device, e.g. "NVIDIA GeForce RTX 4070" or "llvmpipe (LLVM 15.0.6, 256 bits)". */
  name: string;
  /** A GPU emulated on the CPU. */
  software: boolean;
}

/** PCI vendor ids (Vulkan reports Mesa's own software devices as 0x10005). */
const VENDORS: Record<number, string> = {
  0x10de: 'NVIDIA',
  0x1002: 'AMD',
  0x1022: 'AMD',
  0x8086: 'Intel',
  0x106b: 'Apple',
  0x13b5: 'Arm',
  0x5143: 'Qualcomm',
  0x1ae0: 'Google',
  0x1414: 'Microsoft',
  0x10005: 'Mesa',
};
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|basic render|software/i;

/** Where a parent process leaves its answer for the worker threads and processes it starts ("none": no adapter). */
const INHERITED = 'AEPO_LAB_GPU_ADAPTER';

const PROBE = `const a = await navigator.gpu?.requestAdapter();
console.log(JSON.stringify(a ? { vendor: a.info.vendor, description: a.info.description, device: a.info.device } : null));`;

let known: GpuAdapter | null | undefined;

/** The adapter WebGPU gets here, or null: asked once per process (about half a second), then remembered. */
export function gpuAdapter(): GpuAdapter | null {
  if (known !== undefined) return known;
  const inherited = process.env[INHERITED];
  if (inherited) {
    known = inherited === 'none' ? null : (JSON.parse(inherited) as GpuAdapter);
    return known;
  }
  known = probe();
  process.env[INHERITED] = known ? JSON.stringify(known) : 'none';
  return known;
}

/**
 * The same answer without blocking the event loop, remembered for this process and every worker thread it starts
 * afterwards (the main process asks before it starts runs, so each run's thread doesn't ask again).
 */
export async function rememberGpuAdapter(): Promise<GpuAdapter | null> {
  if (known !== undefined || process.env[INHERITED]) return gpuAdapter();
  const stdout = await new Promise<string>((resolve) => {
    try {
      execFile(denoBinary(), PROBE_ARGS, probeOptions(), (_error, out) => resolve(String(out ?? '')));
    } catch {
      resolve(''); // no Deno binary here
    }
  });
  known = parseProbe(stdout);
  process.env[INHERITED] = known ? JSON.stringify(known) : 'none';
  return known;
}

const PROBE_ARGS = ['eval', '--no-config', '--quiet', PROBE];
const probeOptions = () => ({
  encoding: 'utf8' as const,
  timeout: 20_000,
  env: { ...process.env, DENO_DIR: join(tmpdir(), 'aepo-lab-deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
});

function probe(): GpuAdapter | null {
  try {
    return parseProbe(spawnSync(denoBinary(), PROBE_ARGS, probeOptions()).stdout);
  } catch {
    return null; // no Deno binary here
  }
}

function parseProbe(stdout: string): GpuAdapter | null {
  try {
    const found = JSON.parse(stdout.trim().split('\n').pop() || 'null') as {
      vendor: string;
      description: string;
      device: string;
    } | null;
    return found ? describeAdapter(Number(found.vendor), found.description || `device ${found.device}`) : null;
  } catch {
    return null;
  }
}

export function describeAdapter(vendorId: number, name: string): GpuAdapter {
  const vendor = VENDORS[vendorId] ?? (Number.isFinite(vendorId) ? `0x${vendorId.toString(16)}` : 'unknown');
  return { vendor, name, software: vendorId === 0x10005 || SOFTWARE.test(name) };
}

/** For a person: "NVIDIA GeForce RTX 4070", "Mesa llvmpipe (…), software". */
export const adapterLabel = (adapter: GpuAdapter) =>
  `${adapter.name.toLowerCase().startsWith(adapter.vendor.toLowerCase()) ? '' : `${adapter.vendor} `}${adapter.name}${adapter.software ? ', software' : ''}`;
