import { join } from 'node:path';
import { createDispatch, type Dispatch } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import type { AppInfo } from '../api/channels';
import { EventBus } from '../core/events';
import { createServices, type Services } from '../services';
import { openDatabase, type Db } from '../store/database';
import { readLedger, type Migration } from '../store/migrations';
import { createSecretsFile, type SecretCipher } from '../store/secrets-file';
import { DATABASE_FILE } from './paths';
import { APP_NAME, APP_VERSION } from './version';

export interface Lab {
  dataDir: string;
  databaseFile: string;
  db: Db;
  bus: EventBus;
  services: Services;
  /** Validates and runs one channel call; the same entry for IPC, HTTP and the CLI. */
  dispatch: Dispatch;
  close(): void;
}

export interface OpenLabOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  logError?: (error: unknown) => void;
  /** Defaults to the migrations bundled with the app. */
  migrations?: Migration[];
  /** Encrypts stored API keys (the desktop app passes the OS keychain); elsewhere they rely on the file's mode 0600. */
  secretCipher?: SecretCipher;
}

/** The composition root shared by the Electron shell, serve mode and the CLI. */
export const SECRETS_FILE = 'secrets.json';

export function openLab({ dataDir, mode, logError, migrations, secretCipher }: OpenLabOptions): Lab {
  const databaseFile = join(dataDir, DATABASE_FILE);
  const db = openDatabase(databaseFile, { appVersion: APP_VERSION, migrations });
  const bus = new EventBus();
  const services = createServices(db, bus, APP_VERSION, createSecretsFile(join(dataDir, SECRETS_FILE), secretCipher));
  const schemaVersion = readLedger(db).length;
  const appInfo = (): AppInfo => ({
    name: APP_NAME,
    version: APP_VERSION,
    mode,
    schemaVersion,
    platform: `${process.platform}-${process.arch}`,
    nodeVersion: process.versions.node,
  });
  const dispatch = createDispatch(createHandlers(services, appInfo), logError);
  return { dataDir, databaseFile, db, bus, services, dispatch, close: () => db.close() };
}
