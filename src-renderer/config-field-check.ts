/** Checks a typed run-config value against its field, in words; shared by the field and the form that sends it. */
import type { ConfigField } from '../src-main/api/typed-api';

export function fieldBounds(field: ConfigField): string {
  const { minimum, maximum, exclusiveMinimum } = field;
  const low = minimum === undefined ? '' : `${exclusiveMinimum ? 'above' : 'at least'} ${minimum.toLocaleString()}`;
  const high = maximum === undefined ? '' : `at most ${maximum.toLocaleString()}`;
  return [low, high].filter(Boolean).join(' and ');
}

/** What is wrong with the typed text (empty: fine, or left to its default). */
export function fieldProblem(field: ConfigField, typed: string): string {
  const text = typed.trim();
  if (text === '' || (field.nullable && text === 'null')) return '';
  if (field.type === 'integer' || field.type === 'number') {
    const value = Number(text);
    if (!Number.isFinite(value)) return 'must be a number';
    if (field.type === 'integer' && !Number.isInteger(value)) return 'must be a whole number';
    const { minimum, maximum, exclusiveMinimum } = field;
    const low = minimum !== undefined && (exclusiveMinimum ? value <= minimum : value < minimum);
    if (low || (maximum !== undefined && value > maximum)) return `must be ${fieldBounds(field)}`;
  }
  if (field.type === 'json') {
    try {
      JSON.parse(text);
    } catch {
      return 'must be JSON, e.g. {"bufferFraction": 0.2, "penalty": 1}';
    }
  }
  return '';
}
