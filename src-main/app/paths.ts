import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { APP_NAME } from '../core/version';

export const DATABASE_FILE = 'aepo-lab.sqlite';

/**
 * The OS app-data folder, the same one Electron's `app.getPath('userData')` gives for this app, so the desktop app,
 * the CLI and serve mode see the same data by default.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_NAME);
}

/** `--data-dir` wins, then `AEPO_LAB_HOME`, then the OS default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.AEPO_LAB_HOME) return resolve(env.AEPO_LAB_HOME);
  return defaultDataDir(env);
}
