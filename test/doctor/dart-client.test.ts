// The README's dart_pusher_channels configuration (the client doctor recommends for Flutter),
// replayed on the wire against a real chatctl: the URL PusherChannelsOptions.fromHost builds, the
// form POST EndpointAuthorizableChannelTokenAuthorizationDelegate sends with the README's headers,
// the pusher:subscribe frame, and message.sent arriving with the seed's shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { registerUser, sendText, startConversation, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

function nextFrame(socket: WebSocket, event: string): Promise<{ event: string; channel?: string; data: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within 10 s`)), 10_000);
    const onMessage = (raw: Buffer) => {
      const frame = JSON.parse(raw.toString('utf8')) as { event: string; channel?: string; data: unknown };
      if (frame.event !== event) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(frame);
    };
    socket.on('message', onMessage);
  });
}

describe('dart_pusher_channels against chatctl (README: Mobile clients)', () => {
  it('connects with fromHost, authorizes with the bearer token, and receives message.sent', async () => {
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    const conversationId = await startConversation(server, ann, bob);
    const realtime = (await (await fetch(`${server.url}/api/chat/realtime`)).json()) as { data: { key: string; ws_host: string; ws_port: number; force_tls: boolean; auth_endpoint: string } };
    const { key, ws_host: host, ws_port: port, force_tls: tls, auth_endpoint: authEndpoint } = realtime.data;
    expect(tls).toBe(false);

    // PusherChannelsOptions.fromHost(scheme: 'ws', host, port, key) with the default metadata queries.
    const socket = new WebSocket(`ws://${host}:${port}/app/${key}?protocol=7&client=dart&version=1.2.3&flash=false`);
    const established = await nextFrame(socket, 'pusher:connection_established');
    const socketId = (JSON.parse(established.data as string) as { socket_id: string }).socket_id;

    // forPrivateChannel(authorizationEndpoint, headers: {'Authorization': 'Bearer …', 'Accept': 'application/json'})
    const channel = `private-conversation.${conversationId}`;
    const auth = await fetch(authEndpoint, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bob.token}`, Accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ socket_id: socketId, channel_name: channel }).toString(),
    });
    expect(auth.status).toBe(200);
    const { auth: signature } = (await auth.json()) as { auth: string };
    expect(signature).toMatch(new RegExp(`^${key}:[0-9a-f]{64}$`));

    socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel, auth: signature } }));
    await nextFrame(socket, 'pusher_internal:subscription_succeeded');
    const arrived = nextFrame(socket, 'message.sent');
    const sent = await sendText(server, ann, conversationId, 'hello from Flutter');
    const frame = await arrived;
    expect(frame.channel).toBe(channel);
    // channel.bind('message.sent') hands event.data over as this JSON string.
    expect(JSON.parse(frame.data as string)).toMatchObject({ id: sent.id, conversation_id: conversationId, sender_id: ann.id, message: 'hello from Flutter', type: 'text' });
    socket.close();
  });
});
