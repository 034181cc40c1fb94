// A stand-in for the `electron` module, so the built main bundle can be imported under plain Node (Electron's binary
// can't be installed on these machines). It records what the shell asks of Electron in globalThis.__fakeElectron.
const state = {
  singleInstanceLocks: 0,
  appEvents: [],
  ipcChannels: [],
  ipcHandlers: {},
  windows: [],
  loadedFiles: [],
  loadedUrls: [],
  openedExternal: [],
  sent: [],
  headersHook: null,
  quit: false,
};
globalThis.__fakeElectron = state;

export const app = {
  isPackaged: false,
  requestSingleInstanceLock() {
    state.singleInstanceLocks++;
    return true;
  },
  whenReady: () => Promise.resolve(),
  on(event) {
    state.appEvents.push(event);
    return app;
  },
  quit() {
    state.quit = true;
  },
  getPath: (name) => (name === 'userData' ? process.env.FAKE_USER_DATA : `/tmp/${name}`),
};

export const ipcMain = {
  handle(channel, handler) {
    state.ipcChannels.push(channel);
    state.ipcHandlers[channel] = handler;
  },
};

export class BrowserWindow {
  static all = [];
  static getAllWindows = () => BrowserWindow.all;
  constructor(options) {
    this.options = options;
    const listeners = {};
    this.listeners = listeners;
    this.webContents = {
      windowOpenHandler: null,
      setWindowOpenHandler(handler) {
        this.windowOpenHandler = handler;
      },
      on(event, handler) {
        listeners[`webContents:${event}`] = handler;
      },
      getURL: () => 'file:///app/index.html',
      send: (channel, payload) => state.sent.push({ channel, payload }),
    };
    BrowserWindow.all.push(this);
    state.windows.push(this);
  }
  once(event, handler) {
    this.listeners[event] = handler;
  }
  loadFile(file) {
    state.loadedFiles.push(file);
    return Promise.resolve();
  }
  loadURL(url) {
    state.loadedUrls.push(url);
    return Promise.resolve();
  }
  isMinimized = () => false;
  restore() {}
  focus() {}
  show() {}
}

export const shell = {
  openExternal(url) {
    state.openedExternal.push(url);
    return Promise.resolve();
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler) {
      state.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler) {
      state.permissionCheckHandler = handler;
    },
    webRequest: {
      onHeadersReceived(hook) {
        state.headersHook = hook;
      },
    },
  },
};

export const safeStorage = {
  isEncryptionAvailable: () => false,
};

export default { app, ipcMain, BrowserWindow, shell, session, safeStorage };
