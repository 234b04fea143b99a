// REALTIME_SCALING=redis: does Redis answer, and do the instances share one Pusher app?
// The Redis URL is always shown with its password masked.
import { createClient } from 'redis';
import { maskUrl } from '../config/connections.js';
import { missingSharedCredentials } from '../server/scale/shared-credentials.js';
import { configUnavailable, type DoctorContext } from './context.js';
import { fail, ok, skip, type Check } from './types.js';

function notApplicable(ctx: DoctorContext): string | undefined {
  const why = configUnavailable(ctx);
  if (why) return why;
  if (ctx.config?.realtimeScaling !== 'redis') return 'REALTIME_SCALING is not redis (one instance)';
  return undefined;
}

export const redisCheck: Check = {
  id: 'embedded.redis',
  category: 'embedded',
  title: 'Redis (REALTIME_SCALING)',
  network: true,
  async run(ctx) {
    const why = notApplicable(ctx);
    if (why) return skip(why);
    const { url, prefix } = ctx.config!.redis!;
    const shown = maskUrl(url);
    const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: ctx.timeoutMs, reconnectStrategy: false } });
    let lastError = '';
    client.on('error', (error: Error) => (lastError = error.message));
    try {
      await client.connect();
      const pong = await client.ping();
      const info = await client.info('server');
      const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? '?';
      return ok(`${shown} answers ${pong} (Redis ${version}); keys and bus channels under "${prefix}chatctl:"`);
    } catch (error) {
      const reason = lastError || (error as Error).message || 'no answer';
      const fix = /NOAUTH|WRONGPASS|invalid password|invalid username/i.test(reason)
        ? 'check REDIS_PASSWORD and REDIS_USERNAME (or the credentials in REDIS_URL)'
        : 'start redis-server, or point REDIS_URL (or REDIS_HOST and REDIS_PORT) at it';
      return fail(`cannot reach ${shown}: ${reason}`, fix);
    } finally {
      await Promise.resolve(client.isOpen ? client.close() : undefined).catch(() => client.destroy());
    }
  },
};

export const sharedCredentialsCheck: Check = {
  id: 'embedded.shared-credentials',
  category: 'embedded',
  title: 'Shared Pusher credentials',
  async run(ctx) {
    const why = notApplicable(ctx);
    if (why) return skip(why);
    const problem = missingSharedCredentials(ctx.config!);
    if (problem) return fail(problem.replace(/; set them in \.env.*$/, ''), 'set PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET to the same values on every instance');
    return ok('PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET are set: every instance must use these same values');
  },
};

export const redisChecks: readonly Check[] = [redisCheck, sharedCredentialsCheck];
