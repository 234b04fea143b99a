// GET /health: liveness plus the figures an operator looks at first.
import type { FastifyInstance } from 'fastify';
import { ok, type RouteContext } from '../context.js';

export async function healthRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get('/health', async () => {
    let database = 'ok';
    let reason: string | null = null;
    try {
      await ctx.store.getParticipants(0);
    } catch (error) {
      database = 'unavailable';
      // The error's own text (e.g. "database is locked"); it names no file, table value or secret.
      reason = `database: ${(error as Error).message.replace(/\s+/g, ' ').slice(0, 200)}`;
    }
    const realtime = ctx.realtimeStats ? ctx.realtimeStats() : null;
    // A Redis outage degrades a scaled instance: events stay local until it returns.
    const clusterDown = realtime?.cluster?.redis === 'unavailable';
    return ok({
      status: database === 'ok' && !clusterDown ? 'ok' : 'degraded',
      reason: reason ?? (clusterDown ? `redis: ${realtime?.cluster?.last_error ?? 'unavailable'}` : null),
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
      demo: ctx.demo,
    });
  });
}
