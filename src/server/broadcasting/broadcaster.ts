// The one interface routes use to publish real-time events, whatever the transport.
import type { BroadcastDriverName } from '../../config/env.js';
import { SOCKET_ID_RE } from '../pusher/protocol.js';

export interface BroadcastEvent {
  channels: string[];
  event: string;
  payload: unknown;
  /** Laravel's `toOthers()`: the X-Socket-ID of the sender's own connection, excluded from delivery. */
  exceptSocketId?: string;
}

export interface BroadcastHealth {
  driver: BroadcastDriverName;
  published: number;
  failures: number;
  lastError: string | null;
}

export interface Broadcaster {
  readonly driver: BroadcastDriverName;
  /** Fire and forget: never throws and never delays the HTTP reply; failures are counted in health(). */
  publish(event: BroadcastEvent): void;
  health(): BroadcastHealth;
  close(): Promise<void>;
  /**
   * Drivers that own the sockets (embedded) remember which API token authorised a socket
   * (/broadcasting/auth), so that revoking the token can end its real-time connections.
   */
  bindSocketToToken?(socketId: string, tokenId: number): void;
  /** Ends every socket `tokenId` authorised (logout, revocation); returns how many. */
  terminateToken?(tokenId: number): number;
}

/** Shared bookkeeping for drivers: counts and the last (already masked) error. */
export class BroadcastCounters {
  published = 0;
  failures = 0;
  lastError: string | null = null;

  constructor(private readonly driver: BroadcastDriverName) {}

  failed(message: string): void {
    this.failures++;
    this.lastError = message;
  }

  snapshot(): BroadcastHealth {
    return { driver: this.driver, published: this.published, failures: this.failures, lastError: this.lastError };
  }
}

/** Only well-formed socket ids are passed on: the Pusher SDKs throw on anything else. */
export function validSocketId(value: unknown): string | undefined {
  return typeof value === 'string' && SOCKET_ID_RE.test(value) ? value : undefined;
}
