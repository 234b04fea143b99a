// GET /api/users?search= — people to start a conversation with.
import type { FastifyInstance } from 'fastify';
import { currentUser } from '../authenticate.js';
import { ok, type RouteContext } from '../context.js';
import { presentUser } from '../../presenters/index.js';

export async function userRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get('/api/users', { preHandler: ctx.authenticate }, async (request) => {
    const query = request.query as Record<string, unknown>;
    const search = typeof query.search === 'string' ? query.search.slice(0, 100) : undefined;
    const me = currentUser(request);
    const users = await ctx.store.listUsers({ search, excludeUserId: me.id, limit: 50 });
    return ok(users.map(presentUser));
  });
}
