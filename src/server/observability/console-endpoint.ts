/**
 * `GET /debug/console`: the live event stream (NDJSON) for `chatctl console`. Only the operator may
 * watch: the request must be signed with the app secret exactly like a Pusher HTTP API call
 * (auth_key, auth_timestamp, auth_version, auth_signature), and a signature works only once
 * (chatctl console adds a random `nonce` parameter, signed like any other, so each request differs).
 * A console that stops reading is dropped as soon as its socket holds more than a bound.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { parseQueryString, verifyRequest, type AppCredentials } from '../pusher/signatures.js';
import type { DebugBus } from './bus.js';

export const CONSOLE_PATH = '/debug/console';

export interface ConsoleEndpointOptions {
  bus: DebugBus;
  /** The app whose secret signs console requests (the Pusher app /broadcasting/auth signs for). */
  app: AppCredentials;
  driver: string;
  version: string;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Bytes a console may leave unread (socket + response buffers) before it is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Consoles watching at once. Default 16. */
  maxConsoles?: number;
  /** A heartbeat line this often keeps proxies and dead-peer detection honest. Default 15 s. */
  heartbeatMs?: number;
  /** Allowed clock skew for auth_timestamp, seconds (as the Pusher HTTP API). Default 600. */
  timestampWindowSeconds?: number;
}

/** Signatures already used, until they could no longer pass the timestamp check anyway. */
class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 1000,
  ) {}

  /** True the first time a signature is presented. */
  firstUse(signature: string, now = Date.now()): boolean {
    for (const [key, expires] of this.seen) {
      if (expires > now) break; // insertion order = expiry order
      this.seen.delete(key);
    }
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, now + this.ttlMs);
    if (this.seen.size > this.max) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }
}

function refuse(status: number, message: string) {
  return { status, body: { status: false as const, message } };
}

export function consoleEndpoint(options: ConsoleEndpointOptions): (app: FastifyInstance) => Promise<void> {
  const { bus, log } = options;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const maxConsoles = options.maxConsoles ?? 16;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const windowSeconds = options.timestampWindowSeconds ?? 600;
  const replay = new ReplayGuard(2 * windowSeconds * 1000 + 1000);
  const open = new Set<ServerResponse>();

  return async (app) => {
    app.addHook('onClose', async () => {
      for (const res of open) res.end();
    });

    app.get(CONSOLE_PATH, { exposeHeadRoute: false }, async (request, reply) => {
      const q = request.url.indexOf('?');
      const params = parseQueryString(q === -1 ? '' : request.url.slice(q + 1));
      const verdict = verifyRequest(options.app, { method: 'GET', path: CONSOLE_PATH, params, windowSeconds });
      const refusal = !verdict.ok
        ? refuse(401, `Only the operator may watch: ${verdict.reason.toLowerCase()} (sign the request with the app secret, as chatctl console does).`)
        : !replay.firstUse((params.auth_signature ?? '').toLowerCase())
          ? refuse(401, 'Only the operator may watch: this signed request was already used; sign a new one.')
          : open.size >= maxConsoles
            ? refuse(429, `Too many consoles are watching already (at most ${maxConsoles}).`)
            : undefined;
      if (refusal) return reply.code(refusal.status).type('application/json; charset=utf-8').send(refusal.body);

      reply.hijack();
      const res = reply.raw;
      const socket = request.raw.socket;
      socket.setTimeout(0); // a watched stream is quiet for long stretches; heartbeats prove it alive
      socket.setNoDelay(true);
      res.writeHead(200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      open.add(res);
      res.on('error', () => res.destroy()); // EPIPE from a vanished console is not our problem

      const buffered = (): number => res.writableLength + (res.socket?.writableLength ?? 0);
      /** False once the console is gone or too far behind (then it is cut off at once). */
      const send = (line: string): boolean => {
        if (res.destroyed || res.writableEnded) return false;
        const backlog = buffered();
        if (backlog > maxBuffered) {
          log('warn', `console: dropped a console that stopped reading (${backlog} bytes unread)`);
          res.destroy();
          queueMicrotask(() => bus.emit({ kind: 'console.dropped', buffered_bytes: backlog }));
          return false;
        }
        res.write(`${line}\n`);
        return true;
      };

      const unsubscribe = bus.subscribe({ write: (_event, json) => send(json()) });
      const heartbeat = setInterval(() => send(JSON.stringify({ kind: 'heartbeat', at: new Date().toISOString() })), heartbeatMs);
      heartbeat.unref();
      res.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(res);
      });
      send(JSON.stringify({ kind: 'console.ready', at: new Date().toISOString(), driver: options.driver, version: options.version }));
    });
  };
}
