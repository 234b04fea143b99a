/**
 * Pusher Channels protocol 7: wire constants, frame parsing and frame builders.
 * Pure on purpose (no I/O, no clocks): the hub and the socket adapter stay thin and
 * everything a client can send is validated in one place that unit tests cover.
 */
import { randomInt } from 'node:crypto';

export const PROTOCOL_VERSION = 7;
/** Versions 1-4 are dead; stock clients send 7. Anything below this gets 4007. */
export const MIN_PROTOCOL_VERSION = 5;

/** Close / `pusher:error` codes used by this server (protocol "Error Codes"). */
export const ErrorCode = {
  APP_NOT_FOUND: 4001,
  OVER_QUOTA: 4004,
  UNSUPPORTED_PROTOCOL: 4007,
  UNAUTHORIZED: 4009,
  OVER_CAPACITY: 4100,
  GENERIC_RECONNECT: 4200,
  PONG_TIMEOUT: 4201,
  CLIENT_EVENT_REJECTED: 4301,
  WATCHLIST_LIMIT: 4302,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export const MAX_CHANNEL_NAME_LENGTH = 200;
export const MAX_EVENT_NAME_LENGTH = 200;
const CHANNEL_NAME_RE = /^#?[-a-zA-Z0-9_=@,.;]+$/;
/** What the server SDKs accept (Node `/^\d+\.\d+$/`, PHP `\A\d+\.\d+\z`). */
export const SOCKET_ID_RE = /^\d+\.\d+$/;

export type ChannelType = 'public' | 'private' | 'private-encrypted' | 'presence';

export function isValidChannelName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_CHANNEL_NAME_LENGTH && CHANNEL_NAME_RE.test(name);
}

/** Same prefix tests as pusher-js `createChannel`; `private-encrypted-` must win over `private-`. */
export function channelType(name: string): ChannelType {
  if (name.startsWith('private-encrypted-')) return 'private-encrypted';
  if (name.startsWith('private-')) return 'private';
  if (name.startsWith('presence-')) return 'presence';
  return 'public';
}

export function requiresAuth(type: ChannelType): boolean {
  return type !== 'public';
}

/** `${randomInt(1,1e9)}.${randomInt(1,1e9)}`, as Reverb does; `rand` is injectable for tests. */
export function generateSocketId(rand: (min: number, max: number) => number = randomInt): string {
  return `${rand(1, 1e9)}.${rand(1, 1e9)}`;
}

// ---------------------------------------------------------------------------
// C→S frames

export type ClientFrame =
  | { kind: 'ping' }
  | { kind: 'pong' }
  | { kind: 'subscribe'; channel: string; auth: string; channelData?: string }
  | { kind: 'unsubscribe'; channel: string }
  | { kind: 'signin'; auth: string; userData: string }
  /** `data` is relayed untouched (pusher-js sends whatever the app passed). */
  | { kind: 'client-event'; event: string; channel: string; data: unknown; hasData: boolean };

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; message: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): ParseResult {
  return { ok: false, message };
}

