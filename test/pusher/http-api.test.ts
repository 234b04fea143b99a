/** The Pusher HTTP API against the official `pusher` SDK and hand-signed requests. */
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedPusherServer } from '../../src/server/pusher/index.js';
import { signChannel, signRequest, signUser } from '../../src/server/pusher/signatures.js';
import { APP, closeAllRaw, disconnectAllClients, rawClient, sleep, startHarness, type Harness, type RawClient } from './helpers.js';

let harness: Harness | undefined;

afterEach(async () => {
  disconnectAllClients();
  closeAllRaw();
  await harness?.close();
  harness = undefined;
});

async function start(): Promise<Harness> {
  harness = await startHarness();
  return harness;
}

interface SignedFetch {
  method?: string;
  path: string;
  params?: Record<string, string>;
  body?: string;
  /** Body actually sent, if different from the signed one. */
  sendBody?: string;
  timestamp?: number;
  credentials?: { key: string; secret: string };
  contentType?: string;
  rawQuery?: string;
}

async function signedFetch(port: number, options: SignedFetch): Promise<{ status: number; body: unknown; contentType: string | null }> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const signed = signRequest(options.credentials ?? APP, {
    method,
    path: options.path,
    params: options.params,
    body: options.body,
    timestamp: options.timestamp,
  });
  const query = options.rawQuery ?? signed.queryString;
  const body = options.sendBody ?? options.body;
  const res = await fetch(`http://127.0.0.1:${port}${options.path}?${query}`, {
    method,
    headers: body !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {},
    body,
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as unknown, contentType: res.headers.get('content-type') };
}

async function subscriber(port: number, channel: string, extra: Record<string, string> = {}): Promise<RawClient> {
  const client = rawClient(port);
  await client.socketId();
  client.sendJson({ event: 'pusher:subscribe', data: { channel, auth: '', ...extra } });
  await client.next((f) => f.event === 'pusher_internal:subscription_succeeded');
  return client;
}

/** Publish errors from the SDK come as RequestError { status, body }. */
async function sdkError(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; body: string };
    return { status: e.status, body: JSON.parse(e.body) as unknown };
  }
  throw new Error('expected the SDK call to fail');
}

