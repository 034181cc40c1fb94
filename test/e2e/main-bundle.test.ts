import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src-main/api/channels';
import { tempDir } from '../support/temp';

interface MainReport {
  refusals: string[];
  permissions: boolean[];
  permissionCheck: boolean;
  singleInstanceLocks: number;
  appEvents: string[];
  ipcChannels: string[];
  windows: number;
  webPreferences: Record<string, unknown>;
  preloadExists: boolean;
  loadedFiles: string[];
  loadedFilesExist: boolean;
  listRuns: unknown;
  created: { ok: boolean; data: { id: number } };
  invalid: { ok: boolean; error: { code: string } };
  sent: { channel: string; payload: unknown }[];
  openHandlerAnswer: unknown;
  openedExternal: string[];
  navigationPrevented: boolean;
  cspHeader: string | null;
}

describe('built Electron main bundle (with a stand-in electron module)', () => {
  const userData = tempDir();
  const report = JSON.parse(
    execFileSync(
      process.execPath,
      ['--import', './test/support/fake-electron/register.mjs', './test/support/fake-electron/inspect-main.mjs'],
      {
        encoding: 'utf8',
        env: { ...process.env, FAKE_USER_DATA: userData, AEPO_LAB_HOME: '' },
      },
    ),
  ) as MainReport;

  it('registers an IPC handler for every channel of the channel map, and no other', () => {
    expect([...report.ipcChannels].sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('takes the single-instance lock and opens one locked-down window', () => {
    expect(report.singleInstanceLocks).toBe(1);
    expect(report.appEvents).toEqual(expect.arrayContaining(['second-instance', 'window-all-closed', 'activate']));
    expect(report.windows).toBe(1);
    expect(report.webPreferences).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true });
    expect(report.preloadExists).toBe(true);
    expect(report.loadedFiles).toHaveLength(1);
    expect(report.loadedFiles[0]).toMatch(/out[/\\]renderer[/\\]index\.html$/);
    expect(report.loadedFilesExist).toBe(true);
  });

  it('answers IPC through the validating dispatcher over the userData database and relays events', () => {
    expect(report.listRuns).toEqual({ ok: true, data: [] });
    expect(report.created).toMatchObject({ ok: true, data: { id: 1 } });
    expect(report.invalid).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(report.sent).toContainEqual({
      channel: 'event:store.changed',
      payload: { tables: ['runs', 'experiments'] },
    });
  });

  it('opens external links in the system browser and keeps the window on the app', () => {
    expect(report.openHandlerAnswer).toEqual({ action: 'deny' });
    expect(report.openedExternal).toEqual(['https://arxiv.org/abs/2510.14545', 'https://example.org/']);
    expect(report.navigationPrevented).toBe(true);
    expect(report.cspHeader).toMatch(/^default-src 'self'; script-src 'self'/);
    // IPC from anything but the app page's top frame is refused; every permission request is denied.
    expect(report.refusals).toHaveLength(4);
    for (const refusal of report.refusals)
      expect(refusal).toMatch(/^refused: runs\.list was called from a frame that is not the app's page/);
    expect(report.permissions).toEqual([false, false]);
    expect(report.permissionCheck).toBe(false);
  });
});
