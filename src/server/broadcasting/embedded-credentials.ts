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

export function embeddedCredentials(dataDir: string, pusher: PusherSettings): PusherAppCredentials {
  if (pusher.appId && pusher.key && pusher.secret) {
    return { id: pusher.appId, key: pusher.key, secret: pusher.secret, source: 'env' };
  }
  const file = join(dataDir, CREDENTIALS_FILE);
  if (existsSync(file)) {
    const parsed = storedSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return { ...parsed.data, source: 'stored' };
  }
  const created = {
    id: String(randomInt(100_000, 10_000_000)),
    key: randomBytes(10).toString('hex'),
    secret: randomBytes(20).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { ...created, source: 'generated' };
}
