/**
 * The Pusher HTTP API (`/apps/{app_id}/…`) as a fastify plugin, so `pusher` (Node) and
 * `pusher-php-server` (Laravel's PusherBroadcaster) can trigger into the embedded server.
 * Everything lives in its own encapsulated context: raw-body parsers (body_md5 needs the exact
 * bytes), the `{"error","code"}` envelope and the 404 handler never leak into the chat API.
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { localDirectory, type ChannelDirectory } from './bus.js';
import type { ChannelInfo, Hub, LogFn } from './hub.js';
import { SOCKET_ID_RE, MAX_EVENT_NAME_LENGTH, channelType, isValidChannelName } from './protocol.js';
import { parseQueryString, verifyRequest, type AppCredentials } from './signatures.js';
import type { PusherTap } from './tap.js';

export interface HttpApiOptions {
  app: AppCredentials & { id: string };
  hub: Hub;
  /** Channel figures; the whole cluster's with REALTIME_SCALING=redis, else the hub's own. */
  directory?: ChannelDirectory;
  timestampWindowSeconds: number;
  /** Max `data` size per event (Pusher: 10 KB → 413). */
  maxDataBytes?: number;
  maxChannelsPerEvent?: number;
  maxBatchSize?: number;
  /** Whole request body limit for these routes. */
  maxBodyBytes?: number;
  /** Unix seconds; injectable for tests. */
  nowSeconds?: () => number;
  log: LogFn;
  /** Observer for the debug console: triggers published and requests refused. */
  tap?: PusherTap;
}

/** A client mistake with the status to answer. */
class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

interface ValidEvent {
  name: string;
  data: string;
  channels: string[];
  socketId: string | undefined;
  info: Set<string> | undefined;
}

