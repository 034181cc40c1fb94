import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError, NotFoundError } from '../../../src-main/core/errors';
import type { MetricSample } from '../../../src-main/store/metrics-repo';
import { createSettingsRepo } from '../../../src-main/store/settings-repo';
import { openLab } from '../../../src-main/app/open-lab';
import { tempLab } from '../../support/temp';

describe('runs service', () => {
  it('creates, lists newest first, filters and fetches runs', () => {
    const { services } = tempLab();
    const experiment = services.experiments.create({ name: 'AEPO vs GRPO' });
    const a = services.runs.create({
      algorithm: 'grpo',
      benchmark: 'hotpotqa',
      seed: 0,
      experimentId: experiment.id,
      config: { lr: 1e-6 },
    });
    const b = services.runs.create({ algorithm: 'aepo', benchmark: 'hotpotqa', seed: 1 });
    expect(services.runs.list().map((r) => r.id)).toEqual([b.id, a.id]);
    expect(services.runs.list({ experimentId: experiment.id }).map((r) => r.id)).toEqual([a.id]);
    expect(services.runs.get(a.id)).toMatchObject({
      algorithm: 'grpo',
      status: 'queued',
      config: { lr: 1e-6 },
      appVersion: '0.1.0',
      backend: null,
    });
    expect(() => services.runs.get(999)).toThrow(NotFoundError);
    expect(() => services.runs.create({ algorithm: 'x', benchmark: 'y', seed: 0, experimentId: 42 })).toThrow(
      'experiment 42 not found',
    );
  });

  it('moves runs through their lifecycle and refuses impossible moves', () => {
    const { services } = tempLab();
    const run = services.runs.create({ algorithm: 'aepo', benchmark: 'gsm8k', seed: 0 });
    const running = services.runs.setStatus(run.id, { status: 'running', backend: 'wasm' });
    expect(running.startedAt).not.toBeNull();
    expect(running.backend).toBe('wasm');
    const done = services.runs.setStatus(run.id, { status: 'completed' });
    expect(done.finishedAt).not.toBeNull();
    expect(done.startedAt).toBe(running.startedAt);
    expect(() => services.runs.setStatus(run.id, { status: 'running' })).toThrow(/completed and cannot become running/);
    expect(services.runs.list({ status: 'completed' })).toHaveLength(1);
    // A failed run is given up directly (no detour through queued), or queued again to resume.
    const failed = services.runs.create({ algorithm: 'aepo', benchmark: 'gsm8k', seed: 1 });
    services.runs.setStatus(failed.id, { status: 'failed', error: 'x' });
    expect(services.runs.setStatus(failed.id, { status: 'cancelled' }).status).toBe('cancelled');
    expect(services.runs.get(failed.id).executor).toBe('local');
  });

  it('reports each write as a store.changed event', () => {
    const { services, bus } = tempLab();
    const seen: string[][] = [];
    bus.on('store.changed', ({ tables }) => seen.push(tables));
    const run = services.runs.create({ algorithm: 'aepo', benchmark: 'gsm8k', seed: 0 });
    services.runs.delete(run.id);
    expect(seen).toHaveLength(2);
    expect(seen.every((tables) => tables.includes('runs'))).toBe(true);
  });
});

describe('experiments service', () => {
  it('counts runs by status and deletes with its runs', () => {
    const { services } = tempLab();
    const e = services.experiments.create({ name: 'sweep', description: 'three seeds' });
    for (const seed of [0, 1, 2])
      services.runs.create({ experimentId: e.id, algorithm: 'aepo', benchmark: 'musique', seed });
    services.runs.setStatus(services.runs.list()[0]!.id, { status: 'running' });
    expect(services.experiments.list()[0]).toMatchObject({
      name: 'sweep',
      runCount: 3,
      runsByStatus: { queued: 2, running: 1 },
    });
    services.experiments.delete(e.id);
    expect(services.runs.list()).toEqual([]);
    expect(() => services.experiments.get(e.id)).toThrow(NotFoundError);
  });
});

