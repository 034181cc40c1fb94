/**
 * The run config as a list of form fields, generated from the one zod schema (RunConfig), so the app's advanced form
 * always matches what the API accepts: each field's path, type, bounds, choices, documentation and default.
 */
import { z } from 'zod';
import type { JsonValue } from '../../store/records';
import { runConfigSchema } from './run-config';

export interface ConfigField {
  /** Dotted path in the config, e.g. `training.steps`. */
  path: string;
  type: 'integer' | 'number' | 'boolean' | 'choice' | 'json';
  doc: string;
  /** The default; null where the algorithm's own defaults decide (the `algorithmSettings` group). */
  default: JsonValue;
  minimum?: number;
  maximum?: number;
  /** The bound itself is not allowed. */
  exclusiveMinimum?: boolean;
  choices?: string[];
  /** null is allowed (it switches the setting off). */
  nullable: boolean;
}

type Schema = {
  type?: string;
  description?: string;
  default?: JsonValue;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: string[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
};

function leaf(path: string, schema: Schema, doc: string, fallback: JsonValue, nullable: boolean): ConfigField {
  const type: ConfigField['type'] = schema.enum
    ? 'choice'
    : schema.type === 'integer' || schema.type === 'number' || schema.type === 'boolean'
      ? schema.type
      : 'json';
  return {
    path,
    type,
    doc: schema.description ?? doc,
    default: schema.default ?? fallback,
    ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}),
    ...(schema.exclusiveMinimum !== undefined ? { minimum: schema.exclusiveMinimum, exclusiveMinimum: true } : {}),
    ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
    ...(schema.enum ? { choices: schema.enum } : {}),
    nullable,
  };
}

function walk(path: string, schema: Schema, doc: string, inAlgorithm: boolean, out: ConfigField[]): void {
  const description = schema.description ?? doc;
  const options = schema.anyOf?.filter((s) => s.type !== 'null');
  const nullable = (schema.anyOf?.length ?? 0) > (options?.length ?? 0);
  const single = options?.length === 1 ? { ...options[0], description } : schema;
  if (single.properties && !nullable) {
    for (const [key, child] of Object.entries(single.properties))
      walk(path ? `${path}.${key}` : key, child, description, inAlgorithm || key === 'algorithmSettings', out);
    return;
  }
  out.push(leaf(path, single, description, null, nullable));
  if (inAlgorithm) out.at(-1)!.default = null; // the algorithm's preset decides
}

let cached: ConfigField[] | undefined;

export function configFields(): ConfigField[] {
  cached ??= (() => {
    const schema = z.toJSONSchema(runConfigSchema, { io: 'input', unrepresentable: 'any' }) as Schema;
    const out: ConfigField[] = [];
    walk('', schema, '', false, out);
    return out;
  })();
  return cached;
}
