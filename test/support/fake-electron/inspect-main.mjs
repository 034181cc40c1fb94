// Imports the built main bundle with the stand-in electron, exercises what it wired up, and prints a JSON report.
import { existsSync } from 'node:fs';

await import(new URL('../../../out/main/index.js', import.meta.url).href);
await new Promise((resolve) => setTimeout(resolve, 200));
const state = globalThis.__fakeElectron;
const [window] = state.windows;

const listRuns = await state.ipcHandlers['runs.list']?.({}, {});
const created = await state.ipcHandlers['runs.create']?.({}, { algorithm: 'aepo', benchmark: 'gsm8k', seed: 1 });
const invalid = await state.ipcHandlers['runs.create']?.({}, { algorithm: 'aepo' });
const openHandlerAnswer = window?.webContents.windowOpenHandler?.({ url: 'https://arxiv.org/abs/2510.14545' });
let navigationPrevented = false;
window?.listeners['webContents:will-navigate']?.({ preventDefault: () => (navigationPrevented = true) }, 'https://example.org/');
let cspHeader = null;
state.headersHook?.({ responseHeaders: {} }, (answer) => (cspHeader = answer.responseHeaders['Content-Security-Policy']?.[0] ?? null));

console.log(
  JSON.stringify({
    singleInstanceLocks: state.singleInstanceLocks,
    appEvents: state.appEvents,
    ipcChannels: state.ipcChannels,
    windows: state.windows.length,
    webPreferences: window?.options.webPreferences,
    preloadExists: existsSync(window?.options.webPreferences.preload ?? ''),
    loadedFiles: state.loadedFiles,
    loadedFilesExist: state.loadedFiles.every((f) => existsSync(f)),
    listRuns,
    created,
    invalid,
    sent: state.sent,
    openHandlerAnswer,
    openedExternal: state.openedExternal,
    navigationPrevented,
    cspHeader,
  }),
);
process.exit(0);
