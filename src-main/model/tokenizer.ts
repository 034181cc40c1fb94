/**
 * Byte-level BPE. Any UTF-8 text encodes and decodes back exactly (every byte has a token). The agent's tags and EOS
 * are single tokens, and merges are learnt from the app's own generated corpora.
 *
 * Ids: special tokens first (EOS = 0, PAD = 1), then the 256 bytes, then one id per merge in the order learnt.
 */

export const SPECIAL_TOKENS = [
  '<eos>',
  '<pad>',
  '<think>',
  '</think>',
  '<search>',
  '</search>',
  '<python>',
  '</python>',
  '<browse>',
  '</browse>',
  '<result>',
  '</result>',
  '<answer>',
  '</answer>',
] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

export const EOS_ID = 0;
export const PAD_ID = 1;
const BYTE_BASE = SPECIAL_TOKENS.length;
const FIRST_MERGE_ID = BYTE_BASE + 256;

/**
 * Pre-tokenisation: words with their leading space, single digits (so numbers are learnt digit by digit, which
 * arithmetic needs), punctuation runs and whitespace. Merges never cross these pieces.
 */
const PIECE = /'(?:s|t|re|ve|m|ll|d)| ?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const SPECIAL_SPLIT = new RegExp(`(${SPECIAL_TOKENS.map((t) => t.replace(/[/]/g, '\\/')).join('|')})`);

export interface TokenizerJson {
  format: 'aepo-lab-bpe';
  version: 1;
  specialTokens: readonly string[];
  /** Each merge joins two existing ids into the next new id. */
  merges: [number, number][];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export class Tokenizer {
  /** Bytes each id stands for. */
  private readonly bytes: Uint8Array[] = [];
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();
  private readonly specialIds = new Map<string, number>();

  constructor(readonly merges: [number, number][]) {
    SPECIAL_TOKENS.forEach((token, id) => {
      this.bytes.push(encoder.encode(token));
      this.specialIds.set(token, id);
    });
    for (let b = 0; b < 256; b++) this.bytes.push(Uint8Array.of(b));
    merges.forEach(([a, b], rank) => {
      const left = this.bytes[a];
      const right = this.bytes[b];
      if (!left || !right || a < BYTE_BASE || b < BYTE_BASE)
        throw new Error(`merge ${rank} joins unknown or special ids ${a} and ${b}`);
      const joined = new Uint8Array(left.length + right.length);
      joined.set(left);
      joined.set(right, left.length);
      this.bytes.push(joined);
      this.ranks.set(`${a},${b}`, rank);
    });
  }

  get vocabSize(): number {
    return this.bytes.length;
  }

  idOf(special: SpecialToken): number {
    return this.specialIds.get(special)!;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const part of text.split(SPECIAL_SPLIT)) {
      if (part === '') continue;
      const special = this.specialIds.get(part);
      if (special !== undefined) {
        ids.push(special);
        continue;
      }
      for (const piece of part.match(PIECE) ?? []) ids.push(...this.encodePiece(piece));
    }
    return ids;
  }

  decode(ids: readonly number[]): string {
    const chunks = ids.map((id) => {
      const b = this.bytes[id];
      if (!b) throw new Error(`token id ${id} is outside the vocabulary of ${this.vocabSize}`);
      return b;
    });
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return decoder.decode(out);
  }

  /** The text one token stands for (for the rollout viewer); partial UTF-8 shows as U+FFFD. */
  tokenText(id: number): string {
    return this.decode([id]);
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    let ids = Array.from(encoder.encode(piece), (b) => b + BYTE_BASE);
    // Apply the earliest-learnt merge present, again and again, as training did.
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < ids.length; i++) {
        const rank = this.ranks.get(`${ids[i]},${ids[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      ids = [...ids.slice(0, best), FIRST_MERGE_ID + bestRank, ...ids.slice(best + 2)];
    }
    if (this.cache.size < 50_000) this.cache.set(piece, ids);
    return ids;
  }

  toJSON(): TokenizerJson {
    return { format: 'aepo-lab-bpe', version: 1, specialTokens: SPECIAL_TOKENS, merges: this.merges };
  }

  static fromJSON(json: unknown): Tokenizer {
    const data = json as Partial<TokenizerJson> | null;
    if (data?.format !== 'aepo-lab-bpe' || data.version !== 1 || !Array.isArray(data.merges)) {
      throw new Error('not an AEPO Lab tokenizer (expected format "aepo-lab-bpe", version 1)');
    }
    if (JSON.stringify(data.specialTokens) !== JSON.stringify(SPECIAL_TOKENS)) {
      throw new Error('the tokenizer was saved with other special tokens than this app uses');
    }
    return new Tokenizer(data.merges);
  }

  /**
   * Learns merges until the vocabulary has `vocabSize` ids (or no pair occurs twice). Deterministic: ties go to the
   * pair with the smaller ids.
   */
  static train(texts: Iterable<string>, vocabSize: number): Tokenizer {
    if (vocabSize < FIRST_MERGE_ID)
      throw new Error(`vocabSize must be at least ${FIRST_MERGE_ID} (special tokens and bytes)`);
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const part of text.split(SPECIAL_SPLIT)) {
        if (SPECIAL_TOKENS.includes(part as SpecialToken)) continue;
        for (const piece of part.match(PIECE) ?? []) counts.set(piece, (counts.get(piece) ?? 0) + 1);
      }
    }
    const words = [...counts].map(([piece, count]) => ({
      ids: Array.from(encoder.encode(piece), (b) => b + BYTE_BASE),
      count,
    }));
    const merges: [number, number][] = [];
    while (FIRST_MERGE_ID + merges.length < vocabSize) {
      const pairs = new Map<number, number>();
      for (const { ids, count } of words) {
        for (let i = 0; i + 1 < ids.length; i++) {
          const key = ids[i]! * 65536 + ids[i + 1]!;
          pairs.set(key, (pairs.get(key) ?? 0) + count);
        }
      }
      let bestKey = -1;
      let bestCount = 1;
      for (const [key, count] of pairs) {
        if (count > bestCount || (count === bestCount && bestKey >= 0 && key < bestKey)) {
          bestKey = key;
          bestCount = count;
        }
      }
      if (bestKey < 0) break;
      const a = Math.floor(bestKey / 65536);
      const b = bestKey % 65536;
      const id = FIRST_MERGE_ID + merges.length;
      merges.push([a, b]);
      for (const word of words) {
        const next: number[] = [];
        for (let i = 0; i < word.ids.length; i++) {
          if (word.ids[i] === a && word.ids[i + 1] === b) {
            next.push(id);
            i++;
          } else next.push(word.ids[i]!);
        }
        word.ids = next;
      }
    }
    return new Tokenizer(merges);
  }
}
