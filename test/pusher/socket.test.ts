import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { APP, closeAllRaw, rawClient, sleep, startHarness, type Harness } from './helpers.js';

let harness: Harness | undefined;

afterEach(async () => {
  closeAllRaw();
  await harness?.close();
  harness = undefined;
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

/** Status code of a refused upgrade (plain HTTP answer). */
function upgradeStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('upgrade unexpectedly accepted')));
    ws.on('error', () => {});
  });
}

describe('handshake', () => {
  it('sends connection_established first, with string data, a valid socket_id and activity_timeout 30', async () => {
    const { port } = await start();
    const client = rawClient(port);
    const first = await client.next();
    expect(first.event).toBe('pusher:connection_established');
    expect(typeof first.data).toBe('string');
    const data = JSON.parse(first.data as string) as { socket_id: string; activity_timeout: number };
    expect(data.socket_id).toMatch(/^\d+\.\d+$/);
    expect(data.activity_timeout).toBe(30);
    expect(Object.keys(data)).toEqual(['socket_id', 'activity_timeout']);
  });

  it('answers pusher:ping with the exact pong frame', async () => {
    const { port } = await start();
    const client = rawClient(port);
    await client.socketId();
    client.sendJson({ event: 'pusher:ping', data: {} });
    const pong = await client.next();
    expect(JSON.stringify(pong)).toBe('{"event":"pusher:pong","data":"{}"}');
  });

  it('unknown app key: pusher:error 4001 then close 4001', async () => {
    const { port } = await start();
    const client = rawClient(port, '/app/nope?protocol=7');
    expect(await client.next()).toEqual({ event: 'pusher:error', data: { code: 4001, message: 'Application does not exist' } });
    expect(await client.closed).toEqual({ code: 4001, reason: 'Application does not exist' });
    expect(harness?.embedded.stats().connections).toBe(0);
  });

  it('protocol < 5 gets 4007; missing or non-numeric protocol counts as 7', async () => {
    const { port } = await start();
    const old = rawClient(port, `/app/${APP.key}?protocol=4`);
    expect(await old.next()).toEqual({ event: 'pusher:error', data: { code: 4007, message: 'Unsupported protocol version 4' } });
    expect((await old.closed).code).toBe(4007);
    for (const path of [`/app/${APP.key}`, `/app/${APP.key}?protocol=abc`, `/app/${APP.key}/?protocol=7`]) {
      const client = rawClient(port, path);
      expect((await client.next()).event).toBe('pusher:connection_established');
    }
  });

  it('refuses other paths with a plain HTTP 404', async () => {
    const { port } = await start();
    expect(await upgradeStatus(port, '/app/')).toBe(404);
    expect(await upgradeStatus(port, `/app/${APP.key}/extra`)).toBe(404);
    expect(await upgradeStatus(port, '/socket')).toBe(404);
  });

  it('leaves non-/app/ upgrades to another upgrade handler when one exists', async () => {
    const h = await start();
    const other = new WebSocketServer({ noServer: true });
    h.server.on('upgrade', (req: http.IncomingMessage, socket, head) => {
      if (req.url?.startsWith('/other')) other.handleUpgrade(req, socket, head, (ws) => ws.send('hello from other'));
    });
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/other`);
    const message = await new Promise<string>((resolve, reject) => {
      ws.on('message', (data) => resolve(data.toString()));
      ws.on('error', reject);
    });
    expect(message).toBe('hello from other');
    ws.terminate();
    other.close();
    // /app/ still belongs to the embedded server.
    expect((await rawClient(h.port).next()).event).toBe('pusher:connection_established');
  });

  it('enforces the connection limit with 4004', async () => {
    const { port, embedded } = await start({ maxConnections: 2 });
    await rawClient(port).socketId();
    await rawClient(port).socketId();
    const third = rawClient(port);
    expect(await third.next()).toEqual({ event: 'pusher:error', data: { code: 4004, message: 'Over connection quota' } });
    expect((await third.closed).code).toBe(4004);
    expect(embedded.stats().connections).toBe(2);
  });

  it('gives every live socket a distinct id', async () => {
    const { port } = await start();
    const ids = await Promise.all(Array.from({ length: 20 }, () => rawClient(port).socketId()));
    expect(new Set(ids).size).toBe(20);
  });
});

describe('malformed input', () => {
  it('answers bad frames with pusher:error (code null) and keeps the connection', async () => {
    const { port } = await start();
    const client = rawClient(port);
    await client.socketId();
    const cases: [unknown, string][] = [
      ['{not json', 'Invalid frame: not valid JSON'],
      ['[]', 'Invalid frame: expected a JSON object'],
      [{ event: 7 }, 'Invalid frame: "event" must be a non-empty string'],
      [{ event: 'pusher:subscribe', data: { channel: 1 } }, 'Invalid pusher:subscribe: data.channel must be a non-empty string'],
      [{ event: 'pusher:whatever', data: {} }, 'Unsupported event: pusher:whatever'],
    ];
    for (const [frame, message] of cases) {
      client.sendJson(frame);
      expect(await client.next()).toEqual({ event: 'pusher:error', data: { code: null, message } });
    }
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next()).toEqual({
      event: 'pusher:error',
      data: { code: null, message: 'Binary frames are not supported; send UTF-8 JSON text frames' },
    });
    client.sendJson({ event: 'pusher:ping', data: {} });
    expect((await client.next()).event).toBe('pusher:pong');
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes with 1009 on a frame above maxPayload and keeps serving others', async () => {
    const { port, embedded } = await start({ maxPayloadBytes: 1024 });
    const client = rawClient(port);
    await client.socketId();
    client.sendJson({ event: 'client-x', channel: 'private-a', data: 'x'.repeat(2000) });
    expect((await client.closed).code).toBe(1009);
    await sleep(20);
    expect(embedded.stats().connections).toBe(0);
    const fresh = rawClient(port);
    await fresh.socketId();
    fresh.sendJson({ event: 'pusher:ping', data: {} });
    expect((await fresh.next()).event).toBe('pusher:pong');
  });

  it('invalid UTF-8 closes the socket (1007) without harming the server', async () => {
    const { port } = await start();
    const client = rawClient(port);
    await client.socketId();
    client.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closed).code).toBe(1007);
    expect((await rawClient(port).next()).event).toBe('pusher:connection_established');
  });
});

describe('liveness', () => {
  it('closes a silent connection with 4201 after activity_timeout + grace', async () => {
    const { port } = await start({ activityTimeoutSeconds: 1, pongGraceSeconds: 0.5 });
    const client = rawClient(port);
    const established = await client.next();
    expect(JSON.parse(established.data as string)).toMatchObject({ activity_timeout: 1 });
    const startedAt = Date.now();
    expect(await client.next(undefined, 4000)).toEqual({
      event: 'pusher:error',
      data: { code: 4201, message: 'Pong reply not received in time' },
    });
    expect((await client.closed).code).toBe(4201);
    const elapsed = Date.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(1300);
    expect(elapsed).toBeLessThan(3000);
  });

  it('keeps a connection that pings alive', async () => {
    const { port } = await start({ activityTimeoutSeconds: 1, pongGraceSeconds: 0.3 });
    const client = rawClient(port);
    await client.socketId();
    for (let i = 0; i < 5; i++) {
      await sleep(600);
      client.sendJson({ event: 'pusher:ping', data: {} });
    }
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(client.frames.some((f) => f.event === 'pusher:error')).toBe(false);
  });
});

describe('slow consumers and shutdown', () => {
  it('drops a connection that stops reading instead of buffering without bound', async () => {
    const h = await start({ maxBufferedBytes: 64 * 1024 });
    const slow = rawClient(h.port);
    await slow.socketId();
    slow.sendJson({ event: 'pusher:subscribe', data: { channel: 'firehose' } });
    await slow.next((f) => f.event === 'pusher_internal:subscription_succeeded');
    const fast = rawClient(h.port);
    await fast.socketId();
    fast.sendJson({ event: 'pusher:subscribe', data: { channel: 'firehose' } });
    await fast.next((f) => f.event === 'pusher_internal:subscription_succeeded');
    slow.ws.pause(); // stop reading: TCP buffers fill, then ws.bufferedAmount grows
    const payload = 'x'.repeat(8 * 1024);
    let published = 0;
    while (h.embedded.stats().connections === 2 && published < 20_000) {
      h.embedded.publish(['firehose'], 'tick', payload);
      published += 1;
      if (published % 20 === 0) await sleep(1);
    }
    expect(h.embedded.stats().connections).toBe(1);
    expect(h.logs.some((line) => /^warn: pusher: dropping slow connection \d+\.\d+/.test(line))).toBe(true);
    // The reading client is unaffected.
    fast.sendJson({ event: 'pusher:ping', data: {} });
    expect((await fast.next((f) => f.event === 'pusher:pong')).event).toBe('pusher:pong');
  });

  it('close() sends 4200 to every socket, waits for them, then refuses new upgrades', async () => {
    const h = await start();
    const clients = [rawClient(h.port), rawClient(h.port)];
    await Promise.all(clients.map((c) => c.socketId()));
    await h.embedded.close();
    for (const client of clients) {
      expect(client.frames.at(-1)).toEqual({ event: 'pusher:error', data: { code: 4200, message: 'Server is shutting down' } });
      expect(await client.closed).toEqual({ code: 4200, reason: 'Server is shutting down' });
    }
    expect(h.embedded.stats().connections).toBe(0);
    await h.embedded.close(); // idempotent
    expect(await upgradeStatus(h.port, `/app/${APP.key}`)).toBe(404);
  });
});
