// Imports the built main bundle with the stand-in electron, exercises what it wired up, and prints a JSON report.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

await import(new URL('../../../out/main/index.js', import.meta.url).href);
await new Promise((resolve) => setTimeout(resolve, 200));
const state = globalThis.__fakeElectron;
const [window] = state.windows;

// IPC events as Electron gives them: the sender frame is the app's page (the file the window loaded), or not.
const appPage = { senderFrame: { url: pathToFileURL(state.loadedFiles[0] ?? '').href, parent: null } };
const listRuns = await state.ipcHandlers['runs.list']?.(appPage, {});
const created = await state.ipcHandlers['runs.create']?.(appPage, { algorithm: 'aepo', benchmark: 'gsm8k', seed: 1 });
const invalid = await state.ipcHandlers['runs.create']?.(appPage, { algorithm: 'aepo' });
const refusals = [];
for (const event of [
  { senderFrame: { url: 'https://evil.example/', parent: null } },
  { senderFrame: { url: appPage.senderFrame.url, parent: {} } },
  { senderFrame: null },
  {},
]) {
  try {
    await state.ipcHandlers['runs.list']?.(event, {});
    refusals.push('answered');
  } catch (error) {
    refusals.push(String(error.message));
  }
}
const permissions = [];
state.permissionRequestHandler?.({}, 'media', (granted) => permissions.push(granted));
state.permissionRequestHandler?.({}, 'notifications', (granted) => permissions.push(granted));
const permissionCheck = state.permissionCheckHandler?.({}, 'clipboard-read');
const openHandlerAnswer = window?.webContents.windowOpenHandler?.({ url: 'https://arxiv.org/abs/2510.14545' });
let navigationPrevented = false;
window?.listeners['webContents:will-navigate']?.(
  { preventDefault: () => (navigationPrevented = true) },
  'https://example.org/',
);
let cspHeader = null;
state.headersHook?.(
  { responseHeaders: {} },
  (answer) => (cspHeader = answer.responseHeaders['Content-Security-Policy']?.[0] ?? null),
);

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
    refusals,
    permissions,
    permissionCheck,
  }),
);
process.exit(0);
