// The Ray Jobs client against the strict stand-in (real HTTP and a real WebSocket): the stand-in refuses what Ray
// refuses, the client reads what Ray answers, and the log tail follows a job to its end.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rayJobsClient, type RayJobRequest } from '../../../src-main/clusters/ray-jobs-client';
import { tailJobLog } from '../../../src-main/clusters/ray-log-tail';
import { zipArchive } from '../../../src-main/clusters/zip-archive';
import { cli } from '../../support/cli';
import { startRayStandIn, type RayStandIn } from '../../support/ray-stand-in';
import { tempDir } from '../../support/temp';

const standIns: RayStandIn[] = [];
afterEach(async () => {
  for (const s of standIns.splice(0)) await s.close();
});
const standIn = async (options?: { token?: string }) => {
  const s = await startRayStandIn(options);
  standIns.push(s);
  return s;
};

const PACKAGE = 'gcs://_ray_pkg_0123456789abcdef.zip';
const request = (id: string): RayJobRequest => ({
  entrypoint: 'python3 -c "print(1)"',
  submission_id: id,
  runtime_env: { working_dir: PACKAGE },
  metadata: { run_id: '1' },
  entrypoint_num_cpus: 1,
});

describe('the Ray stand-in is as strict as Ray', () => {
  it('routes the job collection only with its trailing slash and refuses bodies Ray refuses', async () => {
    const ray = await standIn();
    const post = (path: string, body: unknown) =>
      fetch(`${ray.address}${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post('/api/jobs', { entrypoint: 'x' })).status).toBe(404);
    const unknown = await post('/api/jobs/', { entrypoint: 'x', working_dir: '.' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/unexpected keyword argument 'working_dir'/);
    expect((await post('/api/jobs/', { submission_id: 'a' })).status).toBe(400);
    expect((await post('/api/jobs/', { entrypoint: 'x', metadata: { n: 1 } })).status).toBe(400);
    expect((await post('/api/jobs/', { entrypoint: 'x', entrypoint_memory: 1.5 })).status).toBe(400);
    expect((await post('/api/jobs/', { entrypoint: 'x' })).status).toBe(200);
    expect((await fetch(`${ray.address}/api/packages/gcs/x.tar`)).status).toBe(500);
  });

  it('checks, uploads, submits once per id, reads, stops and deletes only ended jobs', async () => {
    const ray = await standIn();
    const client = rayJobsClient({ address: `${ray.address}/` });
    expect(await client.version()).toMatchObject({ version: '4', ray_version: '2.49.0' });
    expect(await client.hasPackage(PACKAGE)).toBe(false);
    await client.uploadPackage(PACKAGE, zipArchive({ 'a.txt': 'a' }));
    expect(await client.hasPackage(PACKAGE)).toBe(true);
    expect(await client.submit(request('run-1'))).toEqual({ submission_id: 'run-1' });
    await expect(client.submit(request('run-1'))).rejects.toThrow(
      /HTTP 400: ValueError: Job with submission_id run-1 already exists/,
    );
    expect(await client.job('run-1')).toMatchObject({ status: 'PENDING' });
    expect(await client.job('nope')).toBeNull();
    expect(await client.list()).toHaveLength(1);
    await expect(client.delete('run-1')).rejects.toThrow(/HTTP 500/);
    expect(await client.stop('run-1')).toBe(true);
    expect(await client.stop('run-1')).toBe(false);
    expect(await client.delete('run-1')).toBe(true);
    expect(await client.job('run-1')).toBeNull();
  });

  it('needs the bearer token when the cluster has token auth on, and says so', async () => {
    const ray = await standIn({ token: 's3cret' });
    await expect(rayJobsClient({ address: ray.address }).version()).rejects.toThrow(
      /HTTP 401 \(check the cluster token\)/,
    );
    expect(await rayJobsClient({ address: ray.address, token: 's3cret' }).version()).toMatchObject({ version: '4' });
  });

  it('tells an unreachable dashboard from one that answered', async () => {
    const ray = await standIn();
    const address = ray.address;
    await ray.close();
    standIns.pop();
    await expect(rayJobsClient({ address }).version()).rejects.toMatchObject({ name: 'ClusterUnreachableError' });
  });

  it('follows a job log over the WebSocket from its start to the close at the end of the job', async () => {
    const ray = await standIn();
    const client = rayJobsClient({ address: ray.address });
    await client.uploadPackage(PACKAGE, zipArchive({ 'a.txt': 'a' }));
    await client.submit(request('run-2'));
    ray.appendLog('run-2', 'first line\n');
    const chunks: string[] = [];
    const done = tailJobLog(client.tailUrl('run-2'), client.authHeaders(), (t) => chunks.push(t));
    await new Promise((r) => setTimeout(r, 100));
    ray.appendLog('run-2', 'x'.repeat(70_000) + '\n'); // a frame with a 64-bit length
    await new Promise((r) => setTimeout(r, 100));
    ray.setStatus('run-2', 'SUCCEEDED');
    await done;
    expect(chunks.join('')).toBe(`first line\n${'x'.repeat(70_000)}\n`);
    await expect(tailJobLog(client.tailUrl('nope'), {}, () => undefined)).rejects.toThrow(/HTTP 404/);
  });
});

describe('the job package zip', () => {
  it("is deterministic and opens with Python's zipfile", () => {
    const files = { 'aepo_lab/b.txt': 'béta\n', 'aepo_lab/a.py': 'print("a")\n'.repeat(50) };
    const zip = zipArchive(files);
    expect(zipArchive(files).equals(zip)).toBe(true);
    const dir = tempDir();
    writeFileSync(join(dir, 'p.zip'), zip);
    const listed = execFileSync(
      'python3',
      [
        '-c',
        'import zipfile,sys,json; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))',
        join(dir, 'p.zip'),
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(listed)).toEqual(files);
  });
});

describe('cluster commands', () => {
  it('add (token from a file, never printed), list, check and remove; a bad token or address is said in words', async () => {
    const ray = await standIn({ token: 'tok-123' });
    const dataDir = tempDir();
    const tokenFile = join(dataDir, 'token');
    writeFileSync(tokenFile, 'tok-123\n');
    const at = ['--data-dir', dataDir];
    const added = await cli([...at, 'cluster', 'add', 'gpu', '--address', ray.address, '--token-file', tokenFile]);
    expect(added.out).toBe(`cluster gpu: ${ray.address} (token set)`);
    expect(added.err).toBe('');
    const listed = await cli([...at, 'cluster', 'list']);
    expect(listed.out).toMatch(/gpu\s+http:\/\/127\.0\.0\.1:\d+\s+set\s+0/);
    expect(listed.out + (await cli([...at, 'cluster', 'list', '--json'])).out).not.toContain('tok-123');
    expect((await cli([...at, 'cluster', 'check', 'gpu'])).out).toMatch(/^gpu at .*: Ray 2\.49\.0, Jobs API 4$/);
    // The same address without the token: the dashboard's 401, in words.
    await cli([...at, 'cluster', 'add', 'bare', '--address', ray.address]);
    const refused = await cli([...at, 'cluster', 'check', 'bare']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/HTTP 401 \(check the cluster token\)/);
    const remote = await cli([...at, 'cluster', 'add', 'far', '--address', 'http://10.1.2.3:8265']);
    expect(remote.err).toMatch(/reach it through an SSH tunnel/);
    expect((await cli([...at, 'cluster', 'remove', 'far'])).out).toBe('cluster far removed');
    const bad = await cli([...at, 'cluster', 'add', 'x', '--address', 'ftp://h']);
    expect(bad.err).toMatch(/the dashboard address, such as http:\/\/127\.0\.0\.1:8265/);
  });
});
