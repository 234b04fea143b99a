/**
 * The hub: channels, presence membership, fan-out and client-event rules.
 * It sees connections only through `HubConnection`, so it runs without sockets in tests
 * and knows nothing about chat (the broadcaster just calls `publish`).
 */
import {
  ErrorCode,
  MAX_CHANNEL_NAME_LENGTH,
  channelEventFrame,
  channelType,
  clientEventFrame,
  errorFrame,
  isValidChannelName,
  memberAddedFrame,
  memberRemovedFrame,
  parseClientFrame,
  parsePresenceChannelData,
  pongFrame,
  presencePayload,
  signinSuccessFrame,
  subscriptionErrorFrame,
  subscriptionSucceededFrame,
  type ChannelType,
  type ClientFrame,
  type PresenceMember,
} from './protocol.js';
import { verifyChannelAuth, verifyUserAuth, type AppCredentials } from './signatures.js';
import { parseWatchlist, Watchlists } from './watchlist.js';
import type { HubCluster } from './bus.js';
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
  log?: LogFn;
  /** Other instances (REALTIME_SCALING=redis); absent: this hub is the whole service. */
  cluster?: HubCluster;
  /** Observer for the debug console; called synchronously, must not throw. */
  tap?: PusherTap;
}

export interface ChannelInfo {
  name: string;
  type: ChannelType;
  subscriptionCount: number;
  /** Distinct presence users; undefined for non-presence channels. */
  userCount: number | undefined;
}

interface Member extends PresenceMember {
  sockets: Set<string>;
}

interface Channel {
  name: string;
  type: ChannelType;
  subscribers: Map<string, ConnectionState>;
  members: Map<string, Member> | undefined; // presence only
}

interface ConnectionState {
  conn: HubConnection;
  /** channel name → presence member key (undefined for non-presence channels). */
  subscriptions: Map<string, string | undefined>;
  signedInUserId: string | undefined;
  rateWindowStart: number;
  rateCount: number;
}

const HASH_CHANNEL_PREFIX = '#server-to-user-';

export class Hub {
  private readonly connections = new Map<string, ConnectionState>();
  private readonly channels = new Map<string, Channel>();
  /** Signed-in user id → socket ids (for `#server-to-user-*` and terminate_connections). */
  private readonly users = new Map<string, Set<string>>();
  private readonly app: AppCredentials;
  private readonly clientEventsPerSecond: number;
  private readonly maxPresenceMembers: number;
  private readonly maxUserInfoBytes: number;
  private readonly maxClientEventBytes: number;
  private readonly maxChannelsPerConnection: number;
  private readonly publicChannels: boolean;
  private readonly now: () => number;
  private readonly log: LogFn;
  private readonly watchlists: Watchlists;
  private readonly cluster: HubCluster | undefined;
  private readonly tap: PusherTap | undefined;

  constructor(options: HubOptions) {
    this.app = options.app;
    this.clientEventsPerSecond = options.clientEventsPerSecond ?? 10;
    this.maxPresenceMembers = options.maxPresenceMembers ?? 100;
    this.maxUserInfoBytes = options.maxUserInfoBytes ?? 2048;
    this.maxClientEventBytes = options.maxClientEventBytes ?? 10 * 1024;
    this.maxChannelsPerConnection = options.maxChannelsPerConnection ?? 1000;
    this.publicChannels = options.publicChannels ?? false;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.watchlists = new Watchlists((userId) => this.users.has(userId), options.onUserPresence);
    this.cluster = options.cluster;
    this.cluster?.attach({
      deliver: (name, frame, except) => {
        const channel = this.channels.get(name);
        return channel ? this.broadcast(channel, frame, except) : 0;
      },
      terminateLocalUser: (userId) => this.terminateUser(userId),
      snapshot: () =>
        [...this.channels.values()].map((c) => ({ name: c.name, subscriptions: c.subscribers.size, members: [...(c.members?.values() ?? [])] })),
    });
    this.tap = options.tap;
  }

  // -- connections -----------------------------------------------------------