describe('metrics service', () => {
  it('appends a batch and reads per-key step ranges in order', () => {
    const { services } = tempLab();
    const run = services.runs.create({ algorithm: 'aepo', benchmark: 'gsm8k', seed: 0 });
    const samples: MetricSample[] = [];
    for (let step = 10; step >= 1; step--) {
      samples.push({ key: 'reward/mean', step, value: step / 10, wallTimeMs: 1000 + step });
      samples.push({ key: 'actor/entropy', step, value: 2 - step / 10 });
    }
    expect(services.metrics.append(run.id, samples)).toEqual({ written: 20 });
    const series = services.metrics.series(run.id, 'reward/mean', { fromStep: 3, toStep: 5 });
    expect(series).toEqual([
      { step: 3, value: 0.3, wallTimeMs: 1003 },
      { step: 4, value: 0.4, wallTimeMs: 1004 },
      { step: 5, value: 0.5, wallTimeMs: 1005 },
    ]);
    expect(services.metrics.keys(run.id)).toEqual([
      { key: 'actor/entropy', points: 10, firstStep: 1, lastStep: 10 },
      { key: 'reward/mean', points: 10, firstStep: 1, lastStep: 10 },
    ]);
  });

  it('stores non-finite values as null and replaces a re-logged step', () => {
    const { services } = tempLab();
    const run = services.runs.create({ algorithm: 'aepo', benchmark: 'gsm8k', seed: 0 });
    services.metrics.append(run.id, [
      { key: 'loss', step: 1, value: Number.NaN },
      { key: 'loss', step: 2, value: 1 },
    ]);
    services.metrics.append(run.id, [{ key: 'loss', step: 2, value: 0.5 }]);
    expect(services.metrics.series(run.id, 'loss').map((p) => p.value)).toEqual([null, 0.5]);
  });

  it('writes a batch all or nothing', () => {
    const { services } = tempLab();
    const run = services.runs.create({ algorithm: 'aepo', benchmark: 'gsm8k', seed: 0 });
    const bad = [
      { key: 'loss', step: 1, value: 1 },
      { key: null as unknown as string, step: 2, value: 1 },
    ];
    expect(() => services.metrics.append(run.id, bad)).toThrow(/NOT NULL/);
    expect(services.metrics.keys(run.id)).toEqual([]);
  });

  it('deleting a run deletes its metrics', () => {
    const lab = tempLab();
    const run = lab.services.runs.create({ algorithm: 'aepo', benchmark: 'gsm8k', seed: 0 });
    lab.services.metrics.append(run.id, [{ key: 'loss', step: 1, value: 1 }]);
    lab.services.runs.delete(run.id);
    expect(lab.db.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(0);
  });
});

describe('settings and benchmarks services', () => {
  it('answers defaults, stores updates, and falls back per key for a stale stored value', () => {
    const lab = tempLab();
    expect(lab.services.settings.get()).toEqual({
      theme: 'system',
      defaultSeeds: [0, 1, 2],
      webSearch: null,
      webBrowsing: false,
      judge: null,
      pythonProcesses: null,
      concurrentRuns: null,
    });
    expect(lab.services.settings.update({ theme: 'dark' })).toMatchObject({ theme: 'dark', defaultSeeds: [0, 1, 2] });
    lab.db.prepare(`UPDATE settings SET value = '"purple"' WHERE key = 'theme'`).run();
    expect(lab.services.settings.get().theme).toBe('system');
  });

  it('keeps secrets write-only: usable by main, never in settings answers', async () => {
    const lab = tempLab();
    expect(await lab.dispatch('settings.setSecret', { name: 'judgeApiKey', value: 'sk-123' })).toEqual({
      ok: true,
      data: { set: true },
    });
    expect(JSON.stringify(await lab.dispatch('settings.get', {}))).not.toContain('sk-123');
    expect(await lab.dispatch('settings.secretsSet', {})).toEqual({
      ok: true,
      data: { webSearchApiKey: false, judgeApiKey: true },
    });
    expect(lab.services.settings.secret('judgeApiKey')).toBe('sk-123');
    expect(await lab.dispatch('settings.setSecret', { name: 'password', value: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('binds a key to the endpoint it was set for and keeps it outside the database, readable only by the user', () => {
    const lab = tempLab();
    lab.services.settings.update({ judge: { baseUrl: 'https://judge.example/v1', model: 'm' } });
    lab.services.settings.setSecret('judgeApiKey', 'sk-bound');
    expect(lab.services.settings.secret('judgeApiKey')).toBe('sk-bound');
    const file = join(lab.dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    lab.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(lab.databaseFile).includes('sk-bound')).toBe(false);
    // Pointing the judge elsewhere forgets the key: it is never sent to the new URL.
    lab.services.settings.update({ judge: { baseUrl: 'https://attacker.example/v1', model: 'm' } });
    expect(lab.services.settings.secret('judgeApiKey')).toBeUndefined();
    lab.services.settings.update({ judge: { baseUrl: 'https://judge.example/v1', model: 'm' } });
    expect(lab.services.settings.secret('judgeApiKey')).toBeUndefined();
    // Same for web search: a new provider or URL clears its key; an unrelated setting does not.
    lab.services.settings.update({ webSearch: { provider: 'searxng', url: 'https://search.example/' } });
    lab.services.settings.setSecret('webSearchApiKey', 'sk-search');
    lab.services.settings.update({ theme: 'dark' });
    expect(lab.services.settings.secret('webSearchApiKey')).toBe('sk-search');
    lab.services.settings.update({ webSearch: { provider: 'searxng', url: 'http://127.0.0.1:9/' } });
    expect(lab.services.settings.secret('webSearchApiKey')).toBeUndefined();
  });

  it('moves keys an earlier version kept in the database into the secrets file', () => {
    const lab = tempLab();
    createSettingsRepo(lab.db).set('secret.judgeApiKey', 'sk-old');
    lab.close();
    const reopened = openLab({ dataDir: lab.dataDir, mode: 'cli' });
    expect(reopened.services.settings.secret('judgeApiKey')).toBe('sk-old');
    expect(Object.keys(createSettingsRepo(reopened.db).all())).not.toContain('secret.judgeApiKey');
    reopened.close();
  });

  it('counts benchmark items per benchmark and split', () => {
    const lab = tempLab();
    expect(lab.services.benchmarks.itemCounts()).toEqual([]);
    const insert = lab.db.prepare(
      `INSERT INTO benchmark_items (benchmark, split, idx, question, answers, content_hash) VALUES (?, ?, ?, 'q', '["a"]', 'h')`,
    );
    insert.run('hotpotqa', 'test', 0);
    insert.run('hotpotqa', 'test', 1);
    insert.run('gsm8k', 'train', 0);
    expect(lab.services.benchmarks.itemCounts()).toEqual([
      { benchmark: 'gsm8k', split: 'train', items: 1 },
      { benchmark: 'hotpotqa', split: 'test', items: 2 },
    ]);
  });

  it('uses LabError codes callers can rely on', () => {
    expect(new NotFoundError('run', 3)).toMatchObject({ code: 'not_found', message: 'run 3 not found' });
    expect(new LabError('conflict', 'x').code).toBe('conflict');
  });
});
