// Anonymous exhaustion (issue 7 item 6): per-address connection limit, public channels
// opt-in with a per-connection cap, and a bounded number of warnings on stderr.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { APP, disconnectAllClients, nextEvent, pusherClient, sleep, startHarness, waitForState, type Harness } from './helpers.js';

let harness: Harness | undefined;
const sockets = new Set<WebSocket>();
const tcp = new Set<net.Socket>();

afterEach(async () => {
  disconnectAllClients();
  for (const ws of sockets) ws.terminate();
  sockets.clear();
  for (const s of tcp) s.destroy();
  tcp.clear();
  await harness?.close();
  harness = undefined;
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

const PATH = `/app/${APP.key}?protocol=7&client=js&version=8.6.0&flash=false`;

interface Outcome {
  ws: WebSocket;
  first: Record<string, unknown>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A raw ws client from `localAddress`; resolves with its first frame. */
function connect(port: number, localAddress = '127.0.0.1'): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${PATH}`, { localAddress });
    sockets.add(ws);
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('message', (data) => resolve({ ws, first: JSON.parse(data.toString()) as Record<string, unknown>, closed }));
  });
}

/** Completes the upgrade by hand and then ignores everything (never answers the close frame). */
function stubbornUpgrade(port: number, localAddress = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    tcp.add(socket);
    socket.on('error', reject);
    socket.once('data', (chunk) => resolve(chunk.toString('latin1').split('\r\n')[0] ?? ''));
    socket.write(
      `GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

describe('connections per client address', () => {
  it('refuses the connection over the per-address limit with 4004 while another address still connects', async () => {
    const h = await start({ maxConnectionsPerAddress: 5 });
    const admitted = await Promise.all(Array.from({ length: 5 }, () => connect(h.port)));
    for (const { first } of admitted) expect(first.event).toBe('pusher:connection_established');
    expect(h.embedded.stats().connections).toBe(5);

    const refused = await connect(h.port);
    expect(refused.first).toEqual({ event: 'pusher:error', data: { code: 4004, message: 'Over connection quota for your address (max 5)' } });
    expect(await refused.closed).toEqual({ code: 4004, reason: 'Over connection quota for your address (max 5)' });
    expect(h.embedded.stats().connections).toBe(5);

    // Another address is not affected.
    const other = await connect(h.port, '127.0.0.2');
    expect(other.first.event).toBe('pusher:connection_established');
    expect(h.embedded.stats().connections).toBe(6);

    // A closed socket gives its slot back.
    admitted[0]?.ws.close();
    await admitted[0]?.closed;
    await sleep(50);
    const again = await connect(h.port);
    expect(again.first.event).toBe('pusher:connection_established');
  });

  it('pusher-js over the limit is refused (4004) and stops retrying; from 127.0.0.2 it is not', async () => {
    const h = await start({ maxConnectionsPerAddress: 2 });
    await Promise.all([connect(h.port), connect(h.port)]);
    const client = pusherClient(h.port);
    const error = await nextEvent(client.connection, 'error');
    expect(error.data).toEqual({
      type: 'WebSocketError',
      error: { type: 'PusherError', data: { code: 4004, message: 'Over connection quota for your address (max 2)' } },
    });
    expect(await waitForState(client, ['disconnected'])).toBe('disconnected');
    await sleep(1500);
    expect(client.connection.state).toBe('disconnected'); // 4004 = do not reconnect unchanged
    expect(h.embedded.stats().connections).toBe(2);
    expect((await connect(h.port, '127.0.0.2')).first.event).toBe('pusher:connection_established');
  });

  it('a client piling up refused sockets that never finish closing gets plain HTTP 429, and the others nothing changes', async () => {
    const h = await start({ maxConnectionsPerAddress: 1 });
    expect((await connect(h.port)).first.event).toBe('pusher:connection_established');
    const statusLines = [];
    for (let i = 0; i < 10; i++) statusLines.push(await stubbornUpgrade(h.port));
    expect(statusLines.every((line) => line === 'HTTP/1.1 101 Switching Protocols')).toBe(true);
    expect(await stubbornUpgrade(h.port)).toBe('HTTP/1.1 429 Too Many Requests');
    expect(h.embedded.stats().connections).toBe(1);
    expect((await connect(h.port, '127.0.0.2')).first.event).toBe('pusher:connection_established');
  });

  it('the global limit (default 10 000) still applies across addresses', async () => {
    const h = await start({ maxConnections: 2, maxConnectionsPerAddress: 100 });
    await Promise.all([connect(h.port), connect(h.port, '127.0.0.2')]);
    const refused = await connect(h.port, '127.0.0.3');
    expect(refused.first).toEqual({ event: 'pusher:error', data: { code: 4004, message: 'Over connection quota' } });
  });
});

describe('public channels', () => {
  it('are refused by default with a channel-scoped AuthError 403, private ones still work', async () => {
    const h = await start({ publicChannels: false });
    const client = pusherClient(h.port);
    const channel = client.subscribe('chat');
    const { data } = await nextEvent(channel, 'pusher:subscription_error');
    expect(data).toEqual({ type: 'AuthError', error: 'Public channels are disabled on this server; use a private- or presence- channel', status: 403 });
    expect(h.embedded.stats().channels).toBe(0);
    const priv = client.subscribe('private-conversation.1');
    await nextEvent(priv, 'pusher:subscription_succeeded');
    expect(h.embedded.stats().channels).toBe(1);
    expect(client.connection.state).toBe('connected');
  });

  it('stay off without touching #server-to-user-{id}, which a signed-in socket still gets', async () => {
    const h = await start({ publicChannels: false });
    const { signUser } = await import('../../src/server/pusher/signatures.js');
    const { ws, first } = await connect(h.port);
    const socketId = (JSON.parse(first.data as string) as { socket_id: string }).socket_id;
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
    const userData = '{"id":"42"}';
    ws.send(JSON.stringify({ event: 'pusher:signin', data: { auth: signUser(APP, socketId, userData), user_data: userData } }));
    ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { auth: '', channel: '#server-to-user-42' } }));
    ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { auth: '', channel: 'server-to-user-42' } }));
    const deadline = Date.now() + 5000;
    while (frames.length < 3 && Date.now() < deadline) await sleep(20);
    expect(frames.map((f) => [f.event, f.channel ?? null])).toEqual([
      ['pusher:signin_success', null],
      ['pusher_internal:subscription_succeeded', '#server-to-user-42'],
      ['pusher:subscription_error', 'server-to-user-42'],
    ]);
  });

  it('are allowed when enabled, up to the per-connection channel cap', async () => {
    const h = await start({ publicChannels: true, maxChannelsPerConnection: 3 });
    const client = pusherClient(h.port);
    for (const name of ['a', 'b', 'c']) await nextEvent(client.subscribe(name), 'pusher:subscription_succeeded');
    const { data } = await nextEvent(client.subscribe('d'), 'pusher:subscription_error');
    expect(data).toEqual({ type: 'LimitReached', error: 'Too many channels on one connection (max 3)', status: 4100 });
    expect(h.embedded.stats().channels).toBe(3);
  });

  it('memory stays bounded: 50 anonymous sockets × 400 subscribe frames create no channel by default, and at most the cap when enabled', async () => {
    for (const publicChannels of [false, true]) {
      const h = await start({ publicChannels, maxChannelsPerConnection: 20 });
      const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => connect(h.port, `127.0.0.${1 + (i % 5)}`)));
      let replies = 0;
      for (const { ws } of clients) ws.on('message', () => (replies += 1));
      clients.forEach(({ ws }, i) => {
        for (let j = 0; j < 400; j++) ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { auth: '', channel: `flood-${i}-${j}` } }));
      });
      const deadline = Date.now() + 20_000;
      while (replies < 50 * 400 && Date.now() < deadline) await sleep(50);
      expect(replies).toBe(50 * 400); // every frame got its answer
      expect(h.embedded.stats()).toEqual({ connections: 50, channels: publicChannels ? 50 * 20 : 0 });
      for (const { ws } of clients) ws.terminate();
      await harness?.close();
      harness = undefined;
    }
  }, 60_000);
});

