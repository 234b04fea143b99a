// Every protected endpoint × {no token, garbage, revoked, other user's conversation}: 401/403, nothing leaked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

describe('authorization matrix', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let conversationId: number;
  let revokedToken: string;
  let attachmentMessageId: number;

  beforeAll(async () => {
    server = await startTestServer();
    [ann, bob, eve] = [await registerUser(server, 'Ann'), await registerUser(server, 'Bob'), await registerUser(server, 'Eve')];
    conversationId = await startConversation(server, ann, bob);
    await sendText(server, ann, conversationId, 'secret plans');
    const form = new FormData();
    form.append('type', 'file');
    form.append('file', new Blob(['top secret file']), 'plans.txt');
    const upload = await api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token: ann.token, body: form });
    expect(upload.status).toBe(201);
    attachmentMessageId = upload.body.data.id;
    const login = await api(server, 'POST', '/api/login', { json: { email: eve.email, password: 'secret-password' } });
    revokedToken = login.body.data.token;
    expect((await api(server, 'POST', '/api/logout', { token: revokedToken })).status).toBe(200);
  });
  afterAll(() => server.stop());

  const endpoints = () => [
    { method: 'GET', path: '/api/user' },
    { method: 'POST', path: '/api/logout' },
    { method: 'GET', path: '/api/users' },
    { method: 'GET', path: '/api/chat/conversations' },
    { method: 'POST', path: '/api/chat/conversations/start', json: { user_id: bob.id } },
    { method: 'GET', participantsOnly: true, path: `/api/chat/conversations/${conversationId}/messages` },
    { method: 'POST', participantsOnly: true, path: `/api/chat/conversations/${conversationId}/messages`, json: { message: 'x', type: 'text' } },
    { method: 'POST', participantsOnly: true, path: `/api/chat/conversations/${conversationId}/read` },
    { method: 'GET', participantsOnly: true, path: `/api/chat/messages/${attachmentMessageId}/attachment` },
    { method: 'POST', participantsOnly: true, path: '/broadcasting/auth', form: { socket_id: '1.1', channel_name: `private-conversation.${conversationId}` } },
    { method: 'POST', participantsOnly: true, path: '/api/broadcasting/auth', form: { socket_id: '1.1', channel_name: `private-conversation.${conversationId}` } },
  ];

  const credentials = () => [
    { label: 'no token', headers: {} as Record<string, string> },
    { label: 'garbage token', headers: { authorization: 'Bearer not-a-real-token' } },
    { label: 'forged id|secret', headers: { authorization: `Bearer ${ann.token.split('|')[0]}|${'x'.repeat(40)}` } },
    { label: 'wrong scheme', headers: { authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` } },
    { label: 'revoked token', headers: { authorization: `Bearer ${revokedToken}` } },
  ];

  it('answers 401 with the envelope for every endpoint without valid credentials', async () => {
    for (const endpoint of endpoints()) {
      for (const credential of credentials()) {
        const res = await api(server, endpoint.method, endpoint.path, {
          headers: credential.headers,
          json: endpoint.json,
          form: endpoint.form,
        });
        expect({ endpoint: endpoint.path, credential: credential.label, status: res.status, body: res.body }).toEqual({
          endpoint: endpoint.path,
          credential: credential.label,
          status: 401,
          body: { status: false, message: 'Unauthenticated.' },
        });
      }
    }
  });

  it("answers 403 to a non-participant on every conversation endpoint and leaks nothing", async () => {
    const conversationEndpoints = endpoints().filter((e) => e.participantsOnly);
    expect(conversationEndpoints.length).toBe(6);
    for (const endpoint of conversationEndpoints) {
      const res = await api(server, endpoint.method, endpoint.path, { token: eve.token, json: endpoint.json, form: endpoint.form });
      expect({ path: endpoint.path, status: res.status }).toEqual({ path: endpoint.path, status: 403 });
      expect(res.body.status).toBe(false);
      expect(res.text).not.toContain('secret plans');
      expect(res.text).not.toContain('top secret file');
    }
    // nothing was written by the refused send
    const history = await api(server, 'GET', `/api/chat/conversations/${conversationId}/messages`, { token: bob.token });
    expect(history.body.data.map((m: { message: string }) => m.message)).not.toContain('x');
  });

  it("a stranger's list does not show other people's conversations", async () => {
    const res = await api(server, 'GET', '/api/chat/conversations', { token: eve.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true, data: [] });
  });

  it('participants can reach what strangers cannot', async () => {
    const file = await api(server, 'GET', `/api/chat/messages/${attachmentMessageId}/attachment`, { token: bob.token });
    expect(file.status).toBe(200);
    expect(file.text).toBe('top secret file');
    expect(file.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''plans.txt");
  });
});
