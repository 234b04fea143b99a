// What Node's HTTP parser refuses (a bad Content-Length, a broken request line, headers too big,
// a request that took too long) never reaches a route: answer it with the same JSON envelope as
// everything else instead of fastify's `{"error","message":"Client Error","statusCode"}`.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

function statusFor(code: string | undefined): number {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

/** The HTTP reason phrase as the message, as Laravel does for a bare HttpException (the request never got as far as a locale-aware route). */
export function makeClientErrorHandler() {
  return function onClientError(error: Error & { code?: string }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const status = statusFor(error.code);
    const body = JSON.stringify({ status: false, message: STATUS_CODES[status] ?? 'Bad Request' });
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
