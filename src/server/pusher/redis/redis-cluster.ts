/**
 * REALTIME_SCALING=redis: the embedded Pusher servers of several instances as one.
 * - Frames fanned out here are published on one bus channel; every other instance delivers them
 *   to its own sockets (each socket lives on one instance, so each gets an event once).
 * - Presence and subscription counts live in Redis hashes, changed by Lua scripts so
 *   "first socket anywhere" / "last socket anywhere" is decided atomically.
 * - Each instance keeps a heartbeat key with a TTL; the others reap a dead instance's members
 *   (announcing member_removed) within about TTL + sweep interval.
 * - While Redis is away, frames wait in a bounded queue and state is re-registered on return.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { maskUrl } from '../../../config/connections.js';
import type { ChannelDirectory, ClusterHealth, HubCluster, HubLocal } from '../bus.js';
import type { LogFn } from '../hub.js';
import { channelType, memberAddedFrame, memberRemovedFrame, type PresenceMember } from '../protocol.js';
import { redisDirectory, RedisUnavailableError } from './directory.js';
import { BusPublisher } from './publisher.js';
import { clusterKeys, PRESENCE_JOIN, PRESENCE_LEAVE, SET_SUBSCRIPTIONS, type ClusterKeys } from './keys.js';
import { decodeMember, decodeMemberList, encodeMember, parseBusMessage } from './messages.js';

export { RedisUnavailableError };
type Client = ReturnType<typeof createClient>;

export interface RedisClusterOptions {
  url: string;
  prefix: string;
  appId: string;
  log?: LogFn;
  /** Heartbeat key lifetime: a dead instance's members go within about this plus `sweepMs`. */
  heartbeatTtlMs?: number;
  sweepMs?: number;
  /** Frames kept while Redis is unavailable; older ones are dropped beyond it. */
  maxQueued?: number;
  connectTimeoutMs?: number;
}

export class RedisCluster implements HubCluster {
  readonly instanceId = randomBytes(8).toString('hex');
  readonly directory: ChannelDirectory;
  private local: HubLocal | undefined;
  private readonly keys: ClusterKeys;
  private readonly log: LogFn;
  private readonly ttlMs: number;
  private readonly maxQueued: number;
  private readonly publisher: BusPublisher;
  private instancesSeen = 1;
  private lastError: string | null = null;
  private down = false;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(
    private readonly client: Client,
    private readonly subscriber: Client,
    private readonly options: RedisClusterOptions,
  ) {
    this.keys = clusterKeys(options.prefix, options.appId);
    this.log = options.log ?? (() => {});
    this.ttlMs = options.heartbeatTtlMs ?? 10_000;
    this.maxQueued = options.maxQueued ?? 10_000;
    this.publisher = new BusPublisher(client, this.keys.bus, this.maxQueued, () => this.ready, (e) => this.noteError(e));
    this.directory = redisDirectory({
      client,
      keys: this.keys,
      ready: () => this.ready,
      terminate: (userId) => {
        this.send(JSON.stringify({ t: 'terminate', from: this.instanceId, user: userId }));
        return this.local?.terminateLocalUser(userId) ?? 0;
      },
    });
  }

