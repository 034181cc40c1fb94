import { describe, expect, it } from 'vitest';
import { resetBackendChoice, selectBackend } from '../../../src-main/model/backend';

// Its own file: selecting a backend is once per thread, and these cases select several times.
describe('backend selection', () => {
  it('falls back past missing native modules to wasm, logging one line for each', async () => {
    resetBackendChoice();
    const lines: string[] = [];
    const choice = await selectBackend({ log: (line) => lines.push(line) });
    expect(choice.name).toBe('wasm');
    expect(choice.engine).toBe('wasm');
    expect(choice.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(lines).toEqual([
      expect.stringMatching(/^backend tensorflow-gpu unavailable: Cannot find module '@tensorflow\/tfjs-node-gpu'/),
      expect.stringMatching(/^backend tensorflow unavailable: Cannot find module '@tensorflow\/tfjs-node'/),
    ]);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('takes the plain JS backend when asked to, and refuses unknown names', async () => {
    resetBackendChoice();
    expect((await selectBackend({ only: ['cpu'] })).engine).toBe('cpu');
    resetBackendChoice();
    process.env.AEPO_LAB_BACKEND = 'cuda';
    await expect(selectBackend()).rejects.toThrow(
      /unknown backend "cuda"; use onnx, webgpu, tensorflow-gpu, tensorflow, wasm, cpu/,
    );
    delete process.env.AEPO_LAB_BACKEND;
    resetBackendChoice();
  });
});
