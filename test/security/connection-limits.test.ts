// Issue 7 item 7: one client holding many half-sent requests cannot starve the server: its
// connections beyond the per-address cap are closed on arrival, half-sent requests are ended by the
// headers timeout, and /health keeps answering other clients throughout.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey, trustedProxyMatcher } from '../../src/server/connection-limits.js';
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

  it('TRUSTED_PROXIES addresses and ranges are exempt from the per-address cap', () => {
    expect(trustedProxyMatcher(undefined)('10.0.0.1')).toBe(false);
    expect(trustedProxyMatcher(true)('203.0.113.9')).toBe(true);
    const trusted = trustedProxyMatcher(['10.0.0.0/8', '127.0.0.7', 'fd00::/8']);
    expect(['10.1.2.3', '::ffff:10.9.9.9', '127.0.0.7', 'fd12::1'].map(trusted)).toEqual([true, true, true, true]);
    expect(['11.0.0.1', '127.0.0.8', 'fe80::1', 'nonsense'].map(trusted)).toEqual([false, false, false, false]);
  });
});

describe('a trusted proxy over real sockets', () => {
  it('127.0.0.7 listed in TRUSTED_PROXIES may hold more than the per-address cap; 127.0.0.8 may not', async () => {
    const server = await startTestServer({ CHATCTL_MAX_CONNECTIONS_PER_IP: '5', TRUSTED_PROXIES: '127.0.0.7' });
    const sockets: Socket[] = [];
    try {
      for (const from of ['127.0.0.7', '127.0.0.8']) {
        for (let i = 0; i < 12; i++) {
          const socket = await openSocket(server.port, from);
          socket.on('error', () => undefined);
          socket.resume();
          sockets.push(socket);
        }
      }
      const open = (from: string) => sockets.filter((s) => s.localAddress === from && !s.destroyed).length;
      await expect.poll(() => open('127.0.0.8'), { timeout: 15_000 }).toBe(5);
      expect(open('127.0.0.7')).toBe(12);
    } finally {
      for (const s of sockets) s.destroy();
      await server.stop();
    }
  }, 60_000);
});
