// REALTIME_SCALING=redis: connects this instance's embedded Pusher server to the others.
import type { AppConfig } from '../../config/env.js';
import type { HubCluster } from '../pusher/bus.js';
import type { LogFn } from '../pusher/hub.js';
import { RedisCluster } from '../pusher/redis/redis-cluster.js';

/** Undefined when this instance runs alone; throws one sentence when Redis cannot be reached. */
export async function joinCluster(config: Pick<AppConfig, 'realtimeScaling' | 'redis'>, appId: string, log: LogFn): Promise<HubCluster | undefined> {
  if (config.realtimeScaling !== 'redis' || !config.redis) return undefined;
  return RedisCluster.connect({ url: config.redis.url, prefix: config.redis.prefix, appId, log });
}
