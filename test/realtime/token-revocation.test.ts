// Issue 7 item 11: a revoked token must not keep its live socket. Logout closes the sockets the
// token authorised at once; `chatctl token revoke` (another process writing the database) is
// noticed by the server's periodic check.
import type { PusherClient as Pusher } from '../../src/client/realtime.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { collect, connected, pusherClient, realtimeConfig, sleep, subscribed, waitFor, type RealtimeConfig } from '../helpers/realtime.js';
import { api, registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

describe('revoked tokens lose their real-time connections', () => {
  let server: TestServer;
  let config: RealtimeConfig;
  let ann: TestUser;
  let bob: TestUser;
  let conversationId: number;
  const clients: Pusher[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { revocationCheckMs: 200 });
    config = await realtimeConfig(server);
    ann = await registerUser(server, 'Ann');
    bob = await registerUser(server, 'Bob');
    conversationId = await startConversation(server, ann, bob);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => server.stop());

  async function login(user: TestUser): Promise<string> {
    const res = await api(server, 'POST', '/api/login', { json: { email: user.email, password: 'secret-password', device_name: 'phone' } });
    expect(res.status).toBe(200);
    return res.body.data.token as string;
  }

  /** A pusher-js client subscribed to the conversation and the user's channel with `token`. */
  async function listening(token: string, userId: number) {
    const client = pusherClient(config, token);
    clients.push(client);
    await connected(client);
    const conversation = await subscribed(client, `private-conversation.${conversationId}`);
    await subscribed(client, `private-user.${userId}`);
    const errors: unknown[] = [];
    client.connection.bind('error', (error: unknown) => errors.push(error));
    return { client, messages: collect<{ message: string }>(conversation, 'message.sent'), errors };
  }

  function closedWith4009(errors: unknown[]) {
    return errors.some((e) => JSON.stringify(e).includes('"code":4009'));
  }

  it('logout closes the sockets its token authorised (4009) and they receive nothing more; other tokens keep theirs', async () => {
    const token = await login(ann);
    const phone = await listening(token, ann.id);
    const laptop = await listening(ann.token, ann.id); // another token of the same user
    await sendText(server, bob, conversationId, 'before logout');
    await waitFor(phone.messages, 1);
    await waitFor(laptop.messages, 1);

    expect((await api(server, 'POST', '/api/logout', { token })).status).toBe(200);
    await waitFor(phone.errors, 1);
    expect(closedWith4009(phone.errors)).toBe(true);
    expect(phone.errors[0]).toEqual({ type: 'PusherError', data: { code: 4009, message: 'The access token of this connection was revoked' } });
    await sleep(300);
    expect(phone.client.connection.state).toBe('disconnected'); // 4009: pusher-js does not reconnect

    await sendText(server, bob, conversationId, 'after logout');
    await waitFor(laptop.messages, 2);
    await sleep(300);
    expect(phone.messages.map((m) => m.message)).toEqual(['before logout']);
    expect(laptop.client.connection.state).toBe('connected');
  });

  it('a reconnect with the revoked token is refused by /broadcasting/auth (401), so no channel comes back', async () => {
    const token = await login(ann);
    expect((await api(server, 'POST', '/api/logout', { token })).status).toBe(200);
    const client = pusherClient(config, token);
    clients.push(client);
    await connected(client);
    await expect(subscribed(client, `private-conversation.${conversationId}`)).rejects.toMatchObject({
      payload: { type: 'AuthError', status: 401 },
    });
  });

  it('`chatctl token revoke` in another process ends the socket within the check interval', async () => {
    const token = await login(ann);
    const tokenId = token.split('|')[0] ?? '';
    const phone = await listening(token, ann.id);
    const laptop = await listening(ann.token, ann.id);
    await sendText(server, bob, conversationId, 'before revoke');
    await waitFor(phone.messages, 1);

    const result = await runCli(['token', 'revoke', tokenId, '--db', server.config.databasePath], { env: { CHATCTL_DATA_DIR: server.dir } });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });

    await waitFor(phone.errors, 1, 5000);
    expect(closedWith4009(phone.errors)).toBe(true);
    await sendText(server, bob, conversationId, 'after revoke');
    await waitFor(laptop.messages, 2);
    await sleep(300);
    expect(phone.messages.map((m) => m.message)).toEqual(['before revoke']);
    expect(phone.client.connection.state).toBe('disconnected');
    expect(laptop.client.connection.state).toBe('connected');
  }, 30_000);
});
