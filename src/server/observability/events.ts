/**
 * The debug console's events, as they travel (one JSON object per NDJSON line): what the server
 * emits and what `chatctl console` validates before printing. One schema, so the two cannot drift.
 */
import { z } from 'zod';

const text = z.string().max(20_000);
const optionalText = text.optional();
const count = z.number().int().nonnegative();

const base = { at: z.string().max(40) };
const socket = { socket_id: text };
const userOptional = { user_id: optionalText };

export const debugEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('console.ready'), ...base, driver: text, version: text }),
  z.object({ kind: z.literal('console.dropped'), ...base, buffered_bytes: count }),
  z.object({ kind: z.literal('heartbeat'), ...base }),
  z.object({ kind: z.literal('connection.opened'), ...base, ...socket, client: optionalText, version: optionalText, protocol: count }),
  z.object({
    kind: z.literal('connection.refused'),
    ...base,
    code: count,
    meaning: text,
    detail: text,
    app_key: text,
    client: optionalText,
    version: optionalText,
  }),
  z.object({
    kind: z.literal('connection.closed'),
    ...base,
    ...socket,
    ...userOptional,
    code: count,
    meaning: text,
    reason: optionalText,
    cause: optionalText,
  }),
  z.object({ kind: z.literal('signin'), ...base, ...socket, user_id: text }),
  z.object({ kind: z.literal('signin.refused'), ...base, ...socket, detail: text }),
  /** /broadcasting/auth signed a channel for this user and socket. */
  z.object({ kind: z.literal('auth.granted'), ...base, ...socket, channel: text, user_id: text }),
  z.object({ kind: z.literal('subscription.succeeded'), ...base, ...socket, ...userOptional, channel: text }),
  z.object({
    kind: z.literal('subscription.refused'),
    ...base,
    /** `auth-endpoint`: refused at /broadcasting/auth, before the client ever subscribed. */
    via: z.enum(['websocket', 'auth-endpoint']),
    socket_id: optionalText,
    ...userOptional,
    channel: text,
    reason: text,
    detail: text,
    status: count,
  }),
  z.object({ kind: z.literal('unsubscribed'), ...base, ...socket, ...userOptional, channel: text }),
  z.object({ kind: z.literal('member.added'), ...base, ...socket, channel: text, user_id: text }),
  z.object({ kind: z.literal('member.removed'), ...base, channel: text, user_id: text }),
  z.object({
    kind: z.literal('client-event'),
    ...base,
    ...socket,
    ...userOptional,
    channel: text,
    event: text,
    bytes: count,
    recipients: count,
    payload: optionalText,
  }),
  z.object({
    kind: z.literal('client-event.refused'),
    ...base,
    ...socket,
    ...userOptional,
    channel: text,
    event: text,
    reason: text,
    detail: text,
  }),
  z.object({
    kind: z.literal('publish'),
    ...base,
    /** `app`: the chat API itself; `http-api`: another app triggering through /apps/{id}/events. */
    origin: z.enum(['app', 'http-api']),
    driver: text,
    channels: z.array(text).max(100),
    event: text,
    bytes: count,
    /** Sockets that received it; null when the driver cannot know (log, null). */
    recipients: count.nullable(),
    excluded_socket_id: optionalText,
    payload: optionalText,
  }),
  /** BROADCAST_DRIVER=pusher: one trigger to the external host and its answer. */
  z.object({
    kind: z.literal('trigger'),
    ...base,
    host: text,
    channels: z.array(text).max(100),
    event: text,
    bytes: count,
    excluded_socket_id: optionalText,
    ok: z.boolean(),
    status: count.nullable(),
    ms: z.number().nonnegative(),
    error: optionalText,
    payload: optionalText,
  }),
  z.object({ kind: z.literal('http-api.refused'), ...base, method: text, path: text, status: count, detail: text }),
]);

export type DebugEvent = z.infer<typeof debugEventSchema>;
export type DebugEventKind = DebugEvent['kind'];

/** An event before the bus stamps its time. */
export type DebugEventBody = DebugEvent extends infer E ? (E extends DebugEvent ? Omit<E, 'at'> : never) : never;

/** Payloads beyond this are cut (the console shows one line anyway; --json gets this much). */
export const MAX_PAYLOAD_CHARS = 16_384;

export function clipPayload(data: string): string {
  return data.length > MAX_PAYLOAD_CHARS ? data.slice(0, MAX_PAYLOAD_CHARS) : data;
}
