// Two in-process instances with REALTIME_SCALING=redis on one Redis: the login throttle is shared
// (per client address) and /health reports the cluster.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { testRedisUrl } from '../helpers/services.js';

describe('scaled instances', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const env = {
      REALTIME_SCALING: 'redis',
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: `t${randomBytes(4).toString('hex')}_`,
      PUSHER_APP_ID: '42',
      PUSHER_APP_KEY: 'shared-key',
      PUSHER_APP_SECRET: 'shared-secret',
    };
    a = await startTestServer(env);
    b = await startTestServer(env);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('shares the login throttle: failures on A count on B', async () => {
    const login = (server: TestServer) => api(server, 'POST', '/api/login', { json: { email: 'victim@example.com', password: 'wrong-password' } });
    const statuses: number[] = [];
    for (const server of [a, b, a, b, a]) statuses.push((await login(server)).status);
    expect(statuses).toEqual([422, 422, 422, 422, 422]);
    const blocked = await login(b);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('reports the cluster in /health', async () => {
    const res = await api(a, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('ok');
    expect(res.body.data.realtime.cluster).toEqual({ scaling: 'redis', redis: 'ok', queued: 0, dropped: 0, instances: expect.any(Number), last_error: null });
    expect(res.text).not.toContain('shared-secret');
  });
});
