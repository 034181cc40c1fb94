/**
 * Checkpoint files: weights, optimizer moments, tokenizer and config in one file, written atomically (a temporary
 * file, fsync, then rename) so a crash mid-write leaves the previous checkpoint intact, and checked on load so a
 * truncated or foreign file is refused with a message that says which.
 *
 * Layout: "AEPOCKPT" · u32 format version · u32 header length · header JSON · float32 payload (little-endian).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config';
import type { AdamW, AdamWState } from './optimizer';
import { Tokenizer, type TokenizerJson } from './tokenizer';
import { Transformer } from './transformer';

const MAGIC = 'AEPOCKPT';
const FORMAT_VERSION = 1;
const PREAMBLE = 16;

export interface CheckpointMeta {
  runId: number | null;
  /** Training step the weights are from. */
  step: number;
  appVersion: string;
  createdAt: number;
  /** For resuming a run exactly: the state of its random generator after `step`. */
  rngState?: number;
}

interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset into the payload, in float32 elements. */
  offset: number;
}

interface Header {
  config: ModelConfig;
  tokenizer: TokenizerJson;
  meta: CheckpointMeta;
  weights: TensorEntry[];
  optimizer: { step: number; moments: { m: TensorEntry; v: TensorEntry }[] } | null;
  payloadBytes: number;
  payloadSha256: string;
}

export interface Checkpoint {
  model: Transformer;
  tokenizer: Tokenizer;
  meta: CheckpointMeta;
  optimizerState: AdamWState | null;
}

/** Names without the per-model prefix, so a checkpoint loads into any model instance. */
const stripPrefix = (name: string) => name.replace(/^m\d+\//, '');

export function saveCheckpoint(
  file: string,
  parts: { model: Transformer; tokenizer: Tokenizer; optimizer?: AdamW; meta: CheckpointMeta },
): { bytes: number; sha256: string } {
  const arrays: Float32Array[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], data: Float32Array): TensorEntry => {
    arrays.push(data);
    const entry = { name, shape, offset };
    offset += data.length;
    return entry;
  };
  const weights = parts.model.variables().map((v) => add(stripPrefix(v.name), v.shape, v.dataSync() as Float32Array));
  const optimizerState = parts.optimizer?.state();
  const shapes = parts.model.variables().map((v) => v.shape);
  const optimizer = optimizerState
    ? {
        step: optimizerState.step,
        moments: optimizerState.moments.map(({ m, v }, i) => ({
          m: add(`m.${i}`, shapes[i]!, m),
          v: add(`v.${i}`, shapes[i]!, v),
        })),
      }
    : null;
  const payload = Buffer.alloc(offset * 4);
  let at = 0;
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(payload, at);
    at += a.byteLength;
  }
  const payloadSha256 = createHash('sha256').update(payload).digest('hex');
  const header: Header = {
    config: parts.model.config,
    tokenizer: parts.tokenizer.toJSON(),
    meta: parts.meta,
    weights,
    optimizer,
    payloadBytes: payload.length,
    payloadSha256,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const preamble = Buffer.alloc(PREAMBLE);
  preamble.write(MAGIC, 0, 'ascii');
  preamble.writeUInt32LE(FORMAT_VERSION, 8);
  preamble.writeUInt32LE(headerBytes.length, 12);

  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    for (const chunk of [preamble, headerBytes, payload]) writeSync(fd, chunk);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, file);
  const bytes = PREAMBLE + headerBytes.length + payload.length;
  return { bytes, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
}

function readHeader(file: string, data: Buffer): Header {
  if (data.length < PREAMBLE || data.toString('ascii', 0, 8) !== MAGIC) {
    throw new Error(`${file} is not an AEPO Lab checkpoint (no "${MAGIC}" signature at its start)`);
  }
  const version = data.readUInt32LE(8);
  if (version > FORMAT_VERSION)
    throw new Error(
      `${file} was written by a newer AEPO Lab (checkpoint format ${version}; this app reads ${FORMAT_VERSION})`,
    );
  const headerLength = data.readUInt32LE(12);
  if (data.length < PREAMBLE + headerLength)
    throw new Error(
      `${file} is truncated: its header needs ${headerLength} bytes, ${data.length - PREAMBLE} are present`,
    );
  try {
    return JSON.parse(data.toString('utf8', PREAMBLE, PREAMBLE + headerLength)) as Header;
  } catch (error) {
    throw new Error(`${file} has a corrupt header: ${(error as Error).message}`);
  }
}

/** A checkpoint's contents as plain arrays, checked but not yet a model (no tensor backend needed). */
export interface CheckpointWeights {
  config: ModelConfig;
  tokenizer: Tokenizer;
  meta: CheckpointMeta;
  /** The weights in variable order, with the names and shapes the file records. */
  weights: Float32Array[];
  entries: { name: string; shape: number[] }[];
  optimizerState: AdamWState | null;
}

export function readCheckpointWeights(file: string): CheckpointWeights {
  const data = readFileSync(file);
  const header = readHeader(file, data);
  const start = PREAMBLE + data.readUInt32LE(12);
  const present = data.length - start;
  if (present < header.payloadBytes)
    throw new Error(`${file} is truncated: ${present} of ${header.payloadBytes} weight bytes are present`);
  const payload = data.subarray(start, start + header.payloadBytes);
  if (createHash('sha256').update(payload).digest('hex') !== header.payloadSha256) {
    throw new Error(`${file} is corrupt: the weights do not match the checksum recorded when it was written`);
  }
  // Copy into an aligned buffer: Float32Array views need 4-byte alignment, which the file offset may not have.
  const floats = new Float32Array(new Uint8Array(payload).buffer);
  const tensorOf = (e: TensorEntry) => floats.slice(e.offset, e.offset + e.shape.reduce((a, b) => a * b, 1));
  return {
    config: header.config,
    tokenizer: Tokenizer.fromJSON(header.tokenizer),
    meta: header.meta,
    weights: header.weights.map(tensorOf),
    entries: header.weights.map(({ name, shape }) => ({ name, shape })),
    optimizerState: header.optimizer
      ? {
          step: header.optimizer.step,
          moments: header.optimizer.moments.map(({ m, v }) => ({ m: tensorOf(m), v: tensorOf(v) })),
        }
      : null,
  };
}

export function loadCheckpoint(file: string): Checkpoint {
  const { config, tokenizer, meta, weights, entries, optimizerState } = readCheckpointWeights(file);
  const model = Transformer.create(config, 0);
  const variables = model.variables();
  if (variables.length !== entries.length) {
    model.dispose();
    throw new Error(`${file} holds ${entries.length} weight tensors; a model of its config has ${variables.length}`);
  }
  variables.forEach((variable, i) => {
    const entry = entries[i]!;
    if (stripPrefix(variable.name) !== entry.name || variable.shape.join() !== entry.shape.join()) {
      model.dispose();
      throw new Error(
        `${file}: weight ${i} is ${entry.name} [${entry.shape}], expected ${stripPrefix(variable.name)} [${variable.shape}]`,
      );
    }
    tf.tidy(() => variable.assign(tf.tensor(weights[i]!, entry.shape)));
  });
  return { model, tokenizer, meta, optimizerState };
}
