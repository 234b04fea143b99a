// The debug console against a real server on a free port, with real pusher-js clients: what it
// shows (refusals with their reason, publishes with recipients, triggers with the host's answer),
// who may watch (only a request signed with the app secret, once), and that a console which stops
// reading is dropped while the chat keeps going.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PusherClient } from '../../src/client/realtime.js';
import { Pusher } from '../../src/client/realtime.js';
import { openConsole, signedConsolePath, type ConsoleReader } from '../helpers/console.js';
import { collect, connected, pusherClient, realtimeConfig, subscribed, waitFor } from '../helpers/realtime.js';
import { api, registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

const APP = { PUSHER_APP_ID: '5151', PUSHER_APP_KEY: 'console-key-0123456789', PUSHER_APP_SECRET: 'console-secret-abcdefghijklmnop' };
const CREDS = { key: APP.PUSHER_APP_KEY, secret: APP.PUSHER_APP_SECRET };
const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// pusher-js says who it is in the handshake query: client=js&version=<its package version>.
const PUSHER_JS_VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/pusher-js/package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('chatctl console: what it shows', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let conversationId: number;
  const clients: PusherClient[] = [];
  const consoles: ConsoleReader[] = [];

  const watch = async (): Promise<ConsoleReader> => {
    const reader = await openConsole(server, signedConsolePath(CREDS));
    consoles.push(reader);
    expect(reader.status).toBe(200);
    await reader.waitFor((e) => e.kind === 'console.ready');
    return reader;
  };

  beforeAll(async () => {
    server = await startTestServer({ ...APP });
    ann = await registerUser(server, 'Ann');
    bob = await registerUser(server, 'Bob');
    carol = await registerUser(server, 'Carol');
    conversationId = await startConversation(server, ann, bob);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const c of consoles.splice(0)) c.close();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('starts with console.ready naming the driver and version', async () => {
    const reader = await watch();
    expect(reader.events[0]).toEqual({ kind: 'console.ready', at: expect.stringMatching(AT), driver: 'embedded', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(reader.response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
  });

  it('a stranger subscribing to a conversation appears as refused at /broadcasting/auth: not a participant', async () => {
    const reader = await watch();
    const config = await realtimeConfig(server);
    const stranger = pusherClient(config, carol.token);
    clients.push(stranger);
    const socketId = await connected(stranger);
    const channel = `private-conversation.${conversationId}`;
    await expect(subscribed(stranger, channel)).rejects.toMatchObject({ payload: { status: 403 } });

    expect(await reader.waitFor((e) => e.kind === 'connection.opened' && e.socket_id === socketId)).toEqual({
      kind: 'connection.opened',
      at: expect.stringMatching(AT),
      socket_id: socketId,
      client: 'js',
      version: PUSHER_JS_VERSION,
      protocol: 7,
    });
    expect(await reader.waitFor((e) => e.kind === 'subscription.refused')).toEqual({
      kind: 'subscription.refused',
      at: expect.stringMatching(AT),
      via: 'auth-endpoint',
      socket_id: socketId,
      user_id: String(carol.id),
      channel,
      reason: 'not a participant',
      detail: `user ${carol.id} is not in conversation ${conversationId}`,
      status: 403,
    });
  });

  it('a forged channel signature appears as refused on subscribe: bad signature', async () => {
    const reader = await watch();
    const config = await realtimeConfig(server);
    const forger = new Pusher(config.key, {
      cluster: config.cluster,
      wsHost: config.ws_host,
      wsPort: config.ws_port,
      forceTLS: false,
      enabledTransports: ['ws'],
      channelAuthorization: {
        endpoint: '/unused',
        transport: 'ajax',
        customHandler: (_params, callback) => callback(null, { auth: `${config.key}:${'0'.repeat(64)}` }),
      },
    });
    clients.push(forger);
    const socketId = await connected(forger);
    const channel = `private-conversation.${conversationId}`;
    await expect(subscribed(forger, channel)).rejects.toMatchObject({ payload: { status: 401 } });
    expect(await reader.waitFor((e) => e.kind === 'subscription.refused')).toEqual({
      kind: 'subscription.refused',
      at: expect.stringMatching(AT),
      via: 'websocket',
      socket_id: socketId,
      channel,
      reason: 'bad signature',
      detail: `Invalid signature: expected HMAC SHA256 hex digest of ${socketId}:${channel}`,
      status: 401,
    });
  });

  it('a publish shows its recipients and the socket excluded by X-Socket-ID; the subscribers are named by user', async () => {
    const reader = await watch();
    const config = await realtimeConfig(server);
    const channelName = `private-conversation.${conversationId}`;
    const annClient = pusherClient(config, ann.token);
    const bobClient = pusherClient(config, bob.token);
    const bobSecond = pusherClient(config, bob.token);
    clients.push(annClient, bobClient, bobSecond);
    const annSocket = await connected(annClient);
    const bobSocket = await connected(bobClient);
    await subscribed(annClient, channelName);
    const bobChannel = await subscribed(bobClient, channelName);
    await subscribed(bobSecond, channelName);
    const received = collect(bobChannel, 'message.sent');

    const res = await api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, {
      token: ann.token,
      json: { message: 'who gets this?' },
      headers: { 'X-Socket-ID': annSocket },
    });
    expect(res.status).toBe(201);
    const [delivered] = await waitFor(received);

    const publish = await reader.waitFor((e) => e.kind === 'publish' && e.event === 'message.sent');
    const payload = JSON.stringify(delivered);
    expect(publish).toEqual({
      kind: 'publish',
      at: expect.stringMatching(AT),
      origin: 'app',
      driver: 'embedded',
      channels: [channelName],
      event: 'message.sent',
      bytes: Buffer.byteLength(payload),
      recipients: 2, // Bob's two sockets; Ann's own is excluded
      excluded_socket_id: annSocket,
      payload,
    });
    expect(await reader.waitFor((e) => e.kind === 'subscription.succeeded' && e.socket_id === bobSocket)).toEqual({
      kind: 'subscription.succeeded',
      at: expect.stringMatching(AT),
      socket_id: bobSocket,
      user_id: String(bob.id),
      channel: channelName,
    });
    expect(await reader.waitFor((e) => e.kind === 'auth.granted' && e.socket_id === bobSocket)).toEqual({
      kind: 'auth.granted',
      at: expect.stringMatching(AT),
      socket_id: bobSocket,
      channel: channelName,
      user_id: String(bob.id),
    });

    bobClient.disconnect();
    expect(await reader.waitFor((e) => e.kind === 'connection.closed' && e.socket_id === bobSocket)).toEqual({
      kind: 'connection.closed',
      at: expect.stringMatching(AT),
      socket_id: bobSocket,
      user_id: String(bob.id),
      code: 1000,
      reason: '',
      meaning: 'normal closure',
    });
  });

  it('a list update nobody listens to shows 0 recipients', async () => {
    const reader = await watch();
    await sendText(server, ann, conversationId, 'into the void');
    const update = await reader.waitFor((e) => e.kind === 'publish' && e.event === 'conversation.updated' && e.channels[0] === `private-user.${bob.id}`);
    expect(update).toMatchObject({ recipients: 0, origin: 'app' });
    expect(update).not.toHaveProperty('excluded_socket_id');
  });

  it('client events with their recipients, and refused ones: public channel, rate limit', async () => {
    const reader = await watch();
    const config = await realtimeConfig(server);
    const channelName = `private-conversation.${conversationId}`;
    const annClient = pusherClient(config, ann.token);
    const bobClient = pusherClient(config, bob.token);
    clients.push(annClient, bobClient);
    const annSocket = await connected(annClient);
    await subscribed(bobClient, channelName);
    const annChannel = await subscribed(annClient, channelName);

    annChannel.trigger('client-typing', { typing: true });
    expect(await reader.waitFor((e) => e.kind === 'client-event')).toEqual({
      kind: 'client-event',
      at: expect.stringMatching(AT),
      socket_id: annSocket,
      user_id: String(ann.id),
      channel: channelName,
      event: 'client-typing',
      bytes: Buffer.byteLength('{"typing":true}'),
      recipients: 1,
      payload: '{"typing":true}',
    });

    annClient.send_event('client-shout', { hi: 1 }, 'public-lobby');
    expect(await reader.waitFor((e) => e.kind === 'client-event.refused' && e.channel === 'public-lobby')).toEqual({
      kind: 'client-event.refused',
      at: expect.stringMatching(AT),
      socket_id: annSocket,
      user_id: String(ann.id),
      channel: 'public-lobby',
      event: 'client-shout',
      reason: 'public channel',
      detail: 'Client events are only allowed on private and presence channels',
    });

    for (let i = 0; i < 12; i++) annChannel.trigger('client-typing', { typing: i % 2 === 0 });
    const limited = await reader.waitFor((e) => e.kind === 'client-event.refused' && e.reason === 'rate limit');
    expect(limited).toMatchObject({ channel: channelName, event: 'client-typing', detail: 'Client event rejected due to rate limit (max 10 per second)' });
  });

  it('presence: member added and removed', async () => {
    const reader = await watch();
    const config = await realtimeConfig(server);
    const channelName = `presence-conversation.${conversationId}`;
    const bobClient = pusherClient(config, bob.token);
    clients.push(bobClient);
    const bobSocket = await connected(bobClient);
    await subscribed(bobClient, channelName);
    expect(await reader.waitFor((e) => e.kind === 'member.added')).toEqual({
      kind: 'member.added',
      at: expect.stringMatching(AT),
      socket_id: bobSocket,
      channel: channelName,
      user_id: String(bob.id),
    });
    bobClient.unsubscribe(channelName);
    expect(await reader.waitFor((e) => e.kind === 'member.removed')).toEqual({
      kind: 'member.removed',
      at: expect.stringMatching(AT),
      channel: channelName,
      user_id: String(bob.id),
    });
    expect(await reader.waitFor((e) => e.kind === 'unsubscribed')).toMatchObject({ socket_id: bobSocket, channel: channelName, user_id: String(bob.id) });
  });

  it('a client with the wrong app key appears as a refused connection (4001)', async () => {
    const reader = await watch();
    const config = await realtimeConfig(server);
    const lost = new Pusher('not-this-apps-key', { cluster: 'mt1', wsHost: config.ws_host, wsPort: config.ws_port, forceTLS: false, enabledTransports: ['ws'] });
    clients.push(lost);
    expect(await reader.waitFor((e) => e.kind === 'connection.refused')).toEqual({
      kind: 'connection.refused',
      at: expect.stringMatching(AT),
      code: 4001,
      meaning: 'app key unknown to this server',
      detail: 'Application does not exist',
      app_key: 'not-this-apps-key',
      client: 'js',
      version: PUSHER_JS_VERSION,
    });
  });
});

describe('chatctl console: who may watch', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ ...APP });
  });
  afterAll(async () => {
    await server.stop();
  });

  const refusedWith = async (path: string) => {
    const reader = await openConsole(server, path);
    const text = await reader.text();
    expect(reader.response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(text).not.toContain(APP.PUSHER_APP_SECRET);
    expect(text).not.toContain('"kind"');
    return { status: reader.status, body: JSON.parse(text) as { status: boolean; message: string } };
  };

  it('an unsigned request is refused with 401 and the envelope, nothing else', async () => {
    expect(await refusedWith('/debug/console')).toEqual({
      status: 401,
      body: { status: false, message: 'Only the operator may watch: missing auth_key (sign the request with the app secret, as chatctl console does).' },
    });
  });

  it('a request signed with the wrong secret or key is refused', async () => {
    expect(await refusedWith(signedConsolePath({ key: APP.PUSHER_APP_KEY, secret: 'a-guessed-secret-000000000' }))).toEqual({
      status: 401,
      body: { status: false, message: 'Only the operator may watch: invalid signature (sign the request with the app secret, as chatctl console does).' },
    });
    expect((await refusedWith(signedConsolePath({ key: 'another-key', secret: APP.PUSHER_APP_SECRET }))).body.message).toBe(
      'Only the operator may watch: invalid auth_key for this app (sign the request with the app secret, as chatctl console does).',
    );
  });

  it('a stale timestamp and a replayed signature are refused', async () => {
    const stale = await refusedWith(signedConsolePath(CREDS, { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    expect(stale.status).toBe(401);
    expect(stale.body.message).toMatch(/^Only the operator may watch: timestamp expired: given timestamp \d+ is not within 600s of server time \d+/);

    const path = signedConsolePath(CREDS);
    const first = await openConsole(server, path);
    expect(first.status).toBe(200);
    first.close();
    expect(await refusedWith(path)).toEqual({
      status: 401,
      body: { status: false, message: 'Only the operator may watch: this signed request was already used; sign a new one.' },
    });
  });

  it('several consoles watch at once and each sees every event', async () => {
    const readers = await Promise.all([0, 1, 2].map(() => openConsole(server, signedConsolePath(CREDS))));
    expect(readers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(server.debug.subscriberCount).toBe(3);
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    await startConversation(server, ann, bob);
    for (const reader of readers) {
      expect(await reader.waitFor((e) => e.kind === 'publish' && e.event === 'conversation.created')).toMatchObject({ recipients: 0 });
      reader.close();
    }
    await expect.poll(() => server.debug.subscriberCount).toBe(0);
  });
});

describe('chatctl console: bounds and lifecycle', () => {
  it('at most maxConsoles watch (429 beyond), heartbeats flow, and a stopping server ends every stream', async () => {
    const server = await startTestServer({ ...APP }, { console: { maxConsoles: 2, heartbeatMs: 100 } });
    try {
      const first = await openConsole(server, signedConsolePath(CREDS));
      const second = await openConsole(server, signedConsolePath(CREDS));
      expect([first.status, second.status]).toEqual([200, 200]);
      const third = await openConsole(server, signedConsolePath(CREDS));
      expect(third.status).toBe(429);
      expect(JSON.parse(await third.text())).toEqual({ status: false, message: 'Too many consoles are watching already (at most 2).' });
      expect(await first.waitFor((e) => e.kind === 'heartbeat')).toEqual({ kind: 'heartbeat', at: expect.stringMatching(AT) });

      await server.stop();
      await expect.poll(() => first.ended() && second.ended(), { timeout: 5000 }).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
