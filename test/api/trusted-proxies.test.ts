// TRUSTED_PROXIES: behind a balancer the login throttle counts each client, not the balancer.
import { afterEach, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

async function failLogins(server: TestServer, forwardedFor: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const res = await api(server, 'POST', '/api/login', {
      json: { email: 'nobody@example.com', password: 'wrong-password' },
      headers: { 'x-forwarded-for': forwardedFor },
    });
    statuses.push(res.status);
  }
  return statuses;
}

describe('TRUSTED_PROXIES', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('throttles per forwarded client when the balancer is trusted', async () => {
    server = await startTestServer({ TRUSTED_PROXIES: '127.0.0.1' });
    expect(await failLogins(server, '203.0.113.7', 6)).toEqual([422, 422, 422, 422, 422, 429]);
    // Another client behind the same balancer is not locked out.
    expect(await failLogins(server, '198.51.100.9', 1)).toEqual([422]);
  });

  it('ignores X-Forwarded-For from an untrusted peer (it could be forged)', async () => {
    server = await startTestServer();
    expect(await failLogins(server, '203.0.113.7', 6)).toEqual([422, 422, 422, 422, 422, 429]);
    expect(await failLogins(server, '198.51.100.9', 1)).toEqual([429]);
  });
});
