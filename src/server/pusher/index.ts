/**
 * Public API of the embedded Pusher Channels server (protocol 7): one object that chatctl's
 * `serve` attaches to its http.Server (WebSocket side) and registers on fastify (HTTP API side),
 * and that the embedded broadcaster calls in-process via `publish`.
 */
import type { Server } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import { createHttpApiPlugin } from './http-api.js';
import { Hub, type LogFn } from './hub.js';
import { PusherSocketServer } from './socket.js';

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
}

export type { LogFn };

export class EmbeddedPusherServer {
  readonly app: PusherApp;
  /** Register on the fastify app: `app.register(embedded.httpApiPlugin)`. */
  readonly httpApiPlugin: FastifyPluginAsync;
  private readonly hub: Hub;
  private readonly sockets: PusherSocketServer;

  constructor(options: EmbeddedPusherOptions) {
    const log: LogFn = options.log ?? (() => {});
    this.app = { ...options.app };
    const activityTimeoutSeconds = positive(options.activityTimeoutSeconds, 30, 'activityTimeoutSeconds');
    this.hub = new Hub({
      app: this.app,
      clientEventsPerSecond: positive(options.clientEventsPerSecond, 10, 'clientEventsPerSecond'),
      log,
      onUserPresence: options.onUserPresence,
    });
    this.sockets = new PusherSocketServer({
      appKey: this.app.key,
      hub: this.hub,
      activityTimeoutSeconds,
      pongGraceSeconds: nonNegative(options.pongGraceSeconds, 30, 'pongGraceSeconds'),
      maxConnections: nonNegative(options.maxConnections, 10_000, 'maxConnections'),
      maxPayloadBytes: positive(options.maxPayloadBytes, 64 * 1024, 'maxPayloadBytes'),
      maxBufferedBytes: positive(options.maxBufferedBytes, 1024 * 1024, 'maxBufferedBytes'),
      log,
    });
    this.httpApiPlugin = createHttpApiPlugin({
      app: this.app,
      hub: this.hub,
      timestampWindowSeconds: nonNegative(options.timestampWindowSeconds, 600, 'timestampWindowSeconds'),
      log,
    });
  }

  /** Handle WebSocket upgrades for `/app/{key}` on this server (the API's own port). */
  attach(server: Server): void {
    this.sockets.attach(server);
  }

  /** In-process trigger: `data` is sent verbatim (already JSON-encoded by the caller). */
  publish(channels: string[], event: string, data: string, exceptSocketId?: string): void {
    this.hub.publish(channels, event, data, exceptSocketId);
  }

  stats(): { connections: number; channels: number } {
    return { connections: this.hub.connectionCount, channels: this.hub.channelCount };
  }

  /** Send 4200 to every client and resolve once all sockets are closed. Idempotent. */
  close(): Promise<void> {
    return this.sockets.close();
  }
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