describe('connection warnings', () => {
  it('at most N lines per interval reach the log, then one "suppressed" summary', async () => {
    const h = await start({ maxConnectionWarnings: 5 });
    const clients = await Promise.all(Array.from({ length: 30 }, (_, i) => connect(h.port, `127.0.0.${1 + (i % 10)}`)));
    // Invalid UTF-8 in a text frame: ws reports an error (and closes 1007) for each of them.
    for (const { ws } of clients) ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    const codes = await Promise.all(clients.map(({ closed }) => closed));
    expect(codes.every(({ code }) => code === 1007)).toBe(true);
    const warnings = h.logs.filter((line) => line.startsWith('warn: pusher: websocket error:'));
    expect(warnings).toHaveLength(5);
    await h.close();
    harness = undefined;
    expect(h.logs.filter((line) => line.startsWith('warn: pusher: suppressed'))).toEqual([
      'warn: pusher: suppressed 25 more connection warnings (at most 5 are written per 10 s)',
    ]);
  });
});

describe('addressKey', () => {
  it('counts IPv4 (also IPv4-mapped) per address and IPv6 per /64', async () => {
    const { addressKey } = await import('../../src/server/pusher/address-limits.js');
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002::')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('limitLog', () => {
  it('passes N lines per window, sums up the rest when the window ends, and starts afresh', async () => {
    const { limitLog } = await import('../../src/server/pusher/log-limiter.js');
    let clock = 0;
    const lines: string[] = [];
    const limited = limitLog((level, message) => lines.push(`${level}: ${message}`), { maxLines: 2, intervalMs: 10_000, now: () => clock });
    for (let i = 0; i < 5; i++) limited.log('warn', `w${i}`);
    expect(lines).toEqual(['warn: w0', 'warn: w1']);
    clock = 10_000;
    limited.log('info', 'next window');
    expect(lines).toEqual(['warn: w0', 'warn: w1', 'warn: pusher: suppressed 3 more connection warnings (at most 2 are written per 10 s)', 'info: next window']);
    limited.log('warn', 'x');
    limited.log('warn', 'y');
    limited.flush();
    expect(lines.slice(4)).toEqual(['warn: x', 'warn: pusher: suppressed 1 more connection warning (at most 2 are written per 10 s)']);
    limited.flush();
    expect(lines).toHaveLength(6);
  });
});
