import { z } from 'zod';

/** Every user setting. Unknown keys are refused so a typo can't be stored silently. */
const settingsShape = {
  /** Colour theme of the UI; `system` follows the OS. */
  theme: z.enum(['system', 'light', 'dark']),
  /** Seeds a new experiment starts with. */
  defaultSeeds: z.array(z.number().int().min(0)).min(1).max(32),
  /** Web search for the search tool; null keeps it off (only local corpora and the cache). Its key is a secret. */
  webSearch: z.object({ provider: z.enum(['searxng', 'serper', 'bing']), url: z.string().url().optional() }).nullable(),
  /** Let browse fetch pages from the web when a URL is not in the local site bundles. */
  webBrowsing: z.boolean(),
  /** An OpenAI-compatible endpoint that judges answers of LLM-judged benchmarks; null scores them by token F1. */
  judge: z.object({ baseUrl: z.string().url(), model: z.string().min(1) }).nullable(),
  /** Python sandbox processes kept warm for tool calls; null: one per core. */
  pythonProcesses: z.number().int().min(1).max(64).nullable(),
  /** Runs trained at the same time, each in its own worker thread; null: one per core. */
  concurrentRuns: z.number().int().min(1).max(64).nullable(),
};

/** Secrets are write-only through the API: stored, used by main, never sent to the renderer. */
export const SECRET_NAMES = ['webSearchApiKey', 'judgeApiKey'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export const settingsSchema = z.object(settingsShape).strict();
export type Settings = z.output<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  defaultSeeds: [0, 1, 2],
  webSearch: null,
  webBrowsing: false,
  judge: null,
  pythonProcesses: null,
  concurrentRuns: null,
};

export const settingsPatchSchema = settingsSchema.partial();
export type SettingsPatch = z.output<typeof settingsPatchSchema>;
