// Wires a running server: store + broadcaster (+ embedded Pusher server) + HTTP app on one port.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/env.js';
import { buildApp } from './app.js';
import type { Broadcaster } from './broadcasting/broadcaster.js';
import { EmbeddedBroadcaster } from './broadcasting/drivers/embedded.js';
import { LogBroadcaster } from './broadcasting/drivers/log.js';
import { RevocationWatcher } from './broadcasting/token-revocation.js';
import { NullBroadcaster } from './broadcasting/drivers/null.js';
import { PusherBroadcaster } from './broadcasting/drivers/pusher.js';
import { embeddedCredentials, type PusherAppCredentials } from './broadcasting/embedded-credentials.js';
import { createLimitedServer } from './connection-limits.js';
import { proxyTrust } from './forwarded-for.js';
import type { RealtimeInfo } from './http/context.js';
import { DebugBus } from './observability/bus.js';
import { consoleEndpoint, type ConsoleEndpointOptions } from './observability/console-endpoint.js';
import { hasDemoData, seedDemo, type DemoSeedResult } from './demo/seed.js';
import { EmbeddedPusherServer } from './pusher/index.js';
import { recordLastSeen } from './broadcasting/last-seen.js';
import type { AppCredentials } from './pusher/signatures.js';
import { RedisLoginThrottle } from './auth/redis-login-throttle.js';
import { joinCluster } from './scale/join-cluster.js';
import { missingSharedCredentials } from './scale/shared-credentials.js';
import { openChatStore, type ChatStore } from './store/index.js';

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  driver: AppConfig['broadcastDriver'];
  /** Public connection details for the ready line (never the secret). */
  realtime: { key: string | null; wsUrl: string | null; credentialsSource?: PusherAppCredentials['source'] };
  store: ChatStore;
  /** The debug-event bus behind `chatctl console` and `serve --debug`. */
  debug: DebugBus;
  /** What `demo: true` seeded (the logins to print); null without it. */
  demo: DemoSeedResult | null;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  version?: string;
  accessLog?: (line: string) => void;
  /** Overrides for tests (short liveness timeouts and the like). */
  embedded?: Partial<ConstructorParameters<typeof EmbeddedPusherServer>[0]>;
  /** Overrides for the debug console endpoint (buffer bound, heartbeat) in tests. */
  console?: Partial<Pick<ConsoleEndpointOptions, 'maxBufferedBytes' | 'maxConsoles' | 'heartbeatMs'>>;
  /** How often sockets of tokens revoked elsewhere (`chatctl token revoke`) are looked for. Default 2000 ms. */
  revocationCheckMs?: number;
  /** Seed the demo users and conversations (idempotent) before listening: `serve --demo`. */
  demo?: boolean;
}

