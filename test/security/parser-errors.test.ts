// Requests Node's HTTP parser refuses never reach a route; they still get the JSON envelope
// (found by the fuzz: fastify's default answered {"error","message":"Client Error","statusCode"}).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, rawRequest, readResponse } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('parser-level client errors', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const host = () => `Host: 127.0.0.1:${server.port}`;

  it.each([
    ['a Content-Length that is not a number', (h: string) => `POST /api/login HTTP/1.1\r\n${h}\r\nContent-Type: application/json\r\nContent-Length: 1e3`],
    ['two different Content-Lengths', (h: string) => `POST /api/login HTTP/1.1\r\n${h}\r\nContent-Length: 2\r\nContent-Length: 3`],
    ['a broken chunk size', (h: string) => `POST /api/login HTTP/1.1\r\n${h}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0`],
    ['a space in the request target', (h: string) => `GET /api/us er HTTP/1.1\r\n${h}`],
  ])('%s → 400 with the envelope', async (_label, head) => {
    const res = await rawRequest(server.port, head(host()));
    expect({ status: res.status, type: res.headers['content-type'], body: res.json }).toEqual({
      status: 400,
      type: 'application/json; charset=utf-8',
      body: { status: false, message: 'Bad Request' },
    });
  });

  it('headers too large → 431 with the envelope', async () => {
    const res = await rawRequest(server.port, `GET /health HTTP/1.1\r\n${host()}\r\nX-Big: ${'a'.repeat(20_000)}`);
    expect({ status: res.status, body: res.json }).toEqual({ status: 431, body: { status: false, message: 'Request Header Fields Too Large' } });
  });

  it('headers that never finish → 408 with the envelope once the headers timeout passes', async () => {
    const slow = await startTestServer({ CHATCTL_HEADERS_TIMEOUT: '1' });
    try {
      const socket = await openSocket(slow.port);
      const response = readResponse(socket, 10_000);
      socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nX-Slow: `);
      const res = await response;
      socket.destroy();
      expect({ status: res.status, body: res.json }).toEqual({ status: 408, body: { status: false, message: 'Request Timeout' } });
    } finally {
      await slow.stop();
    }
  });

  it('the server keeps serving', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
  });
});
