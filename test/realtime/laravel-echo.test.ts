// laravel-echo with its pusher-js connector, configured as a Laravel app's bootstrap.js would be.
import Echo from 'laravel-echo';
import Pusher from 'pusher-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { realtimeConfig, sleep, waitFor } from '../helpers/realtime.js';

describe('laravel-echo', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let conversationId: number;
  let echo: Echo<'pusher'>;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerUser(server, 'Ann');
    bob = await registerUser(server, 'Bob');
    conversationId = await startConversation(server, ann, bob);
    const config = await realtimeConfig(server);
    echo = new Echo({
      broadcaster: 'pusher',
      Pusher,
      key: config.key,
      cluster: config.cluster,
      wsHost: config.ws_host,
      wsPort: config.ws_port,
      wssPort: config.ws_port,
      forceTLS: false,
      enabledTransports: ['ws'],
      // Echo's default endpoint is relative, which pusher-js in Node resolves to localhost:80.
      authEndpoint: config.auth_endpoint,
      bearerToken: bob.token,
    });
  });
  afterAll(async () => {
    echo.disconnect();
    await server.stop();
  });

  it("Echo.private('conversation.{id}').listen('.message.sent') receives the message", async () => {
    const received: Array<Record<string, unknown>> = [];
    const subscribed = new Promise<void>((resolve) =>
      echo.private(`conversation.${conversationId}`).subscribed(() => resolve()).listen('.message.sent', (e: Record<string, unknown>) => received.push(e)),
    );
    await subscribed;
    const sent = await sendText(server, ann, conversationId, 'hello from the API');
    await waitFor(received);
    expect(received[0]).toEqual({
      id: sent.id,
      conversation_id: conversationId,
      sender_id: ann.id,
      message: 'hello from the API',
      type: 'text',
      created_at: sent.created_at,
      sender: { id: ann.id, name: 'Ann', avatar: expect.any(String) },
    });
  });

  it("without the leading dot Echo listens for App\\Events\\message\\sent and gets nothing (Laravel's classic trap)", async () => {
    const received: unknown[] = [];
    echo.private(`conversation.${conversationId}`).listen('message.sent', (e: unknown) => received.push(e));
    await sendText(server, ann, conversationId, 'second');
    await sleep(200);
    expect(received).toEqual([]);
  });

  it('whispers (client-typing) reach the other participant', async () => {
    const annEcho = new Echo({
      broadcaster: 'pusher',
      Pusher,
      key: (await realtimeConfig(server)).key,
      cluster: 'mt1',
      wsHost: '127.0.0.1',
      wsPort: server.port,
      forceTLS: false,
      enabledTransports: ['ws'],
      authEndpoint: `${server.url}/broadcasting/auth`,
      bearerToken: ann.token,
    });
    try {
      const typing: unknown[] = [];
      echo.private(`conversation.${conversationId}`).listenForWhisper('typing', (e: unknown) => typing.push(e));
      const annChannel = annEcho.private(`conversation.${conversationId}`);
      await new Promise<void>((resolve) => annChannel.subscribed(() => resolve()));
      annChannel.whisper('typing', { name: 'Ann' });
      await waitFor(typing);
      expect(typing).toEqual([{ name: 'Ann' }]);
    } finally {
      annEcho.disconnect();
    }
  });
});