  addConnection(conn: HubConnection): void {
    if (this.connections.has(conn.id)) throw new Error(`duplicate socket id ${conn.id}`);
    this.connections.set(conn.id, {
      conn,
      subscriptions: new Map(),
      signedInUserId: undefined,
      rateWindowStart: 0,
      rateCount: 0,
    });
  }

  hasConnection(socketId: string): boolean {
    return this.connections.has(socketId);
  }

  /** Drop a connection and leave every channel (presence `member_removed` included). */
  removeConnection(socketId: string): void {
    const state = this.connections.get(socketId);
    if (!state) return;
    for (const channel of [...state.subscriptions.keys()]) this.leave(state, channel);
    this.setSignedInUser(state, undefined);
    this.connections.delete(socketId);
  }

  /** Entry point for one text frame from a client. Never throws for bad input. */
  handleMessage(socketId: string, raw: string): void {
    const state = this.connections.get(socketId);
    if (!state) return;
    const parsed = parseClientFrame(raw);
    if (!parsed.ok) {
      state.conn.send(errorFrame(null, parsed.message));
      return;
    }
    this.dispatch(state, parsed.frame);
  }

  private dispatch(state: ConnectionState, frame: ClientFrame): void {
    switch (frame.kind) {
      case 'ping':
        state.conn.send(pongFrame());
        return;
      case 'pong':
        return; // activity already recorded by the socket layer
      case 'subscribe':
        this.subscribe(state, frame.channel, frame.auth, frame.channelData);
        return;
      case 'unsubscribe':
        if (state.subscriptions.has(frame.channel)) this.tap?.({ kind: 'unsubscribed', socket_id: state.conn.id, channel: frame.channel });
        this.leave(state, frame.channel);
        return;
      case 'signin':
        this.signin(state, frame.auth, frame.userData);
        return;
      case 'client-event':
        this.clientEvent(state, frame.event, frame.channel, frame.data, frame.hasData);
        return;
    }
  }

  // -- subscribe / unsubscribe ----------------------------------------------

  private subscribe(state: ConnectionState, name: string, auth: string, channelData: string | undefined): void {
    const { conn } = state;
    const reject = (type: 'AuthError' | 'LimitReached' | 'InvalidChannel', error: string, status: number): void => {
      conn.send(subscriptionErrorFrame(name, type, error, status));
      this.tap?.({ kind: 'subscription.refused', socket_id: conn.id, channel: name, error_type: type, detail: error, status });
    };

    if (name.length > MAX_CHANNEL_NAME_LENGTH) {
      reject('LimitReached', `Channel name is longer than ${MAX_CHANNEL_NAME_LENGTH} characters`, ErrorCode.UNAUTHORIZED);
      return;
    }
    if (!isValidChannelName(name)) {
      reject('InvalidChannel', 'Channel name contains characters outside [-a-zA-Z0-9_=@,.;]', 400);
      return;
    }
    if (name.startsWith('#') && name !== `${HASH_CHANNEL_PREFIX}${state.signedInUserId ?? ''}`) {
      // `#server-to-user-{id}` is reserved for the signed-in user; other `#` names are reserved.
      reject('AuthError', 'The connection is unauthorized for this channel', 401);
      return;
    }
    if (!state.subscriptions.has(name) && state.subscriptions.size >= this.maxChannelsPerConnection) {
      reject('LimitReached', `Too many channels on one connection (max ${this.maxChannelsPerConnection})`, ErrorCode.OVER_CAPACITY);
      return;
    }

    const type = channelType(name);
    if (type === 'public' && !this.publicChannels && !name.startsWith('#')) {
      reject('AuthError', 'Public channels are disabled on this server; use a private- or presence- channel', 403);
      return;
    }
    if (type === 'private' || type === 'private-encrypted') {
      if (!verifyChannelAuth(this.app, conn.id, name, auth)) {
        // 401 like soketi (its tests assert it); see the reference, Appendix B.
        reject('AuthError', `Invalid signature: expected HMAC SHA256 hex digest of ${conn.id}:${name}`, 401);
        return;
      }
    }

    if (type !== 'presence') {
      const channel = this.channelFor(name, type);
      channel.subscribers.set(conn.id, state);
      state.subscriptions.set(name, undefined);
      this.cluster?.subscriptions(name, channel.subscribers.size);
      conn.send(subscriptionSucceededFrame(name));
      this.tap?.({ kind: 'subscription.succeeded', socket_id: conn.id, channel: name });
      return;
    }

    if (channelData === undefined) {
      reject('AuthError', 'Presence channels require channel_data', 401);
      return;
    }
    if (!verifyChannelAuth(this.app, conn.id, name, auth, channelData)) {
      reject('AuthError', `Invalid signature: expected HMAC SHA256 hex digest of ${conn.id}:${name}:<channel_data>`, 401);
      return;
    }
    const parsed = parsePresenceChannelData(channelData);
    if (!parsed.ok) {
      reject('AuthError', parsed.message, 400);
      return;
    }
    const member = parsed.member;
    if (member.userInfo !== undefined && Buffer.byteLength(JSON.stringify(member.userInfo)) > this.maxUserInfoBytes) {
      reject('LimitReached', `user_info is larger than ${this.maxUserInfoBytes} bytes`, ErrorCode.CLIENT_EVENT_REJECTED);
      return;
    }
    this.joinPresence(state, name, member);
  }

