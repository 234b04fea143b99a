/**
 * Public API of the embedded Pusher Channels server (protocol 7): one object that chatctl's
 * `serve` attaches to its http.Server (WebSocket side) and registers on fastify (HTTP API side),
 * and that the embedded broadcaster calls in-process via `publish`.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import { fallbackDirectory, localDirectory, type ClusterHealth, type HubCluster } from './bus.js';
import { createHttpApiPlugin } from './http-api.js';
import { Hub, type LogFn } from './hub.js';
import { limitLog, type LimitedLog } from './log-limiter.js';
import { ErrorCode } from './protocol.js';
import { PusherSocketServer } from './socket.js';
import type { PusherTap } from './tap.js';
import { TokenSockets } from './token-sockets.js';

export interface PusherApp {
  id: string;
  key: string;
  secret: string;
}

export interface EmbeddedPusherOptions {
  app: PusherApp;
  /** Announced to clients in `connection_established`, seconds. Default 30. */
  activityTimeoutSeconds?: number;
  /** Extra silence allowed before closing with 4201, seconds. Default 30. */
  pongGraceSeconds?: number;
  /** Live connections allowed; beyond it new ones get 4004. Default 10 000. */
  maxConnections?: number;
  /** Live connections one client address may hold (IPv6: one /64). Default 100. */
  maxConnectionsPerAddress?: number;
  /** The client's address for that limit; default the TCP peer (set it when behind a trusted proxy). */
  clientAddress?: (req: IncomingMessage) => string | undefined;
  /** Accept public (unauthenticated) channels. Default false: the chat uses only private ones. */
  publicChannels?: boolean;
  /** Channels one connection may join. Default 100. */
  maxChannelsPerConnection?: number;
  /** Connection warnings (bad frames, slow or idle sockets) written per 10 s before the rest are summed up. Default 20. */
  maxConnectionWarnings?: number;
  /** ws frame limit; bigger frames are closed with 1009. Default 64 KiB. */
  maxPayloadBytes?: number;
  /** Slow-consumer cutoff: a socket with more than this queued is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Client events per connection per second before 4301. Default 10. */
  clientEventsPerSecond?: number;
  /** HTTP API `auth_timestamp` window either way, seconds. Default 600. */
  timestampWindowSeconds?: number;
  /** Receives operational messages; never given secrets or signatures. */
  log?: LogFn;
  /** A signed-in user came online or went offline (watchlists; chatctl records last_seen_at). */
  onUserPresence?: (userId: string, online: boolean) => void;
  /** Other instances (REALTIME_SCALING=redis): publishes, presence and counts shared with them. */
  cluster?: HubCluster;
  /** Observer for the debug console: every connection, subscription, client event and API trigger. */
  tap?: PusherTap;
}

export type { LogFn };
export type { PusherTap, PusherTapEvent } from './tap.js';

export class EmbeddedPusherServer {
  readonly app: PusherApp;
  /** Register on the fastify app: `app.register(embedded.httpApiPlugin)`. */
  readonly httpApiPlugin: FastifyPluginAsync;
  private readonly hub: Hub;
  private readonly sockets: PusherSocketServer;
  private readonly cluster: HubCluster | undefined;
  private readonly tokenSockets = new TokenSockets();
  private readonly connectionLog: LimitedLog;

