import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules of the architecture live in eslint.config.js as import restrictions. These cases prove each
 * rule still bites, so loosening the config by accident fails here and not months later in review.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message);
}

describe('architecture import rules', () => {
  it('rule 1: only src-main/shell may import electron', async () => {
    expect(
      await restrictedImports('src-main/serve/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImports('src-main/shell/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toHaveLength(0);
  });

  it('rule 2: model, rl, tools and benchmarks never reach the store or a front end', async () => {
    for (const folder of ['model', 'rl', 'tools', 'benchmarks']) {
      const messages = await restrictedImports(
        `src-main/${folder}/x.ts`,
        "import { openDatabase } from '../store/database';\nexport const a = openDatabase;\n",
      );
      expect(messages, folder).toHaveLength(1);
    }
  });

  it('rule 3: the store imports no domain code', async () => {
    expect(
      await restrictedImports('src-main/store/x.ts', "import { z } from '../rl/advantages';\nexport const a = z;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImports('src-main/store/x.ts', "import { z } from './records';\nexport const a = z;\n"),
    ).toHaveLength(0);
  });

  it('rule 4: an algorithm does not import another algorithm', async () => {
    expect(
      await restrictedImports(
        'src-main/rl/algorithms/aepo.ts',
        "import { grpo } from './grpo';\nexport const a = grpo;\n",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'src-main/rl/algorithms/aepo.ts',
        "import { clip } from '../losses';\nexport const a = clip;\n",
      ),
    ).toHaveLength(0);
  });

  it('rule 5: the renderer imports only api types from src-main', async () => {
    const renderer = 'src-renderer/pages/X.ts';
    expect(
      await restrictedImports(
        renderer,
        "import type { Run } from '../../src-main/api/typed-api';\nexport type A = Run;\n",
      ),
    ).toHaveLength(0);
    expect(
      await restrictedImports(renderer, "import { api } from '../../src-main/api/typed-api';\nexport const a = api;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        renderer,
        "import { openLab } from '../../src-main/app/open-lab';\nexport const a = openLab;\n",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(renderer, "import Database from 'better-sqlite3';\nexport const a = Database;\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImports(renderer, "import { readFile } from 'node:fs';\nexport const a = readFile;\n"),
    ).toHaveLength(1);
  });

  it('the front ends sit above api, services and core', async () => {
    expect(
      await restrictedImports(
        'src-main/services/x.ts',
        "import { channels } from '../api/channels';\nexport const a = channels;\n",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'src-main/api/x.ts',
        "import { startServer } from '../serve/server';\nexport const a = startServer;\n",
      ),
    ).toHaveLength(1);
  });

  it('rule 6: experiments/ imports no front end nor the composition root, and each tier only the tiers below', async () => {
    const lab = "import type { Lab } from '../../app/open-lab';\nexport type A = Lab;\n";
    expect(await restrictedImports('src-main/experiments/execution/x.ts', lab)).toHaveLength(1);
    const upward: [string, string][] = [
      ['plan', '../execution/run-executor'],
      ['library', '../results/export'],
      ['results', '../execution/scheduler'],
      ['imports', '../remote/submit'],
      ['execution', '../remote/remote-runs'],
      ['results', '../study/paper-claims-plan'],
      ['study', '../execution/scheduler'],
    ];
    for (const [tier, target] of upward)
      expect(
        await restrictedImports(
          `src-main/experiments/${tier}/x.ts`,
          `import * as m from '${target}';\nexport const a = m;\n`,
        ),
        `${tier} -> ${target}`,
      ).toHaveLength(1);
    const downward: [string, string][] = [
      ['remote', '../execution/run-executor'],
      ['execution', '../plan/run-config'],
      ['results', '../plan/run-config'],
      ['library', '../plan/run-config'],
      ['execution', './scheduler'],
      ['study', '../results/table-comparisons'],
      ['study', '../plan/estimate'],
    ];
    for (const [tier, target] of downward)
      expect(
        await restrictedImports(
          `src-main/experiments/${tier}/x.ts`,
          `import * as m from '${target}';\nexport const a = m;\n`,
        ),
        `${tier} -> ${target}`,
      ).toHaveLength(0);
  });

  it('rule 7: the CLI and serve mode reach the model only through the API or an experiments service', async () => {
    const model = "import { loadCheckpoint } from '../../model/checkpoint';\nexport const a = loadCheckpoint;\n";
    expect(await restrictedImports('src-main/cli/commands/x.ts', model)).toHaveLength(1);
    const rl = "import { runConformance } from '../rl/conformance';\nexport const a = runConformance;\n";
    expect(await restrictedImports('src-main/serve/x.ts', rl)).toHaveLength(1);
    const service =
      "import { openChatModel } from '../../experiments/execution/chat-model';\nexport const a = openChatModel;\n";
    expect(await restrictedImports('src-main/cli/commands/x.ts', service)).toHaveLength(0);
  });
});
