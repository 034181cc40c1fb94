/**
 * The channel names alone, for code that needs only the names (the sandboxed preload, which must stay small and
 * free of Node modules). channels.ts checks that its map has exactly these keys, so the two can't drift apart.
 */
export const CHANNEL_NAMES = [
  'app.info',
  'experiments.list',
  'experiments.get',
  'experiments.create',
  'experiments.delete',
  'experiments.export',
  'experiments.results',
  'experiments.table',
  'experiments.options',
  'experiments.estimate',
  'experiments.start',
  'experiments.pause',
  'experiments.resume',
  'experiments.cancel',
  'runs.list',
  'runs.get',
  'runs.create',
  'runs.delete',
  'runs.annotate',
  'runs.summaries',
  'views.list',
  'views.save',
  'views.delete',
  'runs.pause',
  'runs.resume',
  'runs.cancel',
  'evaluations.items',
  'rollouts.steps',
  'rollouts.get',
  'metrics.keys',
  'metrics.series',
  'benchmarks.list',
  'settings.get',
  'settings.update',
  'settings.setSecret',
  'settings.secretsSet',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];