  constructor(options: EmbeddedPusherOptions) {
    const log: LogFn = options.log ?? (() => {});
    this.app = { ...options.app };
    const activityTimeoutSeconds = positive(options.activityTimeoutSeconds, 30, 'activityTimeoutSeconds');
    this.hub = new Hub({
      app: this.app,
      clientEventsPerSecond: positive(options.clientEventsPerSecond, 10, 'clientEventsPerSecond'),
      publicChannels: options.publicChannels ?? false,
      maxChannelsPerConnection: positive(options.maxChannelsPerConnection, 100, 'maxChannelsPerConnection'),
      onUserPresence: options.onUserPresence,
      ...(options.cluster ? { cluster: options.cluster } : {}),
      tap: options.tap,
    });
    this.cluster = options.cluster;
    // Anyone can open a socket: what sockets make us write is rate-limited.
    this.connectionLog = limitLog(log, { maxLines: positive(options.maxConnectionWarnings, 20, 'maxConnectionWarnings'), intervalMs: 10_000 });
    this.sockets = new PusherSocketServer({
      appKey: this.app.key,
      hub: this.hub,
      activityTimeoutSeconds,
      pongGraceSeconds: nonNegative(options.pongGraceSeconds, 30, 'pongGraceSeconds'),
      maxConnections: nonNegative(options.maxConnections, 10_000, 'maxConnections'),
      maxConnectionsPerAddress: positive(options.maxConnectionsPerAddress, 100, 'maxConnectionsPerAddress'),
      ...(options.clientAddress ? { clientAddress: options.clientAddress } : {}),
      onConnectionClosed: (socketId) => this.tokenSockets.forgetSocket(socketId),
      maxPayloadBytes: positive(options.maxPayloadBytes, 64 * 1024, 'maxPayloadBytes'),
      maxBufferedBytes: positive(options.maxBufferedBytes, 1024 * 1024, 'maxBufferedBytes'),
      log: this.connectionLog.log,
      tap: options.tap,
    });
    this.httpApiPlugin = createHttpApiPlugin({
      app: this.app,
      hub: this.hub,
      ...(options.cluster
        ? { directory: fallbackDirectory(options.cluster.directory, localDirectory(this.hub), (e) => log('warn', `pusher http api: cluster figures unavailable (${e.message}); answering with this instance's`)) }
        : {}),
      timestampWindowSeconds: nonNegative(options.timestampWindowSeconds, 600, 'timestampWindowSeconds'),
      log,
      tap: options.tap,
    });
  }

  /** Handle WebSocket upgrades for `/app/{key}` on this server (the API's own port). */
  attach(server: Server): void {
    this.sockets.attach(server);
  }

  /** In-process trigger: `data` is sent verbatim (already JSON-encoded by the caller). Returns the sockets reached. */
  publish(channels: string[], event: string, data: string, exceptSocketId?: string): number {
    return this.hub.publish(channels, event, data, exceptSocketId);
  }

  /**
   * Remember that the API token `tokenId` authorised `socketId` (called by /broadcasting/auth),
   * so `terminateToken` can end it. False when the socket is not connected here.
   */
  bindSocketToToken(socketId: string, tokenId: string): boolean {
    if (!this.hub.hasConnection(socketId)) return false;
    this.tokenSockets.bind(socketId, tokenId);
    return true;
  }

  /** Close (4009) every socket the token authorised, e.g. after logout or revocation; returns how many. */
  terminateToken(tokenId: string): number {
    let closed = 0;
    for (const socketId of this.tokenSockets.socketsOf(tokenId)) {
      if (this.hub.closeConnection(socketId, ErrorCode.UNAUTHORIZED, 'The access token of this connection was revoked')) closed += 1;
    }
    return closed;
  }

  /** Tokens that have at least one live socket (what a revocation check needs to look at). */
  boundTokenIds(): string[] {
    return this.tokenSockets.tokenIds();
  }

  stats(): { connections: number; channels: number; cluster?: ClusterHealth } {
    return { connections: this.hub.connectionCount, channels: this.hub.channelCount, ...(this.cluster ? { cluster: this.cluster.health() } : {}) };
  }

  /** Send 4200 to every client and resolve once all sockets are closed. Idempotent. */
  close(): Promise<void> {
    // Sockets first (their members leave the cluster), then the cluster connection.
    this.closing ??= this.sockets
      .close()
      .finally(() => this.connectionLog.flush())
      .then(() => this.cluster?.close());
    return this.closing;
  }
  private closing: Promise<void> | undefined;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be zero or a positive number`);
  return value;
}

// Signing helpers for the rest of chatctl (e.g. /broadcasting/auth, doctor).
export { signChannel, signRequest, signUser, verifyRequest } from './signatures.js';
export type { AppCredentials, SignedRequest, SignRequestInput } from './signatures.js';
