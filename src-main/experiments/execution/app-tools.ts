/**
 * The app's tool set: search (tool_cache first, then the local index), python (a pool of sandbox processes) and browse
 * (local site bundles), behind the one ToolSet interface the rollout engine and `aepo-lab tool` call.
 */
import { join } from 'node:path';
import type { Settings } from '../../core/settings-schema';
import { BrowseTool } from '../../tools/browse/browse-tool';
import { readSitePage } from '../../tools/browse/site-files';
import { fetchPage } from '../../tools/browse/web-fetch';
import { PythonTool } from '../../tools/python/python-tool';
import { LocalIndex, SearchTool, type SearchDocument } from '../../tools/search/search-tool';
import { webSearchProvider } from '../../tools/search/web-providers';
import type { PythonCalls, ToolName, ToolResult, ToolSet } from '../../tools/types';

export interface AppToolsOptions {
  /** The python sandbox's entry: the built out/main/python-sandbox.js (tests: its TypeScript source). */
  pythonSandbox: string;
  /** Sandbox processes for python; default: the `pythonProcesses` setting, else one per core. */
  pythonProcesses?: number;
  /**
   * The lab's shared sandbox pool (or a worker thread's line to it): used instead of starting a pool of this tool
   * set's own, and left running by stop().
   */
  python?: PythonCalls;
  /** A local search corpus (a mini suite's encyclopedia: see readCorpus); its results are cached apart. */
  corpus?: { id: string; documents: SearchDocument[] };
  timeoutMs?: number;
  /** How browse fetches web pages once the user enabled it (tests widen the allowed addresses to their own server). */
  fetchPage?: (url: string) => Promise<string>;
}

/**
 * What the tools need of the app: its data folder, its settings and the tool cache. A Lab has all of it; a run's
 * worker thread, which opens no database, passes a snapshot whose cache writes go back to the main process.
 */
export interface ToolHost {
  dataDir: string;
  services: {
    toolCache: {
      get(tool: string, key: string): string | undefined;
      set(tool: string, key: string, result: string): void;
    };
    settings: {
      get(): Pick<Settings, 'webSearch' | 'webBrowsing' | 'pythonProcesses'>;
      secret(name: 'webSearchApiKey'): string | undefined;
    };
  };
}

export class AppTools implements ToolSet {
  readonly search: SearchTool;
  readonly python: PythonCalls;
  /** The pool this tool set started itself (none when it uses a shared one). */
  private readonly ownPython: PythonTool | undefined;
  readonly browse: BrowseTool;

  constructor(lab: ToolHost, options: AppToolsOptions) {
    // Results from a suite's own corpus must not answer queries on another corpus (or the web), so each corpus has
    // its own cache namespace; the plain "search" namespace holds web results, e.g. the authors' imported cache.
    const namespace = options.corpus ? `search@${options.corpus.id}` : 'search';
    const cache = {
      get: (q: string) => lab.services.toolCache.get(namespace, q),
      set: (q: string, r: string) => lab.services.toolCache.set(namespace, q, r),
    };
    // Web search comes after the local corpus, and only once the user configured a provider.
    const web = lab.services.settings.get().webSearch;
    const providers = [
      new LocalIndex(options.corpus?.documents ?? []),
      ...(web ? [webSearchProvider({ ...web, apiKey: lab.services.settings.secret('webSearchApiKey') })] : []),
    ];
    this.search = new SearchTool(providers, cache);
    this.ownPython = options.python
      ? undefined
      : new PythonTool({
          hostScript: options.pythonSandbox,
          processes: options.pythonProcesses ?? lab.services.settings.get().pythonProcesses ?? undefined,
          timeoutMs: options.timeoutMs,
        });
    this.python = options.python ?? this.ownPython!;
    // Site bundles live under <data dir>/sites/<host>/<path>.html; nothing outside that folder can be read.
    const sites = join(lab.dataDir, 'sites');
    const fetchWebPage = options.fetchPage ?? fetchPage;
    this.browse = new BrowseTool(
      (url) => readSitePage(sites, url),
      lab.services.settings.get().webBrowsing ? (url) => fetchWebPage(url) : undefined,
    );
  }

  call(tool: ToolName, input: string): Promise<ToolResult> {
    return this[tool].run(input);
  }

  async stop(): Promise<void> {
    await this.ownPython?.stop();
  }
}
