// Raw HTTP/1.x over a plain TCP socket, for requests fetch() refuses to send (a chosen or missing
// Host header, HTTP/1.0, half-sent or aborted bodies).
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: any;
}

export function openSocket(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Parses one response (Content-Length bodies, or everything up to the close). */
export function readResponse(socket: Socket, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no complete response within ${timeoutMs} ms: ${data.toString('latin1').slice(0, 200)}`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('error', onError);
      if (error) return reject(error);
      const text = data.toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = text.slice(split + 4);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      resolve({ status: Number(statusLine?.split(' ')[1]), headers, body, json });
    };
    const complete = () => {
      const split = data.indexOf('\r\n\r\n');
      if (split < 0) return false;
      const head = data.subarray(0, split).toString('latin1');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      return length ? data.length >= split + 4 + Number(length[1]) : false;
    };
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (complete()) finish();
    };
    const onEnd = () => (data.indexOf('\r\n\r\n') >= 0 ? finish() : finish(new Error('closed without a response')));
    const onError = (error: Error) => (data.indexOf('\r\n\r\n') >= 0 ? finish() : finish(error));
    socket.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** Sends `head` (request line + headers, without the blank line) and an optional body; one response. */
export async function rawRequest(port: number, head: string, body: Buffer | string = ''): Promise<RawResponse> {
  const socket = await openSocket(port);
  try {
    const response = readResponse(socket);
    socket.write(`${head}\r\n\r\n`);
    if (body.length > 0) socket.write(body);
    return await response;
  } finally {
    socket.destroy();
  }
}

/** A multipart/form-data body with text fields and optionally one file part. */
export function multipartBody(
  boundary: string,
  fields: Record<string, string>,
  file?: { field: string; name: string; mime: string; bytes: Buffer },
): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.mime}\r\n\r\n`));
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** A JSON request over node:http from a chosen local address (127.0.0.x), to act as another client. */
export function requestFrom(
  localAddress: string,
  port: number,
  method: string,
  path: string,
  json?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = json === undefined ? undefined : JSON.stringify(json);
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress,
        agent: false,
        headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* stays text */
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
