import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from '../../../src-main/app/paths';

describe('data folder', () => {
  it('matches the folder Electron uses for userData on each OS', () => {
    expect(defaultDataDir({}, 'linux')).toBe(join(homedir(), '.config', 'AEPO Lab'));
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe(join('/x', 'AEPO Lab'));
    expect(defaultDataDir({}, 'darwin')).toBe(join(homedir(), 'Library', 'Application Support', 'AEPO Lab'));
    expect(defaultDataDir({ APPDATA: 'C:/Users/a/AppData/Roaming' }, 'win32')).toBe(
      join('C:/Users/a/AppData/Roaming', 'AEPO Lab'),
    );
  });

  it('prefers --data-dir, then AEPO_LAB_HOME', () => {
    expect(resolveDataDir('rel/dir', { AEPO_LAB_HOME: '/env' })).toBe(resolve('rel/dir'));
    expect(resolveDataDir(undefined, { AEPO_LAB_HOME: '/env' })).toBe('/env');
  });
});
