import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../../src-main/experiments/plan/run-config';
import { CHANNEL_NAMES } from '../../../src-main/api/channels';
import { createHandlers } from '../../../src-main/api/handlers';
import { registerIpcHandlers } from '../../../src-main/api/ipc';
import { tempLab } from '../../support/temp';
import { RunControl } from '../../../src-main/experiments/execution/run-executor';
import { localExecutor } from '../../../src-main/experiments/execution/local-executor';
import { rayExecutor } from '../../../src-main/experiments/remote/ray-executor';

describe('dispatch', () => {
  it('has a handler for exactly the channels of the map', () => {
    const lab = tempLab();
    const handlers = createHandlers(
      lab.services,
      lab.runner,
      new RunControl(lab.services, {
        local: localExecutor(lab.services, lab.runner),
        ray: rayExecutor(lab.services),
      }),
      () => ({
        name: 'x',
        version: '0',
        mode: 'cli',
        schemaVersion: 2,
        platform: 'p',
        nodeVersion: '20',
        dataDir: lab.dataDir,
      }),
      () => {},
      { dataDir: lab.dataDir, clusterWatcher: lab.clusterWatcher },
    );
    expect(Object.keys(handlers).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('answers values in an ok envelope', async () => {
    const lab = tempLab();
    const created = await lab.dispatch('runs.create', { algorithm: 'aepo', benchmark: 'bamboogle', seed: 3 });
    expect(created).toMatchObject({ ok: true, data: { algorithm: 'aepo', seed: 3, status: 'queued' } });
    expect(await lab.dispatch('runs.list', undefined)).toMatchObject({ ok: true, data: [{ benchmark: 'bamboogle' }] });
    expect(await lab.dispatch('app.info', {})).toMatchObject({
      ok: true,
      data: { name: 'AEPO Lab', mode: 'cli', schemaVersion: 11 },
    });
  });

  it('refuses invalid input before any service runs, naming each bad field', async () => {
    const lab = tempLab();
    const result = await lab.dispatch('runs.create', {
      algorithm: 'AEPO!',
      benchmark: 'hotpotqa',
      seed: 1.5,
      extra: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.issues?.map((i) => i.path).sort()).toEqual(['', 'algorithm', 'seed']);
    expect(result.error.message).toMatch(/^invalid input for runs\.create: /);
    expect(lab.services.runs.list()).toEqual([]);
  });

  it('refuses input nested thousands deep as invalid input, not a crash', async () => {
    const lab = tempLab();
    let deep: unknown = 1;
    for (let i = 0; i < 2500; i++) deep = { a: [deep] };
    const result = await lab.dispatch('experiments.create', { name: 'x', config: deep });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: 'invalid input for experiments.create: nested deeper than 64 levels' },
    });
    // Over serve this is a 400, as every invalid input is (server.test.ts maps the codes).
    let shallow: unknown = 1;
    for (let i = 0; i < 10; i++) shallow = { a: [shallow] };
    const checked = await lab.dispatch('experiments.create', { name: 'x', config: shallow });
    // Ten levels pass the depth check and meet the config diff's own schema, which names what is wrong, and where.
    expect(checked).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'config', message: 'Unrecognized key: "a"' }] },
    });
  });

  it('maps unknown channels, missing records and conflicts to codes', async () => {
    const lab = tempLab();
    expect(await lab.dispatch('runs.drop', {})).toEqual({
      ok: false,
      error: { code: 'unknown_channel', message: 'unknown channel "runs.drop"' },
    });
    expect(await lab.dispatch('runs.get', { id: 7 })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'run 7 not found' },
    });
    expect(await lab.dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('validates settings keys and values', async () => {
    const lab = tempLab();
    expect(await lab.dispatch('settings.update', { theme: 'purple' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'theme' }] },
    });
    expect(await lab.dispatch('settings.update', { colour: 'red' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await lab.dispatch('settings.update', { defaultSeeds: [7, 8] })).toMatchObject({
      ok: true,
      data: { defaultSeeds: [7, 8] },
    });
  });

  it('registers one IPC handler per channel, each going through validation', async () => {
    const lab = tempLab();
    const registered = new Map<string, (event: unknown, input: unknown) => unknown>();
    registerIpcHandlers({ handle: (channel, fn) => void registered.set(channel, fn) }, lab.dispatch);
    expect([...registered.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(await registered.get('runs.get')!(null, { id: 'one' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('checks algorithm and benchmark ids against their registries, and stores the full config with defaults', async () => {
    const lab = tempLab();
    const nonsense = await lab.dispatch('runs.create', { algorithm: 'nonsense', benchmark: 'gsm8k', seed: 0 });
    expect(nonsense).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(nonsense)).toMatch(/unknown algorithm \\"nonsense\\"; known: grpo, dapo/);
    const unknownBench = await lab.dispatch('runs.create', { algorithm: 'aepo', benchmark: 'imagenet', seed: 0 });
    expect(JSON.stringify(unknownBench)).toMatch(/unknown benchmark \\"imagenet\\"/);
    const badConfig = await lab.dispatch('runs.create', {
      algorithm: 'aepo',
      benchmark: 'mini-gsm8k',
      seed: 0,
      config: { training: { steps: -1 }, typo: 1 },
    });
    expect(badConfig).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const created = await lab.dispatch('runs.create', {
      algorithm: 'aepo',
      benchmark: 'mini-gsm8k',
      seed: 0,
      config: { training: { steps: 3 } },
    });
    expect(created.ok).toBe(true);
    const config = created.ok ? (created.data as { config: unknown }).config : {};
    expect(config).toEqual({ ...DEFAULT_RUN_CONFIG, training: { ...DEFAULT_RUN_CONFIG.training, steps: 3 } });
  });
});
