// Helpers for the chat client's Ink tests: polling rendered frames, key sequences as a terminal
// sends them, and an HTTP proxy in front of the real server that can lose a reply on purpose.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Byte sequences a terminal sends for keys (what Ink parses). */
export const KEYS = {
  enter: '\r',
  altEnter: '\u001b\r',
  tab: '\t',
  escape: '\u001b',
  up: '\u001b[A',
  down: '\u001b[B',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  end: '\u001b[F',
  backspace: '\u007f',
  ctrlC: '\u0003',
  ctrlD: '\u0004',
  ctrlN: '\u000e',
  ctrlU: '\u0015',
} as const;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Match = string | RegExp | ((frame: string) => boolean);

function matches(frame: string, match: Match): boolean {
  if (typeof match === 'string') return frame.includes(match);
  if (match instanceof RegExp) return match.test(frame);
  return match(frame);
}

/** Polls until the latest frame matches; fails with that frame when it never does. */
export async function waitForFrame(lastFrame: () => string | undefined, match: Match, timeoutMs = 10_000): Promise<string> {
  const start = Date.now();
  for (;;) {
    const frame = lastFrame() ?? '';
    if (matches(frame, match)) return frame;
    if (Date.now() - start > timeoutMs) {
      throw new Error(`no frame matched ${String(match)} within ${timeoutMs} ms; the last one was:\n${frame}`);
    }
    await sleep(25);
  }
}

/** Polls an async check until it returns true. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The right-hand side of a frame (the open conversation and the compose box), without the list. */
export function paneText(frame: string): string {
  return frame
    .split('\n')
    .map((line) => line.split('││')[1] ?? '')
    .join('\n');
}

/** Polls until the open conversation's pane matches. */
export function waitForPane(lastFrame: () => string | undefined, match: string | RegExp, timeoutMs = 10_000): Promise<string> {
  return waitForFrame(lastFrame, (frame) => (typeof match === 'string' ? paneText(frame).includes(match) : match.test(paneText(frame))), timeoutMs);
}

/** The line of a frame that contains `text`. */
export function lineWith(frame: string, text: string): string {
  return frame.split('\n').find((line) => line.includes(text)) ?? '';
}

/** The conversation list's rows (left pane, first line of each two-line row): text and whether selected. */
export function listRows(frame: string): Array<{ line: string; selected: boolean }> {
  const left = frame.split('\n').map((line) => line.split('││')[0] ?? '');
  const header = left.findIndex((line) => line.includes('Conversations'));
  const rows: Array<{ line: string; selected: boolean }> = [];
  for (let i = header + 1; header >= 0 && i < left.length; i += 2) {
    const line = left[i]!;
    if (!/^│[›• ] \S/.test(line)) break;
    rows.push({ line, selected: line.startsWith('│› ') });
  }
  return rows;
}

/** The list row of the conversation with this person. */
export function listRow(frame: string, name: string): string {
  return listRows(frame).find((row) => row.line.includes(` ${name} `))?.line ?? '';
}

/** Moves the list selection to the conversation with `name` (↑/↓, checking the screen each step). */
export async function selectConversation(app: { lastFrame: () => string | undefined; stdin: { write(data: string): void } }, name: string): Promise<void> {
  const start = Date.now();
  for (;;) {
    const rows = listRows(app.lastFrame() ?? '');
    const target = rows.findIndex((row) => row.line.includes(` ${name} `));
    const selected = rows.findIndex((row) => row.selected);
    if (target >= 0 && target === selected) return;
    if (Date.now() - start > 10_000) throw new Error(`could not select ${name}; the list shows:\n${rows.map((r) => r.line).join('\n')}`);
    if (target >= 0 && selected >= 0) app.stdin.write(target > selected ? KEYS.down : KEYS.up);
    await sleep(100);
  }
}

export interface SeenRequest {
  method: string;
  path: string;
  idempotencyKey?: string;
  socketId?: string;
}

export interface Proxy {
  url: string;
  /** `drop-reply`: sends reach the server, but the client's connection is cut before the answer. */
  mode: 'pass' | 'drop-reply';
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A pass-through HTTP proxy to the real server (no WebSockets: realtime goes to the server directly). */
export async function startProxy(target: string): Promise<Proxy> {
  const proxy: Proxy = {
    url: '',
    mode: 'pass',
    seen: [],
    close: async () => undefined,
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const isSend = req.method === 'POST' && /\/messages$/.test(req.url ?? '');
      if (isSend) proxy.seen.push({ method: req.method ?? '', path: req.url ?? '', idempotencyKey: header('idempotency-key'), socketId: header('x-socket-id') });
      const headers: Record<string, string> = {};
      for (const name of ['accept', 'authorization', 'content-type', 'idempotency-key', 'x-socket-id']) {
        const value = header(name);
        if (value) headers[name] = value;
      }
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const dropReply = isSend && proxy.mode === 'drop-reply';
      fetch(`${target}${req.url}`, { method: req.method, headers, body })
        .then(async (response) => {
          const text = await response.text();
          if (dropReply) {
            req.socket.destroy();
            return;
          }
          const out: Record<string, string> = { 'content-type': response.headers.get('content-type') ?? 'application/json' };
          const replayed = response.headers.get('idempotent-replayed');
          if (replayed) out['idempotent-replayed'] = replayed;
          res.writeHead(response.status, out).end(text);
        })
        .catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

export interface Relay {
  port: number;
  /** Drops every open connection; new ones wait (unanswered) until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A TCP relay to the real server's port, for cutting the real-time connection on purpose. */
export async function startRelay(targetPort: number): Promise<Relay> {
  const { createServer: createTcpServer, connect } = await import('node:net');
  type Socket = import('node:net').Socket;
  const sockets = new Set<Socket>();
  let held: Socket[] | null = null;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const pass = (client: Socket) => {
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };
  const server = createTcpServer((client) => {
    track(client);
    if (held) held.push(client);
    else pass(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      held = [];
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      const waiting = held ?? [];
      held = null;
      for (const client of waiting) if (!client.destroyed) pass(client);
    },
    close: () =>
      new Promise<void>((resolve) => {
        held = null;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
