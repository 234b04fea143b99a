// Issue 7 items 3 and 4: links never come from the Host header (the recipient's pusher-js event
// and the API answer carry APP_URL or the listen address), and a malformed or missing Host, or a
// body that claims to be multipart but is not, is a 400 envelope or a normal answer, never a 500.
import type { PusherClient } from '../../src/client/realtime.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { historyOf, registerAs, tinyPng } from '../helpers/flows.js';
import { multipartBody, rawRequest } from '../helpers/raw-http.js';
import { collect, pusherClient, realtimeConfig, subscribed, waitFor } from '../helpers/realtime.js';
import { startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

const EVIL = 'evil.example:8443';

async function setup(env: Record<string, string> = {}) {
  const server = await startTestServer(env);
  const ann = await registerAs(server, 'Ann', 'ann@host.test');
  const bob = await registerAs(server, 'Bob', 'bob@host.test');
  const conversationId = await startConversation(server, ann, bob);
  return { server, ann, bob, conversationId };
}

/** An upload sent with `Host: evil.example:8443`, over a raw socket (fetch cannot forge Host). */
function evilUpload(server: TestServer, user: TestUser, conversationId: number) {
  const body = multipartBody('zzboundary', { type: 'image' }, { field: 'file', name: 'p.png', mime: 'image/png', bytes: tinyPng() });
  return rawRequest(
    server.port,
    [
      `POST /api/chat/conversations/${conversationId}/messages HTTP/1.1`,
      `Host: ${EVIL}`,
      `Authorization: Bearer ${user.token}`,
      'Content-Type: multipart/form-data; boundary=zzboundary',
      `Content-Length: ${body.length}`,
      'Connection: close',
    ].join('\r\n'),
    body,
  );
}

describe.each([
  ['APP_URL unset: the listen address', {} as Record<string, string>, (s: TestServer) => s.url],
  ['APP_URL set', { APP_URL: 'https://chat.example.org/' }, () => 'https://chat.example.org'],
])('attachment links with %s', (_name, env, expectedOrigin) => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  const clients: PusherClient[] = [];
  beforeAll(async () => {
    ctx = await setup(env);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  afterAll(() => ctx.server.stop());

  it('the sender’s Host never reaches the API answer, the recipient’s event or the history', async () => {
    const { server, ann, bob, conversationId } = ctx;
    const config = await realtimeConfig(server);
    const bobClient = pusherClient({ ...config, force_tls: false, ws_host: '127.0.0.1', ws_port: server.port, auth_endpoint: `${server.url}/broadcasting/auth` }, bob.token);
    clients.push(bobClient);
    const channel = await subscribed(bobClient, `private-conversation.${conversationId}`);
    const events = collect(channel, 'message.sent');

    const res = await evilUpload(server, ann, conversationId);
    expect(res.status).toBe(201);
    const id = res.json.data.id as number;
    const link = `${expectedOrigin(server)}/api/chat/messages/${id}/attachment`;
    expect(res.json.data.message).toBe(link);
    expect(res.json.data.attachment.url).toBe(link);

    const [event] = await waitFor(events);
    expect(event.id).toBe(id);
    expect(event.message).toBe(link);
    expect(event.attachment.url).toBe(link);
    expect(JSON.stringify(event)).not.toContain('evil.example');

    const history = await historyOf(server, bob, conversationId);
    expect(history.find((m) => m.id === id).attachment.url).toBe(link);
  });
});

describe('malformed or missing Host, and bodies that lie about being multipart', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(() => ctx.server.stop());

  const auth = () => `Authorization: Bearer ${ctx.ann.token}`;

  it.each([
    ['Host: [', 'HTTP/1.1', 'Host: ['],
    ['Host: a b', 'HTTP/1.1', 'Host: a b'],
    ['HTTP/1.0 without Host', 'HTTP/1.0', ''],
  ])('%s: realtime, conversations and messages answer without a 500', async (_name, version, hostLine) => {
    const { server, conversationId } = ctx;
    const lines = (path: string, method = 'GET') => [`${method} ${path} ${version}`, ...(hostLine ? [hostLine] : []), auth(), 'Connection: close'];
    for (const path of ['/api/chat/realtime', '/api/chat/conversations', `/api/chat/conversations/${conversationId}/messages`, '/health']) {
      const res = await rawRequest(server.port, lines(path).join('\r\n'));
      if (res.status === 400) expect(res.json).toEqual({ status: false, message: expect.any(String) });
      else expect(res.status).toBe(200);
    }
    const before = (await historyOf(server, ctx.ann, conversationId)).length;
    const body = JSON.stringify({ message: 'hello' });
    const sent = await rawRequest(
      server.port,
      [...lines(`/api/chat/conversations/${conversationId}/messages`, 'POST'), 'Content-Type: application/json', `Content-Length: ${body.length}`].join('\r\n'),
      body,
    );
    const after = (await historyOf(server, ctx.ann, conversationId)).length;
    if (sent.status === 201) {
      expect(after).toBe(before + 1);
      expect(sent.json.data.message).toBe('hello');
    } else {
      expect(sent.status).toBe(400);
      expect(after).toBe(before);
    }
  });

  it('a malformed Host falls back to the listen address in /api/chat/realtime', async () => {
    const res = await rawRequest(ctx.server.port, ['GET /api/chat/realtime HTTP/1.1', 'Host: [', 'Connection: close'].join('\r\n'));
    expect(res.status).toBe(200);
    expect(res.json.data.ws_host).toBe('127.0.0.1');
    expect(res.json.data.auth_endpoint).toBe(`${ctx.server.url}/broadcasting/auth`);
  });

  it.each([
    ['not multipart at all', 'multipart/form-data; boundary=zz', 'message=hello'],
    ['no boundary', 'multipart/form-data', 'message=hello'],
    ['unterminated', 'multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="message"\r\n\r\nhel'],
  ])('multipart that is %s: a 400 envelope and nothing stored', async (_name, contentType, body) => {
    const { server, conversationId } = ctx;
    const before = (await historyOf(server, ctx.ann, conversationId)).length;
    const res = await rawRequest(
      server.port,
      [`POST /api/chat/conversations/${conversationId}/messages HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, auth(), `Content-Type: ${contentType}`, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'].join('\r\n'),
      body,
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ status: false, message: 'The request body is not valid multipart/form-data' });
    expect((await historyOf(server, ctx.ann, conversationId)).length).toBe(before);
  });
});
