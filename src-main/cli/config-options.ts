/**
 * `--config FILE.json` and `--set path=value` (repeatable) as a run config diff. The fields, their types and their
 * docs come from the API (`experiments.options`), which generates them from the run config's schema as the New
 * Experiment form does, so every field the form offers is a flag here (as CleanRL's flags come from its Args).
 * Values are read by the field's type; the API then checks each one and names the field of any it refuses.
 */
import { readFileSync } from 'node:fs';
import type { ConfigField, JsonValue } from '../api/typed-api';
import { UsageError, type OptionSpec } from './command';

export const configOptions: Record<string, OptionSpec> = {
  config: {
    type: 'string',
    label: '--config FILE.json',
    description: 'run config changes over the preset, as JSON (the form\'s "Advanced" fields, nested)',
  },
  set: {
    type: 'string',
    multiple: true,
    label: '--set path=value',
    description:
      'one run config field over the preset and --config, e.g. algorithmSettings.branch.gamma=0.5 (repeatable)',
  },
};

type Diff = { [key: string]: JsonValue };
const isObject = (value: unknown): value is Diff =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The diff the options describe: the file's, then each `--set` in order; undefined when neither was given. */
export function configDiffFromOptions(
  fields: ConfigField[],
  file: string | undefined,
  assignments: readonly string[] = [],
): Diff | undefined {
  if (file === undefined && assignments.length === 0) return undefined;
  const diff: Diff = file === undefined ? {} : readConfigFile(file);
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    if (at <= 0) throw new UsageError(`--set takes path=value, e.g. training.steps=20, not "${assignment}"`);
    const path = assignment.slice(0, at).trim();
    const field = fields.find((f) => f.path === path);
    if (!field)
      throw new UsageError(
        `--set: the run config has no field "${path}"${nearest(fields, path)}; \`aepo-lab experiment fields\` lists them`,
      );
    setPath(diff, path, valueOf(field, assignment.slice(at + 1).trim()));
  }
  return diff;
}

function readConfigFile(file: string): Diff {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--config ${file}: ${(error as Error).message}`);
  }
  if (!isObject(parsed))
    throw new UsageError(`--config ${file}: a run config is a JSON object, e.g. {"training": {"steps": 20}}`);
  return parsed;
}

/** The text read as the field's type. */
function valueOf(field: ConfigField, text: string): JsonValue {
  const where = `--set ${field.path}`;
  if (field.nullable && text === 'null') return null;
  switch (field.type) {
    case 'integer':
    case 'number': {
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) throw new UsageError(`${where}: "${text}" is not a number`);
      return value;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new UsageError(`${where}: takes true or false, not "${text}"`);
      return text === 'true';
    case 'choice':
      return text;
    case 'json':
      try {
        return JSON.parse(text) as JsonValue;
      } catch {
        throw new UsageError(`${where}: "${text}" is not JSON (e.g. {"bufferFraction": 0.2, "penalty": 1})`);
      }
  }
}

function setPath(diff: Diff, path: string, value: JsonValue): void {
  const keys = path.split('.');
  let target = diff;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(target[key])) target[key] = {};
    target = target[key] as Diff;
  }
  target[keys.at(-1)!] = value;
}

/** ", did you mean x.y?" for the field whose path is within two typed characters of it. */
function nearest(fields: ConfigField[], path: string): string {
  let best: { path: string; distance: number } | undefined;
  for (const field of fields) {
    const distance = editDistance(field.path.toLowerCase(), path.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { path: field.path, distance };
  }
  return best ? ` (did you mean ${best.path}?)` : '';
}

/** Characters inserted, deleted or replaced to turn one text into the other (one row of the table at a time). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
