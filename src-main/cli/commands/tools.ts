import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCorpus } from '../../experiments/library/mini-suites';
import { AppTools } from '../../experiments/execution/app-tools';
import { TOOL_NAMES, type ToolName } from '../../tools/types';
import { jsonOption, UsageError, type Command } from '../command';
import { terminalSafe } from '../format';

export const tool: Command = {
  path: ['tool'],
  args: ['NAME', 'INPUT'],
  summary: 'run one tool call by hand (search, python or browse) and print its result',
  options: {
    ...jsonOption,
    suite: { type: 'string', label: '--suite S', description: "search this mini suite's corpus (e.g. mini-hotpotqa)" },
  },
  async run(context) {
    const [name, input] = context.args;
    if (!name || !TOOL_NAMES.includes(name as ToolName))
      throw new UsageError(`tool takes one of ${TOOL_NAMES.join(', ')}, not "${name ?? ''}"`);
    if (input === undefined) throw new UsageError(`tool ${name} needs an INPUT (quote it)`);
    const lab = context.lab();
    const suite = context.options.suite === undefined ? undefined : String(context.options.suite);
    const corpus = suite === undefined ? undefined : { id: suite, documents: readCorpus(lab, suite) };
    const tools = new AppTools(lab, {
      pythonSandbox: join(context.workerDir, 'python-sandbox.js'),
      pythonProcesses: 1,
      corpus,
    });
    try {
      const result = await tools.call(name as ToolName, input);
      // A tool's output is foreign text (a web page, a search result, what model code printed): no escape codes.
      context.io.out(context.options.json ? JSON.stringify(result) : terminalSafe(result.output));
      return result.ok ? 0 : 1;
    } finally {
      await tools.stop();
    }
  },
};

export const toolCacheImport: Command = {
  path: ['tool-cache', 'import'],
  args: ['FILE'],
  summary: 'import a search cache (JSON object: query → "Page 1: …" results), as the authors shipped one',
  options: jsonOption,
  async run(context) {
    const [file] = context.args;
    if (!file) throw new UsageError('tool-cache import needs a FILE');
    let entries: [string, string][];
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('expected a JSON object of query → result');
      entries = Object.entries(parsed as Record<string, unknown>).map(([query, result]) => {
        if (typeof result !== 'string') throw new Error(`the result for "${query.slice(0, 60)}" is not a string`);
        return [query, result];
      });
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}; nothing was imported`);
    }
    const counts = context.lab().services.toolCache.importMany('search', entries);
    context.io.out(
      context.options.json
        ? JSON.stringify({ imported: entries.length, ...counts })
        : `${entries.length} cached searches: ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged`,
    );
    return 0;
  },
};
