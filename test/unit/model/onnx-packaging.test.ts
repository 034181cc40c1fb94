// onnxruntime-node ships every platform's native library (288 MB unpacked); the packaged app must carry only its own
// platform's, unpacked from the asar so the addon can load it. Checked against the package's real folders.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  build: Record<string, unknown> & { asarUnpack: string[] };
  allowScripts: Record<string, boolean>;
};
const BINARIES = 'node_modules/onnxruntime-node/bin/napi-v6';
const ELECTRON_PLATFORM = { linux: 'linux', mac: 'darwin', win: 'win32' } as const;

describe('packaging onnxruntime-node', () => {
  it('keeps only the target platform’s binaries, unpacked, and never runs the install script', () => {
    const shipped = readdirSync(join(root, BINARIES));
    expect(shipped.sort()).toEqual(['darwin', 'linux', 'win32']);
    for (const [target, platform] of Object.entries(ELECTRON_PLATFORM)) {
      const files = (pkg.build[target] as { files: string[] }).files;
      const excluded = shipped.filter((p) => files.includes(`!${BINARIES}/${p}/**`));
      expect(excluded.sort(), target).toEqual(shipped.filter((p) => p !== platform).sort());
    }
    expect(pkg.build.asarUnpack).toContain('node_modules/onnxruntime-node/bin/**');
    // Its script downloads GPU providers from nuget.org, which fails offline; the CPU provider ships in the package.
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
  });
});
