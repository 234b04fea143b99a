// The connectivity checks against small real servers that misbehave the way broken Pusher hosts
// do: a skewed clock, a non-object answer, no WebSocket upgrade, a Reverb-style pusher:error, and
// a host that accepts connections but never answers.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApiCheck, websocketCheck } from '../../src/doctor/connectivity.js';
import { createContext } from '../../src/doctor/context.js';

const SECRET = 'connectivity-test-secret-0123456789';
let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'chatctl-doctor-net-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function contextFor(port: number, timeoutMs = 2000) {
  return createContext({
    cwd,
    timeoutMs,
    env: {
      BROADCAST_DRIVER: 'pusher',
      PUSHER_APP_ID: '77',
      PUSHER_APP_KEY: 'fake-host-key',
      PUSHER_APP_SECRET: SECRET,
      PUSHER_HOST: '127.0.0.1',
      PUSHER_PORT: String(port),
      PUSHER_SCHEME: 'http',
    },
  });
}

async function listen<T extends HttpServer | TcpServer>(server: T): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const close = (server: HttpServer | TcpServer) => new Promise((resolve) => server.close(resolve));

describe('HTTP API check against misbehaving hosts', () => {
  it('401 "Timestamp expired" compares the clocks using the Date header', async () => {
    const seen: string[] = [];
    const server = createHttpServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(401, { 'content-type': 'application/json', date: new Date(Date.now() - 3600_000).toUTCString() });
      res.end(JSON.stringify({ error: 'Timestamp expired: given timestamp is not within 600s of server time', code: 401 }));
    });
    const port = await listen(server);
    try {
      const result = await httpApiCheck.run(contextFor(port));
      expect(result.status).toBe('fail');
      expect(result.detail).toMatch(/^http:\/\/127\.0\.0\.1:\d+ refused the request \(401: Timestamp expired: given timestamp is not within 600s of server time\): this machine's clock is 36\d\d s ahead of the host's \(Pusher allows 600 s\)$/);
      expect(result.fix).toBe('sync the clock (e.g. timedatectl set-ntp true), then run chatctl doctor again');
      // A real signed request: path, key, version and a 64-hex signature, never the secret.
      expect(seen[0]).toMatch(/^\/apps\/77\/channels\?auth_key=fake-host-key&auth_signature=[0-9a-f]{64}&auth_timestamp=\d+&auth_version=1\.0$/);
      expect(seen[0]).not.toContain(SECRET);
    } finally {
      await close(server);
    }
  });

  it('200 with a body that is not a JSON object is a warning (Laravel needs an object)', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    const port = await listen(server);
    try {
      const result = await httpApiCheck.run(contextFor(port));
      expect(result.status).toBe('warn');
      expect(result.detail).toBe(`http://127.0.0.1:${port} accepted the request but its answer is not a JSON object; Laravel's pusher-php-server needs one`);
    } finally {
      await close(server);
    }
  });
});

describe('WebSocket check against misbehaving hosts', () => {
  it('a plain HTTP answer to the upgrade fails', async () => {
    const server = createHttpServer((_req, res) => res.end('hello'));
    server.on('upgrade', (_req, socket: Socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    const port = await listen(server);
    try {
      const result = await websocketCheck.run(contextFor(port));
      expect(result.status).toBe('fail');
      expect(result.detail).toBe(`ws://127.0.0.1:${port}/app/fake-host-key answered HTTP 404 instead of a WebSocket upgrade: not a Pusher-compatible endpoint`);
    } finally {
      await close(server);
    }
  });

  it('a Reverb-style pusher:error (data as a JSON string) is reported with its code', async () => {
    const server = createHttpServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => {
      ws.send(JSON.stringify({ event: 'pusher:error', data: JSON.stringify({ code: 4004, message: 'Application is over connection quota' }) }));
      ws.close();
    });
    const port = await listen(server);
    try {
      const result = await websocketCheck.run(contextFor(port));
      expect(result.status).toBe('fail');
      expect(result.detail).toBe(`ws://127.0.0.1:${port}/app/fake-host-key refused the connection: 4004 Application is over connection quota`);
      // A 4001 close without a pusher:error frame is still an unknown key.
      wss.removeAllListeners('connection');
      wss.on('connection', (ws) => ws.close(4001, 'Application does not exist'));
      const closed = await websocketCheck.run(contextFor(port));
      expect(closed.detail).toBe(`key fake-host-key is unknown to that host (wrong key or cluster): ws://127.0.0.1:${port}/app/fake-host-key answered 4001 "Application does not exist"`);
    } finally {
      wss.close();
      await close(server);
    }
  });

  it('a configured host that accepts but never answers fails within the timeout, not a hang', async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => sockets.push(socket));
    const port = await listen(server);
    try {
      const started = Date.now();
      const [http, ws] = await Promise.all([httpApiCheck.run(contextFor(port, 400)), websocketCheck.run(contextFor(port, 400))]);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(http).toEqual({
        status: 'fail',
        detail: `http://127.0.0.1:${port} is unreachable from here: no answer within 0.4 s`,
        fix: 'check PUSHER_HOST, PUSHER_PORT and PUSHER_SCHEME, and that the server runs and is reachable from here',
      });
      expect(ws.status).toBe('fail');
      expect(ws.detail).toBe(`ws://127.0.0.1:${port}/app/fake-host-key is unreachable from here: no answer within 0.4 s`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await close(server);
    }
  });
});

describe('connectivity is not attempted with a configuration that cannot work', () => {
  it('an invalid PUSHER_PORT, a URL in PUSHER_HOST or another driver skip the network checks', async () => {
    const base = { BROADCAST_DRIVER: 'pusher', PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'k', PUSHER_APP_SECRET: SECRET };
    const badPort = createContext({ cwd, env: { ...base, PUSHER_HOST: '127.0.0.1', PUSHER_PORT: 'http' } });
    expect(await httpApiCheck.run(badPort)).toEqual({ status: 'skip', detail: 'PUSHER_PORT is invalid (see Configuration)' });
    const url = createContext({ cwd, env: { ...base, PUSHER_HOST: 'http://127.0.0.1:6001' } });
    expect(await websocketCheck.run(url)).toEqual({ status: 'skip', detail: 'PUSHER_HOST is not usable (see Pusher credentials)' });
    const log = createContext({ cwd, env: { ...base, BROADCAST_DRIVER: 'log' } });
    expect(await httpApiCheck.run(log)).toEqual({ status: 'skip', detail: 'BROADCAST_DRIVER=log: nothing is sent to a Pusher host' });
  });
});
