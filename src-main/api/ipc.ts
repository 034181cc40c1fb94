import { CHANNEL_NAMES } from './channel-names';
import type { Dispatch } from './dispatch';

/** The part of Electron's ipcMain the handlers need; written against this so it runs (and is tested) without Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: unknown, input: unknown) => unknown): void;
}

/**
 * Registers one IPC handler per channel of the map, all going through the validating dispatcher. `fromAppPage`
 * decides whether a call's sender frame is the app's own page; any other frame (an iframe, a page navigated
 * elsewhere) is refused before anything runs.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  dispatch: Dispatch,
  fromAppPage: (event: unknown) => boolean = () => true,
): void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, input) => {
      if (!fromAppPage(event))
        throw new Error(`refused: ${channel} was called from a frame that is not the app's page`);
      return dispatch(channel, input);
    });
  }
}

/** IPC channel on which main sends an event named `name` to windows. */
export const eventChannel = (name: string): string => `event:${name}`;
