import type { JsonObject } from './records';

/** JSON columns are checked by json_valid in SQL; this only restores the object shape. */
export function parseJsonObject(text: string): JsonObject {
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}
