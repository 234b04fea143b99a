// Real pusher-js against `serve` on port 0: authorizes through /broadcasting/auth with a bearer
// token, receives the seed's message.sent payload, message.read, user-channel list updates.
import { readFileSync } from 'node:fs';
import type { PusherClient as Pusher } from '../../src/client/realtime.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { collect, connected, pusherClient, realtimeConfig, sleep, subscribed, waitFor, type RealtimeConfig } from '../helpers/realtime.js';
import { ISO_SECONDS, SEED } from '../helpers/seed.js';
import { shapeDifferences } from '../helpers/shape.js';

describe('real-time delivery through the embedded Pusher server', () => {
  let server: TestServer;
  let config: RealtimeConfig;
  let ann: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let conversationId: number;
  const clients: Pusher[] = [];
  const client = (token: string) => {
    const c = pusherClient(config, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
    config = await realtimeConfig(server);
    ann = await registerUser(server, 'Ann');
    bob = await registerUser(server, 'Bob');
    eve = await registerUser(server, 'Eve');
    conversationId = await startConversation(server, ann, bob);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => server.stop());

  it('GET /api/chat/realtime tells a client how to connect, without the secret', async () => {
    const res = await api(server, 'GET', '/api/chat/realtime');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      driver: 'embedded',
      enabled: true,
      key: expect.stringMatching(/^[0-9a-f]{20}$/),
      cluster: 'mt1',
      ws_host: '127.0.0.1',
      ws_port: server.port,
      wss_port: server.port,
      force_tls: false,
      auth_endpoint: `${server.url}/broadcasting/auth`,
      user_auth_endpoint: `${server.url}/broadcasting/user-auth`,
      watchlist: true,
      channels: { conversation: 'private-conversation.{id}', user: 'private-user.{id}' },
      events: ['message.sent', 'message.read', 'conversation.created', 'conversation.updated', 'client-typing'],
    });
    expect(res.text).not.toContain(JSON.parse(readFileSync(`${server.dir}/pusher-app.json`, 'utf8')).secret);
  });

  it('a participant receives the exact seed payload of message.sent after an HTTP send', async () => {
    const bobClient = client(bob.token);
    const channel = await subscribed(bobClient, `private-conversation.${conversationId}`);
    const received = collect(channel, 'message.sent');
    const sent = await sendText(server, ann, conversationId, 'كيف حالك؟');
    const [event] = await waitFor(received);
    expect(shapeDifferences(event, SEED.messageSentEvent)).toEqual([]);
    expect(event).toEqual({
      id: sent.id,
      conversation_id: conversationId,
      sender_id: ann.id,
      message: 'كيف حالك؟',
      type: 'text',
      created_at: sent.created_at,
      sender: { id: ann.id, name: 'Ann', avatar: expect.stringMatching(/^https:\/\//) },
    });
    expect(event.created_at).toMatch(ISO_SECONDS);
  });

  it('the other participant receives message.read when it reads', async () => {
    const annClient = client(ann.token);
    const channel = await subscribed(annClient, `private-conversation.${conversationId}`);
    const reads = collect(channel, 'message.read');
    const sent = await sendText(server, ann, conversationId, 'did you read this?');
    await api(server, 'GET', `/api/chat/conversations/${conversationId}/messages`, { token: bob.token });
    const [read] = await waitFor(reads);
    expect(read).toEqual({ conversation_id: conversationId, user_id: bob.id, last_read_message_id: sent.id, read_at: expect.stringMatching(ISO_SECONDS) });
    // reading again changes nothing and sends nothing
    await api(server, 'POST', `/api/chat/conversations/${conversationId}/read`, { token: bob.token });
    await sleep(150);
    expect(reads).toHaveLength(1);
  });

  it('X-Socket-ID (toOthers) keeps the sender connection from getting its own message', async () => {
    const annClient = client(ann.token);
    const bobClient = client(bob.token);
    const annSocket = await connected(annClient);
    const annChannel = await subscribed(annClient, `private-conversation.${conversationId}`);
    const bobChannel = await subscribed(bobClient, `private-conversation.${conversationId}`);
    const annGot = collect(annChannel, 'message.sent');
    const bobGot = collect(bobChannel, 'message.sent');
    const res = await api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, {
      token: ann.token,
      json: { message: 'only for Bob' },
      headers: { 'x-socket-id': annSocket },
    });
    expect(res.status).toBe(201);
    await waitFor(bobGot);
    await sleep(150);
    expect(bobGot.map((e) => e.message)).toEqual(['only for Bob']);
    expect(annGot).toEqual([]);
  });

  it('a non-participant is refused with subscription_error 403 and receives nothing', async () => {
    const eveClient = client(eve.token);
    const error = await subscribed(eveClient, `private-conversation.${conversationId}`).then(
      () => null,
      (e: { payload: { type: string; status: number } }) => e.payload,
    );
    expect(error).toMatchObject({ type: 'AuthError', status: 403 });
    const channel = eveClient.channel(`private-conversation.${conversationId}`);
    const got = collect(channel, 'message.sent');
    await sendText(server, ann, conversationId, 'not for Eve');
    await sleep(200);
    expect(got).toEqual([]);
  });

  it('private-user.{id} carries conversation.created and conversation.updated with per-user unread counts', async () => {
    const dan = await registerUser(server, 'Dan');
    const danClient = client(dan.token);
    const annClient = client(ann.token);
    const danChannel = await subscribed(danClient, `private-user.${dan.id}`);
    const annChannel = await subscribed(annClient, `private-user.${ann.id}`);
    const danCreated = collect(danChannel, 'conversation.created');
    const danUpdated = collect(danChannel, 'conversation.updated');
    const annUpdated = collect(annChannel, 'conversation.updated');

    const id = await startConversation(server, ann, dan);
    const [created] = await waitFor(danCreated);
    expect(created).toEqual({
      conversation_id: id,
      other_user: { id: ann.id, name: 'Ann', avatar: expect.any(String) },
      latest_message: null,
      unread_count: 0,
      updated_at: expect.stringMatching(ISO_SECONDS),
    });

    const sent = await sendText(server, ann, id, 'hello Dan');
    const [forDan] = await waitFor(danUpdated);
    expect(forDan).toMatchObject({ conversation_id: id, unread_count: 1, latest_message: { id: sent.id, sender_id: ann.id, message: 'hello Dan', type: 'text' } });
    const [forAnn] = await waitFor(annUpdated);
    expect(forAnn).toMatchObject({ conversation_id: id, unread_count: 0, other_user: { id: dan.id } });

    await api(server, 'GET', `/api/chat/conversations/${id}/messages`, { token: dan.token });
    await waitFor(danUpdated, 2);
    expect(danUpdated[1]).toMatchObject({ conversation_id: id, unread_count: 0 });
  });

  it("nobody may subscribe to another user's channel", async () => {
    const eveClient = client(eve.token);
    const error = await subscribed(eveClient, `private-user.${ann.id}`).then(
      () => null,
      (e: { payload: { status: number } }) => e.payload,
    );
    expect(error).toMatchObject({ status: 403 });
  });

  it('client-typing reaches the other participant, not the sender', async () => {
    const annClient = client(ann.token);
    const bobClient = client(bob.token);
    const annChannel = await subscribed(annClient, `private-conversation.${conversationId}`);
    const bobChannel = await subscribed(bobClient, `private-conversation.${conversationId}`);
    const bobTyping = collect(bobChannel, 'client-typing');
    const annTyping = collect(annChannel, 'client-typing');
    expect(annChannel.trigger('client-typing', { user_id: ann.id, typing: true })).toBe(true);
    const [typing] = await waitFor(bobTyping);
    expect(typing).toEqual({ user_id: ann.id, typing: true });
    await sleep(150);
    expect(annTyping).toEqual([]);
  });

  it('presence-conversation.{id} shows who is online, for participants only', async () => {
    const annClient = client(ann.token);
    const bobClient = client(bob.token);
    const annPresence = await subscribed(annClient, `presence-conversation.${conversationId}`);
    const joined = collect(annPresence, 'pusher:member_added');
    await subscribed(bobClient, `presence-conversation.${conversationId}`);
    const [member] = await waitFor(joined);
    expect(member).toEqual({ id: String(bob.id), info: { id: bob.id, name: 'Bob', avatar: expect.any(String) } });
    const eveClient = client(eve.token);
    await expect(subscribed(eveClient, `presence-conversation.${conversationId}`)).rejects.toThrow('subscription_error');
  });
});
