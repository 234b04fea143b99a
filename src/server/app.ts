// Builds the HTTP application from a store and a broadcaster. Tests and `serve` both use it.
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { AppConfig } from '../config/env.js';
import type { Broadcaster } from './broadcasting/broadcaster.js';
import { MemoryLoginThrottle, type LoginThrottle } from './auth/login-throttle.js';
import { ChatEvents } from './broadcasting/chat-events.js';
import { makeAuthenticate } from './http/authenticate.js';
import { installDeclaredLengthLimit } from './http/body-limits.js';
import { makeClientErrorHandler } from './http/client-errors.js';
import type { RealtimeInfo, RouteContext } from './http/context.js';
import { errorMessageFor, HttpError, installErrorHandling } from './http/errors.js';
import { translate } from './http/i18n/index.js';
import { authRoutes } from './http/routes/auth.js';
import { broadcastingRoutes } from './http/routes/broadcasting.js';
import { chatRoutes } from './http/routes/chat.js';
import { healthRoutes } from './http/routes/health.js';
import { userRoutes } from './http/routes/users.js';
import { installUploadCleanup, makeFileHandler } from './http/uploads.js';
import { uploadsFolder } from './http/uploads-folder.js';
import { relativeTime } from './http/i18n/index.js';
import { publicOrigin, type PresentContext } from './presenters/index.js';
import type { ChatStore } from './store/index.js';

const BODY_LIMIT = 256 * 1024;

export interface BuildAppOptions {
  store: ChatStore;
  broadcaster: Broadcaster;
  config: Pick<AppConfig, 'locale' | 'appUrl' | 'dataDir' | 'maxUploadBytes' | 'broadcastDriver' | 'host'> &
    Partial<Pick<AppConfig, 'uploadsDir' | 'trustedProxies'>>;
  realtime: RealtimeInfo;
  channelApp: RouteContext['channelApp'];
  realtimeStats?: RouteContext['realtimeStats'];
  /** Lets the embedded Pusher server register its /apps/{id}/... HTTP API on the same port. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  logger?: FastifyServerOptions['logger'];
  /** One line per request (method, path, status, time); never headers or bodies. */
  accessLog?: (line: string) => void;
  /** One line per genuine server error (500) and per failed broadcast: no secrets, no bodies. */
  errorLog?: (line: string) => void;
  serverFactory?: FastifyServerOptions['serverFactory'];
  /** Login attempt counting; defaults to one in this process (a shared one serves several instances). */
  loginThrottle?: LoginThrottle;
  now?: () => Date;
  version?: string;
  debug?: RouteContext['debug'];
  /** The database holds the demo accounts (`serve --demo`): /health reports `demo: true`. */
  demo?: boolean;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const locale = config.locale;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    forceCloseConnections: true,
    // TRUSTED_PROXIES: request.ip is the client behind the balancer, so limits stay per client.
    trustProxy: config.trustedProxies ?? false,
    // Random, so a 500's id cannot be guessed or confused across restarts; never taken from the client.
    genReqId: () => randomBytes(8).toString('hex'),
    return503OnClosing: true,
    clientErrorHandler: makeClientErrorHandler(),
    // Errors fastify raises before routing (a URL that cannot be decoded) get the envelope too.
    frameworkErrors: (_error, _request, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      void reply.code(400).type('application/json; charset=utf-8').send({ status: false, message: errorMessageFor(locale, 400) });
    },
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
  });

  const errorLog = options.errorLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  installErrorHandling(app, locale, errorLog);
  installDeclaredLengthLimit(app, locale, { bodyBytes: BODY_LIMIT, uploadBytes: config.maxUploadBytes });
  // Laravel's default config/cors.php: any origin may call the API with a bearer token (no cookies),
  // which is what Flutter web and browser laravel-echo clients need.
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Socket-ID', 'Idempotency-Key', 'X-Requested-With'],
    exposedHeaders: ['Retry-After', 'Idempotent-Replayed', 'X-Request-Id'],
    maxAge: 86_400,
  });
  installJsonParser(app, locale);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile: makeFileHandler(uploadsFolder(config)),
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25, headerPairs: 100 },
  });
  installUploadCleanup(app);
  if (options.accessLog) {
    const write = options.accessLog;
    app.addHook('onResponse', async (request, reply) => {
      const path = request.url.split('?')[0] ?? request.url;
      write(`${request.method} ${path} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`);
    });
  }

  const now = options.now ?? (() => new Date());
  // Links the server hands out (also to other users, in events) never come from a request header.
  const links = (): PresentContext => ({ baseUrl: publicOrigin(config.appUrl, app.server.address(), config.host) });
  const ctx: RouteContext = {
    store: options.store,
    broadcaster: options.broadcaster,
    events: new ChatEvents(options.broadcaster, links, (error) => errorLog(`broadcast failed: ${(error as Error).message}`)),
    config,
    locale,
    channelApp: options.channelApp,
    realtime: options.realtime,
    loginThrottle: options.loginThrottle ?? new MemoryLoginThrottle(),
    authenticate: makeAuthenticate(options.store, locale),
    presentContext: () => {
      const at = now();
      return { ...links(), relativeTime: (date: Date) => relativeTime(locale, date, at) };
    },
    now,
    logError: errorLog,
    realtimeStats: options.realtimeStats,
    startedAt: now(),
    version: options.version ?? '0.0.0',
    debug: options.debug,
    demo: options.demo ?? false,
  };
  app.decorateRequest('auth', null);

  await authRoutes(app, ctx);
  await userRoutes(app, ctx);
  await chatRoutes(app, ctx);
  await broadcastingRoutes(app, ctx);
  await healthRoutes(app, ctx);
  for (const plugin of options.plugins ?? []) await plugin(app);
  return app;
}

/** JSON bodies: an empty body is `{}` (Laravel reads it as no input), invalid JSON is a 400. */
function installJsonParser(app: FastifyInstance, locale: AppConfig['locale']): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    parseJson(request, text, (error, value) =>
      error ? done(new HttpError(400, translate(locale, 'malformed_body')), undefined) : done(null, value),
    );
  });
}
