import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Tokens: 256 random bits, url-safe; stored only as SHA-256 hashes (docs/contracts.md §3). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}
