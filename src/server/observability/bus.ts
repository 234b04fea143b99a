/**
 * The debug-event bus: producers (the embedded Pusher server, the broadcasters, /broadcasting/auth)
 * emit typed events; subscribers (console streams, `serve --debug`) receive them synchronously.
 * With no subscriber an emit only does the socket→user bookkeeping, so the tap costs the chat
 * nothing; a subscriber that reports it cannot keep up is removed on the spot, never waited for.
 */
import type { PusherTap, PusherTapEvent } from '../pusher/tap.js';
import { clipPayload, type DebugEvent, type DebugEventBody } from './events.js';
import { clientEventReason, closeMeaning, subscriptionReason } from './meanings.js';

export interface DebugSubscriber {
  /**
   * One event; `json()` is its NDJSON line (serialised once for all subscribers).
   * Return false to be dropped (too far behind): the bus forgets the subscriber at once.
   */
  write(event: DebugEvent, json: () => string): boolean;
}

/** What producers hold: emit, and `active` to skip building costly fields nobody will read. */
export interface DebugSink {
  readonly active: boolean;
  emit(body: DebugEventBody): void;
}

/** Sockets whose user we learnt (auth, signin, presence); bounded, oldest forgotten first. */
const MAX_KNOWN_SOCKETS = 10_000;

export class DebugBus implements DebugSink {
  private readonly subscribers = new Set<DebugSubscriber>();
  private readonly users = new Map<string, string>();
  /** Hand this to the embedded Pusher server (`tap` option). */
  readonly pusherTap: PusherTap = (event) => this.fromPusher(event);

  constructor(private readonly driver: string) {}

  get active(): boolean {
    return this.subscribers.size > 0;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(subscriber: DebugSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  emit(body: DebugEventBody): void {
    this.remember(body);
    if (this.subscribers.size === 0) return;
    const event = this.withUser({ at: new Date().toISOString(), ...body } as DebugEvent);
    let line: string | undefined;
    const json = (): string => (line ??= JSON.stringify(event));
    for (const subscriber of [...this.subscribers]) {
      let keep = false;
      try {
        keep = subscriber.write(event, json);
      } catch {
        keep = false; // a broken subscriber must never break the producer (the hub, a route)
      }
      if (!keep) this.subscribers.delete(subscriber);
    }
    if (body.kind === 'connection.closed') this.users.delete(body.socket_id);
  }

  /** The user a socket belongs to, once /broadcasting/auth, signin or a presence join said so. */
  userOf(socketId: string): string | undefined {
    return this.users.get(socketId);
  }

  private remember(body: DebugEventBody): void {
    switch (body.kind) {
      case 'auth.granted':
      case 'signin':
      case 'member.added':
        this.setUser(body.socket_id, body.user_id);
        return;
      case 'connection.closed':
        if (this.subscribers.size === 0) this.users.delete(body.socket_id);
        return;
      default:
        return;
    }
  }

  private setUser(socketId: string, userId: string): void {
    this.users.delete(socketId); // re-insert: most recent last
    this.users.set(socketId, userId);
    if (this.users.size > MAX_KNOWN_SOCKETS) {
      const oldest = this.users.keys().next().value;
      if (oldest !== undefined) this.users.delete(oldest);
    }
  }

  /** Fills in `user_id` on events about a socket whose user is known. */
  private withUser(event: DebugEvent): DebugEvent {
    if (!USER_KINDS.has(event.kind)) return event;
    const about = event as { socket_id?: string; user_id?: string };
    if (about.socket_id === undefined || about.user_id !== undefined) return event;
    const user = this.users.get(about.socket_id);
    return user === undefined ? event : ({ ...event, user_id: user } as DebugEvent);
  }

  private fromPusher(event: PusherTapEvent): void {
    switch (event.kind) {
      case 'connection.refused':
        this.emit({ ...event, meaning: closeMeaning(event.code) });
        return;
      case 'connection.closed':
        this.emit({ ...event, meaning: closeMeaning(event.code) });
        return;
      case 'subscription.refused': {
        const { error_type: errorType, ...rest } = event;
        this.emit({ ...rest, via: 'websocket', reason: subscriptionReason(errorType, event.detail) });
        return;
      }
      case 'client-event.refused':
        this.emit({ ...event, reason: clientEventReason(event.detail) });
        return;
      case 'client-event': {
        if (!this.active) return;
        const { data, ...rest } = event;
        const payload = data === undefined ? undefined : (JSON.stringify(data) ?? '');
        this.emit({ ...rest, bytes: payload === undefined ? 0 : Buffer.byteLength(payload), ...(payload !== undefined ? { payload: clipPayload(payload) } : {}) });
        return;
      }
      case 'publish': {
        if (!this.active) return;
        const { data, ...rest } = event;
        this.emit({ ...rest, origin: 'http-api', driver: this.driver, bytes: Buffer.byteLength(data), payload: clipPayload(data) });
        return;
      }
      default:
        this.emit(event);
    }
  }
}

/** Kinds that carry an optional `user_id` the bus may fill in. */
const USER_KINDS = new Set<string>(['connection.closed', 'subscription.succeeded', 'subscription.refused', 'unsubscribed', 'client-event', 'client-event.refused']);
