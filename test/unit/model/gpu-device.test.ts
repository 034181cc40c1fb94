// Which device the engine trains on: a real GPU adapter is taken automatically, a software one never (the CPU
// provider is faster), and AEPO_LAB_BACKEND=webgpu forces WebGPU on whatever adapter exists.
import { afterEach, describe, expect, it } from 'vitest';
import { modelConfig } from '../../../src-main/model/config';
import { selectTrainingEngine, trainsOnWebGpu } from '../../../src-main/model/engine';
import { adapterLabel, describeAdapter, gpuAdapter } from '../../../src-main/model/onnx/gpu-adapter';
import { providerOrder } from '../../../src-main/model/onnx/onnx-trainer';

const saved = process.env.AEPO_LAB_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.AEPO_LAB_BACKEND;
  else process.env.AEPO_LAB_BACKEND = saved;
});

describe('the GPU adapter and the provider order', () => {
  it('tells software adapters from real GPUs by vendor and name', () => {
    expect(describeAdapter(0x10005, 'llvmpipe (LLVM 15.0.6, 256 bits)')).toEqual({
      vendor: 'Mesa',
      name: 'llvmpipe (LLVM 15.0.6, 256 bits)',
      software: true,
    });
    expect(describeAdapter(0x1ae0, 'SwiftShader Device (Subzero)').software).toBe(true);
    expect(describeAdapter(0x1414, 'Microsoft Basic Render Driver').software).toBe(true);
    const nvidia = describeAdapter(0x10de, 'NVIDIA GeForce RTX 4070');
    expect(nvidia).toEqual({ vendor: 'NVIDIA', name: 'NVIDIA GeForce RTX 4070', software: false });
    expect(adapterLabel(nvidia)).toBe('NVIDIA GeForce RTX 4070');
    expect(adapterLabel(describeAdapter(0x1002, 'Radeon RX 7600'))).toBe('AMD Radeon RX 7600');
  });

  it('puts WebGPU before the CPU only for a real adapter, after the platform GPU providers', () => {
    const software = describeAdapter(0x10005, 'llvmpipe');
    const real = describeAdapter(0x8086, 'Intel(R) Arc(TM) A770 Graphics');
    expect(providerOrder('linux', null)).toEqual(['cuda', 'cpu']);
    expect(providerOrder('linux', software)).toEqual(['cuda', 'cpu']);
    expect(providerOrder('linux', real)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerOrder('win32', real)).toEqual(['cuda', 'dml', 'webgpu', 'cpu']);
    expect(providerOrder('darwin', describeAdapter(0x106b, 'Apple M3'))).toEqual(['coreml', 'webgpu', 'cpu']);
  });

  it('runs train on WebGPU (one at a time) when forced, or on a real adapter unless ONNX Runtime is ruled out', () => {
    const real = describeAdapter(0x10de, 'NVIDIA GeForce RTX 4070');
    const software = describeAdapter(0x10005, 'llvmpipe');
    expect(trainsOnWebGpu(real, undefined)).toBe(true);
    expect(trainsOnWebGpu(software, undefined)).toBe(false);
    expect(trainsOnWebGpu(null, undefined)).toBe(false);
    expect(trainsOnWebGpu(software, 'webgpu')).toBe(true);
    expect(trainsOnWebGpu(real, 'wasm')).toBe(false);
    expect(trainsOnWebGpu(real, 'onnx,wasm')).toBe(true);
  });

  it.runIf(gpuAdapter() !== null)(
    'AEPO_LAB_BACKEND=webgpu trains on WebGPU and names the adapter; unset, a software adapter is passed over',
    async () => {
      const adapter = gpuAdapter()!;
      process.env.AEPO_LAB_BACKEND = 'webgpu';
      const forced = await selectTrainingEngine(modelConfig('tiny', 64), 1);
      expect(forced.device).toBe(`onnxruntime webgpu (${adapterLabel(adapter)})`);
      delete process.env.AEPO_LAB_BACKEND;
      const automatic = await selectTrainingEngine(modelConfig('tiny', 64), 1);
      expect(automatic.device).toBe(
        adapter.software ? 'onnxruntime cpu' : `onnxruntime webgpu (${adapterLabel(adapter)})`,
      );
    },
    60_000,
  );
});