  private joinPresence(state: ConnectionState, name: string, member: PresenceMember): void {
    const { conn } = state;
    const previousKey = state.subscriptions.get(name);
    if (state.subscriptions.has(name) && previousKey !== member.key) {
      this.leave(state, name); // same socket re-subscribing as someone else: leave first
    }
    const channel = this.channelFor(name, 'presence');
    const members = channel.members ?? new Map<string, Member>();
    channel.members = members;
    const existing = members.get(member.key);
    if (!existing && members.size >= this.maxPresenceMembers) {
      if (channel.subscribers.size === 0) this.channels.delete(name);
      const detail = `Presence channel is full (max ${this.maxPresenceMembers} members)`;
      conn.send(subscriptionErrorFrame(name, 'LimitReached', detail, ErrorCode.OVER_CAPACITY));
      this.tap?.({ kind: 'subscription.refused', socket_id: conn.id, channel: name, error_type: 'LimitReached', detail, status: ErrorCode.OVER_CAPACITY });
      return;
    }

    channel.subscribers.set(conn.id, state);
    state.subscriptions.set(name, member.key);
    this.cluster?.subscriptions(name, channel.subscribers.size);
    if (this.cluster) {
      this.joinClusterPresence(state, channel, member, existing);
      return;
    }
    if (existing) {
      existing.sockets.add(conn.id);
    } else {
      members.set(member.key, { ...member, sockets: new Set([conn.id]) });
      // Only a new user id is announced, and never to the joining socket.
      this.broadcast(channel, memberAddedFrame(name, member), conn.id);
      this.tap?.({ kind: 'member.added', socket_id: conn.id, channel: name, user_id: member.key });
    }
    conn.send(subscriptionSucceededFrame(name, presencePayload(members.values())));
    this.tap?.({ kind: 'subscription.succeeded', socket_id: conn.id, channel: name, user_id: member.key });
  }

  /** The cluster decides whether the user is new everywhere and answers with everyone's members. */
  private joinClusterPresence(state: ConnectionState, channel: Channel, member: PresenceMember, existing: Member | undefined): void {
    const members = channel.members as Map<string, Member>;
    if (existing) existing.sockets.add(state.conn.id);
    else members.set(member.key, { ...member, sockets: new Set([state.conn.id]) });
    void this.cluster!
      .presenceJoin(channel.name, member, !existing, state.conn.id, [...members.values()])
      .catch(() => [...members.values()])
      .then((everyone) => {
        if (state.subscriptions.get(channel.name) === member.key) {
          state.conn.send(subscriptionSucceededFrame(channel.name, presencePayload(everyone)));
          this.tap?.({ kind: 'subscription.succeeded', socket_id: state.conn.id, channel: channel.name, user_id: member.key });
        }
      });
  }

