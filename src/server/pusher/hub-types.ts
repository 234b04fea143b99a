// The hub's data: what it is given (options, connections) and what it keeps per channel and
// per connection. Shared by hub.ts and the pure admission rules beside it.
import type { HubCluster } from './bus.js';
import type { ChannelType, PresenceMember } from './protocol.js';
import type { AppCredentials } from './signatures.js';
import type { PusherTap } from './tap.js';

export interface HubConnection {
  readonly id: string;
  /** Returns false when the frame was dropped (closed or slow socket). */
  send(frame: string): boolean;
  close(code: number, reason: string): void;
}

export type LogFn = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface HubOptions {
  app: AppCredentials;
  clientEventsPerSecond?: number;
  maxPresenceMembers?: number;
  maxUserInfoBytes?: number;
  maxClientEventBytes?: number;
  maxChannelsPerConnection?: number;
  /** Accept subscriptions to public (unauthenticated) channels. Default false: anyone could fill memory with them. */
  publicChannels?: boolean;
  /** Milliseconds clock; injectable for rate-limit tests. */
  now?: () => number;
  /** A signed-in user came online (first connection) or went offline (last one closed). */
  onUserPresence?: (userId: string, online: boolean) => void;
  /** Other instances (REALTIME_SCALING=redis); absent: this hub is the whole service. */
  cluster?: HubCluster;
  /** Observer for the debug console; called synchronously, must not throw. */
  tap?: PusherTap;
}

/** The limits the admission rules apply, with their defaults filled in. */
export interface HubLimits {
  app: AppCredentials;
  clientEventsPerSecond: number;
  maxPresenceMembers: number;
  maxUserInfoBytes: number;
  maxClientEventBytes: number;
  maxChannelsPerConnection: number;
  publicChannels: boolean;
}

export function hubLimits(options: HubOptions): HubLimits {
  return {
    app: options.app,
    clientEventsPerSecond: options.clientEventsPerSecond ?? 10,
    maxPresenceMembers: options.maxPresenceMembers ?? 100,
    maxUserInfoBytes: options.maxUserInfoBytes ?? 2048,
    maxClientEventBytes: options.maxClientEventBytes ?? 10 * 1024,
    maxChannelsPerConnection: options.maxChannelsPerConnection ?? 1000,
    publicChannels: options.publicChannels ?? false,
  };
}

export interface ChannelInfo {
  name: string;
  type: ChannelType;
  subscriptionCount: number;
  /** Distinct presence users; undefined for non-presence channels. */
  userCount: number | undefined;
}

export interface Member extends PresenceMember {
  sockets: Set<string>;
}

export interface Channel {
  name: string;
  type: ChannelType;
  subscribers: Map<string, ConnectionState>;
  members: Map<string, Member> | undefined; // presence only
}

export interface ConnectionState {
  conn: HubConnection;
  /** channel name → presence member key (undefined for non-presence channels). */
  subscriptions: Map<string, string | undefined>;
  signedInUserId: string | undefined;
  rateWindowStart: number;
  rateCount: number;
}
