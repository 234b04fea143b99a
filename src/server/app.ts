// Builds the HTTP application from a store and a broadcaster. Tests and `serve` both use it.
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { join } from 'node:path';
import type { AppConfig } from '../config/env.js';
import type { Broadcaster } from './broadcasting/broadcaster.js';
import { ChatEvents } from './broadcasting/chat-events.js';
import { makeAuthenticate } from './http/authenticate.js';
import type { RealtimeInfo, RouteContext } from './http/context.js';
import { HttpError, installErrorHandling } from './http/errors.js';
import { translate } from './http/i18n/index.js';
import { authRoutes } from './http/routes/auth.js';
import { broadcastingRoutes, publicBase } from './http/routes/broadcasting.js';
import { chatRoutes } from './http/routes/chat.js';
import { healthRoutes } from './http/routes/health.js';
import { userRoutes } from './http/routes/users.js';
import { installUploadCleanup, makeFileHandler } from './http/uploads.js';
import type { ChatStore } from './store/index.js';

const BODY_LIMIT = 256 * 1024;

export interface BuildAppOptions {
  store: ChatStore;
  broadcaster: Broadcaster;
  config: Pick<AppConfig, 'locale' | 'appUrl' | 'dataDir' | 'maxUploadBytes' | 'broadcastDriver'>;
  realtime: RealtimeInfo;
  channelSigner: RouteContext['channelSigner'];
  realtimeStats?: RouteContext['realtimeStats'];
  /** Lets the embedded Pusher server register its /apps/{id}/... HTTP API on the same port. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  logger?: FastifyServerOptions['logger'];
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
    return503OnClosing: true,
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
  });

  installErrorHandling(app, locale);
  installJsonParser(app, locale);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile: makeFileHandler(join(config.dataDir, 'uploads')),
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25, headerPairs: 100 },
  });
  installUploadCleanup(app);

  const now = options.now ?? (() => new Date());
  const ctx: RouteContext = {
    store: options.store,
    broadcaster: options.broadcaster,
    events: new ChatEvents(options.broadcaster),
    config,
    locale,
    channelSigner: options.channelSigner,
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
