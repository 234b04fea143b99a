/** Test harness: a real http.Server + fastify + the embedded server, real pusher-js and ws clients. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import PusherServer from 'pusher';
import PusherJs from 'pusher-js';
import WebSocket from 'ws';
import { EmbeddedPusherServer, type EmbeddedPusherOptions, type PusherApp } from '../../src/server/pusher/index.js';

// pusher-js's typings say `export default Pusher`, but its Node build is `module.exports = Pusher`:
// under NodeNext the default import is the class at runtime and the module namespace in the types.
const PusherClient = PusherJs as unknown as typeof PusherJs.default;
type PusherClient = InstanceType<typeof PusherClient>;

export const APP: PusherApp = { id: '1', key: 'app-key', secret: 'app-secret' };

export interface Harness {
  port: number;
  embedded: EmbeddedPusherServer;
  fastify: FastifyInstance;
  server: http.Server;
  logs: string[];
  sdk(overrides?: Partial<{ key: string; secret: string; appId: string }>): PusherServer;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<EmbeddedPusherOptions> = {}): Promise<Harness> {
  const logs: string[] = [];
  const server = http.createServer();
  const fastify = Fastify({
    serverFactory: (handler) => {
      server.on('request', handler);
      return server;
    },
  });
  // Protocol conformance uses public channels, which chatctl only serves when enabled.
  const embedded = new EmbeddedPusherServer({ app: APP, log: (level, message) => logs.push(`${level}: ${message}`), publicChannels: true, ...options });
  embedded.attach(server);
  await fastify.register(embedded.httpApiPlugin);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    embedded,
    fastify,
    server,
    logs,
    sdk: (overrides = {}) =>
      new PusherServer({
        appId: overrides.appId ?? APP.id,
        key: overrides.key ?? APP.key,
        secret: overrides.secret ?? APP.secret,
        host: '127.0.0.1',
        port: String(port),
        useTLS: false,
      }),
    async close() {
      await embedded.close();
      await fastify.close();
    },
  };
}

// ---------------------------------------------------------------------------
// pusher-js

export interface ClientOptions {
  key?: string;
  /** Presence identity for channel auth. */
  user?: { user_id: string | number; user_info?: Record<string, unknown> };
  /** Secret used by the auth handler (a wrong one forges signatures). */
  secret?: string;
  activityTimeout?: number;
  pongTimeout?: number;
}

const liveClients = new Set<PusherClient>();

export function pusherClient(port: number, options: ClientOptions = {}): PusherClient {
  // The official SDK computes the signature, as a chat's /broadcasting/auth would.
  const signer = new PusherServer({ appId: APP.id, key: APP.key, secret: options.secret ?? APP.secret, host: '127.0.0.1' });
  const client = new PusherClient(options.key ?? APP.key, {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    ...(options.activityTimeout !== undefined ? { activityTimeout: options.activityTimeout } : {}),
    ...(options.pongTimeout !== undefined ? { pongTimeout: options.pongTimeout } : {}),
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        try {
          const result = channelName.startsWith('presence-')
            ? // The SDK types user_id as string; numbers are valid on the wire and tested on purpose.
              signer.authorizeChannel(socketId, channelName, (options.user ?? { user_id: 'anon' }) as PusherServer.PresenceChannelData)
            : signer.authorizeChannel(socketId, channelName);
          callback(null, result);
        } catch (error) {
          callback(error as Error, null);
        }
      },
    },
  });
  liveClients.add(client);
  return client;
}

export function disconnectAllClients(): void {
  for (const client of liveClients) client.disconnect();
  liveClients.clear();
}

export function waitForState(client: PusherClient, states: string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (states.includes(client.connection.state)) {
      resolve(client.connection.state);
      return;
    }
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${states.join('|')}, state ${client.connection.state}`)), timeoutMs);
    const onChange = ({ current }: { current: string }) => {
      if (states.includes(current)) {
        clearTimeout(timer);
        client.connection.unbind('state_change', onChange);
        resolve(current);
      }
    };
    client.connection.bind('state_change', onChange);
  });
}

/** Resolve with the first emission of `event` on a pusher-js channel/emitter. */
export function nextEvent<T = unknown>(
  emitter: { bind(event: string, cb: (data: T, meta?: unknown) => void): unknown; unbind(event: string, cb: (data: T, meta?: unknown) => void): unknown },
  event: string,
  timeoutMs = 5000,
): Promise<{ data: T; meta: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
    const handler = (data: T, meta?: unknown) => {
      clearTimeout(timer);
      emitter.unbind(event, handler);
      resolve({ data, meta });
    };
    emitter.bind(event, handler);
  });
}

export async function subscribed(client: PusherClient, name: string) {
  const channel = client.subscribe(name);
  const { data } = await nextEvent(channel, 'pusher:subscription_succeeded');
  return { channel, data };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// raw ws

export interface RawClient {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  next(predicate?: (frame: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  sendJson(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  socketId(): Promise<string>;
}

const liveRaw = new Set<WebSocket>();

export function rawClient(port: number, path = `/app/${APP.key}?protocol=7&client=js&version=8.6.0&flash=false`): RawClient {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  liveRaw.add(ws);
  const frames: Record<string, unknown>[] = [];
  const waiters: { predicate: (f: Record<string, unknown>) => boolean; resolve: (f: Record<string, unknown>) => void }[] = [];
  let cursor = 0;
  let resolveId: (id: string) => void = () => {};
  const idPromise = new Promise<string>((resolve) => (resolveId = resolve));
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    frames.push(frame);
    if (frame.event === 'pusher:connection_established') {
      resolveId((JSON.parse(frame.data as string) as { socket_id: string }).socket_id);
    }
    for (const waiter of [...waiters]) {
      if (waiter.predicate(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const client: RawClient = {
    ws,
    frames,
    closed,
    sendJson: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next(predicate = () => true, timeoutMs = 5000) {
      // Consume frames in order: look at unseen frames first, then wait.
      for (; cursor < frames.length; ) {
        const frame = frames[cursor++] as Record<string, unknown>;
        if (predicate(frame)) return Promise.resolve(frame);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (frame) => {
            clearTimeout(timer);
            cursor = frames.length;
            resolve(frame);
          },
        });
      });
    },
    async socketId() {
      const id = await idPromise;
      // The handshake frame counts as consumed once its id was asked for.
      if (cursor === 0 && frames[0]?.event === 'pusher:connection_established') cursor = 1;
      return id;
    },
  };
  return client;
}

export function closeAllRaw(): void {
  for (const ws of liveRaw) ws.terminate();
  liveRaw.clear();
}
