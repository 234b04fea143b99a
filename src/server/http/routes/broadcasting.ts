// Pusher channel authorization (Laravel's /broadcasting/auth) and the client connection info.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { currentUser } from '../authenticate.js';
import { ok, type RouteContext } from '../context.js';
import { HttpError } from '../errors.js';
import { translate } from '../i18n/index.js';
import { SOCKET_ID_RE } from '../../pusher/protocol.js';
import { signChannel } from '../../pusher/signatures.js';
import { ALL_EVENTS, CHANNEL_TEMPLATES, CONVERSATION_CHANNEL_RE as CONVERSATION_CHANNEL, USER_CHANNEL_RE as USER_CHANNEL } from '../../../shared/wire.js';


function field(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

export async function broadcastingRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { store, locale } = ctx;
  const forbidden = () => new HttpError(403, translate(locale, 'forbidden'));

  /** May this user listen on this channel? Mirrors routes/channels.php of the original app. */
  async function mayJoin(userId: number, channel: string): Promise<boolean> {
    const conversation = CONVERSATION_CHANNEL.exec(channel);
    if (conversation) {
      const participants = await store.getParticipants(Number(conversation[2]));
      return participants?.some((p) => p.userId === userId) ?? false;
    }
    const user = USER_CHANNEL.exec(channel);
    if (user) return Number(user[1]) === userId;
    return false;
  }

  async function authorize(request: FastifyRequest) {
    const me = currentUser(request);
    const query = request.query as Record<string, unknown>;
    const socketId = field(request.body, 'socket_id') ?? field(query, 'socket_id');
    const channel = field(request.body, 'channel_name') ?? field(query, 'channel_name');
    if (!ctx.channelApp) throw forbidden();
    if (!socketId || !SOCKET_ID_RE.test(socketId) || !channel || channel.length > 200) throw forbidden();
    if (!(await mayJoin(me.id, channel))) throw forbidden();

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

  for (const path of ['/broadcasting/auth', '/api/broadcasting/auth']) {
    app.post(path, { onRequest: ctx.authenticate }, authorize);
  }

  app.get('/api/chat/realtime', async (request) => {
    const { realtime } = ctx;
    const enabled = ctx.config.broadcastDriver === 'embedded' || ctx.config.broadcastDriver === 'pusher';
    const base = publicBase(request, ctx.config.appUrl);
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
      channels: CHANNEL_TEMPLATES,
      events: ALL_EVENTS,
    });
  });
}

/** The origin a client reached us on (or APP_URL when set), split for a Pusher client's options. */
export function publicBase(request: FastifyRequest, appUrl: string | undefined) {
  const url = new URL(appUrl ?? `${request.protocol}://${request.host}`);
  const tls = url.protocol === 'https:';
  return {
    origin: url.origin,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : tls ? 443 : 80,
    tls,
  };
}
