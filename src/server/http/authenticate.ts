// Bearer-token authentication (Sanctum personal access tokens) as a fastify preHandler.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessToken, ChatStore, User } from '../store/index.js';
import { HttpError } from './errors.js';
import { translate, type Locale } from './i18n/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: { user: User; token: AccessToken } | null;
  }
}

const BEARER = /^Bearer\s+(\S{1,512})\s*$/i;

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  return BEARER.exec(header)?.[1] ?? null;
}

export function makeAuthenticate(store: ChatStore, locale: Locale) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token = bearerToken(request);
    const auth = token ? await store.authenticateToken(token) : null;
    if (!auth) throw new HttpError(401, translate(locale, 'unauthenticated'));
    request.auth = auth;
  };
}

/** The authenticated user; only call from routes behind `authenticate`. */
export function currentUser(request: FastifyRequest): User {
  if (!request.auth) throw new Error('route is missing the authenticate preHandler');
  return request.auth.user;
}
