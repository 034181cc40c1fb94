/**
 * The Electron shell: the only code that imports `electron`. It owns the window and app lifecycle and hands every
 * UI request to the same validating dispatcher that serve mode and the CLI use.
 */
import { app, BrowserWindow, ipcMain, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventChannel, registerIpcHandlers } from '../api/ipc';
import { openLab, type Lab } from '../app/open-lab';
import { resolveDataDir } from '../app/paths';
import { builtWorkers } from '../app/run-workers';
import { CONTENT_SECURITY_POLICY } from '../core/csp';
import { LAB_EVENT_NAMES } from '../core/events';

const isHttpUrl = (url: string) => /^https?:\/\//i.test(url);

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'AEPO Lab',
    webPreferences: {
      // The preload is built as CommonJS (out/preload/index.cjs) precisely so that it can run sandboxed.
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());

  // Links to the web open in the user's browser; the app window never navigates away from the app.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isHttpUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== window.webContents.getURL()) {
      event.preventDefault();
      if (isHttpUrl(url)) void shell.openExternal(url);
    }
  });

  const devServer = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devServer) void window.loadURL(devServer);
  else void window.loadFile(rendererIndex());
  return window;
}

const rendererIndex = () => join(import.meta.dirname, '../renderer/index.html');

/** True when an IPC call comes from the top frame of the app's own page (the built file, or the dev server). */
function isAppPage(event: unknown): boolean {
  const frame = (event as { senderFrame?: { url: string; parent: unknown } | null }).senderFrame;
  if (!frame || frame.parent) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  const devServer = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devServer) return url.origin === new URL(devServer).origin;
  return url.protocol === 'file:' && fileURLToPath(url) === rendererIndex();
}

function start(): void {
  let lab: Lab | undefined;
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  void app.whenReady().then(() => {
    // AEPO_LAB_HOME lets the app share a data folder with the CLI; otherwise Electron's userData folder.
    // API keys are encrypted with the OS keychain where it is available (on Linux, only with a secret service).
    const secretCipher = safeStorage.isEncryptionAvailable()
      ? {
          encrypt: (plain: string) => safeStorage.encryptString(plain).toString('base64'),
          decrypt: (stored: string) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
        }
      : undefined;
    const opened = openLab({
      dataDir: resolveDataDir(process.env.AEPO_LAB_HOME || app.getPath('userData')),
      mode: 'electron',
      secretCipher,
      // Runs train in worker threads built beside this file; runs a crash left "running" are marked interrupted.
      workers: builtWorkers(import.meta.dirname),
      markInterrupted: true,
      watchClusters: true,
    });
    lab = opened;
    registerIpcHandlers(ipcMain, opened.dispatch, isAppPage);
    // The app needs no camera, microphone, notifications, geolocation or any other browser permission.
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    for (const name of LAB_EVENT_NAMES) {
      opened.bus.on(name, (payload) => {
        for (const window of BrowserWindow.getAllWindows()) window.webContents.send(eventChannel(name), payload);
      });
    }
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
      });
    });
    createWindow();
    // macOS keeps apps running without windows; clicking the dock icon should bring one back.
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => lab?.close());
}

// A second copy would open the same database and fight over it; hand focus to the first one instead.
if (app.requestSingleInstanceLock()) start();
else app.quit();
