import { randomBytes, timingSafeEqual } from 'node:crypto';

/** 192 random bits, URL-safe: the same strength as Jupyter's token. */
export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
