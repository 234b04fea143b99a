// Several instances are one Pusher app: each would otherwise generate its own key and secret,
// and a client's subscription signed by one instance would be refused by the next.
import type { AppConfig } from '../../config/env.js';

/** The sentence to refuse start-up with, or undefined when this instance may start. */
export function missingSharedCredentials(config: Pick<AppConfig, 'realtimeScaling' | 'broadcastDriver' | 'pusher'>): string | undefined {
  if (config.realtimeScaling !== 'redis' || config.broadcastDriver !== 'embedded') return undefined;
  const missing = (['appId', 'key', 'secret'] as const)
    .filter((field) => !config.pusher[field])
    .map((field) => ({ appId: 'PUSHER_APP_ID', key: 'PUSHER_APP_KEY', secret: 'PUSHER_APP_SECRET' })[field]);
  if (missing.length === 0) return undefined;
  return `REALTIME_SCALING=redis needs the same PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET on every instance (missing: ${missing.join(', ')}); set them in .env (run \`chatctl doctor\` to check).`;
}
