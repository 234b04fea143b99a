// Shared by the fuzz tests: the server in a child process, raw HTTP over TCP (so Host,
// Content-Length and bytes on the request line can be anything), heap and message counts.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export interface FuzzServer {
  url: string;
  port: number;
  dir: string;
  databasePath: string;
  child: ChildProcess;
  stderr(): string;
  /** Exit code once the child died on its own (a crash), else null. */
  exitCode(): number | null;
  heapUsed(): Promise<number>;
  messageCount(): number;
  /** Server-generated stored names of every attachment in the database. */
  attachmentNames(): string[];
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./server-process.mjs', import.meta.url));

export async function startFuzzServer(): Promise<FuzzServer> {
  const dir = mkdtempSync(join(tmpdir(), 'chatctl-fuzz-'));
  const child = fork(SCRIPT, [dir], { execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  let exited: number | null = null;
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  child.on('exit', (code) => (exited = code ?? -1));
  const ready = await new Promise<{ url: string; port: number; databasePath: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fuzz server did not start: ${stderr}`)), 20_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as { url: string; port: number; databasePath: string });
    });
    child.once('exit', () => reject(new Error(`fuzz server exited: ${stderr}`)));
  });
  const db = new Database(ready.databasePath, { readonly: true, fileMustExist: true });
  return {
    ...ready,
    dir,
    child,
    stderr: () => stderr,
    exitCode: () => exited,
    heapUsed: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { heapUsed: number }).heapUsed));
        child.send({ type: 'heap' });
      }),
    messageCount: () => (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n,
    attachmentNames: () =>
      (db.prepare('SELECT attachment FROM messages WHERE attachment IS NOT NULL').all() as { attachment: string }[]).map(
        (row) => String((JSON.parse(row.attachment) as { storedName?: unknown }).storedName),
      ),
    async stop() {
      db.close();
      if (exited === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.send({ type: 'stop' });
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  /** 0 when the server closed the connection without an answer. */
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One request on its own TCP connection; `head` is sent byte for byte. */
export function rawHttp(port: number, head: Buffer, body: Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(head.toString('latin1').slice(0, 300))}`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks)));
    });
    socket.write(Buffer.concat([head, body]));
  });
}

function parseResponse(raw: Buffer): RawResponse {
  const response = parseOne(raw);
  // Interim answers (100 Continue) come before the real one.
  return response.status >= 100 && response.status < 200 && response.body.length > 0 ? parseResponse(response.body) : response;
}

function parseOne(raw: Buffer): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) return { status: 0, headers: {}, body: raw };
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: raw.subarray(end + 4) };
}

/** Registers a user over plain HTTP and returns its token and id. */
export async function register(url: string, name: string): Promise<{ id: number; token: string; email: string }> {
  const email = `${name.toLowerCase()}.${Date.now()}@example.com`;
  const res = await fetch(`${url}/api/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name, email, password: 'secret-password' }),
  });
  const body = (await res.json()) as { data: { token: string; user: { id: number } } };
  return { id: body.data.user.id, token: body.data.token, email };
}
