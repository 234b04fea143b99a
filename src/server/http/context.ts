// What every route module receives: the store, the events, config and shared helpers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/env.js';
import type { ClusterHealth } from '../pusher/bus.js';
import type { AppCredentials } from '../pusher/signatures.js';
import type { ChatEvents } from '../broadcasting/chat-events.js';
import type { Broadcaster } from '../broadcasting/broadcaster.js';
import type { DebugSink } from '../observability/bus.js';
import type { ChatStore } from '../store/index.js';
import type { Locale } from './i18n/index.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { ListPresentContext } from '../presenters/index.js';

export interface RealtimeInfo {
  /** Public app key clients connect with (never the secret). */
  key: string | null;
  cluster: string | null;
  /** Host/port/TLS a client should dial; null host means "the host you reached the API on". */
  wsHost: string | null;
  wsPort: number | null;
  forceTLS: boolean;
}

export interface RouteContext {
  store: ChatStore;
  events: ChatEvents;
  broadcaster: Broadcaster;
  config: Pick<AppConfig, 'locale' | 'appUrl' | 'dataDir' | 'maxUploadBytes' | 'broadcastDriver' | 'host'> & Partial<Pick<AppConfig, 'uploadsDir'>>;
  locale: Locale;
  /** The Pusher app /broadcasting/auth signs for; null when broadcasting has no Pusher app. */
  channelApp: AppCredentials | null;
  realtime: RealtimeInfo;
  loginThrottle: LoginThrottle;
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Links from APP_URL or the listen address (never a request header) + relative times. */
  presentContext(): ListPresentContext;
  now(): Date;
  /** The server's error log (one line, no secrets or bodies). */
  logError(line: string): void;
  /** Extra health figures from the embedded server, when there is one. */
  realtimeStats?: () => { connections: number; channels: number; cluster?: ClusterHealth };
  startedAt: Date;
  version: string;
  /** The debug console's event bus (channel authorizations granted and refused). */
  debug?: DebugSink;
  /** The database holds the demo accounts with their public passwords. */
  demo: boolean;
}

export function ok<T>(data: T, message?: string) {
  return message === undefined ? { status: true as const, data } : { status: true as const, message, data };
}
