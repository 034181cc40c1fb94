import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../support/cli';
import { openLab } from '../../../src-main/app/open-lab';
import { tempDir } from '../../support/temp';

/** The real benchmark files beside the checkout (CI has ../shared there); read at test time, never copied. */
const SHARED = join(process.cwd(), '..', 'shared', 'benchmarks');

/** The benchmarks whose real test files ../shared/benchmarks holds. */
const SHARED_BENCHMARKS = [
  '2wiki',
  'aime24',
  'aime25',
  'bamboogle',
  'gsm8k',
  'hotpotqa',
  'math500',
  'musique',
  'simpleqa',
  'webwalker',
];
describe('importing and scoring the real benchmark files', () => {
  const folders = existsSync(SHARED)
    ? readdirSync(SHARED).filter((f) => existsSync(join(SHARED, f, 'test.jsonl')))
    : [];

  it('finds the ten shared benchmark files', () => {
    expect(folders.sort()).toEqual(SHARED_BENCHMARKS);
  });

  for (const id of SHARED_BENCHMARKS) {
    it(`${id}: imports every line, re-imports as unchanged, and its own gold answers score 100 %`, async () => {
      const dataDir = tempDir();
      const file = join(SHARED, id, 'test.jsonl');
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim()).length;
      const first = await cli(['--data-dir', dataDir, 'benchmarks', 'import', id, file, '--json']);
      expect(first.code, first.err).toBe(0);
      expect(JSON.parse(first.out)).toMatchObject({ imported: lines, added: lines });
      expect(
        JSON.parse((await cli(['--data-dir', dataDir, 'benchmarks', 'import', id, file, '--json'])).out),
      ).toMatchObject({ added: 0, updated: 0, unchanged: lines });

      const lab = openLab({ dataDir, mode: 'cli' });
      const items = lab.services.benchmarks.items(id, 'test');
      lab.close();
      const predictions = join(dataDir, 'gold.jsonl');
      writeFileSync(
        predictions,
        items.map((item) => JSON.stringify({ index: item.index, prediction: item.answers[0] })).join('\n'),
      );
      const scored = await cli(['--data-dir', dataDir, 'score', id, '--predictions', predictions, '--json']);
      expect(scored.code, scored.err).toBe(0);
      expect(JSON.parse(scored.out)).toMatchObject({ score: 100, n: lines, missing: 0 });
    });
  }
});

