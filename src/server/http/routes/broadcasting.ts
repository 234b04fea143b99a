// Pusher channel authorization (Laravel's /broadcasting/auth) and the client connection info.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { currentUser } from '../authenticate.js';
import { ok, type RouteContext } from '../context.js';
import { HttpError } from '../errors.js';
import { translate } from '../i18n/index.js';
import { SOCKET_ID_RE } from '../../pusher/protocol.js';
import { signChannel } from '../../pusher/signatures.js';
import { userAuthRoutes } from './user-auth.js';
import { ALL_EVENTS, USER_AUTH_PATH, CHANNEL_TEMPLATES, CONVERSATION_CHANNEL_RE as CONVERSATION_CHANNEL, USER_CHANNEL_RE as USER_CHANNEL } from '../../../shared/wire.js';
import { publicOrigin } from '../../presenters/index.js';

/** [short reason, detail] for the debug console. */
type AuthRefusal = [string, string];

function field(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

export async function broadcastingRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { store, locale } = ctx;
  const forbidden = () => new HttpError(403, translate(locale, 'forbidden'));

  /** Why this user may not listen on this channel (undefined: they may). Mirrors routes/channels.php of the original app. */
  async function refusal(userId: number, channel: string): Promise<AuthRefusal | undefined> {
    const conversation = CONVERSATION_CHANNEL.exec(channel);
    if (conversation) {
      const participants = await store.getParticipants(Number(conversation[2]));
      if (!participants) return ['unknown channel', `conversation ${conversation[2]} does not exist`];
      return participants.some((p) => p.userId === userId) ? undefined : ['not a participant', `user ${userId} is not in conversation ${conversation[2]}`];
    }
    const user = USER_CHANNEL.exec(channel);
    if (user) return Number(user[1]) === userId ? undefined : ['not a participant', `private-user.${user[1]} belongs to another user`];
    return ['unknown channel', 'only private-conversation.{id}, presence-conversation.{id} and private-user.{id} exist'];
  }

  /** Tells the debug console why /broadcasting/auth refused (the client only sees a 403). */
  function reportRefusal(request: FastifyRequest, status: number, [reason, detail]: AuthRefusal, userId?: number): void {
    if (!ctx.debug?.active) return;
    const query = request.query as Record<string, unknown>;
    const socketId = field(request.body, 'socket_id') ?? field(query, 'socket_id');
    const channel = field(request.body, 'channel_name') ?? field(query, 'channel_name') ?? '';
    ctx.debug.emit({
      kind: 'subscription.refused',
      via: 'auth-endpoint',
      ...(socketId && SOCKET_ID_RE.test(socketId) ? { socket_id: socketId } : {}),
      ...(userId !== undefined ? { user_id: String(userId) } : {}),
      channel: channel.slice(0, 200),
      reason,
      detail,
      status,
    });
  }

  async function authorize(request: FastifyRequest) {
    const me = currentUser(request);
    const query = request.query as Record<string, unknown>;
    const socketId = field(request.body, 'socket_id') ?? field(query, 'socket_id');
    const channel = field(request.body, 'channel_name') ?? field(query, 'channel_name');
    const refuse = (why: AuthRefusal) => {
      reportRefusal(request, 403, why, me.id);
      return forbidden();
    };
    if (!ctx.channelApp) throw refuse(['broadcasting off', `BROADCAST_DRIVER=${ctx.config.broadcastDriver} has no Pusher app to sign for`]);
    if (!socketId || !SOCKET_ID_RE.test(socketId) || !channel || channel.length > 200) {
      throw refuse(['bad request', 'socket_id must look like "123.456" and channel_name must be a channel name']);
    }
    const why = await refusal(me.id, channel);
    if (why) throw refuse(why);
    ctx.debug?.emit({ kind: 'auth.granted', socket_id: socketId, channel, user_id: String(me.id) });

    // Revoking this token (logout, `chatctl token revoke`) must end the socket it lets in.
    if (request.auth) ctx.broadcaster.bindSocketToToken?.(socketId, request.auth.token.id);
    if (channel.startsWith('presence-')) {
      // Signed verbatim: the client sends back exactly this string on subscribe.
      const channelData = JSON.stringify({
        user_id: String(me.id),
        user_info: { id: me.id, name: me.name, avatar: me.avatar },
      });
      return { auth: signChannel(ctx.channelApp, socketId, channel, channelData), channel_data: channelData };
    }
    return { auth: signChannel(ctx.channelApp, socketId, channel) };
  }

  /** The bearer check, with a console line when it fails (the body is not read yet: no channel name). */
  async function authenticateOrReport(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      await ctx.authenticate(request, reply);
    } catch (error) {
      reportRefusal(request, 401, ['no valid token', 'the Authorization: Bearer token is missing, unknown or revoked']);
      throw error;
    }
  }

  for (const path of ['/broadcasting/auth', '/api/broadcasting/auth']) {
    app.post(path, { onRequest: authenticateOrReport }, authorize);
  }
  await userAuthRoutes(app, ctx);

  app.get('/api/chat/realtime', async (request) => {
    const { realtime } = ctx;
    const enabled = ctx.config.broadcastDriver === 'embedded' || ctx.config.broadcastDriver === 'pusher';
    const base = realtimeBase(request, publicOrigin(ctx.config.appUrl, app.server.address(), ctx.config.host), ctx.config);
    const wsHost = realtime.wsHost ?? base.hostname;
    const wsPort = realtime.wsPort ?? base.port;
    const forceTLS = realtime.wsHost === null ? base.tls : realtime.forceTLS;
    return ok({
      driver: ctx.config.broadcastDriver,
      enabled,
      key: enabled ? realtime.key : null,
      cluster: realtime.cluster ?? 'mt1',
      ws_host: enabled ? wsHost : null,
      ws_port: enabled ? wsPort : null,
      wss_port: enabled ? wsPort : null,
      force_tls: forceTLS,
      auth_endpoint: `${base.origin}/broadcasting/auth`,
      user_auth_endpoint: `${base.origin}${USER_AUTH_PATH}`,
      // Only the embedded server sends watchlist events (soketi and Reverb have none).
      watchlist: ctx.config.broadcastDriver === 'embedded',
      channels: CHANNEL_TEMPLATES,
      events: ALL_EVENTS,
    });
  });
}

/** A Host header worth echoing: a DNS name or IPv4/[IPv6] literal with an optional port. */
const HOST_HEADER = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

/**
 * Where this client should dial the embedded WebSocket server: APP_URL, else the listen address.
 * Only when listening on every interface (0.0.0.0/::) is the requester's own, well-formed Host
 * used, since no single address is right then; it goes to that requester alone, never to others.
 */
export function realtimeBase(request: FastifyRequest, origin: string, config: { appUrl?: string; host: string }) {
  let url = new URL(origin);
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = request.headers.host;
  if (!config.appUrl && wildcard && typeof host === 'string' && HOST_HEADER.test(host)) {
    const candidate = URL.canParse(`http://${host}`) ? new URL(`http://${host}`) : null;
    if (candidate) url = candidate;
  }
  const tls = url.protocol === 'https:';
  return {
    origin: url.origin,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : tls ? 443 : 80,
    tls,
  };
}
