// The Pusher HTTP API's figures for the whole cluster, read from the hashes RedisCluster keeps:
// subscription counts summed over instances, presence users counted once.
import type { createClient } from 'redis';
import type { ChannelDirectory } from '../bus.js';
import type { ChannelInfo } from '../hub.js';
import { channelType } from '../protocol.js';
import type { ClusterKeys } from './keys.js';

export class RedisUnavailableError extends Error {}

export interface RedisDirectoryOptions {
  client: ReturnType<typeof createClient>;
  keys: ClusterKeys;
  ready(): boolean;
  /** Closes the user's sockets everywhere; the number closed on this instance. */
  terminate(userId: string): number;
}

export function redisDirectory({ client, keys, ready, terminate }: RedisDirectoryOptions): ChannelDirectory {
  const requireReady = (): void => {
    if (!ready()) throw new RedisUnavailableError('Redis is unavailable');
  };
  const info = async (name: string): Promise<ChannelInfo | undefined> => {
    requireReady();
    const type = channelType(name);
    const [counts, users] = await Promise.all([
      client.hVals(keys.subscriptions(name)),
      type === 'presence' ? client.hLen(keys.presenceUsers(name)) : Promise.resolve(undefined),
    ]);
    const subscriptionCount = counts.reduce((sum, n) => sum + (Number(n) || 0), 0);
    if (subscriptionCount === 0) return undefined;
    return { name, type, subscriptionCount, userCount: users === undefined ? undefined : Number(users) };
  };
  return {
    channelInfo: info,
    occupiedChannels: async (prefix) => {
      requireReady();
      const names = (await client.sMembers(keys.occupied)).filter((name) => name.startsWith(prefix));
      const all = await Promise.all(names.map((name) => info(name)));
      return all.filter((c): c is ChannelInfo => c !== undefined);
    },
    presenceUserIds: async (name) => {
      requireReady();
      return client.hKeys(keys.presenceUsers(name));
    },
    terminateUser: async (userId) => terminate(userId),
  };
}
