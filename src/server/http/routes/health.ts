// GET /health: liveness plus the figures an operator looks at first.
import type { FastifyInstance } from 'fastify';
import { ok, type RouteContext } from '../context.js';

export async function healthRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get('/health', async () => {
    let database = 'ok';
    try {
      await ctx.store.getParticipants(0);
    } catch {
      database = 'unavailable';
    }
    const realtime = ctx.realtimeStats ? ctx.realtimeStats() : null;
    // A Redis outage degrades a scaled instance: events stay local until it returns.
    const clusterDown = realtime?.cluster?.redis === 'unavailable';
    return ok({
      status: database === 'ok' && !clusterDown ? 'ok' : 'degraded',
      version: ctx.version,
      uptime_seconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
      database,
      broadcasting: (({ driver, published, failures, lastError }) => ({
        driver,
        published,
        failures,
        last_error: lastError,
      }))(ctx.broadcaster.health()),
      realtime,
    });
  });
}
