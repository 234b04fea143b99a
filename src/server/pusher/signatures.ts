/**
 * Pusher HMAC signatures: channel authorization, user signin and HTTP API request signing.
 * One module so the server's checks and the test/`doctor` signers can never drift apart.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface AppCredentials {
  key: string;
  secret: string;
}

export function hmacSha256Hex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

export function md5Hex(body: string | Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

/** Constant-time string equality (length is not secret: `key:` + 64 hex chars). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

// ---------------------------------------------------------------------------
// Channel authorization (private / private-encrypted / presence)

/** Private: `socket_id:channel`; presence: `socket_id:channel:channel_data` with channel_data verbatim. */
export function channelStringToSign(socketId: string, channel: string, channelData?: string): string {
  return channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
}

/** The `auth` value a `/broadcasting/auth` endpoint returns: `key:hex`. */
export function signChannel(app: AppCredentials, socketId: string, channel: string, channelData?: string): string {
  return `${app.key}:${hmacSha256Hex(app.secret, channelStringToSign(socketId, channel, channelData))}`;
}

/** Compares the whole `key:hex` string, so a foreign key fails as surely as a wrong digest. */
export function verifyChannelAuth(
  app: AppCredentials,
  socketId: string,
  channel: string,
  auth: string,
  channelData?: string,
): boolean {
  return safeEqual(auth, signChannel(app, socketId, channel, channelData));
}

// ---------------------------------------------------------------------------
// User authentication (pusher:signin)

export function signUser(app: AppCredentials, socketId: string, userData: string): string {
  return `${app.key}:${hmacSha256Hex(app.secret, `${socketId}::user::${userData}`)}`;
}

export function verifyUserAuth(app: AppCredentials, socketId: string, userData: string, auth: string): boolean {
  return safeEqual(auth, signUser(app, socketId, userData));
}

// ---------------------------------------------------------------------------
// HTTP API request signatures

export type QueryParams = Record<string, string>;

/** `METHOD\nPATH\nk=v&…`: keys lowercased and sorted (byte order), values NOT escaped, auth_signature left out. */
export function requestStringToSign(method: string, path: string, params: QueryParams): string {
  const entries: [string, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    const lower = key.toLowerCase();
    if (lower !== 'auth_signature') entries.push([lower, value]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = entries.map(([key, value]) => `${key}=${value}`).join('&');
  return `${method.toUpperCase()}\n${path}\n${query}`;
}

/** Decode a raw query string (`+` is a space, as PHP and `querystring` read it); repeated keys join with ",". */
export function parseQueryString(rawQuery: string): QueryParams {
  const params: QueryParams = Object.create(null) as QueryParams; // no prototype: "__proto__" is just a key
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    params[key] = Object.prototype.hasOwnProperty.call(params, key) ? `${params[key]},${value}` : value;
  }
  return params;
}

export interface SignRequestInput {
  method: string;
  /** Path without host or query, e.g. `/apps/3/events`. */
  path: string;
  /** Extra query parameters (e.g. `filter_by_prefix`, `info`). */
  params?: QueryParams;
  /** Raw body; when non-empty its MD5 is added as `body_md5`. */
  body?: string | Uint8Array;
  /** Unix seconds; defaults to now. Pin it to produce a stale request on purpose. */
  timestamp?: number;
}

export interface SignedRequest {
  /** All query parameters including `auth_signature`. */
  params: QueryParams;
  /** The same, URL-encoded and sorted, ready to append after `?`. */
  queryString: string;
  stringToSign: string;
  signature: string;
}

/** Sign an HTTP API request the way the official SDKs do (useful for tests and `doctor`). */
export function signRequest(app: AppCredentials, input: SignRequestInput): SignedRequest {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const params: QueryParams = {
    ...input.params,
    auth_key: app.key,
    auth_timestamp: String(timestamp),
    auth_version: '1.0',
  };
  if (input.body !== undefined && input.body.length > 0) params.body_md5 = md5Hex(input.body);
  const stringToSign = requestStringToSign(input.method, input.path, params);
  const signature = hmacSha256Hex(app.secret, stringToSign);
  const signed: QueryParams = { ...params, auth_signature: signature };
  const queryString = Object.keys(signed)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(signed[key] ?? '')}`)
    .join('&');
  return { params: signed, queryString, stringToSign, signature };
}

export interface VerifyRequestInput {
  method: string;
  path: string;
  /** Decoded query parameters (see `parseQueryString`). */
  params: QueryParams;
  rawBody?: string | Uint8Array;
  /** Unix seconds; injectable for tests. */
  nowSeconds?: number;
  /** Allowed clock skew either way, default 600 s (Pusher docs). */
  windowSeconds?: number;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Verify `auth_key`, `auth_timestamp` (± window), `body_md5` (recomputed from the raw body,
 * never trusted) and `auth_signature`. Reasons are safe to return to the caller: no secrets.
 */
export function verifyRequest(app: AppCredentials, input: VerifyRequestInput): VerifyResult {
  const params: QueryParams = Object.create(null) as QueryParams;
  for (const [key, value] of Object.entries(input.params)) params[key.toLowerCase()] = value;

  const authKey = params.auth_key;
  if (authKey === undefined || authKey === '') return { ok: false, reason: 'Missing auth_key' };
  if (!safeEqual(authKey, app.key)) return { ok: false, reason: 'Invalid auth_key for this app' };

  const signature = params.auth_signature;
  if (signature === undefined || signature === '') return { ok: false, reason: 'Missing auth_signature' };

  const timestampText = params.auth_timestamp;
  if (timestampText === undefined || !/^\d+$/.test(timestampText)) {
    return { ok: false, reason: 'Missing or invalid auth_timestamp' };
  }
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  const window = input.windowSeconds ?? 600;
  if (Math.abs(now - Number(timestampText)) > window) {
    return {
      ok: false,
      reason: `Timestamp expired: given timestamp ${timestampText} is not within ${window}s of server time ${now}`,
    };
  }

  const body = input.rawBody;
  if (body !== undefined && body.length > 0) {
    const actual = md5Hex(body);
    if (params.body_md5 === undefined) return { ok: false, reason: 'Missing body_md5 for a request with a body' };
    // Recomputed from the raw bytes: the signature below then covers the real body.
    if (!safeEqual(params.body_md5, actual)) return { ok: false, reason: 'body_md5 does not match the request body' };
  }

  const expected = hmacSha256Hex(app.secret, requestStringToSign(input.method, input.path, params));
  if (!safeEqual(signature.toLowerCase(), expected)) return { ok: false, reason: 'Invalid signature' };
  return { ok: true };
}
