// The login throttle shared by every instance through Redis (REALTIME_SCALING=redis): the same two
// limits as MemoryLoginThrottle, decided atomically in one Lua script so concurrent attempts on
// different instances cannot slip past the count. While Redis is away, each instance throttles alone.
import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { foldEmail } from '../../shared/email.js';
import { DEFAULT_LOGIN_LIMITS, MemoryLoginThrottle, type LoginAttempt, type LoginThrottle, type LoginThrottleLimits } from './login-throttle.js';

type Client = ReturnType<typeof createClient>;

/** KEYS: attempts counter, e-mails-per-address set. ARGV: perEmail, emailsPerAddress, e-mail hash, window ms. */
const BEGIN = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then return {0, redis.call('PTTL', KEYS[1])} end
if redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 0 and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  return {0, redis.call('PTTL', KEYS[2])}
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
local fresh = redis.call('EXISTS', KEYS[2]) == 0
redis.call('SADD', KEYS[2], ARGV[3])
if fresh then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return {1, 0}`;

const hash = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 32);

export class RedisLoginThrottle implements LoginThrottle {
  private readonly fallback: MemoryLoginThrottle;

  constructor(
    private readonly client: Client,
    private readonly prefix: string,
    private readonly limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    this.fallback = new MemoryLoginThrottle(limits);
  }

  /** Its own connection; resolves even if Redis is down (then it throttles locally until it returns). */
  static async connect(url: string, prefix: string, limits?: LoginThrottleLimits): Promise<RedisLoginThrottle> {
    const client: Client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 5000, reconnectStrategy: (n: number) => Math.min(100 * 2 ** n, 2000) } });
    client.on('error', () => undefined); // the realtime cluster reports Redis outages
    await client.connect().catch(() => undefined);
    return new RedisLoginThrottle(client, `${prefix}chatctl:login:`, limits);
  }

  private keys(email: string, address: string): [string, string, string] {
    const emailHash = hash(foldEmail(email));
    const addressHash = hash(address);
    return [`${this.prefix}attempts:${emailHash}:${addressHash}`, `${this.prefix}emails:${addressHash}`, emailHash];
  }

  async begin(email: string, address: string): Promise<LoginAttempt> {
    if (!this.client.isReady) return this.fallback.begin(email, address);
    const [attempts, emails, emailHash] = this.keys(email, address);
    try {
      const [allowed, ttl] = (await this.client.eval(BEGIN, {
        keys: [attempts, emails],
        arguments: [String(this.limits.perEmail), String(this.limits.emailsPerAddress), emailHash, String(this.limits.windowSeconds * 1000)],
      })) as [number, number];
      if (allowed === 1) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Number(ttl) / 1000)) };
    } catch {
      return this.fallback.begin(email, address);
    }
  }

  async succeeded(email: string, address: string): Promise<void> {
    await this.fallback.succeeded(email, address);
    if (!this.client.isReady) return;
    const [attempts, emails, emailHash] = this.keys(email, address);
    await Promise.all([this.client.del(attempts), this.client.sRem(emails, emailHash)]).catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.resolve(this.client.isOpen ? this.client.close() : undefined).catch(() => this.client.destroy());
  }
}
