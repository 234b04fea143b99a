/**
 * The hub: channels, presence membership, fan-out and client-event rules.
 * It sees connections only through `HubConnection`, so it runs without sockets in tests
 * and knows nothing about chat (the broadcaster just calls `publish`). Whether a frame may go
 * ahead is decided in admission.ts; this class keeps the state and applies the answers.
 */
import { admitSignin, admitSubscription, clientEventRefusal } from './admission.js';
import { hubLimits, type Channel, type ChannelInfo, type ConnectionState, type HubConnection, type HubLimits, type HubOptions, type Member } from './hub-types.js';
import {
  ErrorCode,
  channelEventFrame,
  channelType,
  clientEventFrame,
  errorFrame,
  memberAddedFrame,
  memberRemovedFrame,
  parseClientFrame,
  pongFrame,
  presencePayload,
  signinSuccessFrame,
  subscriptionErrorFrame,
  subscriptionSucceededFrame,
  type ChannelType,
  type ClientFrame,
  type PresenceMember,
} from './protocol.js';
import { Watchlists } from './watchlist.js';
import type { HubCluster } from './bus.js';
import type { PusherTap } from './tap.js';

export type { ChannelInfo, HubConnection, HubOptions, LogFn } from './hub-types.js';

export class Hub {
  private readonly connections = new Map<string, ConnectionState>();
  private readonly channels = new Map<string, Channel>();
  /** Signed-in user id → socket ids (for `#server-to-user-*` and terminate_connections). */
  private readonly users = new Map<string, Set<string>>();
  private readonly limits: HubLimits;
  private readonly now: () => number;
  private readonly watchlists: Watchlists;
  private readonly cluster: HubCluster | undefined;
  private readonly tap: PusherTap | undefined;

  constructor(options: HubOptions) {
    this.limits = hubLimits(options);
    this.now = options.now ?? Date.now;
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
    const admission = admitSubscription(this.limits, state, name, auth, channelData);
    if (!admission.ok) {
      conn.send(subscriptionErrorFrame(name, admission.type, admission.error, admission.status));
      this.tap?.({ kind: 'subscription.refused', socket_id: conn.id, channel: name, error_type: admission.type, detail: admission.error, status: admission.status });
      return;
    }
    if (admission.type === 'presence') {
      this.joinPresence(state, name, admission.member);
      return;
    }
    const channel = this.channelFor(name, admission.type);
    channel.subscribers.set(conn.id, state);
    state.subscriptions.set(name, undefined);
    this.cluster?.subscriptions(name, channel.subscribers.size);
    conn.send(subscriptionSucceededFrame(name));
    this.tap?.({ kind: 'subscription.succeeded', socket_id: conn.id, channel: name });
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
    if (!existing && members.size >= this.limits.maxPresenceMembers) {
      if (channel.subscribers.size === 0) this.channels.delete(name);
      const detail = `Presence channel is full (max ${this.limits.maxPresenceMembers} members)`;
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
    const refusal = clientEventRefusal(this.limits, state, this.now(), name, data, hasData);
    if (refusal !== undefined) {
      conn.send(errorFrame(ErrorCode.CLIENT_EVENT_REJECTED, refusal));
      this.tap?.({ kind: 'client-event.refused', socket_id: conn.id, channel: name, event, detail: refusal });
      return;
    }
    const channel = this.channels.get(name);
    if (!channel) return;
    const userId = channelType(name) === 'presence' ? state.subscriptions.get(name) : undefined;
    const frame = clientEventFrame(name, event, data, hasData, userId);
    const recipients = this.broadcast(channel, frame, conn.id);
    this.cluster?.forward(name, frame, conn.id);
    this.tap?.({ kind: 'client-event', socket_id: conn.id, channel: name, event, data, recipients, ...(userId !== undefined ? { user_id: userId } : {}) });
  }

  // -- user signin -----------------------------------------------------------

  private signin(state: ConnectionState, auth: string, userData: string): void {
    const { conn } = state;
    const admission = admitSignin(this.limits, conn.id, auth, userData);
    if (!admission.ok) {
      conn.send(errorFrame(ErrorCode.UNAUTHORIZED, admission.message));
      conn.close(ErrorCode.UNAUTHORIZED, 'Connection is unauthorized');
      this.tap?.({ kind: 'signin.refused', socket_id: conn.id, detail: admission.message });
      return;
    }
    conn.send(signinSuccessFrame(userData));
    // A bad watchlist is reported (4302) without failing the signin, as Pusher Channels does.
    if (admission.watchlistError !== undefined) conn.send(errorFrame(ErrorCode.WATCHLIST_LIMIT, admission.watchlistError));
    this.setSignedInUser(state, admission.userId, admission.watchlist);
    this.tap?.({ kind: 'signin', socket_id: conn.id, user_id: admission.userId });
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
