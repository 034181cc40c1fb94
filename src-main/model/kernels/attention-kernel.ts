/**
 * The attention inner loops of the sampling decoder in WebAssembly SIMD (resources/kernels/attention.wat): 4 lanes
 * per instruction where plain JS manages one, ≈3× faster here. Each kernel instance owns its memory, which also
 * holds the decoder's KV cache so no data is copied between JS and wasm per step.
 */
import { attentionWasm } from './attention-wasm';

interface AttentionExports {
  memory: WebAssembly.Memory;
  scores(q: number, keys: number, last: number, stride: number, headDim: number, scale: number, out: number): number;
  weighted(weights: number, values: number, last: number, stride: number, headDim: number, out: number): void;
}

let compiled: WebAssembly.Module | undefined;
const PAGE = 65536;

export class AttentionKernel {
  readonly exports: AttentionExports;
  /** Float32 view of the whole memory; valid once `reserve` has grown it. */
  f32: Float32Array;
  private used = 0;

  constructor(floats: number) {
    compiled ??= new WebAssembly.Module(Uint8Array.from(atob(attentionWasm), (c) => c.charCodeAt(0)));
    this.exports = new WebAssembly.Instance(compiled).exports as unknown as AttentionExports;
    const bytes = floats * 4 + 64;
    const pages = Math.ceil(bytes / PAGE) - this.exports.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.exports.memory.grow(pages);
    this.f32 = new Float32Array(this.exports.memory.buffer);
  }

  /** Reserves `floats` consecutive float32 slots (16-byte aligned); returns their index into f32. */
  alloc(floats: number): number {
    const start = this.used;
    this.used += Math.ceil(floats / 4) * 4;
    if (this.used > this.f32.length) throw new Error(`attention kernel memory exhausted (${this.used} of ${this.f32.length} floats)`);
    return start;
  }
}
