import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLab } from '../../src-main/app/open-lab';
import { beforeAll, describe, expect, it } from 'vitest';
import { coldStartToyAgent } from '../../src-main/experiments/execution/toy-task';
import { selectBackend } from '../../src-main/model/backend';
import { saveCheckpoint } from '../../src-main/model/checkpoint';
import { startUntilUrl, type Started } from '../support/processes';
import { tempDir } from '../support/temp';

/** The real thing end to end: a checkpoint served by `aepo-lab serve`, evaluated by `aepo-lab evaluate` over HTTP. */
describe('evaluating a model behind an OpenAI-compatible endpoint', () => {
  let served: Started;
  beforeAll(async () => {
    await selectBackend();
    const agent = coldStartToyAgent(250);
    const checkpoint = join(tempDir(), 'toy.ckpt');
    saveCheckpoint(checkpoint, {
      model: agent.model,
      tokenizer: agent.tokenizer,
      meta: { runId: null, step: 250, appVersion: '0.1.0', createdAt: 0 },
    });
    served = await startUntilUrl(
      process.execPath,
      ['bin/aepo-lab.js', 'serve', '--port', '0', '--data-dir', tempDir(), '--checkpoint', checkpoint],
      {},
    );
  });

  it('serves /v1 with the access token as its API key', async () => {
    expect((await fetch(`${served.origin}/v1/models`)).status).toBe(401);
    const models = (await (
      await fetch(`${served.origin}/v1/models`, { headers: { authorization: `Bearer ${served.token}` } })
    ).json()) as { data: { id: string }[] };
    expect(models.data[0]!.id).toBe('toy.ckpt');
    const response = await fetch(`${served.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'toy.ckpt',
        messages: [{ role: 'user', content: 'What is 12 + 30?' }],
        max_tokens: 40,
        temperature: 0,
        stop: ['</python>'],
      }),
    });
    const body = (await response.json()) as {
      choices: { message: { content: string }; finish_reason: string; stop_reason: string | null }[];
    };
    expect(response.status).toBe(200);
    expect(body.choices[0]!.message.content).toBeTypeOf('string');
    if (body.choices[0]!.stop_reason === '</python>')
      expect(body.choices[0]!.message.content.endsWith('</python>')).toBe(false);
    const json = { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' };
    const bad = await fetch(`${served.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: json,
      body: '{"messages": []}',
    });
    expect(bad.status).toBe(400);
    // A 900 KB message is refused with a clear message, not a stack overflow.
    const huge = await fetch(`${served.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(900_000) }] }),
    });
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { error: { message: string } }).error.message).toMatch(
      /messages\.0\.content: Too big/,
    );
  });

  it('aepo-lab evaluate runs the multi-turn tool loop against it and scores the answers', () => {
    const dataDir = tempDir();
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['bin/aepo-lab.js', '--data-dir', dataDir, ...args], {
        encoding: 'utf8',
        timeout: 120_000,
      });
    expect(run(['benchmarks', 'generate', 'mini-gsm8k', '--train', '2', '--test', '4']).status).toBe(0);
    const result = run([
      'evaluate',
      'mini-gsm8k',
      '--endpoint',
      `${served.origin}/v1`,
      '--api-key',
      served.token,
      '--model',
      'toy.ckpt',
      '--limit',
      '3',
      '--no-system-prompt',
      '--json',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { n: number; score: number; toolCalls: number; metric: string };
    expect(report).toMatchObject({ n: 3, metric: 'math_equivalence' });
    expect(report.score).toBeGreaterThanOrEqual(0);
    expect(report.score).toBeLessThanOrEqual(100);
    expect(result.stderr).toContain('evaluated 3/3');
    // The LLM judge from Settings, here the same served model, scores an LLM-judged benchmark.
    const qa = join(dataDir, 'qa.jsonl');
    writeFileSync(qa, '{"question": "What is 2 + 2?", "answer": "4"}\n{"question": "What is 3 + 3?", "answer": "6"}\n');
    expect(run(['benchmarks', 'import', 'webwalker', qa]).status).toBe(0);
    const lab = openLab({ dataDir, mode: 'cli' });
    lab.services.settings.update({ judge: { baseUrl: `${served.origin}/v1`, model: 'toy.ckpt' } });
    lab.services.settings.setSecret('judgeApiKey', served.token);
    lab.close();
    const predictions = join(dataDir, 'p.jsonl');
    writeFileSync(predictions, '{"index": 0, "prediction": "4"}\n{"index": 1, "prediction": "7"}\n');
    const judged = run(['score', 'webwalker', '--predictions', predictions, '--judge', '--json']);
    expect(judged.status, judged.stderr).toBe(0);
    expect(JSON.parse(judged.stdout)).toMatchObject({ n: 2, metric: 'llm_judge (toy.ckpt)' });
    const unauthorised = run([
      'evaluate',
      'mini-gsm8k',
      '--endpoint',
      `${served.origin}/v1`,
      '--limit',
      '1',
      '--no-system-prompt',
    ]);
    expect(unauthorised.status).toBe(1);
    expect(unauthorised.stderr).toMatch(/chat endpoint \S+ answered 401/);
  });
});
