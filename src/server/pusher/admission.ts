// Whether a subscribe, a client event or a signin may go ahead: pure rules over the frame, the
// connection's state and the hub's limits. The hub applies the answer; nothing here mutates.
import {
  ErrorCode,
  MAX_CHANNEL_NAME_LENGTH,
  channelType,
  isValidChannelName,
  parsePresenceChannelData,
  type ChannelType,
  type PresenceMember,
} from './protocol.js';
import { verifyChannelAuth, verifyUserAuth } from './signatures.js';
import { parseWatchlist } from './watchlist.js';
import type { ConnectionState, HubLimits } from './hub-types.js';

export const HASH_CHANNEL_PREFIX = '#server-to-user-';

export interface SubscriptionRefusal {
  ok: false;
  type: 'AuthError' | 'LimitReached' | 'InvalidChannel';
  error: string;
  status: number;
}

export type SubscriptionAdmission =
  | SubscriptionRefusal
  | { ok: true; type: Exclude<ChannelType, 'presence'> }
  | { ok: true; type: 'presence'; member: PresenceMember };

const refuse = (type: SubscriptionRefusal['type'], error: string, status: number): SubscriptionRefusal => ({ ok: false, type, error, status });

export function admitSubscription(
  limits: HubLimits,
  state: ConnectionState,
  name: string,
  auth: string,
  channelData: string | undefined,
): SubscriptionAdmission {
  const socketId = state.conn.id;
  if (name.length > MAX_CHANNEL_NAME_LENGTH) {
    return refuse('LimitReached', `Channel name is longer than ${MAX_CHANNEL_NAME_LENGTH} characters`, ErrorCode.UNAUTHORIZED);
  }
  if (!isValidChannelName(name)) return refuse('InvalidChannel', 'Channel name contains characters outside [-a-zA-Z0-9_=@,.;]', 400);
  if (name.startsWith('#') && name !== `${HASH_CHANNEL_PREFIX}${state.signedInUserId ?? ''}`) {
    // `#server-to-user-{id}` is reserved for the signed-in user; other `#` names are reserved.
    return refuse('AuthError', 'The connection is unauthorized for this channel', 401);
  }
  if (!state.subscriptions.has(name) && state.subscriptions.size >= limits.maxChannelsPerConnection) {
    return refuse('LimitReached', `Too many channels on one connection (max ${limits.maxChannelsPerConnection})`, ErrorCode.OVER_CAPACITY);
  }

  const type = channelType(name);
  if (type === 'public' && !limits.publicChannels && !name.startsWith('#')) {
    return refuse('AuthError', 'Public channels are disabled on this server; use a private- or presence- channel', 403);
  }
  if ((type === 'private' || type === 'private-encrypted') && !verifyChannelAuth(limits.app, socketId, name, auth)) {
    // 401 like soketi (its tests assert it); see the reference, Appendix B.
    return refuse('AuthError', `Invalid signature: expected HMAC SHA256 hex digest of ${socketId}:${name}`, 401);
  }
  if (type !== 'presence') return { ok: true, type };

  if (channelData === undefined) return refuse('AuthError', 'Presence channels require channel_data', 401);
  if (!verifyChannelAuth(limits.app, socketId, name, auth, channelData)) {
    return refuse('AuthError', `Invalid signature: expected HMAC SHA256 hex digest of ${socketId}:${name}:<channel_data>`, 401);
  }
  const parsed = parsePresenceChannelData(channelData);
  if (!parsed.ok) return refuse('AuthError', parsed.message, 400);
  const { member } = parsed;
  if (member.userInfo !== undefined && Buffer.byteLength(JSON.stringify(member.userInfo)) > limits.maxUserInfoBytes) {
    return refuse('LimitReached', `user_info is larger than ${limits.maxUserInfoBytes} bytes`, ErrorCode.CLIENT_EVENT_REJECTED);
  }
  return { ok: true, type, member };
}

/**
 * Why a client event is refused, or undefined when it may go out. Counts the event against the
 * connection's fixed one-second window (so a refused event still uses up the allowance).
 */
export function clientEventRefusal(
  limits: HubLimits,
  state: ConnectionState,
  now: number,
  name: string,
  data: unknown,
  hasData: boolean,
): string | undefined {
  if (now - state.rateWindowStart >= 1000) {
    state.rateWindowStart = now;
    state.rateCount = 0;
  }
  state.rateCount += 1;
  if (state.rateCount > limits.clientEventsPerSecond) {
    return `Client event rejected due to rate limit (max ${limits.clientEventsPerSecond} per second)`;
  }
  const type = channelType(name);
  if (type !== 'private' && type !== 'private-encrypted' && type !== 'presence') {
    return 'Client events are only allowed on private and presence channels';
  }
  if (!state.subscriptions.has(name)) return `Client event rejected: not subscribed to ${name}`;
  if (hasData && Buffer.byteLength(JSON.stringify(data) ?? '') > limits.maxClientEventBytes) {
    return `Client event rejected: data is larger than ${limits.maxClientEventBytes} bytes`;
  }
  return undefined;
}

export type SigninAdmission =
  | { ok: false; message: string }
  | { ok: true; userId: string; watchlist: readonly string[]; watchlistError: string | undefined };

/** A `pusher:signin`: the signature, then user_data's `id` and its optional watchlist. */
export function admitSignin(limits: HubLimits, socketId: string, auth: string, userData: string): SigninAdmission {
  if (!verifyUserAuth(limits.app, socketId, userData, auth)) return { ok: false, message: 'Invalid signin signature' };
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(userData);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
  } catch {
    data = {};
  }
  const id = data.id;
  if (typeof id !== 'string' || id.length === 0) return { ok: false, message: 'Invalid user_data: "id" must be a non-empty string' };
  const watchlist = parseWatchlist(data);
  return watchlist.ok
    ? { ok: true, userId: id, watchlist: watchlist.ids, watchlistError: undefined }
    : { ok: true, userId: id, watchlist: [], watchlistError: watchlist.message };
}