describe('bad files', () => {
  it('a malformed line imports nothing, and the error names the line and field (exit 2)', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'broken.jsonl');
    writeFileSync(
      file,
      [
        '{"question": "q1", "answer": ["a"]}',
        '{"question": "q2", "answer": ["b"]}',
        '{"question": "", "answer": ["c"]}',
      ].join('\n'),
    );
    const result = await cli(['--data-dir', dataDir, 'benchmarks', 'import', 'hotpotqa', file]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /broken\.jsonl: line 3, field "question": must be a non-empty string; nothing was imported/,
    );
    const asJson = await cli(['--data-dir', dataDir, 'benchmarks', 'import', 'hotpotqa', file, '--json']);
    expect(JSON.parse(asJson.out)).toMatchObject({ error: { line: 3, field: 'question' } });
    expect(
      JSON.parse((await cli(['--data-dir', dataDir, 'benchmarks', 'list', '--json'])).out).find(
        (b: { id: string }) => b.id === 'hotpotqa',
      ).items,
    ).toEqual({});
    writeFileSync(file, '{"question": "q1", "answer": ["a"]}\nnot json\n');
    expect((await cli(['--data-dir', dataDir, 'benchmarks', 'import', 'hotpotqa', file])).err).toMatch(
      /line 2, field "\(line\)": not a JSON object/,
    );
  });

  it('refuses unknown benchmarks and predictions that point nowhere', async () => {
    const dataDir = tempDir();
    expect((await cli(['--data-dir', dataDir, 'benchmarks', 'import', 'imagenet', 'x.jsonl'])).code).toBe(1);
    const file = join(dataDir, 'q.jsonl');
    writeFileSync(file, '{"question": "q1", "answer": ["a"]}\n');
    await cli(['--data-dir', dataDir, 'benchmarks', 'import', 'bamboogle', file]);
    const predictions = join(dataDir, 'p.jsonl');
    writeFileSync(predictions, '{"index": 5, "prediction": "a"}\n');
    const result = await cli(['--data-dir', dataDir, 'score', 'bamboogle', '--predictions', predictions]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/line 1, field "index": no imported item 5/);
  });

  it('scores over all items (a missing prediction counts as wrong) and refuses an item predicted twice', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'q.jsonl');
    writeFileSync(
      file,
      ['red', 'blue', 'green', 'grey']
        .map((answer, i) => JSON.stringify({ question: `q${i}`, answer: [answer] }))
        .join('\n'),
    );
    await cli(['--data-dir', dataDir, 'benchmarks', 'import', 'bamboogle', file]);
    const predictions = join(dataDir, 'p.jsonl');
    writeFileSync(predictions, '{"index": 0, "prediction": "red"}\n');
    const one = await cli(['--data-dir', dataDir, 'score', 'bamboogle', '--predictions', predictions, '--json']);
    expect(JSON.parse(one.out)).toMatchObject({ score: 25, n: 4, missing: 3 });
    const text = await cli(['--data-dir', dataDir, 'score', 'bamboogle', '--predictions', predictions]);
    expect(text.out).toMatch(/25 % \(f1\) over all 4 items; 3 had no prediction and count as wrong/);
    writeFileSync(
      predictions,
      '{"index": 0, "prediction": "red"}\n{"index": 1, "prediction": "blue"}\n{"index": 0, "prediction": "x"}\n',
    );
    const twice = await cli(['--data-dir', dataDir, 'score', 'bamboogle', '--predictions', predictions]);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/line 3, field "index": item 0 is predicted twice, on lines 1 and 3/);
  });

  it('keeps a verdict per item: prediction, extracted answer, gold, verdict and reason, printed and stored', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'math.jsonl');
    const golds = ['\\frac{1}{3}', 'x \\geq 5', '\\{-12, -11\\}'];
    writeFileSync(file, golds.map((answer, i) => JSON.stringify({ question: `p${i}`, answer })).join('\n'));
    expect((await cli(['--data-dir', dataDir, 'benchmarks', 'import', 'math500', file])).code).toBe(0);
    const predictions = join(dataDir, 'p.jsonl');
    writeFileSync(
      predictions,
      [
        { index: 0, prediction: 'So the probability is $\\cfrac{1}{3}$.' },
        { index: 1, prediction: 'Therefore $5 \\leq x$ is the solution.' },
      ]
        .map((p) => JSON.stringify(p))
        .join('\n'),
    );
    const scored = await cli(['--data-dir', dataDir, 'score', 'math500', '--predictions', predictions, '--json']);
    expect(scored.code, scored.err).toBe(0);
    const report = JSON.parse(scored.out) as { score: number; runId: number; items: Record<string, unknown>[] };
    expect(report.score).toBeCloseTo(66.67, 2);
    expect(report.items).toEqual([
      {
        index: 0,
        prediction: 'So the probability is $\\cfrac{1}{3}$.',
        extracted: '\\cfrac{1}{3}',
        gold: ['\\frac{1}{3}'],
        score: 1,
        verdict: 'correct',
        // The stage that decided it, and where the answer came from.
        reason: 'numeric check: equivalent (answer from the last math)',
      },
      expect.objectContaining({ index: 1, extracted: '5 \\leq x', verdict: 'correct' }),
      expect.objectContaining({ index: 2, prediction: null, verdict: 'missing', reason: 'no prediction' }),
    ]);
    const lab = openLab({ dataDir, mode: 'cli', logError: () => {} });
    try {
      const stored = await lab.dispatch('evaluations.items', { runId: report.runId });
      expect(stored).toMatchObject({ ok: true });
      const rows = (stored as { data: { verdict: string; extracted: string | null; sample: number }[] }).data;
      expect(rows.map((r) => [r.verdict, r.extracted, r.sample])).toEqual([
        ['correct', '\\cfrac{1}{3}', 0],
        ['correct', '5 \\leq x', 0],
        ['missing', null, 0],
      ]);
    } finally {
      lab.close();
    }
  });

  it("stores a score as a run of its own, and in an experiment's results table with --experiment", async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'q.jsonl');
    writeFileSync(
      file,
      ['red', 'blue'].map((answer, i) => JSON.stringify({ question: `q${i}`, answer: [answer] })).join('\n'),
    );
    await cli(['--data-dir', dataDir, 'benchmarks', 'import', 'bamboogle', file]);
    const predictions = join(dataDir, 'mine.jsonl');
    writeFileSync(predictions, '{"index": 0, "prediction": "red"}\n{"index": 1, "prediction": "green"}\n');
    const alone = JSON.parse(
      (await cli(['--data-dir', dataDir, 'score', 'bamboogle', '--predictions', predictions, '--json'])).out,
    ) as { runId: number };
    expect(alone.runId).toBe(1);
    const { openLab } = await import('../../../src-main/app/open-lab');
    const lab = openLab({ dataDir, mode: 'cli' });
    const experiment = lab.services.experiments.create({ name: 'outside models' });
    lab.close();
    expect(
      (
        await cli([
          '--data-dir',
          dataDir,
          'score',
          'bamboogle',
          '--predictions',
          predictions,
          '--experiment',
          String(experiment.id),
        ])
      ).code,
    ).toBe(0);
    const table = await cli(['--data-dir', dataDir, 'export', String(experiment.id)]);
    // A prediction file is a row like any other: one seed, its items resampled (2 items: a wide interval).
    expect(table.out).toMatch(/\| predictions:mine\.jsonl \| \*\*50\.0 \[0\.0, 100\.0\]\*\* \|/);
    expect(
      (await cli(['--data-dir', dataDir, 'score', 'bamboogle', '--predictions', predictions, '--experiment', '99']))
        .err,
    ).toMatch(/experiment 99 not found/);
  });
});
