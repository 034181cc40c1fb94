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
  const created = await cli(['--data-dir', dataDir, 'experiment', 'create', '--preset', 'smoke', '--json']);
  expect(created.code, created.err).toBe(0);
  const { experiment: experimentId, runs } = JSON.parse(created.out) as { experiment: number; runs: number };
  expect(runs).toBe(9); // the base row and the 8 algorithms, none started
  const lab: Lab = openLab({ dataDir, mode: 'cli', logError: () => {} });
  return { dataDir, ray, lab, experimentId };
}