  private leave(state: ConnectionState, name: string): void {
    if (!state.subscriptions.has(name)) return;
    const memberKey = state.subscriptions.get(name);
    state.subscriptions.delete(name);
    const channel = this.channels.get(name);
    if (!channel) return;
    channel.subscribers.delete(state.conn.id);
    this.cluster?.subscriptions(name, channel.subscribers.size);
    if (channel.members && memberKey !== undefined) {
      const member = channel.members.get(memberKey);
      if (member) {
        member.sockets.delete(state.conn.id);
        if (member.sockets.size === 0) {
          // The user's last socket left the channel.
          channel.members.delete(memberKey);
          if (this.cluster) this.cluster.presenceLeave(name, member);
          else this.broadcast(channel, memberRemovedFrame(name, member));
          this.tap?.({ kind: 'member.removed', channel: name, user_id: memberKey });
        }
      }
    }
    if (channel.subscribers.size === 0) this.channels.delete(name);
  }

  private channelFor(name: string, type: ChannelType): Channel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { name, type, subscribers: new Map(), members: type === 'presence' ? new Map() : undefined };
      this.channels.set(name, channel);
    }
    return channel;
  }

  // -- client events ---------------------------------------------------------

  private clientEvent(state: ConnectionState, event: string, name: string, data: unknown, hasData: boolean): void {
    const { conn } = state;
    const reject = (message: string): void => {
      conn.send(errorFrame(ErrorCode.CLIENT_EVENT_REJECTED, message));
      this.tap?.({ kind: 'client-event.refused', socket_id: conn.id, channel: name, event, detail: message });
    };
    if (!this.takeClientEventToken(state)) {
      reject(`Client event rejected due to rate limit (max ${this.clientEventsPerSecond} per second)`);
      return;
    }
    const type = channelType(name);
    if (type !== 'private' && type !== 'private-encrypted' && type !== 'presence') {
      reject('Client events are only allowed on private and presence channels');
      return;
    }
    if (!state.subscriptions.has(name)) {
      reject(`Client event rejected: not subscribed to ${name}`);
      return;
    }
    if (hasData && Buffer.byteLength(JSON.stringify(data) ?? '') > this.maxClientEventBytes) {
      reject(`Client event rejected: data is larger than ${this.maxClientEventBytes} bytes`);
      return;
    }
    const channel = this.channels.get(name);
    if (!channel) return;
    const userId = type === 'presence' ? state.subscriptions.get(name) : undefined;
    const frame = clientEventFrame(name, event, data, hasData, userId);
    const recipients = this.broadcast(channel, frame, conn.id);
    this.cluster?.forward(name, frame, conn.id);
    this.tap?.({ kind: 'client-event', socket_id: conn.id, channel: name, event, data, recipients, ...(userId !== undefined ? { user_id: userId } : {}) });
  }

  /** Fixed one-second window per connection. */
  private takeClientEventToken(state: ConnectionState): boolean {
    const now = this.now();
    if (now - state.rateWindowStart >= 1000) {
      state.rateWindowStart = now;
      state.rateCount = 0;
    }
    state.rateCount += 1;
    return state.rateCount <= this.clientEventsPerSecond;
  }

  // -- user signin -----------------------------------------------------------

  private signin(state: ConnectionState, auth: string, userData: string): void {
    const { conn } = state;
    const refuse = (message: string): void => {
      conn.send(errorFrame(ErrorCode.UNAUTHORIZED, message));
      conn.close(ErrorCode.UNAUTHORIZED, 'Connection is unauthorized');
      this.tap?.({ kind: 'signin.refused', socket_id: conn.id, detail: message });
    };
    if (!verifyUserAuth(this.app, conn.id, userData, auth)) {
      refuse('Invalid signin signature');
      return;
    }
    let data: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(userData);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
    } catch {
      data = {};
    }
    const id = data.id;
    if (typeof id !== 'string' || id.length === 0) {
      refuse('Invalid user_data: "id" must be a non-empty string');
      return;
    }
    const watchlist = parseWatchlist(data);
    conn.send(signinSuccessFrame(userData));
    // A bad watchlist is reported (4302) without failing the signin, as Pusher Channels does.
    if (!watchlist.ok) conn.send(errorFrame(ErrorCode.WATCHLIST_LIMIT, watchlist.message));
    this.setSignedInUser(state, id, watchlist.ok ? watchlist.ids : []);
    this.tap?.({ kind: 'signin', socket_id: conn.id, user_id: id });
  }

  private setSignedInUser(state: ConnectionState, userId: string | undefined, watchlist: readonly string[] = []): void {
    const previous = state.signedInUserId;
    if (previous !== undefined) {
      const sockets = this.users.get(previous);
      sockets?.delete(state.conn.id);
      if (sockets?.size === 0) this.users.delete(previous);
      this.watchlists.signedOut(state.conn.id, previous, !this.users.has(previous));
    }
    state.signedInUserId = userId;
    if (userId !== undefined) {
      const first = !this.users.has(userId);
      const sockets = this.users.get(userId) ?? new Set<string>();
      sockets.add(state.conn.id);
      this.users.set(userId, sockets);
      this.watchlists.signedIn(state.conn, userId, watchlist, first);
    }
  }

  /** Close one connection with a `pusher:error` first; false when it is not (or no longer) here. */
  closeConnection(socketId: string, code: number, message: string): boolean {
    const state = this.connections.get(socketId);
    if (!state) return false;
    state.conn.send(errorFrame(code, message));
    state.conn.close(code, message);
    return true;
  }

  /** Close every connection signed in as `userId` (HTTP terminate_connections). */
  terminateUser(userId: string): number {
    const sockets = [...(this.users.get(userId) ?? [])];
    for (const socketId of sockets) {
      const state = this.connections.get(socketId);
      if (!state) continue;
      state.conn.send(errorFrame(ErrorCode.UNAUTHORIZED, 'You got disconnected by the app.'));
      state.conn.close(ErrorCode.UNAUTHORIZED, 'Disconnected by the app');
    }
    return sockets.length;
  }

  // -- fan-out -----------------------------------------------------------------

  /** Send `event` with `data` (forwarded verbatim) to every subscriber except `exceptSocketId`. */
  publish(channels: readonly string[], event: string, data: string, exceptSocketId?: string): number {
    let delivered = 0;
    for (const name of new Set(channels)) {
      const channel = this.channels.get(name);
      const frame = channelEventFrame(name, event, data);
      if (channel) delivered += this.broadcast(channel, frame, exceptSocketId);
      // Subscribers elsewhere in the cluster; socket ids are unique cluster-wide, so the exclusion holds there too.
      this.cluster?.forward(name, frame, exceptSocketId);
    }
    return delivered;
  }

  private broadcast(channel: Channel, frame: string, exceptSocketId?: string): number {
    let delivered = 0;
    // Safe even if a send drops a socket: Map iteration tolerates deletes (the adapter removes on 'close' anyway).
    for (const [socketId, state] of channel.subscribers) {
      if (socketId !== exceptSocketId && state.conn.send(frame)) delivered += 1;
    }
    return delivered;
  }

  // -- stats (HTTP API) ----------------------------------------------------------

  get connectionCount(): number {
    return this.connections.size;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  /** Only occupied channels exist; unknown names come back undefined. */
  channelInfo(name: string): ChannelInfo | undefined {
    const channel = this.channels.get(name);
    return channel ? this.describe(channel) : undefined;
  }

  occupiedChannels(prefix = ''): ChannelInfo[] {
    const result: ChannelInfo[] = [];
    for (const channel of this.channels.values()) {
      if (channel.name.startsWith(prefix)) result.push(this.describe(channel));
    }
    return result;
  }

  /** Distinct user ids (as strings) of a presence channel; empty when unoccupied. */
  presenceUserIds(name: string): string[] {
    return [...(this.channels.get(name)?.members?.keys() ?? [])];
  }

  private describe(channel: Channel): ChannelInfo {
    return {
      name: channel.name,
      type: channel.type,
      subscriptionCount: channel.subscribers.size,
      userCount: channel.members?.size,
    };
  }
}
