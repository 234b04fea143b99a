// The network side of doctor: one bounded HTTP request (undici) and one bounded Pusher WebSocket
// handshake (ws). Both always resolve, within the timeout, with what happened; they never throw.
import { performance } from 'node:perf_hooks';

export interface NetworkFailure {
  kind: 'network';
  /** A short phrase: "connection refused", "no answer within 2 s", "DNS lookup of x failed". */
  reason: string;
  code?: string;
  /** The host answered, but TLS failed: a certificate problem or plain http on a TLS URL. */
  tls?: 'certificate' | 'protocol';
  ms: number;
}

export type HttpOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string | undefined>; body: string; ms: number }
  | NetworkFailure;

const MAX_BODY_BYTES = 64 * 1024;

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Turns a socket/DNS/TLS/timeout error into a phrase a user understands. */
export function describeNetworkError(error: unknown, host: string, timeoutMs: number): { reason: string; code?: string; tls?: 'certificate' | 'protocol' } {
  const err = error as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err?.code ?? err?.cause?.code;
  const message = err?.message ?? String(error);
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || /TIMEOUT|ETIMEDOUT|UND_ERR_ABORTED/.test(code ?? '') || /timed out/i.test(message)) {
    return { reason: `no answer within ${seconds(timeoutMs)}`, code: 'ETIMEDOUT' };
  }
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'connection refused (nothing listens there)', code };
    case 'ENOTFOUND':
      return { reason: `DNS lookup of ${host} failed`, code };
    case 'EAI_AGAIN':
      return { reason: `DNS lookup of ${host} failed (no network or no DNS server?)`, code };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return { reason: 'the connection was closed before an answer', code };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { reason: 'no route to the host (no network?)', code };
  }
  if (code && /CERT|SELF_SIGNED|ALTNAME/.test(code)) return { reason: `its TLS certificate is not trusted here (${code})`, code, tls: 'certificate' };
  if (code && /SSL|EPROTO|TLS/.test(code)) return { reason: `the TLS handshake failed (${code}): that port seems to speak plain http`, code, tls: 'protocol' };
  return { reason: `${code ? `${code}: ` : ''}${message}`.replace(/\s+/g, ' ').slice(0, 160), ...(code ? { code } : {}) };
}

export interface HttpRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** One request with a hard deadline (connect + headers + body); the body is read up to 64 KB. */
export async function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpOutcome> {
  const { Agent, request } = await import('undici');
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const agent = new Agent({ connect: { timeout: options.timeoutMs }, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  const host = new URL(url).hostname;
  try {
    const response = await request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      dispatcher: agent,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    let body = '';
    let size = 0;
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      body += buffer.toString('utf8');
      if (size > MAX_BODY_BYTES) {
        response.body.destroy();
        break;
      }
    }
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return { kind: 'response', status: response.statusCode, headers, body, ms: elapsed() };
  } catch (error) {
    return { kind: 'network', ...describeNetworkError(error, host, options.timeoutMs), ms: elapsed() };
  } finally {
    void agent.destroy().catch(() => undefined);
  }
}

export type HandshakeOutcome =
  | { kind: 'established'; socketId?: string; activityTimeout?: number; ms: number }
  /** `pusher:error` before the connection was established (4001 unknown key, 4004 over quota, …). */
  | { kind: 'pusher-error'; code?: number; message: string; ms: number }
  /** Closed before `connection_established`, without a `pusher:error`. */
  | { kind: 'closed'; code: number; reason: string; ms: number }
  /** The upgrade was answered with plain HTTP. */
  | { kind: 'http'; status: number; ms: number }
  /** The first frame was something else. */
  | { kind: 'unexpected'; frame: string; ms: number }
  | NetworkFailure;

function decodeData(data: unknown): Record<string, unknown> {
  if (typeof data === 'string') {
    try {
      const parsed: unknown = JSON.parse(data);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
}

/** Opens `url` (ws[s]://host:port/app/{key}?protocol=7…) and waits for the first Pusher frame. */
export async function pusherHandshake(url: string, timeoutMs: number): Promise<HandshakeOutcome> {
  const { default: WebSocket } = await import('ws');
  const host = new URL(url).hostname;
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let socket: InstanceType<typeof WebSocket>;
    const finish = (outcome: Record<string, unknown> & { kind: HandshakeOutcome['kind'] }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      try {
        socket.terminate();
      } catch {
        /* already gone */
      }
      resolve({ ...outcome, ms: Math.round(performance.now() - started) } as HandshakeOutcome);
    };
    const timer = setTimeout(() => finish({ kind: 'network', ...describeNetworkError({ name: 'TimeoutError' }, host, timeoutMs) }), timeoutMs);
    try {
      socket = new WebSocket(url, { handshakeTimeout: timeoutMs, followRedirects: false, maxPayload: 64 * 1024 });
    } catch (error) {
      clearTimeout(timer);
      resolve({ kind: 'network', reason: (error as Error).message, ms: 0 });
      return;
    }
    socket.on('message', (raw: Buffer) => {
      const text = raw.toString('utf8');
      let frame: { event?: unknown; data?: unknown };
      try {
        frame = JSON.parse(text) as { event?: unknown; data?: unknown };
      } catch {
        return finish({ kind: 'unexpected', frame: text.slice(0, 120) });
      }
      const data = decodeData(frame.data);
      if (frame.event === 'pusher:connection_established') {
        return finish({
          kind: 'established',
          ...(typeof data.socket_id === 'string' ? { socketId: data.socket_id } : {}),
          ...(typeof data.activity_timeout === 'number' ? { activityTimeout: data.activity_timeout } : {}),
        });
      }
      if (frame.event === 'pusher:error') {
        return finish({
          kind: 'pusher-error',
          ...(typeof data.code === 'number' ? { code: data.code } : {}),
          message: typeof data.message === 'string' ? data.message : '',
        });
      }
      return finish({ kind: 'unexpected', frame: text.slice(0, 120) });
    });
    socket.on('unexpected-response', (_request, response) => {
      response.resume();
      finish({ kind: 'http', status: response.statusCode ?? 0 });
    });
    socket.on('close', (code: number, reason: Buffer) => finish({ kind: 'closed', code, reason: reason.toString('utf8') }));
    socket.on('error', (error) => finish({ kind: 'network', ...describeNetworkError(error, host, timeoutMs) }));
  });
}

/** Pusher error codes a user can act on (protocol §1). */
export function describePusherCode(code: number | undefined): string {
  switch (code) {
    case 4000:
      return 'the host only accepts TLS connections';
    case 4001:
      return 'application does not exist';
    case 4003:
      return 'the application is disabled';
    case 4004:
      return 'the application is over its connection quota';
    case 4005:
      return 'wrong path';
    case 4007:
      return 'unsupported protocol version';
    case 4009:
      return 'connection not authorized (origin not allowed?)';
    case 4100:
      return 'over capacity, try again';
    case 4200:
      return 'the server is shutting down';
    default:
      return 'refused';
  }
}

/**
 * Is this machine online at all? A DNS lookup of a well-known name, bounded in time: it tells
 * "Pusher is unreachable because there is no network" from "this cluster does not exist".
 */
export async function dnsResolves(name: string, timeoutMs: number): Promise<boolean> {
  const { lookup } = await import('node:dns/promises');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([lookup(name).then(() => true, () => false), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
