import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src-main/api/channels';

/**
 * Runs the built, sandbox-ready preload (out/preload/index.cjs) in a fresh context whose only module is a stand-in
 * `electron`, the way Electron's sandbox gives a preload nothing but a limited require.
 */
function loadPreload() {
  const exposed: Record<string, unknown> = {};
  const invoked: { channel: string; input: unknown }[] = [];
  const listeners = new Map<string, (event: unknown, payload: unknown) => void>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
    ipcRenderer: {
      invoke: (channel: string, input: unknown) => {
        invoked.push({ channel, input });
        return Promise.resolve({ ok: true, data: channel });
      },
      on: (channel: string, listener: (event: unknown, payload: unknown) => void) => listeners.set(channel, listener),
      removeListener: (channel: string) => listeners.delete(channel),
    },
  };
  const required: string[] = [];
  const require = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${name}"`);
  };
  const module = { exports: {} };
  runInNewContext(readFileSync('out/preload/index.cjs', 'utf8'), { require, module, exports: module.exports, console });
  return { exposed, invoked, listeners, required };
}

describe('built preload', () => {
  it('needs nothing but electron, so it runs with sandbox on', () => {
    expect(loadPreload().required).toEqual(['electron']);
  });

  it('exposes one function per channel, grouped as api.<group>.<method>, and nothing else', async () => {
    const { exposed, invoked } = loadPreload();
    const bridge = exposed.aepoLab as Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
    expect(Object.keys(exposed)).toEqual(['aepoLab']);
    const functions = Object.entries(bridge).flatMap(([group, methods]) =>
      typeof methods === 'function' ? [group] : Object.keys(methods).map((m) => `${group}.${m}`),
    );
    expect(functions.sort()).toEqual([...CHANNEL_NAMES, 'on'].sort());
    expect(await bridge.runs!.get!({ id: 3 })).toEqual({ ok: true, data: 'runs.get' });
    await bridge.runs!.list!();
    expect(invoked).toEqual([
      { channel: 'runs.get', input: { id: 3 } },
      { channel: 'runs.list', input: {} },
    ]);
  });

  it('subscribes to known events only and returns an unsubscribe', () => {
    const { exposed, listeners } = loadPreload();
    const on = (exposed.aepoLab as { on: (event: string, fn: (p: unknown) => void) => () => void }).on;
    const got: unknown[] = [];
    const off = on('store.changed', (payload) => got.push(payload));
    listeners.get('event:store.changed')?.({}, { tables: ['runs'] });
    expect(got).toEqual([{ tables: ['runs'] }]);
    off();
    expect(listeners.has('event:store.changed')).toBe(false);
    expect(() => on('shell.exec', () => {})).toThrow(/unknown event/);
  });
});
