// POST /api/register, /api/login, /api/logout and GET /api/user.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../auth/passwords.js';
import { EmailTakenError } from '../../store/index.js';
import { addressKey } from '../../pusher/address-limits.js';
import { currentUser } from '../authenticate.js';
import { ok, type RouteContext } from '../context.js';
import { HttpError } from '../errors.js';
import { translate, validationMessage } from '../i18n/index.js';
import { presentAccount } from '../../presenters/index.js';
import { optionalString, requiredEmail, requiredString, validateBody, validationError } from '../validation.js';

const registerBody = z.object({
  name: requiredString({ max: 255 }),
  email: requiredEmail(),
  password: requiredString({ min: 8, max: 255 }),
  password_confirmation: optionalString({ max: 255 }),
  avatar: optionalString({ max: 2048 }),
  device_name: optionalString({ max: 255 }),
});

const loginBody = z.object({
  email: requiredEmail(),
  password: requiredString({ max: 255 }),
  device_name: optionalString({ max: 255 }),
});

export async function authRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { store, locale } = ctx;
  const throttle = ctx.loginThrottle;

  app.post('/api/register', async (request, reply) => {
    const body = validateBody(registerBody, request.body, locale);
    if (body.password_confirmation !== undefined && body.password_confirmation !== body.password) {
      throw validationError(locale, { password: [validationMessage(locale, 'confirmed', 'password')] });
    }
    let user;
    try {
      user = await store.createUser({
        name: body.name,
        email: body.email,
        passwordHash: await hashPassword(body.password),
        avatar: body.avatar ?? null,
      });
    } catch (error) {
      if (error instanceof EmailTakenError) {
        throw validationError(locale, { email: [validationMessage(locale, 'unique', 'email')] });
      }
      throw error;
    }
    const { plainText } = await store.createToken(user.id, body.device_name ?? 'api');
    reply.code(201);
    return ok({ token: plainText, token_type: 'Bearer', user: presentAccount(user) }, translate(locale, 'registered'));
  });

  app.post('/api/login', async (request) => {
    const body = validateBody(loginBody, request.body, locale);
    // Counted before the (slow) password check, so concurrent guesses cannot overtake the count.
    // Per client address as the connection caps count it: an IPv6 client cannot rotate within its /64.
    const address = addressKey(request.ip);
    const attempt = await throttle.begin(body.email, address);
    if (!attempt.allowed) {
      const wait = attempt.retryAfterSeconds;
      throw new HttpError(429, translate(locale, 'throttled', { seconds: wait }), undefined, { 'retry-after': String(wait) });
    }
    const user = await store.findUserByEmail(body.email);
    // Verify against a dummy hash for unknown e-mails so timing does not reveal which exist.
    const valid = await verifyPassword(body.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !valid) {
      throw validationError(locale, { email: [translate(locale, 'invalid_credentials')] });
    }
    await throttle.succeeded(body.email, address);
    const { plainText } = await store.createToken(user.id, body.device_name ?? 'api');
    const { passwordHash: _hidden, ...account } = user;
    return ok({ token: plainText, token_type: 'Bearer', user: presentAccount(account) }, translate(locale, 'logged_in'));
  });

  app.post('/api/logout', { preHandler: ctx.authenticate }, async (request) => {
    const token = request.auth?.token;
    if (token) {
      await store.revokeToken(token.id);
      ctx.broadcaster.terminateToken?.(token.id);
    }
    return ok(null, translate(locale, 'logged_out'));
  });

  app.get('/api/user', { preHandler: ctx.authenticate }, async (request) => ok(presentAccount(currentUser(request))));
}
