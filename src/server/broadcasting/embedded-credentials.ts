// The embedded Pusher app's id/key/secret: from PUSHER_* when set, else generated once and kept
// in the data folder (mode 0600) so clients keep working across restarts.
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { PusherSettings } from '../../config/env.js';

export interface PusherAppCredentials {
  id: string;
  key: string;
  secret: string;
  /** `env` when taken from PUSHER_*, `generated` when created now, `stored` when read back. */
  source: 'env' | 'generated' | 'stored';
}

const storedSchema = z.object({ id: z.string().min(1), key: z.string().min(1), secret: z.string().min(8) });
export const CREDENTIALS_FILE = 'pusher-app.json';

export type StoredCredentials = z.infer<typeof storedSchema>;

/**
 * The credentials kept in `<dataDir>/pusher-app.json`: undefined when there is no file, `invalid`
 * with a reason when it cannot be used (with whatever secret it holds, so callers can mask it).
 * Never creates the file; `serve` and `doctor` both read it through here.
 */
export function readStoredCredentials(
  dataDir: string,
): { credentials: StoredCredentials } | { invalid: string; secret?: string } | undefined {
  const file = join(dataDir, CREDENTIALS_FILE);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { invalid: code ? `cannot be read (${code})` : 'is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { invalid: 'does not hold an object' };
  const result = storedSchema.safeParse(parsed);
  if (result.success) return { credentials: result.data };
  const secret = (parsed as { secret?: unknown }).secret;
  return { invalid: 'lacks a valid id, key or secret', ...(typeof secret === 'string' && secret ? { secret } : {}) };
}

export function embeddedCredentials(dataDir: string, pusher: PusherSettings): PusherAppCredentials {
  if (pusher.appId && pusher.key && pusher.secret) {
    return { id: pusher.appId, key: pusher.key, secret: pusher.secret, source: 'env' };
  }
  const stored = readStoredCredentials(dataDir);
  if (stored && 'credentials' in stored) return { ...stored.credentials, source: 'stored' };
  const file = join(dataDir, CREDENTIALS_FILE);
  const created = {
    id: String(randomInt(100_000, 10_000_000)),
    key: randomBytes(10).toString('hex'),
    secret: randomBytes(20).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { ...created, source: 'generated' };
}