/** `pusher:*` data is an object from pusher-js but a JSON string from some SDKs: accept both. */
function decodeSystemData(data: unknown): JsonObject | undefined {
  if (isObject(data)) return data;
  if (typeof data === 'string') {
    try {
      const parsed: unknown = JSON.parse(data);
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function optionalString(obj: JsonObject, key: string): string | undefined | null {
  const value = obj[key];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null; // null = present with a wrong type
}

/** Parse one text frame. Never throws; every failure comes back as a sentence for `pusher:error`. */
export function parseClientFrame(raw: string): ParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail('Invalid frame: not valid JSON');
  }
  if (!isObject(parsed)) return fail('Invalid frame: expected a JSON object');
  const event = parsed.event;
  if (typeof event !== 'string' || event.length === 0) {
    return fail('Invalid frame: "event" must be a non-empty string');
  }

  switch (event) {
    case 'pusher:ping':
      return { ok: true, frame: { kind: 'ping' } };
    case 'pusher:pong':
      return { ok: true, frame: { kind: 'pong' } };
    case 'pusher:subscribe':
      return parseSubscribe(parsed.data);
    case 'pusher:unsubscribe': {
      const data = decodeSystemData(parsed.data);
      const channel = data?.channel;
      if (typeof channel !== 'string' || channel.length === 0) {
        return fail('Invalid pusher:unsubscribe: data.channel must be a non-empty string');
      }
      return { ok: true, frame: { kind: 'unsubscribe', channel } };
    }
    case 'pusher:signin': {
      const data = decodeSystemData(parsed.data);
      const auth = data?.auth;
      const userData = data?.user_data;
      if (typeof auth !== 'string' || typeof userData !== 'string') {
        return fail('Invalid pusher:signin: data.auth and data.user_data must be strings');
      }
      return { ok: true, frame: { kind: 'signin', auth, userData } };
    }
    default:
      break;
  }

  if (event.startsWith('pusher:') || event.startsWith('pusher_internal:')) {
    return fail(`Unsupported event: ${truncate(event)}`);
  }
  if (!event.startsWith('client-')) {
    return fail(`Invalid event name: ${truncate(event)} (client events must start with "client-")`);
  }
  if (event.length > MAX_EVENT_NAME_LENGTH) {
    return fail(`Invalid event name: longer than ${MAX_EVENT_NAME_LENGTH} characters`);
  }
  const channel = parsed.channel;
  if (typeof channel !== 'string' || channel.length === 0) {
    return fail('Invalid client event: "channel" must be a non-empty string');
  }
  const hasData = Object.prototype.hasOwnProperty.call(parsed, 'data');
  return { ok: true, frame: { kind: 'client-event', event, channel, data: parsed.data, hasData } };
}

function parseSubscribe(rawData: unknown): ParseResult {
  const data = decodeSystemData(rawData);
  if (!data) return fail('Invalid pusher:subscribe: data must be an object');
  const channel = data.channel;
  if (typeof channel !== 'string' || channel.length === 0) {
    return fail('Invalid pusher:subscribe: data.channel must be a non-empty string');
  }
  const auth = optionalString(data, 'auth');
  if (auth === null) return fail('Invalid pusher:subscribe: data.auth must be a string');
  const channelData = optionalString(data, 'channel_data');
  if (channelData === null) return fail('Invalid pusher:subscribe: data.channel_data must be a string');
  const frame: ClientFrame = { kind: 'subscribe', channel, auth: auth ?? '' };
  if (channelData !== undefined) frame.channelData = channelData;
  return { ok: true, frame };
}

function truncate(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

// ---------------------------------------------------------------------------
// Presence channel_data

export interface PresenceMember {
  /** `String(user_id)`: members are unique by this key. */
  key: string;
  /** The original `user_id` value (string or number), echoed back as received. */
  userId: string | number;
  userInfo?: unknown;
}

export const MAX_USER_ID_LENGTH = 128;

/** Decode a presence `channel_data` string; `user_id` must be a non-empty string or a finite number. */
export function parsePresenceChannelData(
  channelData: string,
): { ok: true; member: PresenceMember } | { ok: false; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(channelData);
  } catch {
    return { ok: false, message: 'Invalid channel_data: not valid JSON' };
  }
  if (!isObject(parsed)) return { ok: false, message: 'Invalid channel_data: expected a JSON object' };
  const userId = parsed.user_id;
  const validId =
    (typeof userId === 'string' && userId.length > 0 && userId.length <= MAX_USER_ID_LENGTH) ||
    (typeof userId === 'number' && Number.isFinite(userId));
  if (!validId) {
    return {
      ok: false,
      message: `Invalid channel_data: user_id must be a non-empty string (max ${MAX_USER_ID_LENGTH} characters) or a number`,
    };
  }
  const member: PresenceMember = { key: String(userId), userId: userId as string | number };
  if (parsed.user_info !== undefined) member.userInfo = parsed.user_info;
  return { ok: true, member };
}

// ---------------------------------------------------------------------------
// S→C frames (all return the serialized frame)

/** `data` is a JSON string per the protocol's "double encoding" rule. */
export function connectionEstablishedFrame(socketId: string, activityTimeoutSeconds: number): string {
  return JSON.stringify({
    event: 'pusher:connection_established',
    data: JSON.stringify({ socket_id: socketId, activity_timeout: activityTimeoutSeconds }),
  });
}

export function pongFrame(): string {
  return '{"event":"pusher:pong","data":"{}"}';
}

/** `data` is `"{}"` for public/private channels and the presence payload string for presence ones. */
export function subscriptionSucceededFrame(channel: string, data = '{}'): string {
  return JSON.stringify({ event: 'pusher_internal:subscription_succeeded', channel, data });
}

export function presencePayload(members: Iterable<PresenceMember>): string {
  const entries: [string, unknown][] = [];
  for (const member of members) entries.push([member.key, member.userInfo ?? null]);
  // fromEntries defines own properties, so a user id like "__proto__" stays an ordinary key.
  const hash = Object.fromEntries(entries);
  return JSON.stringify({ presence: { ids: entries.map(([key]) => key), hash, count: entries.length } });
}

export type SubscriptionErrorType = 'AuthError' | 'LimitReached' | 'InvalidChannel';

/** Channel-scoped failure (soketi shape, `data` as a JSON string) so `.error()` handlers fire. */
export function subscriptionErrorFrame(
  channel: string,
  type: SubscriptionErrorType,
  error: string,
  status: number,
): string {
  return JSON.stringify({
    event: 'pusher:subscription_error',
    channel,
    data: JSON.stringify({ type, error, status }),
  });
}

export function memberAddedFrame(channel: string, member: PresenceMember): string {
  const data: Record<string, unknown> = { user_id: member.userId };
  if (member.userInfo !== undefined) data.user_info = member.userInfo;
  return JSON.stringify({ event: 'pusher_internal:member_added', channel, data: JSON.stringify(data) });
}

export function memberRemovedFrame(channel: string, member: PresenceMember): string {
  return JSON.stringify({
    event: 'pusher_internal:member_removed',
    channel,
    data: JSON.stringify({ user_id: member.userId }),
  });
}

/** `data` is forwarded byte-for-byte as the string the publisher supplied. */
export function channelEventFrame(channel: string, event: string, data: string): string {
  return JSON.stringify({ event, channel, data });
}

/** Client-event relay: `data` unchanged; `user_id` (a string) only on presence channels. */
export function clientEventFrame(
  channel: string,
  event: string,
  data: unknown,
  hasData: boolean,
  userId?: string,
): string {
  const frame: Record<string, unknown> = { event, channel };
  if (hasData) frame.data = data;
  if (userId !== undefined) frame.user_id = userId;
  return JSON.stringify(frame);
}

/** `data` is an object (spec and hosted Pusher); `code` is null for non-closing format errors. */
export function errorFrame(code: number | null, message: string): string {
  return JSON.stringify({ event: 'pusher:error', data: { code, message } });
}

export function signinSuccessFrame(userData: string): string {
  return JSON.stringify({ event: 'pusher:signin_success', data: { user_data: userData } });
}
