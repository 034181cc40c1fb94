/**
 * The preload: builds `window.aepoLab` from the channel map, one function per channel (`aepoLab.runs.list(input)`),
 * plus `on(event, listener)` for main's events. No logic and no generic invoke: the page can reach exactly the
 * channels of the map and nothing else of Electron.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES } from '../api/channel-names';
import { eventChannel } from '../api/ipc';
import type { LabBridge } from '../api/typed-api';
import { LAB_EVENT_NAMES, type LabEventName } from '../core/events';

function buildBridge(): LabBridge {
  const groups: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const channel of CHANNEL_NAMES) {
    const [group = '', method = ''] = channel.split('.');
    (groups[group] ??= {})[method] = (input?: unknown) => ipcRenderer.invoke(channel, input ?? {});
  }
  const on = (event: LabEventName, listener: (payload: never) => void) => {
    if (!LAB_EVENT_NAMES.includes(event)) throw new Error(`unknown event "${event}"`);
    const wrapped = (_event: unknown, payload: unknown) => listener(payload as never);
    ipcRenderer.on(eventChannel(event), wrapped);
    return () => void ipcRenderer.removeListener(eventChannel(event), wrapped);
  };
  return { ...groups, on } as unknown as LabBridge;
}

contextBridge.exposeInMainWorld('aepoLab', buildBridge());
