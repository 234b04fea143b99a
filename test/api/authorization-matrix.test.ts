// The authorization matrix (issue 7): every endpoint of contract §4 × {no token, malformed tokens,
// revoked token, a stranger} → exact codes and envelopes, nothing leaked; channel auth for each
// channel kind; the same refusals seen by a real pusher-js client.
import { readFileSync } from 'node:fs';
import type { PusherClient as Pusher } from '../../src/client/realtime.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connected, pusherClient, realtimeConfig, subscribed, type RealtimeConfig } from '../helpers/realtime.js';
import { api, registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

const UNAUTHENTICATED = { status: false, message: 'Unauthenticated.' };
const NOT_A_PARTICIPANT = { status: false, message: 'You are not a participant in this conversation' };
const SECRET_TEXT = 'matrix secret plans';
const SECRET_FILE = 'matrix top secret file';

interface Endpoint {
  method: string;
  path: string;
  json?: unknown;
  form?: Record<string, string>;
  /** What a valid user who is not in the conversation gets. */
  stranger: { status: number; body?: unknown };
}

describe('authorization matrix over every endpoint', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let conversationId: number;
  let attachmentMessageId: number;
  let revokedToken: string;
  let pusherSecret: string;
  let rtConfig: RealtimeConfig;
  const clients: Pusher[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    [ann, bob, eve] = [await registerUser(server, 'Ann'), await registerUser(server, 'Bob'), await registerUser(server, 'Eve')];
    conversationId = await startConversation(server, ann, bob);
    await sendText(server, ann, conversationId, SECRET_TEXT);
    const form = new FormData();
    form.append('type', 'file');
    form.append('file', new Blob([SECRET_FILE]), 'plans.txt');
    const upload = await api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token: ann.token, body: form });
    expect(upload.status).toBe(201);
    attachmentMessageId = upload.body.data.id;
    const login = await api(server, 'POST', '/api/login', { json: { email: ann.email, password: 'secret-password' } });
    revokedToken = login.body.data.token;
    expect((await api(server, 'POST', '/api/logout', { token: revokedToken })).status).toBe(200);
    pusherSecret = (JSON.parse(readFileSync(`${server.dir}/pusher-app.json`, 'utf8')) as { secret: string }).secret;
    rtConfig = await realtimeConfig(server);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => server.stop());

  const channelAuth = (channel: string): Omit<Endpoint, 'stranger'> => ({
    method: 'POST',
    path: '/broadcasting/auth',
    form: { socket_id: '1234.5678', channel_name: channel },
  });

  /** Every route that needs a token (contract §4). */
  const endpoints = (): Endpoint[] => [
    { method: 'GET', path: '/api/user', stranger: { status: 200 } },
    { method: 'GET', path: '/api/users?search=Ann', stranger: { status: 200 } },
    { method: 'GET', path: '/api/chat/conversations', stranger: { status: 200, body: { status: true, data: [] } } },
    { method: 'POST', path: '/api/chat/conversations/start', json: { user_id: bob.id }, stranger: { status: 201 } },
    { method: 'GET', path: `/api/chat/conversations/${conversationId}/messages`, stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    { method: 'GET', path: `/api/chat/conversations/${conversationId}/messages?after_id=0&limit=200`, stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    {
      method: 'POST',
      path: `/api/chat/conversations/${conversationId}/messages`,
      json: { message: 'intruder', type: 'text' },
      stranger: { status: 403, body: NOT_A_PARTICIPANT },
    },
    { method: 'POST', path: `/api/chat/conversations/${conversationId}/read`, stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    { method: 'GET', path: `/api/chat/messages/${attachmentMessageId}/attachment`, stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    { ...channelAuth(`private-conversation.${conversationId}`), stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    { ...channelAuth(`presence-conversation.${conversationId}`), stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    { ...channelAuth(`private-user.${ann.id}`), stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    { ...channelAuth(`private-encrypted-conversation.${conversationId}`), stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    { ...channelAuth('news'), stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    { ...channelAuth('private-conversation.999999'), stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    { ...channelAuth(`#server-to-user-${ann.id}`), stranger: { status: 403, body: NOT_A_PARTICIPANT } },
    {
      method: 'POST',
      path: '/api/broadcasting/auth',
      json: { socket_id: '1234.5678', channel_name: `private-conversation.${conversationId}` },
      stranger: { status: 403, body: NOT_A_PARTICIPANT },
    },
    // Last: logging out revokes the stranger's token.
    { method: 'POST', path: '/api/logout', stranger: { status: 200 } },
  ];

  const badCredentials = (): { label: string; headers: Record<string, string> }[] => [
    { label: 'no token', headers: {} },
    { label: 'empty bearer', headers: { authorization: 'Bearer ' } },
    { label: 'bare word', headers: { authorization: 'Bearer' } },
    { label: 'garbage', headers: { authorization: 'Bearer not-a-real-token' } },
    { label: 'forged id|secret', headers: { authorization: `Bearer ${ann.token.split('|')[0]}|${'x'.repeat(40)}` } },
    { label: 'empty secret', headers: { authorization: `Bearer ${ann.token.split('|')[0]}|` } },
    { label: 'huge id', headers: { authorization: `Bearer 99999999999999999999999|${'x'.repeat(40)}` } },
    { label: 'negative id', headers: { authorization: `Bearer -1|${'x'.repeat(40)}` } },
    { label: 'overlong', headers: { authorization: `Bearer ${'a'.repeat(5000)}` } },
    { label: 'two tokens', headers: { authorization: `Bearer ${bob.token} ${ann.token}` } },
    { label: 'wrong scheme', headers: { authorization: `Basic ${Buffer.from(`${ann.email}:secret-password`).toString('base64')}` } },
    { label: 'token without scheme', headers: { authorization: ann.token } },
    { label: 'revoked token', headers: { authorization: `Bearer ${revokedToken}` } },
  ];

  function expectNothingLeaked(text: string): void {
    expect(text).not.toContain(SECRET_TEXT);
    expect(text).not.toContain(SECRET_FILE);
    expect(text).not.toContain(pusherSecret);
    expect(text).not.toContain(ann.email);
    expect(text).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack trace
  }

  it('answers 401 with the exact envelope for every endpoint × every bad credential', async () => {
    const failures: unknown[] = [];
    let checked = 0;
    for (const endpoint of endpoints()) {
      for (const credential of badCredentials()) {
        const res = await api(server, endpoint.method, endpoint.path, { headers: credential.headers, json: endpoint.json, form: endpoint.form });
        checked += 1;
        expectNothingLeaked(res.text);
        if (res.status !== 401 || JSON.stringify(res.body) !== JSON.stringify(UNAUTHENTICATED)) {
          failures.push({ path: endpoint.path, credential: credential.label, status: res.status, body: res.body });
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(endpoints().length * badCredentials().length);
  });

  it('a stranger gets 403 on everything of a conversation and every channel that is not theirs, and nothing is written', async () => {
    const stranger = await api(server, 'POST', '/api/login', { json: { email: eve.email, password: 'secret-password' } });
    const token = stranger.body.data.token as string;
    const outcomes = [];
    for (const endpoint of endpoints()) {
      const res = await api(server, endpoint.method, endpoint.path, { token, json: endpoint.json, form: endpoint.form });
      expectNothingLeaked(res.text);
      outcomes.push({
        path: `${endpoint.method} ${endpoint.path} ${endpoint.form?.channel_name ?? ''}`,
        status: res.status,
        ...(endpoint.stranger.body ? { body: res.body } : {}),
      });
    }
    expect(outcomes).toEqual(
      endpoints().map((endpoint) => ({
        path: `${endpoint.method} ${endpoint.path} ${endpoint.form?.channel_name ?? ''}`,
        ...endpoint.stranger,
      })),
    );
    const history = await api(server, 'GET', `/api/chat/conversations/${conversationId}/messages`, { token: bob.token });
    expect(history.body.data.map((m: { message: string }) => m.message)).not.toContain('intruder');
    // ...and the token the stranger logged out with is dead.
    expect((await api(server, 'GET', '/api/user', { token })).status).toBe(401);
  });

  it('unknown ids are 404 with the envelope for a participant and a stranger alike', async () => {
    for (const token of [ann.token, eve.token]) {
      for (const [method, path] of [
        ['GET', '/api/chat/conversations/987654/messages'],
        ['POST', '/api/chat/conversations/987654/messages'],
        ['POST', '/api/chat/conversations/987654/read'],
        ['GET', '/api/chat/messages/987654/attachment'],
      ] as const) {
        const res = await api(server, method, path, { token, json: method === 'POST' ? { message: 'x', type: 'text' } : undefined });
        expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: { status: false, message: 'Not Found' } });
      }
    }
  });

  it('participants get what strangers are refused (the matrix can fail)', async () => {
    const auth = await api(server, 'POST', '/broadcasting/auth', { token: bob.token, form: { socket_id: '1234.5678', channel_name: `private-conversation.${conversationId}` } });
    expect(auth.status).toBe(200);
    expect(auth.body).toEqual({ auth: expect.stringMatching(new RegExp(`^${rtConfig.key}:[0-9a-f]{64}$`)) });
    const file = await api(server, 'GET', `/api/chat/messages/${attachmentMessageId}/attachment`, { token: bob.token });
    expect(file.text).toBe(SECRET_FILE);
  });

  it('pusher-js: a stranger cannot subscribe to the conversation or another user’s channel', async () => {
    const client = pusherClient(rtConfig, eve.token);
    clients.push(client);
    await connected(client);
    for (const name of [`private-conversation.${conversationId}`, `presence-conversation.${conversationId}`, `private-user.${ann.id}`]) {
      await expect(subscribed(client, name)).rejects.toMatchObject({ payload: { type: 'AuthError', status: 403 } });
    }
    // Their own user channel works, so the refusals above are about who, not about the client.
    await subscribed(client, `private-user.${eve.id}`);
    expect(client.connection.state).toBe('connected');
  });

  it('pusher-js: a signature obtained by a participant for their socket does not open the channel on another socket', async () => {
    const bobClient = pusherClient(rtConfig, bob.token);
    clients.push(bobClient);
    const bobSocket = await connected(bobClient);
    const stolen = await api(server, 'POST', '/broadcasting/auth', {
      token: bob.token,
      form: { socket_id: bobSocket, channel_name: `private-conversation.${conversationId}` },
    });
    expect(stolen.status).toBe(200);
    const { Pusher } = await import('../../src/client/realtime.js');
    const thief = new Pusher(rtConfig.key, {
      cluster: rtConfig.cluster,
      wsHost: rtConfig.ws_host,
      wsPort: rtConfig.ws_port,
      forceTLS: false,
      enabledTransports: ['ws'],
      channelAuthorization: { customHandler: (_params, callback) => callback(null, stolen.body) },
    } as ConstructorParameters<typeof Pusher>[1]);
    clients.push(thief);
    await connected(thief);
    await expect(subscribed(thief, `private-conversation.${conversationId}`)).rejects.toMatchObject({ payload: { type: 'AuthError', status: 401 } });
  });
});
