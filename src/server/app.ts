// Builds the HTTP application from a store and a broadcaster. Tests and `serve` both use it.
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { AppConfig } from '../config/env.js';
import type { Broadcaster } from './broadcasting/broadcaster.js';
import { ChatEvents } from './broadcasting/chat-events.js';
import { makeAuthenticate } from './http/authenticate.js';
import type { RealtimeInfo, RouteContext } from './http/context.js';
import { errorMessageFor, HttpError, installErrorHandling } from './http/errors.js';
import { translate } from './http/i18n/index.js';
import { authRoutes } from './http/routes/auth.js';
import { broadcastingRoutes, publicBase } from './http/routes/broadcasting.js';
import { chatRoutes } from './http/routes/chat.js';
import { healthRoutes } from './http/routes/health.js';
import { userRoutes } from './http/routes/users.js';
import { installUploadCleanup, makeFileHandler } from './http/uploads.js';
import { uploadsFolder } from './http/uploads-folder.js';
import type { ChatStore } from './store/index.js';

const BODY_LIMIT = 256 * 1024;

export interface BuildAppOptions {
  store: ChatStore;
  broadcaster: Broadcaster;
  config: Pick<AppConfig, 'locale' | 'appUrl' | 'dataDir' | 'maxUploadBytes' | 'broadcastDriver'> &
    Partial<Pick<AppConfig, 'uploadsDir' | 'trustedProxies'>>;
  realtime: RealtimeInfo;
  channelApp: RouteContext['channelApp'];
  realtimeStats?: RouteContext['realtimeStats'];
  /** Lets the embedded Pusher server register its /apps/{id}/... HTTP API on the same port. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  logger?: FastifyServerOptions['logger'];
  /** One line per request (method, path, status, time); never headers or bodies. */
  accessLog?: (line: string) => void;
  serverFactory?: FastifyServerOptions['serverFactory'];
  now?: () => Date;
  version?: string;
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
    return503OnClosing: true,
    // Errors fastify raises before routing (a URL that cannot be decoded) get the envelope too.
    frameworkErrors: (_error, _request, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      void reply.code(400).type('application/json; charset=utf-8').send({ status: false, message: errorMessageFor(locale, 400) });
    },
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
  });

  installErrorHandling(app, locale);
  // Laravel's default config/cors.php: any origin may call the API with a bearer token (no cookies),
  // which is what Flutter web and browser laravel-echo clients need.
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Socket-ID', 'Idempotency-Key', 'X-Requested-With'],
    exposedHeaders: ['Retry-After', 'Idempotent-Replayed'],
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
  const ctx: RouteContext = {
    store: options.store,
    broadcaster: options.broadcaster,
    events: new ChatEvents(options.broadcaster),
    config,
    locale,
    channelApp: options.channelApp,
    realtime: options.realtime,
    authenticate: makeAuthenticate(options.store, locale),
    presentContext: (request) => ({ locale, now: now(), baseUrl: publicBase(request, config.appUrl).origin }),
    now,
    realtimeStats: options.realtimeStats,
    startedAt: now(),
    version: options.version ?? '0.0.0',
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
