// Issue 7 item 7: one client holding many half-sent requests cannot starve the server: its
// connections beyond the per-address cap are closed on arrival, half-sent requests are ended by the
// headers timeout, and /health keeps answering other clients throughout.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey } from '../../src/server/connection-limits.js';
import { connectionLimitsFrom } from '../../src/config/limits.js';
import { openSocket, requestFrom } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

describe('HTTP connection limits', () => {
  let server: TestServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer({ CHATCTL_MAX_CONNECTIONS_PER_IP: '50', CHATCTL_HEADERS_TIMEOUT: '2' });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await server.stop();
  });

  it('400 half-open sockets from one address: only 50 stay open, /health answers another address, the timeout ends the rest', async () => {
    const opened = await Promise.all(
      Array.from({ length: 400 }, () => openSocket(server.port, '127.0.0.2').catch(() => null)),
    );
    for (const socket of opened) {
      if (!socket) continue;
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.resume(); // read, so the server's 408 and close are noticed
      socket.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: '); // never finished
    }
    // Refused ones are closed by the server right away.
    await expect.poll(() => sockets.filter((s) => !s.destroyed).length, { timeout: 15_000 }).toBe(50);

    const started = Date.now();
    const health = await requestFrom('127.0.0.3', server.port, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.data.status).toBe('ok');
    expect(Date.now() - started).toBeLessThan(10_000);

    // The same address may connect again once its half-sent requests timed out (headers timeout 2 s).
    await Promise.all(sockets.map(closed));
    const again = await requestFrom('127.0.0.2', server.port, 'GET', '/health');
    expect(again.status).toBe(200);
  }, 60_000);
});

describe('connection limit settings', () => {
  it('defaults, CHATCTL_* overrides, and client keys (IPv4-mapped, IPv6 /64)', () => {
    expect(connectionLimitsFrom({})).toEqual({
      maxConnections: 15_000,
      maxConnectionsPerAddress: 512,
      headersTimeoutMs: 15_000,
      requestTimeoutMs: 300_000,
      keepAliveTimeoutMs: 5_000,
    });
    expect(connectionLimitsFrom({ CHATCTL_MAX_CONNECTIONS: 10, CHATCTL_MAX_CONNECTIONS_PER_IP: 2, CHATCTL_HEADERS_TIMEOUT: 30, CHATCTL_REQUEST_TIMEOUT: 10, CHATCTL_KEEPALIVE_TIMEOUT: 1 })).toEqual({
      maxConnections: 10,
      maxConnectionsPerAddress: 2,
      headersTimeoutMs: 30_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 1_000,
    });
    expect(addressKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('2001:db8:0:1::5')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0db8:0000:0001:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
