// Laravel's POST /broadcasting/user-auth (Broadcast::resolveAuthenticatedUserUsing): signs a
// `pusher:signin` for the bearer token's user. Its user_data carries a `watchlist` of the user's
// conversation partners, so the real-time server tells the client who of them is online.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { USER_AUTH_PATH, WATCHLIST_MAX } from '../../../shared/wire.js';
import { SOCKET_ID_RE } from '../../pusher/protocol.js';
import { signUser } from '../../pusher/signatures.js';
import { currentUser } from '../authenticate.js';
import type { RouteContext } from '../context.js';
import { HttpError } from '../errors.js';
import { translate } from '../i18n/index.js';

function socketIdOf(request: FastifyRequest): string | undefined {
  for (const source of [request.body, request.query]) {
    if (typeof source === 'object' && source !== null) {
      const value = (source as Record<string, unknown>).socket_id;
      if (typeof value === 'string') return value;
    }
  }
  return undefined;
}

export async function userAuthRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  async function authenticateUser(request: FastifyRequest) {
    const me = currentUser(request);
    const socketId = socketIdOf(request);
    if (!ctx.channelApp || !socketId || !SOCKET_ID_RE.test(socketId)) throw new HttpError(403, translate(ctx.locale, 'forbidden'));
    const partners = await ctx.store.listPartnerIds(me.id, WATCHLIST_MAX);
    // Signed verbatim: the client sends back exactly this string with pusher:signin.
    const userData = JSON.stringify({
      id: String(me.id),
      user_info: { name: me.name, avatar: me.avatar },
      watchlist: partners.map(String),
    });
    return { auth: signUser(ctx.channelApp, socketId, userData), user_data: userData };
  }
  for (const path of [USER_AUTH_PATH, `/api${USER_AUTH_PATH}`]) {
    app.post(path, { onRequest: ctx.authenticate }, authenticateUser);
  }
}
