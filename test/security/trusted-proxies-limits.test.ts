// Behind TRUSTED_PROXIES, the per-address limits count the client the proxy names, not the
// proxy itself (otherwise a reverse proxy's one address would cap the whole site), and a client
// that is not a trusted proxy cannot dodge them with its own X-Forwarded-For.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { proxyTrust } from '../../src/server/forwarded-for.js';
import { realtimeConfig } from '../helpers/realtime.js';
import { openSocket } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const req = (remoteAddress: string, xff?: string) =>
  ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('proxyTrust', () => {
  it('walks X-Forwarded-For from the nearest hop while hops are trusted', () => {
    const trust = proxyTrust(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(trust.clientAddress(req('10.1.1.1', '1.1.1.1, 10.2.2.2'))).toBe('1.1.1.1');
    expect(trust.clientAddress(req('10.1.1.1', '6.6.6.6, 1.1.1.1'))).toBe('1.1.1.1'); // what 1.1.1.1 claims is not trusted
    expect(trust.clientAddress(req('::ffff:127.0.0.1', '2001:db8::7'))).toBe('2001:db8::7');
    expect(trust.clientAddress(req('::1', 'garbage, 203.0.113.5'))).toBe('203.0.113.5');
    expect(trust.clientAddress(req('10.1.1.1'))).toBe('10.1.1.1');
    expect(trust.clientAddress(req('192.0.2.1', '1.1.1.1'))).toBe('192.0.2.1'); // not a proxy: header ignored
    expect(trust.isTrusted('10.9.9.9')).toBe(true);
    expect(trust.isTrusted('11.0.0.1')).toBe(false);
    expect(proxyTrust(true).clientAddress(req('192.0.2.1', '1.1.1.1, 2.2.2.2'))).toBe('1.1.1.1');
  });
});

describe('per-address limits behind a trusted proxy', () => {
  let server: TestServer | undefined;
  const open: (WebSocket | Socket)[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) {
      if (s instanceof WebSocket) s.terminate();
      else s.destroy();
    }
    await server?.stop();
    server = undefined;
  });

  function ws(localAddress: string, forwardedFor: string, key: string): Promise<number | 'connected'> {
    return new Promise((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server?.port}/app/${key}?protocol=7`, { localAddress, headers: { 'X-Forwarded-For': forwardedFor } });
      open.push(socket);
      socket.on('error', () => {});
      socket.once('message', (data) => {
        const frame = JSON.parse(data.toString()) as { event: string; data: { code?: number } };
        resolve(frame.event === 'pusher:connection_established' ? 'connected' : (frame.data.code ?? -1));
      });
    });
  }

  it('WebSocket: counted per forwarded client for the proxy, per peer for anyone else', async () => {
    server = await startTestServer({ TRUSTED_PROXIES: '127.0.0.1', CHATCTL_WS_MAX_CONNECTIONS_PER_IP: '2' });
    const { key } = await realtimeConfig(server);
    expect(await ws('127.0.0.1', '203.0.113.1', key)).toBe('connected');
    expect(await ws('127.0.0.1', '203.0.113.1', key)).toBe('connected');
    expect(await ws('127.0.0.1', '203.0.113.1', key)).toBe(4004);
    expect(await ws('127.0.0.1', '203.0.113.2', key)).toBe('connected'); // another client behind the same proxy
    expect(await ws('127.0.0.2', '198.51.100.1', key)).toBe('connected');
    expect(await ws('127.0.0.2', '198.51.100.2', key)).toBe('connected');
    expect(await ws('127.0.0.2', '198.51.100.3', key)).toBe(4004); // its own X-Forwarded-For does not help
  });

  it('HTTP: the proxy is exempt from the per-address connection cap, others are not', async () => {
    server = await startTestServer({ TRUSTED_PROXIES: '127.0.0.1', CHATCTL_MAX_CONNECTIONS_PER_IP: '2' });
    const fromProxy = await Promise.all(Array.from({ length: 5 }, () => openSocket(server!.port, '127.0.0.1')));
    const fromClient = await Promise.all(Array.from({ length: 5 }, () => openSocket(server!.port, '127.0.0.2')));
    open.push(...fromProxy, ...fromClient);
    for (const s of [...fromProxy, ...fromClient]) s.on('error', () => {});
    await expect.poll(() => fromClient.filter((s) => !s.destroyed).length, { timeout: 5000 }).toBe(2);
    expect(fromProxy.filter((s) => !s.destroyed).length).toBe(5);
  });
});
