/**
 * How the hub reaches the other instances of a cluster (REALTIME_SCALING=redis). Without one the
 * hub works alone, exactly as before; with one it forwards every frame it fans out, asks the
 * cluster whether a presence member is new or gone everywhere, and reports its subscription counts.
 * The Redis implementation lives in redis/; this file only holds the shapes and the local view.
 */
import type { ChannelInfo } from './hub.js';
import type { PresenceMember } from './protocol.js';

/** What the cluster needs from the local hub. */
export interface HubLocal {
  /** Fan a ready frame out to this instance's subscribers of `channel` (never forwarded again). */
  deliver(channel: string, frame: string, exceptSocketId?: string): number;
  /** Close this instance's sockets signed in as `userId`. */
  terminateLocalUser(userId: string): number;
  /** Everything this instance holds, to re-register after Redis comes back. */
  snapshot(): Array<{ name: string; subscriptions: number; members: PresenceMember[] }>;
}

export interface HubCluster {
  attach(local: HubLocal): void;
  /** A frame fanned out here goes to the other instances' subscribers too. */
  forward(channel: string, frame: string, exceptSocketId?: string): void;
  /** This instance now has `count` subscriptions on `channel` (0 when it left). */
  subscriptions(channel: string, count: number): void;
  /**
   * A socket joined a presence channel. `firstLocal`: the user's first socket here. The cluster
   * announces member_added (to everyone but the joiner) when it is the user's first socket anywhere,
   * and resolves with the channel's member list across instances (for subscription_succeeded).
   */
  presenceJoin(channel: string, member: PresenceMember, firstLocal: boolean, joinerSocketId: string, localMembers: PresenceMember[]): Promise<PresenceMember[]>;
  /** The user's last socket here left; the cluster announces member_removed if it was the last anywhere. */
  presenceLeave(channel: string, member: PresenceMember): void;
  /** The HTTP API's view: counts and members of the whole cluster. */
  readonly directory: ChannelDirectory;
  health(): ClusterHealth;
  close(): Promise<void>;
}

export interface ClusterHealth {
  scaling: 'redis';
  redis: 'ok' | 'unavailable';
  /** Frames waiting for Redis to come back (bounded). */
  queued: number;
  /** Frames dropped because the queue was full during an outage. */
  dropped: number;
  /** Live instances seen at the last sweep, this one included. */
  instances: number;
  last_error: string | null;
}

/** Channel figures for the Pusher HTTP API. */
export interface ChannelDirectory {
  channelInfo(name: string): Promise<ChannelInfo | undefined>;
  occupiedChannels(prefix: string): Promise<ChannelInfo[]>;
  presenceUserIds(name: string): Promise<string[]>;
  /** Closes the user's sockets on every instance; resolves with the number closed here. */
  terminateUser(userId: string): Promise<number>;
}

/** The subset of Hub the local directory reads. */
export interface LocalChannels {
  channelInfo(name: string): ChannelInfo | undefined;
  occupiedChannels(prefix?: string): ChannelInfo[];
  presenceUserIds(name: string): string[];
  terminateUser(userId: string): number;
}

/** One instance: the hub's own figures. */
export function localDirectory(hub: LocalChannels): ChannelDirectory {
  return {
    channelInfo: async (name) => hub.channelInfo(name),
    occupiedChannels: async (prefix) => hub.occupiedChannels(prefix),
    presenceUserIds: async (name) => hub.presenceUserIds(name),
    terminateUser: async (userId) => hub.terminateUser(userId),
  };
}

/** The cluster's figures, or this instance's own while the cluster cannot answer (never a 500 for that). */
export function fallbackDirectory(cluster: ChannelDirectory, local: ChannelDirectory, onFallback: (error: Error) => void): ChannelDirectory {
  const either =
    <A extends unknown[], R>(pick: (d: ChannelDirectory) => (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await pick(cluster)(...args);
      } catch (error) {
        onFallback(error as Error);
        return pick(local)(...args);
      }
    };
  return {
    channelInfo: either((d) => d.channelInfo),
    occupiedChannels: either((d) => d.occupiedChannels),
    presenceUserIds: either((d) => d.presenceUserIds),
    terminateUser: cluster.terminateUser,
  };
}
