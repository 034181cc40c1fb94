/**
 * A diff over a run config, as the New Experiment form, the CLI's `--set` and `--config FILE.json`, and the API take
 * it: the run config's schema with every field optional at every depth and no defaults filled in (those come from the
 * preset when the plan is resolved, plan.ts `resolveConfig`). Generated from the one schema, so a wrong field comes
 * back from the API as an issue at its own path (`config.training.steps`).
 */
import { z } from 'zod';
import { runConfigSchema, type RunConfigInput } from './run-config';

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export type RunConfigDiff = DeepPartial<RunConfigInput>;

/** The schema with every object's fields optional, recursively; defaults and cross-field checks dropped. */
function diffOf(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) return diffOf(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodOptional) return diffOf(schema.unwrap() as z.ZodType).optional();
  if (schema instanceof z.ZodNullable) return diffOf(schema.unwrap() as z.ZodType).nullable();
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(
      Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, field]) => [key, diffOf(field).optional()]),
    );
    const object = z.object(shape).strict();
    return schema.description ? object.describe(schema.description) : object;
  }
  return schema;
}

export const runConfigDiffSchema = diffOf(runConfigSchema) as unknown as z.ZodType<RunConfigDiff>;

type Json = { [key: string]: unknown };
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `over` laid on `base`, object by object; any other value of `over` replaces the base's. */
export function layered<T extends Json>(base: T, over: Json): T {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over))
    out[key] = isObject(value) && isObject(base[key]) ? layered(base[key], value) : value;
  return out as T;
}
