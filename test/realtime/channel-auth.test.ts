// POST /broadcasting/auth answered exactly as Laravel's PusherBroadcaster: the HMAC a stock client
// sends back on subscribe, for form-encoded and JSON bodies, private and presence channels.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

describe('/broadcasting/auth', () => {
  let server: TestServer;
  let app: { id: string; key: string; secret: string };
  let ann: TestUser;
  let bob: TestUser;
  let conversationId: number;
  const hmac = (text: string) => createHmac('sha256', app.secret).update(text).digest('hex');

  beforeAll(async () => {
    server = await startTestServer();
    app = JSON.parse(readFileSync(join(server.dir, 'pusher-app.json'), 'utf8'));
    ann = await registerUser(server, 'Ann');
    bob = await registerUser(server, 'Bob');
    conversationId = await startConversation(server, ann, bob);
  });
  afterAll(() => server.stop());

  for (const path of ['/broadcasting/auth', '/api/broadcasting/auth']) {
    it(`${path}: form-encoded private channel → {"auth":"key:hmac(socket_id:channel)"}`, async () => {
      const channel = `private-conversation.${conversationId}`;
      const res = await api(server, 'POST', path, { token: ann.token, form: { socket_id: '123.456', channel_name: channel } });
      expect(res.status).toBe(200);
      expect(res.text).toBe(JSON.stringify({ auth: `${app.key}:${hmac(`123.456:${channel}`)}` }));
    });
  }

  it('JSON bodies work the same', async () => {
    const channel = `private-user.${bob.id}`;
    const res = await api(server, 'POST', '/broadcasting/auth', { token: bob.token, json: { socket_id: '9.87', channel_name: channel } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ auth: `${app.key}:${hmac(`9.87:${channel}`)}` });
  });

  it('presence channels get channel_data signed verbatim, user_id as a string (pusher-php-server 7)', async () => {
    const channel = `presence-conversation.${conversationId}`;
    const res = await api(server, 'POST', '/broadcasting/auth', { token: ann.token, form: { socket_id: '1.2', channel_name: channel } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['auth', 'channel_data']);
    expect(JSON.parse(res.body.channel_data)).toEqual({ user_id: String(ann.id), user_info: { id: ann.id, name: 'Ann', avatar: expect.any(String) } });
    expect(res.body.auth).toBe(`${app.key}:${hmac(`1.2:${channel}:${res.body.channel_data}`)}`);
  });

  it('the secret never appears in any answer', async () => {
    const answers = await Promise.all([
      api(server, 'POST', '/broadcasting/auth', { token: ann.token, form: { socket_id: '1.2', channel_name: `private-conversation.${conversationId}` } }),
      api(server, 'GET', '/api/chat/realtime'),
      api(server, 'GET', '/health'),
    ]);
    for (const res of answers) expect(res.text).not.toContain(app.secret);
  });
});