describe('POST /apps/:id/events', () => {
  it('SDK trigger: 200 {} and the exact frame on the wire', async () => {
    const h = await start();
    const sub = await subscriber(h.port, 'chat');
    const res = await h.sdk().trigger('chat', 'message.sent', { text: 'hi' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe('{}');
    const frame = await sub.next((f) => f.event === 'message.sent');
    expect(frame).toEqual({ event: 'message.sent', channel: 'chat', data: '{"text":"hi"}' });
  });

  it('info returns channel attributes', async () => {
    const h = await start();
    const client = rawClient(h.port);
    const id = await client.socketId();
    client.sendJson({
      event: 'pusher:subscribe',
      data: { channel: 'presence-room', auth: signChannel(APP, id, 'presence-room', '{"user_id":1}'), channel_data: '{"user_id":1}' },
    });
    await client.next((f) => f.event === 'pusher_internal:subscription_succeeded');
    await subscriber(h.port, 'chat');
    const res = await h.sdk().trigger(['presence-room', 'chat'], 'e', 'x', { info: 'user_count,subscription_count' });
    expect(await res.json()).toEqual({
      channels: { 'presence-room': { user_count: 1, subscription_count: 1 }, chat: { subscription_count: 1 } },
    });
  });

  it('accepts `channel` (PHP style) as well as `channels`, with PHP-escaped data and socket_id', async () => {
    const h = await start();
    const a = await subscriber(h.port, 'conversation.1');
    const b = await subscriber(h.port, 'conversation.1');
    const bId = await b.socketId();
    const body = JSON.stringify({ name: 'App\\Events\\MessageSent', data: '{"url":"a\\/b"}', channel: 'conversation.1', socket_id: bId });
    const res = await signedFetch(h.port, { path: '/apps/1/events', body });
    expect(res).toEqual({ status: 200, body: {}, contentType: 'application/json; charset=utf-8' });
    expect(await a.next((f) => f.event === 'App\\Events\\MessageSent')).toEqual({
      event: 'App\\Events\\MessageSent',
      channel: 'conversation.1',
      data: '{"url":"a\\/b"}',
    });
    await sleep(100);
    expect(b.frames.some((f) => f.event === 'App\\Events\\MessageSent')).toBe(false);
  });

  it('an unknown socket_id is not an error', async () => {
    const h = await start();
    const sub = await subscriber(h.port, 'chat');
    const res = await h.sdk().trigger('chat', 'e', 'x', { socket_id: '123.456' });
    expect(res.status).toBe(200);
    expect((await sub.next((f) => f.event === 'e')).data).toBe('x');
  });

  it('wrong secret → 401', async () => {
    const h = await start();
    const error = await sdkError(h.sdk({ secret: 'wrong' }).trigger('chat', 'e', {}));
    expect(error).toEqual({ status: 401, body: { error: 'Invalid signature', code: 401 } });
  });

  it('wrong auth_key → 401', async () => {
    const h = await start();
    const res = await signedFetch(h.port, {
      path: '/apps/1/events',
      body: '{"name":"e","data":"x","channels":["chat"]}',
      credentials: { key: 'other-key', secret: APP.secret },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Invalid auth_key for this app', code: 401 });
  });

  it('stale or future timestamp → 401', async () => {
    const h = await start();
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 700, now + 700]) {
      const res = await signedFetch(h.port, { path: '/apps/1/events', body: '{"name":"e","data":"x","channels":["chat"]}', timestamp });
      expect(res.status).toBe(401);
      expect((res.body as { error: string }).error).toMatch(/^Timestamp expired: given timestamp \d+ is not within 600s of server time \d+$/);
    }
    const fresh = await signedFetch(h.port, { path: '/apps/1/events', body: '{"name":"e","data":"x","channels":["chat"]}', timestamp: now - 500 });
    expect(fresh.status).toBe(200);
  });

  it('tampered body → 401 and nothing published', async () => {
    const h = await start();
    const sub = await subscriber(h.port, 'chat');
    const res = await signedFetch(h.port, {
      path: '/apps/1/events',
      body: '{"name":"e","data":"original","channels":["chat"]}',
      sendBody: '{"name":"e","data":"tampered","channels":["chat"]}',
    });
    expect(res).toMatchObject({ status: 401, body: { error: 'body_md5 does not match the request body', code: 401 } });
    await sleep(100);
    expect(sub.frames.some((f) => f.event === 'e')).toBe(false);
  });

  it('unknown app id → 404', async () => {
    const h = await start();
    const error = await sdkError(h.sdk({ appId: '999' }).trigger('chat', 'e', {}));
    expect(error).toEqual({ status: 404, body: { error: 'Unknown app id: 999', code: 404 } });
  });

  it('data over 10 KB → 413; exactly 10 KB is fine', async () => {
    const h = await start();
    const error = await sdkError(h.sdk().trigger('chat', 'e', 'x'.repeat(10 * 1024 + 1)));
    expect(error).toEqual({ status: 413, body: { error: 'Event: "data" is larger than 10240 bytes', code: 413 } });
    const ok = await h.sdk().trigger('chat', 'e', 'x'.repeat(10 * 1024));
    expect(ok.status).toBe(200);
  });

  it.each([
    ['data not a string', '{"name":"e","data":{"a":1},"channels":["chat"]}', 'Event: "data" must be a string'],
    ['missing name', '{"data":"x","channels":["chat"]}', 'Event: "name" must be a non-empty string'],
    ['no channel', '{"name":"e","data":"x"}', 'Event: "channels" or "channel" is required'],
    ['channels not strings', '{"name":"e","data":"x","channels":[1]}', 'Event: "channels" must be an array of strings'],
    ['bad channel name', '{"name":"e","data":"x","channel":"bad name"}', 'Event: invalid channel name "bad name"'],
    ['bad socket_id', '{"name":"e","data":"x","channel":"c","socket_id":"abc.def"}', 'Event: "socket_id" must look like "123.456"'],
    ['not JSON', 'name=e', 'Request body is not valid JSON'],
    ['JSON array', '[]', 'Request body must be a JSON object'],
    [
      '101 channels',
      JSON.stringify({ name: 'e', data: 'x', channels: Array.from({ length: 101 }, (_, i) => `c${i}`) }),
      'Event: at most 100 channels per event',
    ],
  ])('400 for %s', async (_label, body, message) => {
    const h = await start();
    const res = await signedFetch(h.port, { path: '/apps/1/events', body });
    expect(res).toEqual({ status: 400, body: { error: message, code: 400 }, contentType: 'application/json; charset=utf-8' });
  });

  it('accepts any content type (raw body is what gets signed) and URL-encoded query values', async () => {
    const h = await start();
    const body = '{"name":"e","data":"x","channels":["chat"],"info":"subscription_count"}';
    const text = await signedFetch(h.port, { path: '/apps/1/events', body, contentType: 'text/plain' });
    expect(text).toMatchObject({ status: 200, body: { channels: { chat: { subscription_count: 0 } } } });
  });

  it('a body over the request limit → 413 JSON, not HTML', async () => {
    const h = await start();
    const body = JSON.stringify({ name: 'e', data: 'x'.repeat(1024 * 1024), channels: ['chat'] });
    const res = await signedFetch(h.port, { path: '/apps/1/events', body });
    expect(res).toEqual({ status: 413, body: { error: 'Request body is too large', code: 413 }, contentType: 'application/json; charset=utf-8' });
  });
});

describe('POST /apps/:id/batch_events', () => {
  it('SDK triggerBatch delivers every event', async () => {
    const h = await start();
    const sub = await subscriber(h.port, 'chat');
    const res = await h.sdk().triggerBatch([
      { channel: 'chat', name: 'one', data: { n: 1 } },
      { channel: 'chat', name: 'two', data: 'plain' },
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(await sub.next((f) => f.event === 'one')).toEqual({ event: 'one', channel: 'chat', data: '{"n":1}' });
    expect(await sub.next((f) => f.event === 'two')).toEqual({ event: 'two', channel: 'chat', data: 'plain' });
  });

  it('more than 10 events → 400, and a bad item publishes nothing', async () => {
    const h = await start();
    const sub = await subscriber(h.port, 'chat');
    const eleven = Array.from({ length: 11 }, (_, i) => ({ channel: 'chat', name: `e${i}`, data: 'x' }));
    expect(await sdkError(h.sdk().triggerBatch(eleven))).toEqual({
      status: 400,
      body: { error: 'Batch too large: at most 10 events', code: 400 },
    });
    const body = JSON.stringify({ batch: [{ channel: 'chat', name: 'ok', data: 'x' }, { channel: 'chat', name: 'bad', data: 1 }] });
    expect(await signedFetch(h.port, { path: '/apps/1/batch_events', body })).toMatchObject({
      status: 400,
      body: { error: 'Batch event 1: "data" must be a string', code: 400 },
    });
    await sleep(100);
    expect(sub.frames.filter((f) => f.event !== 'pusher_internal:subscription_succeeded' && f.event !== 'pusher:connection_established')).toEqual([]);
  });

  it('returns per-event info when asked', async () => {
    const h = await start();
    await subscriber(h.port, 'chat');
    const body = JSON.stringify({
      batch: [
        { channel: 'chat', name: 'a', data: 'x', info: 'subscription_count' },
        { channel: 'other', name: 'b', data: 'y' },
      ],
    });
    expect(await signedFetch(h.port, { path: '/apps/1/batch_events', body })).toMatchObject({
      status: 200,
      body: { batch: [{ subscription_count: 1 }, {}] },
    });
  });
});

describe('GET channels', () => {
  async function presenceMember(port: number, channel: string, userId: number): Promise<RawClient> {
    const client = rawClient(port);
    const id = await client.socketId();
    const channelData = JSON.stringify({ user_id: userId });
    client.sendJson({ event: 'pusher:subscribe', data: { channel, auth: signChannel(APP, id, channel, channelData), channel_data: channelData } });
    await client.next((f) => f.event === 'pusher_internal:subscription_succeeded');
    return client;
  }

  it('lists occupied channels only, with prefix filter and user_count', async () => {
    const h = await start();
    const sdk = h.sdk();
    const sub = await subscriber(h.port, 'chat');
    await presenceMember(h.port, 'presence-a', 1);
    await presenceMember(h.port, 'presence-a', 1);
    await presenceMember(h.port, 'presence-a', 2);
    expect(await (await sdk.get({ path: '/channels' })).json()).toEqual({ channels: { chat: {}, 'presence-a': {} } });
    const filtered = await sdk.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } });
    expect(await filtered.json()).toEqual({ channels: { 'presence-a': { user_count: 2 } } });
    sub.ws.close();
    await sleep(100);
    expect(await (await sdk.get({ path: '/channels' })).json()).toEqual({ channels: { 'presence-a': {} } });
    expect(await sdkError(sdk.get({ path: '/channels', params: { info: 'user_count' } }))).toEqual({
      status: 400,
      body: { error: 'info=user_count requires filter_by_prefix=presence-', code: 400 },
    });
  });

  it('single channel: occupied and counts; user_count only for presence', async () => {
    const h = await start();
    const sdk = h.sdk();
    await subscriber(h.port, 'chat');
    await subscriber(h.port, 'chat');
    await presenceMember(h.port, 'presence-b', 5);
    await presenceMember(h.port, 'presence-b', 5);
    expect(await (await sdk.get({ path: '/channels/chat', params: { info: 'subscription_count' } })).json()).toEqual({
      occupied: true,
      subscription_count: 2,
    });
    expect(await (await sdk.get({ path: '/channels/presence-b', params: { info: 'user_count,subscription_count' } })).json()).toEqual({
      occupied: true,
      user_count: 1,
      subscription_count: 2,
    });
    expect(await (await sdk.get({ path: '/channels/empty' })).json()).toEqual({ occupied: false });
    expect(await sdkError(sdk.get({ path: '/channels/chat', params: { info: 'user_count' } }))).toEqual({
      status: 400,
      body: { error: 'info=user_count is only available for presence channels', code: 400 },
    });
  });

  it('users of a presence channel (unique), 400 for other channels', async () => {
    const h = await start();
    const sdk = h.sdk();
    await presenceMember(h.port, 'presence-c', 3);
    await presenceMember(h.port, 'presence-c', 3);
    await presenceMember(h.port, 'presence-c', 4);
    expect(await (await sdk.get({ path: '/channels/presence-c/users' })).json()).toEqual({ users: [{ id: '3' }, { id: '4' }] });
    expect(await (await sdk.get({ path: '/channels/presence-none/users' })).json()).toEqual({ users: [] });
    expect(await sdkError(sdk.get({ path: '/channels/chat/users' }))).toEqual({
      status: 400,
      body: { error: 'Users are only available for presence channels', code: 400 },
    });
  });

  it('GET requests are signed too', async () => {
    const h = await start();
    expect(await sdkError(h.sdk({ secret: 'nope' }).get({ path: '/channels' }))).toEqual({
      status: 401,
      body: { error: 'Invalid signature', code: 401 },
    });
    const res = await fetch(`http://127.0.0.1:${h.port}/apps/1/channels`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Missing auth_key', code: 401 });
  });
});

describe('terminate_connections and routing', () => {
  it('closes the signed-in user connections with 4009', async () => {
    const h = await start();
    const user = rawClient(h.port);
    const id = await user.socketId();
    const userData = '{"id":"42"}';
    user.sendJson({ event: 'pusher:signin', data: { auth: signUser(APP, id, userData), user_data: userData } });
    expect(await user.next((f) => f.event === 'pusher:signin_success')).toEqual({
      event: 'pusher:signin_success',
      data: { user_data: userData },
    });
    const bystander = rawClient(h.port);
    await bystander.socketId();
    const res = await h.sdk().terminateUserConnections('42');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect((await user.closed).code).toBe(4009);
    expect(bystander.ws.readyState).toBe(1);
  });

  it('unknown /apps routes → JSON 404; other routes keep the host app 404', async () => {
    const h = await start();
    const res = await fetch(`http://127.0.0.1:${h.port}/apps/1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'Not found', code: 404 });
    const other = await fetch(`http://127.0.0.1:${h.port}/elsewhere`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('a channel named __proto__ is listed like any other', async () => {
    const h = await start();
    await subscriber(h.port, '__proto__');
    const res = await h.sdk().get({ path: '/channels', params: { info: 'subscription_count' } });
    expect(await res.text()).toBe('{"channels":{"__proto__":{"subscription_count":1}}}');
  });

  it('coexists with a host app that has its own 404, error handler and body parsers', async () => {
    const server = http.createServer();
    const app = Fastify({ serverFactory: (handler) => server.on('request', handler) });
    await app.register(formbody);
    app.setNotFoundHandler((_req, reply) => reply.code(404).send({ status: false, message: 'host 404' }));
    app.setErrorHandler((_err, _req, reply) => reply.code(418).send({ status: false, message: 'host error' }));
    app.post('/echo', async (req) => ({ got: req.body }));
    const embedded = new EmbeddedPusherServer({ app: APP });
    embedded.attach(server);
    await app.register(embedded.httpApiPlugin);
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (server.address() as AddressInfo).port;
      const ok = await signedFetch(port, { path: '/apps/1/events', body: '{"name":"e","data":"x","channel":"c"}' });
      expect(ok).toMatchObject({ status: 200, body: {} });
      const bad = await signedFetch(port, { path: '/apps/1/events', body: '{"name":"e"}' });
      expect(bad).toMatchObject({ status: 400, body: { code: 400 } });
      expect(await (await fetch(`http://127.0.0.1:${port}/apps/1/x`)).json()).toEqual({ error: 'Not found', code: 404 });
      expect(await (await fetch(`http://127.0.0.1:${port}/nope`)).json()).toEqual({ status: false, message: 'host 404' });
      const echo = await fetch(`http://127.0.0.1:${port}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      });
      expect(await echo.json()).toEqual({ got: { a: '1' } });
    } finally {
      await embedded.close();
      await app.close();
    }
  });

  it('works when mounted under a prefix (signed path stays /apps/…)', async () => {
    const server = http.createServer();
    const app = Fastify({ serverFactory: (handler) => server.on('request', handler) });
    const embedded = new EmbeddedPusherServer({ app: APP });
    embedded.attach(server);
    await app.register(embedded.httpApiPlugin, { prefix: '/pusher' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (server.address() as AddressInfo).port;
      const signed = signRequest(APP, { method: 'GET', path: '/apps/1/channels' });
      const res = await fetch(`http://127.0.0.1:${port}/pusher/apps/1/channels?${signed.queryString}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ channels: {} });
    } finally {
      await embedded.close();
      await app.close();
    }
  });
});