/** The package version, for /health when the caller does not say (tests, embedding). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (() => undefined);
  const trust = config.trustedProxies ? proxyTrust(config.trustedProxies) : undefined;
  const refusal = missingSharedCredentials(config);
  if (refusal) throw new StartupError(refusal);
  const store = await openChatStore(config);
  const debug = new DebugBus(config.broadcastDriver);

  let broadcaster: Broadcaster;
  let embedded: EmbeddedPusherServer | undefined;
  let credentials: PusherAppCredentials | undefined;
  let realtime: RealtimeInfo = { key: null, cluster: null, wsHost: null, wsPort: null, forceTLS: false };
  let channelApp: AppCredentials | null = null;

  switch (config.broadcastDriver) {
    case 'embedded': {
      credentials = embeddedCredentials(config.dataDir, config.pusher);
      const cluster = await joinCluster(config, credentials.id, log).catch(async (error: Error) => {
        await store.close();
        throw new StartupError(error.message);
      });
      embedded = new EmbeddedPusherServer({
        app: { id: credentials.id, key: credentials.key, secret: credentials.secret },
        log,
        onUserPresence: recordLastSeen(store, log),
        ...(cluster ? { cluster } : {}),
        ...config.realtimeLimits,
        ...(trust ? { clientAddress: trust.clientAddress } : {}),
        tap: debug.pusherTap,
        ...options.embedded,
      });
      broadcaster = new EmbeddedBroadcaster(embedded, debug);
      realtime = { key: credentials.key, cluster: config.pusher.cluster ?? 'mt1', wsHost: null, wsPort: null, forceTLS: false };
      channelApp = credentials;
      break;
    }
    case 'pusher': {
      const { appId, key, secret } = config.pusher;
      if (!appId || !key || !secret) {
        await store.close();
        throw new StartupError(
          'BROADCAST_DRIVER=pusher needs PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET; set them (run `chatctl doctor` to check) or use BROADCAST_DRIVER=embedded.',
        );
      }
      broadcaster = new PusherBroadcaster({ settings: { ...config.pusher, appId, key, secret }, log: (m) => log('warn', m), debug });
      const scheme = config.pusher.scheme ?? 'https'; // Laravel's default
      realtime = config.pusher.host
        ? { key, cluster: config.pusher.cluster ?? 'mt1', wsHost: config.pusher.host, wsPort: config.pusher.port ?? (scheme === 'https' ? 443 : 80), forceTLS: scheme === 'https' }
        : { key, cluster: config.pusher.cluster ?? 'mt1', wsHost: `ws-${config.pusher.cluster ?? 'mt1'}.pusher.com`, wsPort: 443, forceTLS: true };
      channelApp = { key, secret };
      break;
    }
    case 'log':
      broadcaster = new LogBroadcaster((line) => log('info', line), debug);
      break;
    case 'null':
      broadcaster = new NullBroadcaster(debug);
      break;
  }

  // Several instances count login attempts together (per client address, see TRUSTED_PROXIES).
  const loginThrottle = config.redis ? await RedisLoginThrottle.connect(config.redis.url, config.redis.prefix) : undefined;
  // The console signs with the app /broadcasting/auth signs for; log/null keep one in pusher-app.json too.
  const consoleApp = channelApp ?? embeddedCredentials(config.dataDir, config.pusher);
  const version = options.version ?? packageVersion();
  const consolePlugin = consoleEndpoint({ bus: debug, app: consoleApp, driver: config.broadcastDriver, version, log, ...options.console });
  // Demo accounts have public passwords: /health says so whenever the database holds them.
  const demo = options.demo ? await seedDemo(store) : null;
  const demoData = demo !== null || (await hasDemoData(store));

  let httpServer: Server | undefined;
  const app = await buildApp({
    ...(loginThrottle ? { loginThrottle } : {}),
    store,
    broadcaster,
    config,
    realtime,
    channelApp,
    realtimeStats: embedded ? () => embedded.stats() : undefined,
    plugins: [...(embedded ? [async (a: FastifyInstance) => void (await a.register(embedded.httpApiPlugin))] : []), consolePlugin],
    serverFactory: (handler) => {
      // A trusted proxy carries many clients on one address: the per-address cap is not for it.
      httpServer = createLimitedServer(handler, config.connections, trust?.isTrusted).server;
      return httpServer;
    },
    version,
    debug,
    logger: false,
    accessLog: options.accessLog,
    errorLog: (line) => log('error', line),
    demo: demoData,
  });

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await loginThrottle?.close();
    await embedded?.close();
    await store.close();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new StartupError(`Port ${config.port} on ${config.host} is already in use; pick another with --port or PORT.`);
    if (code === 'EACCES') throw new StartupError(`Not allowed to listen on ${config.host}:${config.port}; use a port above 1024.`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new StartupError(`Cannot listen on host ${config.host}: no such local address (check HOST).`);
    throw error;
  }
  if (embedded && httpServer) embedded.attach(httpServer);
  const revocations = embedded
    ? new RevocationWatcher({ sessions: embedded, revokedTokenIds: (ids) => store.revokedTokenIds(ids), intervalMs: options.revocationCheckMs ?? 2000, log })
    : undefined;
  revocations?.start();
  for (const c of (await store.emailCollisions?.()) ?? []) {
    log('warn', `users ${c.sameAs.id} <${c.sameAs.email}> and ${c.id} <${c.email}> have the same e-mail once case and Unicode form are ignored; user ${c.id} can sign in only with exactly that spelling until one address is changed.`);
  }

  const address = app.server.address() as AddressInfo;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${hostForUrl}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    host: config.host,
    driver: config.broadcastDriver,
    realtime: {
      key: realtime.key,
      wsUrl: embedded ? `ws://${hostForUrl}:${address.port}/app/${realtime.key}` : realtime.wsHost ? `${realtime.forceTLS ? 'wss' : 'ws'}://${realtime.wsHost}:${realtime.wsPort}/app/${realtime.key}` : null,
      credentialsSource: credentials?.source,
    },
    store,
    debug,
    demo,
    close() {
      closing ??= (async () => {
        await revocations?.stop();
        await embedded?.close();
        await app.close();
        await broadcaster.close();
        await loginThrottle?.close();
        await store.close();
      })();
      return closing;
    },
  };
}
