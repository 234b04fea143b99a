// Personal access token secrets as both stores keep them (Sanctum's format): a random secret,
// stored only as its SHA-256, handed out once as `<id>|<secret>`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** last_used_at is written at most this often, so authenticating stays (almost always) a read. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new token's 40-character secret. */
export function newTokenSecret(): string {
  return randomBytes(30).toString('base64url').slice(0, 40);
}

/** Whether `secret` hashes to the stored `tokenHash` (hex), compared in constant time. */
export function secretMatches(tokenHash: string, secret: string): boolean {
  const expected = Buffer.from(tokenHash, 'hex');
  const actual = Buffer.from(sha256(secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
