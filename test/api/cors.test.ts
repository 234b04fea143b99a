// Browser clients (Flutter web, laravel-echo in a page) on another origin: preflight and headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

describe('CORS', () => {
  let server: TestServer;
  let ann: TestUser;
  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerUser(server, 'Ann');
  });
  afterAll(() => server.stop());

  it('answers a preflight for a bearer-token POST from another origin', async () => {
    const res = await fetch(`${server.url}/api/chat/conversations/start`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-socket-id' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, Accept, X-Socket-ID, Idempotency-Key, X-Requested-With');
    expect(res.headers.get('access-control-max-age')).toBe('86400');
  });

  it('marks real responses, errors included, as readable by any origin', async () => {
    const ok = await api(server, 'GET', '/api/user', { token: ann.token, headers: { origin: 'http://app.example' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const denied = await api(server, 'GET', '/api/user', { headers: { origin: 'http://app.example' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
  });
});
