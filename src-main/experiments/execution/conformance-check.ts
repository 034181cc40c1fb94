/**
 * `aepo-lab conformance` as a service: contract cases (docs/algorithms.md) run through the losses and estimators on
 * the lab's tensor backend. An invalid case is an answer naming its field, not an exception.
 */
import { selectBackend } from '../../model/backend';
import { ContractError, runConformance } from '../../rl/conformance';

export type ConformanceAnswer =
  { ok: true; result: ReturnType<typeof runConformance> } | { ok: false; error: { field: string; message: string } };

export async function checkConformance(text: string): Promise<ConformanceAnswer> {
  await selectBackend();
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: { field: '(input)', message: `not JSON: ${(error as Error).message}` } };
  }
  try {
    return { ok: true, result: runConformance(input) };
  } catch (error) {
    if (error instanceof ContractError) return { ok: false, error: { field: error.field, message: error.message } };
    throw error;
  }
}
