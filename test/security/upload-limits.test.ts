// Issue 7 item 8: an upload aborted mid-way leaves nothing in uploads/, and a declared
// Content-Length over the limit is a 413 before the body is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, historyOf, registerAs, uploadsIn } from '../helpers/flows.js';
import { openSocket, rawRequest, readResponse } from '../helpers/raw-http.js';
import { startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

describe('upload limits', () => {
  let server: TestServer;
  let ann: TestUser;
  let conversationId: number;
  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerAs(server, 'Ann', 'ann@uploads.test');
    const bob = await registerAs(server, 'Bob', 'bob@uploads.test');
    conversationId = await startConversation(server, ann, bob);
  });
  afterAll(() => server.stop());

  const head = (length: number) =>
    [
      `POST /api/chat/conversations/${conversationId}/messages HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      `Authorization: Bearer ${ann.token}`,
      'Content-Type: multipart/form-data; boundary=zz',
      `Content-Length: ${length}`,
    ].join('\r\n');

  it('five uploads aborted mid-file leave no file behind and store no message', async () => {
    const partHead = Buffer.from('--zz\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n');
    const chunk = Buffer.alloc(1024 * 1024, 7);
    for (let i = 0; i < 5; i++) {
      const socket = await openSocket(server.port);
      socket.on('error', () => undefined);
      socket.write(`${head(6 * 1024 * 1024)}\r\n\r\n`);
      socket.write(partHead);
      for (let mb = 0; mb < 3; mb++) socket.write(chunk);
      // Wait until the file exists on disk (the server is streaming it), then hang up mid-file.
      await eventually(() => expect(uploadsIn(server.dir).length).toBeGreaterThan(0), 5000);
      socket.destroy();
    }
    await eventually(() => expect(uploadsIn(server.dir)).toEqual([]), 5000);
    expect(await historyOf(server, ann, conversationId)).toEqual([]);
  });

  it('a declared 2 GB body is refused with 413 before it is sent', async () => {
    const socket = await openSocket(server.port);
    const response = readResponse(socket, 5000);
    socket.write(`${head(2 * 1024 * 1024 * 1024)}\r\n\r\n`); // headers only: no body ever follows
    const res = await response;
    socket.destroy();
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ status: false, message: 'The request is too large' });
    expect(res.headers.connection).toBe('close');
    expect(uploadsIn(server.dir)).toEqual([]);
  });

  it('the same on a route that takes no upload: a declared 2 GB multipart login is a 413 at once', async () => {
    const res = await rawRequest(
      server.port,
      ['POST /api/login HTTP/1.1', 'Host: x', 'Content-Type: multipart/form-data; boundary=zz', `Content-Length: ${2 ** 31}`].join('\r\n'),
    );
    expect(res.status).toBe(413);
  });
});
