// BROADCAST_DRIVER=pusher: server A stores and triggers through the official SDK into server B's
// embedded Pusher HTTP API; pusher-js connected to B receives. A dead or misconfigured host never
// fails or delays the send.
import Pusher from 'pusher';
import type { PusherClient } from '../../src/client/realtime.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { collect, pusherClient, realtimeConfig, subscribed, waitFor } from '../helpers/realtime.js';
import { closedPort } from '../helpers/net.js';

const APP = { PUSHER_APP_ID: '4242', PUSHER_APP_KEY: 'relay-key-0123456789', PUSHER_APP_SECRET: 'relay-secret-abcdefghijklmnop' };

describe('BROADCAST_DRIVER=pusher relaying through another chatctl', () => {
  let relay: TestServer; // B: embedded server, the "Pusher host"
  let api_: TestServer; // A: stores, triggers via the SDK
  let ann: TestUser;
  let bob: TestUser;
  let conversationId: number;
  const clients: PusherClient[] = [];

  beforeAll(async () => {
    relay = await startTestServer({ ...APP });
    api_ = await startTestServer({
      ...APP,
      BROADCAST_DRIVER: 'pusher',
      PUSHER_HOST: '127.0.0.1',
      PUSHER_PORT: String(relay.port),
      PUSHER_SCHEME: 'http',
    });
    ann = await registerUser(api_, 'Ann');
    bob = await registerUser(api_, 'Bob');
    conversationId = await startConversation(api_, ann, bob);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await api_.stop();
    await relay.stop();
  });

  it("A's realtime config points clients at B", async () => {
    const config = await realtimeConfig(api_);
    expect(config).toMatchObject({ key: APP.PUSHER_APP_KEY, ws_host: '127.0.0.1', ws_port: relay.port, force_tls: false, auth_endpoint: `${api_.url}/broadcasting/auth` });
    expect((await api(api_, 'GET', '/api/chat/realtime')).body.data.driver).toBe('pusher');
  });

  it('A stores, B relays, pusher-js on B receives', async () => {
    const config = await realtimeConfig(api_);
    const bobClient = pusherClient(config, bob.token);
    clients.push(bobClient);
    const channel = await subscribed(bobClient, `private-conversation.${conversationId}`);
    const received = collect(channel, 'message.sent');
    const sent = await sendText(api_, ann, conversationId, 'via the relay');
    const [event] = await waitFor(received);
    expect(event).toEqual({
      id: sent.id,
      conversation_id: conversationId,
      sender_id: ann.id,
      message: 'via the relay',
      type: 'text',
      created_at: sent.created_at,
      sender: { id: ann.id, name: 'Ann', avatar: expect.any(String) },
    });
    const health = await api(api_, 'GET', '/health');
    expect(health.body.data.broadcasting).toMatchObject({ driver: 'pusher', failures: 0 });
    expect(health.body.data.broadcasting.published).toBeGreaterThanOrEqual(1);
  });

  it("the official SDK with the right secret is accepted by B's HTTP API, a wrong one is refused", async () => {
    const good = new Pusher({ appId: APP.PUSHER_APP_ID, key: APP.PUSHER_APP_KEY, secret: APP.PUSHER_APP_SECRET, host: '127.0.0.1', port: String(relay.port), useTLS: false });
    const ok = await good.trigger('public-test', 'ping', { n: 1 });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
    const bad = new Pusher({ appId: APP.PUSHER_APP_ID, key: APP.PUSHER_APP_KEY, secret: 'wrong-secret-xxxxxxxxxxxxx', host: '127.0.0.1', port: String(relay.port), useTLS: false });
    await expect(bad.trigger('public-test', 'ping', { n: 1 })).rejects.toMatchObject({ status: 401 });
  });
});

describe('BROADCAST_DRIVER=pusher with a broken host', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('a dead host: the send still answers 201 at once, the failure is counted and logged without the secret', async () => {
    const logged: string[] = [];
    const server = await startTestServer(
      { ...APP, BROADCAST_DRIVER: 'pusher', PUSHER_HOST: '127.0.0.1', PUSHER_PORT: String(await closedPort()), PUSHER_SCHEME: 'http' },
      { log: (_level, message) => logged.push(message) },
    );
    servers.push(server);
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    const id = await startConversation(server, ann, bob);
    const started = Date.now();
    const res = await api(server, 'POST', `/api/chat/conversations/${id}/messages`, { token: ann.token, json: { message: 'stored anyway' } });
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1000);
    const history = await api(server, 'GET', `/api/chat/conversations/${id}/messages`, { token: bob.token });
    expect(history.body.data.map((m: { message: string }) => m.message)).toEqual(['stored anyway']);
    await expect.poll(async () => (await api(server, 'GET', '/health')).body.data.broadcasting.failures, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    const health = await api(server, 'GET', '/health');
    expect(health.body.data.broadcasting.last_error).toMatch(/^Pusher trigger of [a-z.]+ failed: /);
    expect(JSON.stringify(health.body)).not.toContain(APP.PUSHER_APP_SECRET);
    expect(logged.join('\n')).not.toContain(APP.PUSHER_APP_SECRET);
    expect(logged.length).toBeGreaterThanOrEqual(1);
  });

  it('a wrong secret: B answers 401, A counts it and still stores the message', async () => {
    const relay = await startTestServer({ ...APP });
    servers.push(relay);
    const server = await startTestServer({
      ...APP,
      PUSHER_APP_SECRET: 'not-the-relay-secret-000000',
      BROADCAST_DRIVER: 'pusher',
      PUSHER_HOST: '127.0.0.1',
      PUSHER_PORT: String(relay.port),
      PUSHER_SCHEME: 'http',
    });
    servers.push(server);
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    const id = await startConversation(server, ann, bob);
    expect((await sendText(server, ann, id, 'kept')).message).toBe('kept');
    await expect.poll(async () => (await api(server, 'GET', '/health')).body.data.broadcasting.last_error, { timeout: 5000 }).toMatch(/HTTP 401/);
    const health = await api(server, 'GET', '/health');
    expect(JSON.stringify(health.body)).not.toContain('not-the-relay-secret-000000');
  });
});