  /** Connects both clients (commands and bus), or throws one sentence naming the (masked) URL. */
  static async connect(options: RedisClusterOptions): Promise<RedisCluster> {
    const make = (): Client =>
      createClient({
        url: options.url,
        disableOfflineQueue: true, // our own queue is bounded; node-redis's is not
        socket: { connectTimeout: options.connectTimeoutMs ?? 5000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
      });
    const client = make();
    const subscriber = make();
    const failures: string[] = [];
    for (const c of [client, subscriber]) c.on('error', (error: Error) => failures.push(error.message));
    const cluster = new RedisCluster(client, subscriber, options);
    try {
      await withTimeout(Promise.all([client.connect(), subscriber.connect()]), options.connectTimeoutMs ?? 5000);
      await subscriber.subscribe(cluster.keys.bus, (raw: string) => cluster.onBusMessage(raw));
    } catch (error) {
      await Promise.all([client, subscriber].map((c) => Promise.resolve(c.destroy()).catch(() => undefined)));
      const reason = failures[0] ?? (error as Error).message;
      throw new RedisUnavailableError(`Cannot connect to Redis at ${maskUrl(options.url)}: ${reason || 'no answer'} (is redis-server running? check REDIS_URL or REDIS_HOST, REDIS_PORT, REDIS_PASSWORD).`);
    }
    cluster.watch();
    await cluster.heartbeat();
    const every = (ms: number, run: () => Promise<void>) => {
      const timer = setInterval(() => void run().catch((e: Error) => cluster.noteError(e)), ms);
      timer.unref();
      cluster.timers.push(timer);
    };
    every(Math.max(200, Math.floor(cluster.ttlMs / 3)), () => cluster.heartbeat());
    every(options.sweepMs ?? 2000, () => cluster.sweep());
    return cluster;
  }

  attach(local: HubLocal): void {
    this.local = local;
  }

  private get ready(): boolean {
    return !this.closed && this.client.isReady;
  }

  // -- outage handling ------------------------------------------------------------

  private watch(): void {
    this.client.on('error', (error: Error) => this.noteError(error));
    this.subscriber.on('error', () => undefined); // reported through the command client
    this.client.on('ready', () => {
      if (!this.down) return;
      this.down = false;
      this.log('info', `realtime: Redis is back; sending ${this.publisher.queued} queued frame(s) and re-registering this instance`);
      void this.publisher
        .flush()
        .then(() => this.resync())
        .catch((e: Error) => this.noteError(e));
    });
  }

  private noteError(error: Error): void {
    this.lastError = error.message || String(error);
    if (!this.down && !this.closed && !this.client.isReady) {
      this.down = true;
      this.log('warn', `realtime: Redis at ${maskUrl(this.options.url)} is unavailable (${this.lastError}); queueing up to ${this.maxQueued} frames until it returns`);
    }
  }

  private send(message: string): void {
    this.publisher.send(message);
  }

  private onBusMessage(raw: string): void {
    const message = parseBusMessage(raw);
    if (!message || message.from === this.instanceId || !this.local) return;
    if (message.t === 'frame') this.local.deliver(message.channel, message.frame, message.except);
    else this.local.terminateLocalUser(message.user);
  }

  // -- HubCluster -------------------------------------------------------------------

  forward(channel: string, frame: string, exceptSocketId?: string): void {
    this.send(JSON.stringify({ t: 'frame', from: this.instanceId, channel, frame, ...(exceptSocketId ? { except: exceptSocketId } : {}) }));
  }

  /** A frame for everyone: this instance's sockets now, the others through the bus. */
  private announce(channel: string, frame: string, exceptSocketId?: string): void {
    this.local?.deliver(channel, frame, exceptSocketId);
    this.forward(channel, frame, exceptSocketId);
  }

  subscriptions(channel: string, count: number): void {
    if (!this.ready) return; // re-registered by resync() when Redis returns
    this.setSubscriptions(this.instanceId, channel, count).catch((e: Error) => this.noteError(e));
  }

  private setSubscriptions(instance: string, channel: string, count: number): Promise<unknown> {
    return this.client.eval(SET_SUBSCRIPTIONS, {
      keys: [this.keys.subscriptions(channel), this.keys.occupied, this.keys.instanceChannels(instance)],
      arguments: [instance, String(count), channel],
    });
  }

  async presenceJoin(channel: string, member: PresenceMember, firstLocal: boolean, joinerSocketId: string, localMembers: PresenceMember[]): Promise<PresenceMember[]> {
    if (!this.ready) {
      if (firstLocal) this.local?.deliver(channel, memberAddedFrame(channel, member), joinerSocketId);
      return localMembers;
    }
    try {
      const [added, flat] = (await this.join(this.instanceId, channel, member)) as [number, unknown];
      if (added === 1) this.announce(channel, memberAddedFrame(channel, member), joinerSocketId);
      const everyone = decodeMemberList(flat);
      return everyone.some((m) => m.key === member.key) ? everyone : [...everyone, member];
    } catch (error) {
      this.noteError(error as Error);
      return localMembers;
    }
  }

  private join(instance: string, channel: string, member: PresenceMember): Promise<unknown> {
    return this.client.eval(PRESENCE_JOIN, {
      keys: [this.keys.presenceInstances(channel), this.keys.presenceUsers(channel), this.keys.presenceInfo(channel)],
      arguments: [instance, member.key, encodeMember(member)],
    });
  }

  presenceLeave(channel: string, member: PresenceMember): void {
    if (!this.ready) {
      this.local?.deliver(channel, memberRemovedFrame(channel, member));
      return;
    }
    this.leave(this.instanceId, channel, member.key)
      .then((last) => {
        if (last) this.announce(channel, memberRemovedFrame(channel, last));
      })
      .catch((e: Error) => this.noteError(e));
  }

  /** The member when this was the user's last instance on the channel. */
  private async leave(instance: string, channel: string, key: string): Promise<PresenceMember | undefined> {
    const info = await this.client.eval(PRESENCE_LEAVE, {
      keys: [this.keys.presenceInstances(channel), this.keys.presenceUsers(channel), this.keys.presenceInfo(channel)],
      arguments: [instance, key],
    });
    if (typeof info !== 'string') return undefined;
    return decodeMember(key, info) ?? { key, userId: key };
  }

  // -- liveness -------------------------------------------------------------------------

  private async heartbeat(): Promise<void> {
    if (!this.ready) return;
    const refreshed = await this.client.set(this.keys.alive(this.instanceId), String(Date.now()), { PX: this.ttlMs, XX: true });
    if (refreshed !== null) return;
    // First beat, or we were presumed dead (reaped) while silent: register everything again.
    await this.client.set(this.keys.alive(this.instanceId), String(Date.now()), { PX: this.ttlMs });
    await this.client.sAdd(this.keys.instances, this.instanceId);
    await this.resync();
  }

  /** Re-registers this instance's subscriptions and members (after an outage or a reap). */
  private async resync(): Promise<void> {
    for (const channel of this.local?.snapshot() ?? []) {
      await this.setSubscriptions(this.instanceId, channel.name, channel.subscriptions);
      for (const member of channel.members) {
        const [added] = (await this.join(this.instanceId, channel.name, member)) as [number, unknown];
        if (added === 1) this.announce(channel.name, memberAddedFrame(channel.name, member));
      }
    }
  }

  private async sweep(): Promise<void> {
    if (!this.ready) return;
    const instances = await this.client.sMembers(this.keys.instances);
    const alive = await Promise.all(instances.map((id) => this.client.exists(this.keys.alive(id))));
    this.instancesSeen = Math.max(1, alive.filter((n) => n === 1).length);
    for (const [index, id] of instances.entries()) {
      if (alive[index] === 1 || id === this.instanceId) continue;
      const claimed = await this.client.set(this.keys.reaping(id), this.instanceId, { PX: 30_000, NX: true });
      if (claimed !== null) await this.reap(id);
    }
  }

  /** Removes a dead (or departed) instance's members and counts, announcing member_removed. */
  private async reap(instance: string): Promise<void> {
    const channels = await this.client.sMembers(this.keys.instanceChannels(instance));
    for (const channel of channels) {
      if (channelType(channel) === 'presence') {
        const fields = await this.client.hKeys(this.keys.presenceInstances(channel));
        for (const field of fields) {
          if (!field.startsWith(`${instance}|`)) continue;
          const gone = await this.leave(instance, channel, field.slice(instance.length + 1));
          if (gone) this.announce(channel, memberRemovedFrame(channel, gone));
        }
      }
      await this.setSubscriptions(instance, channel, 0);
    }
    await this.client.del(this.keys.instanceChannels(instance));
    await this.client.sRem(this.keys.instances, instance);
  }

  health(): ClusterHealth {
    return {
      scaling: 'redis',
      redis: this.ready ? 'ok' : 'unavailable',
      queued: this.publisher.queued,
      dropped: this.publisher.dropped,
      instances: this.instancesSeen,
      last_error: this.lastError,
    };
  }

  /** Leaves the cluster: this instance's remaining entries are removed (its sockets already left). */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const timer of this.timers) clearInterval(timer);
    try {
      if (this.client.isReady) {
        await this.publisher.flush();
        await this.reap(this.instanceId);
        await this.client.del(this.keys.alive(this.instanceId));
      }
    } catch (error) {
      this.noteError(error as Error);
    }
    this.closed = true;
    await Promise.all([this.subscriber, this.client].map((c) => Promise.resolve(c.isOpen ? c.close() : undefined).catch(() => c.destroy())));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