type AppParams = { appId: string };
type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function createHttpApiPlugin(options: HttpApiOptions): FastifyPluginAsync {
  const { app, hub, log, tap } = options;
  const directory = options.directory ?? localDirectory(hub);
  const maxDataBytes = options.maxDataBytes ?? 10 * 1024;
  const maxChannels = options.maxChannelsPerEvent ?? 100;
  const maxBatch = options.maxBatchSize ?? 10;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  return async (instance: FastifyInstance) => {
    // Signed paths are `/apps/{id}/…` even if the host app mounts this plugin under a prefix.
    const outerPrefix = instance.prefix;

    await instance.register(
      async (api) => {
        api.removeAllContentTypeParsers();
        const keepRaw = (_req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: Buffer) => void): void =>
          done(null, body);
        api.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, keepRaw);
        api.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, keepRaw);

        api.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
          const status = error.statusCode ?? 500;
          if (error instanceof ApiError || (status >= 400 && status < 500)) {
            const message = status === 413 && !(error instanceof ApiError) ? 'Request body is too large' : error.message;
            tap?.({ kind: 'http-api.refused', method: request.method, path: splitUrl(request.url)[0].slice(0, 200), status, detail: message });
            return reply.code(status).send({ error: message, code: status });
          }
          log('error', `pusher http api: ${request.method} ${request.routeOptions.url ?? ''} failed: ${error.message}`);
          return reply.code(500).send({ error: 'Internal server error', code: 500 });
        });
        api.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'Not found', code: 404 }));

        /** 404 for a foreign app id, 401 for any signature problem; returns the decoded query. */
        const authenticate = (request: FastifyRequest<{ Params: AppParams }>): Record<string, string> => {
          if (request.params.appId !== app.id) throw new ApiError(404, `Unknown app id: ${request.params.appId}`);
          const [rawPath = '', rawQuery = ''] = splitUrl(request.url);
          const path = outerPrefix && rawPath.startsWith(outerPrefix) ? rawPath.slice(outerPrefix.length) : rawPath;
          const params = parseQueryString(rawQuery);
          const verdict = verifyRequest(app, {
            method: request.method,
            path,
            params,
            rawBody: Buffer.isBuffer(request.body) ? request.body : undefined,
            nowSeconds: nowSeconds(),
            windowSeconds: options.timestampWindowSeconds,
          });
          if (!verdict.ok) throw new ApiError(401, verdict.reason);
          return params;
        };

        const parseEvent = (input: unknown, label: string): ValidEvent => {
          if (!isObject(input)) throw new ApiError(400, `${label} must be a JSON object`);
          const { name, data } = input;
          if (typeof name !== 'string' || name.length === 0) throw new ApiError(400, `${label}: "name" must be a non-empty string`);
          if (name.length > MAX_EVENT_NAME_LENGTH) {
            throw new ApiError(400, `${label}: "name" is longer than ${MAX_EVENT_NAME_LENGTH} characters`);
          }
          if (typeof data !== 'string') throw new ApiError(400, `${label}: "data" must be a string`);
          if (Buffer.byteLength(data, 'utf8') > maxDataBytes) {
            throw new ApiError(413, `${label}: "data" is larger than ${maxDataBytes} bytes`);
          }
          const channels = readChannels(input, label, maxChannels);
          const socketId = input.socket_id;
          if (socketId !== undefined && (typeof socketId !== 'string' || !SOCKET_ID_RE.test(socketId))) {
            throw new ApiError(400, `${label}: "socket_id" must look like "123.456"`);
          }
          const info = input.info;
          if (info !== undefined && typeof info !== 'string') throw new ApiError(400, `${label}: "info" must be a string`);
          return { name, data, channels, socketId, info: info === undefined ? undefined : parseInfo(info) };
        };

        const publish = (event: ValidEvent): void => {
          const recipients = hub.publish(event.channels, event.name, event.data, event.socketId);
          tap?.({
            kind: 'publish',
            channels: event.channels,
            event: event.name,
            data: event.data,
            recipients,
            ...(event.socketId ? { excluded_socket_id: event.socketId } : {}),
          });
        };

        /** Attributes for `info`; `user_count` only exists on presence channels. */
        const attributes = async (name: string, info: Set<string>): Promise<Record<string, number>> =>
          attributesOf(name, await directory.channelInfo(name), info);
        const attributesOf = (name: string, current: ChannelInfo | undefined, info: Set<string>): Record<string, number> => {
          const out: Record<string, number> = {};
          if (info.has('user_count') && channelType(name) === 'presence') out.user_count = current?.userCount ?? 0;
          if (info.has('subscription_count')) out.subscription_count = current?.subscriptionCount ?? 0;
          return out;
        };

        api.post<{ Params: AppParams }>('/:appId/events', async (request) => {
          authenticate(request);
          const event = parseEvent(parseJsonObject(request.body), 'Event');
          publish(event);
          if (!event.info) return {};
          const info = event.info;
          return { channels: Object.fromEntries(await Promise.all(event.channels.map(async (name) => [name, await attributes(name, info)]))) };
        });

        api.post<{ Params: AppParams }>('/:appId/batch_events', async (request) => {
          authenticate(request);
          const body = parseJsonObject(request.body);
          const batch = body.batch;
          if (!Array.isArray(batch)) throw new ApiError(400, '"batch" must be an array of events');
          if (batch.length > maxBatch) throw new ApiError(400, `Batch too large: at most ${maxBatch} events`);
          // Validate everything first: a bad item publishes nothing.
          const events = batch.map((item: unknown, index) => parseEvent(item, `Batch event ${index}`));
          for (const event of events) publish(event);
          if (!events.some((event) => event.info)) return {};
          // With info, one entry per event describing its (first) channel.
          return { batch: await Promise.all(events.map((event) => (event.info ? attributes(event.channels[0] ?? '', event.info) : {}))) };
        });

        api.get<{ Params: AppParams }>('/:appId/channels', async (request) => {
          const query = authenticate(request);
          const prefix = query.filter_by_prefix ?? '';
          const info = parseInfo(query.info ?? '');
          if (info.has('user_count') && !prefix.startsWith('presence-')) {
            throw new ApiError(400, 'info=user_count requires filter_by_prefix=presence-');
          }
          // fromEntries: a channel literally named "__proto__" stays an ordinary key.
          return { channels: Object.fromEntries((await directory.occupiedChannels(prefix)).map((c) => [c.name, attributesOf(c.name, c, info)])) };
        });

        api.get<{ Params: AppParams & { channelName: string } }>('/:appId/channels/:channelName', async (request) => {
          const query = authenticate(request);
          const name = validChannelParam(request.params.channelName);
          const info = parseInfo(query.info ?? '');
          if (info.has('user_count') && channelType(name) !== 'presence') {
            throw new ApiError(400, 'info=user_count is only available for presence channels');
          }
          const current = await directory.channelInfo(name);
          return { occupied: current !== undefined, ...attributesOf(name, current, info) };
        });

        api.get<{ Params: AppParams & { channelName: string } }>('/:appId/channels/:channelName/users', async (request) => {
          authenticate(request);
          const name = validChannelParam(request.params.channelName);
          if (channelType(name) !== 'presence') throw new ApiError(400, 'Users are only available for presence channels');
          return { users: (await directory.presenceUserIds(name)).map((id) => ({ id })) };
        });

        api.post<{ Params: AppParams & { userId: string } }>(
          '/:appId/users/:userId/terminate_connections',
          async (request) => {
            authenticate(request);
            const closed = await directory.terminateUser(request.params.userId);
            if (closed > 0) log('info', `pusher: terminated ${closed} connection(s) of a signed-in user`);
            return {};
          },
        );
      },
      { prefix: '/apps' },
    );
  };
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q === -1 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}

function parseJsonObject(body: unknown): JsonObject {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new ApiError(400, 'Request body must be a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'Request body is not valid JSON');
  }
  if (!isObject(parsed)) throw new ApiError(400, 'Request body must be a JSON object');
  return parsed;
}

/** Accept both `channels` (Node SDK, always) and `channel` (PHP SDK for a single channel). */
function readChannels(input: JsonObject, label: string, max: number): string[] {
  const names: string[] = [];
  if (input.channels !== undefined) {
    if (!Array.isArray(input.channels) || !input.channels.every((c): c is string => typeof c === 'string')) {
      throw new ApiError(400, `${label}: "channels" must be an array of strings`);
    }
    names.push(...input.channels);
  }
  if (input.channel !== undefined) {
    if (typeof input.channel !== 'string') throw new ApiError(400, `${label}: "channel" must be a string`);
    names.push(input.channel);
  }
  const unique = [...new Set(names)];
  if (unique.length === 0) throw new ApiError(400, `${label}: "channels" or "channel" is required`);
  if (unique.length > max) throw new ApiError(400, `${label}: at most ${max} channels per event`);
  const invalid = unique.find((name) => !isValidChannelName(name));
  if (invalid !== undefined) throw new ApiError(400, `${label}: invalid channel name "${invalid.slice(0, 210)}"`);
  return unique;
}

function validChannelParam(name: string): string {
  if (!isValidChannelName(name)) throw new ApiError(400, 'Invalid channel name');
  return name;
}

function parseInfo(info: string): Set<string> {
  return new Set(
    info
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  );
}
