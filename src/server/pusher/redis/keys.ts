// Redis key and bus channel names: all under `${REDIS_PREFIX}chatctl:${appId}:`, so two apps (or two
// Laravel projects) on one Redis never see each other's events or members.
export interface ClusterKeys {
  bus: string;
  instances: string;
  alive(instance: string): string;
  reaping(instance: string): string;
  instanceChannels(instance: string): string;
  occupied: string;
  subscriptions(channel: string): string;
  presenceInstances(channel: string): string;
  presenceUsers(channel: string): string;
  presenceInfo(channel: string): string;
}

export function clusterKeys(prefix: string, appId: string): ClusterKeys {
  const base = `${prefix}chatctl:${appId}:`;
  return {
    bus: `${base}bus`,
    instances: `${base}instances`,
    alive: (id) => `${base}alive:${id}`,
    reaping: (id) => `${base}reaping:${id}`,
    instanceChannels: (id) => `${base}instance-channels:${id}`,
    occupied: `${base}occupied`,
    subscriptions: (channel) => `${base}subs:${channel}`,
    presenceInstances: (channel) => `${base}presence:${channel}:instances`,
    presenceUsers: (channel) => `${base}presence:${channel}:users`,
    presenceInfo: (channel) => `${base}presence:${channel}:info`,
  };
}

/** KEYS: subs, occupied, instance-channels. ARGV: instance, count, channel. */
export const SET_SUBSCRIPTIONS = `
if tonumber(ARGV[2]) > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[3])
  redis.call('SADD', KEYS[3], ARGV[3])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[3], ARGV[3])
  if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[3]) end
end
return 1`;

/**
 * KEYS: presence instances, users, info. ARGV: instance, user key, member JSON.
 * Returns {1 if the user is new on the channel anywhere else 0, the info hash as a flat list}.
 */
export const PRESENCE_JOIN = `
local added = 0
if redis.call('HSETNX', KEYS[1], ARGV[1] .. '|' .. ARGV[2], '1') == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) == 1 then
    redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
    added = 1
  end
end
return {added, redis.call('HGETALL', KEYS[3])}`;

/** Same KEYS. ARGV: instance, user key. Returns the member JSON when it was the user's last instance, else false. */
export const PRESENCE_LEAVE = `
if redis.call('HDEL', KEYS[1], ARGV[1] .. '|' .. ARGV[2]) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then
    local info = redis.call('HGET', KEYS[3], ARGV[2])
    redis.call('HDEL', KEYS[2], ARGV[2])
    redis.call('HDEL', KEYS[3], ARGV[2])
    return info or '{}'
  end
end
return false`;
