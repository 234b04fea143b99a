/**
 * What the embedded Pusher server reports to an optional observer (the debug console): one plain
 * object per happening, in protocol terms. The server stays standalone: it only calls the
 * function it was given, and a missing observer costs nothing but an optional call.
 */
export type PusherTapEvent =
  | { kind: 'connection.opened'; socket_id: string; client?: string; version?: string; protocol: number }
  /** Refused during the handshake (wrong app key, old protocol, over quota): no socket id yet. */
  | { kind: 'connection.refused'; code: number; detail: string; app_key: string; client?: string; version?: string }
  /** `cause` is the server's own reason when it cut the socket (e.g. a slow consumer). */
  | { kind: 'connection.closed'; socket_id: string; code: number; reason: string; cause?: string; user_id?: string }
  | { kind: 'signin'; socket_id: string; user_id: string }
  | { kind: 'signin.refused'; socket_id: string; detail: string }
  | { kind: 'subscription.succeeded'; socket_id: string; channel: string; user_id?: string }
  | { kind: 'subscription.refused'; socket_id: string; channel: string; error_type: string; detail: string; status: number }
  | { kind: 'unsubscribed'; socket_id: string; channel: string }
  | { kind: 'member.added'; socket_id: string; channel: string; user_id: string }
  | { kind: 'member.removed'; channel: string; user_id: string }
  | { kind: 'client-event'; socket_id: string; channel: string; event: string; data: unknown; recipients: number; user_id?: string }
  | { kind: 'client-event.refused'; socket_id: string; channel: string; event: string; detail: string }
  /** A trigger through the HTTP API (`POST /apps/{id}/events` or `batch_events`). */
  | { kind: 'publish'; channels: string[]; event: string; data: string; recipients: number; excluded_socket_id?: string }
  /** A signed HTTP API request that was refused (wrong secret, stale timestamp, bad body…). */
  | { kind: 'http-api.refused'; method: string; path: string; status: number; detail: string };

export type PusherTap = (event: PusherTapEvent) => void;
