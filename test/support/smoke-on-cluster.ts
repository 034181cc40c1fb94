// A smoke experiment (created, not started) in a fresh data folder, with the Ray stand-in added as cluster "ray1".
import { expect } from 'vitest';
import { openLab, type Lab } from '../../src-main/app/open-lab';
import { cli } from './cli';
import { startRayStandIn } from './ray-stand-in';
import { tempDir } from './temp';

export async function smokeOnCluster() {
  const dataDir = tempDir();
  const ray = await startRayStandIn();
  const added = await cli(['--data-dir', dataDir, 'cluster', 'add', 'ray1', '--address', ray.address]);
  expect(added.code, added.err).toBe(0);
  const lab: Lab = openLab({ dataDir, mode: 'cli', logError: () => {} });
  const created = await lab.dispatch('experiments.create', { name: 'smoke', preset: 'smoke' });
  if (!created.ok) throw new Error(created.error.message);
  const experimentId = (created.data as { id: number }).id;
  return { dataDir, ray, lab, experimentId };
}
