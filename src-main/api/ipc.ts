import { CHANNEL_NAMES } from './channels';
import type { Dispatch } from './dispatch';

/** The part of Electron's ipcMain the handlers need; written against this so it runs (and is tested) without Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: unknown, input: unknown) => unknown): void;
}

/** Registers one IPC handler per channel of the map, all going through the validating dispatcher. */
export function registerIpcHandlers(ipcMain: IpcMainLike, dispatch: Dispatch): void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (_event, input) => dispatch(channel, input));
  }
}

/** IPC channel on which main sends an event named `name` to windows. */
export const eventChannel = (name: string): string => `event:${name}`;
