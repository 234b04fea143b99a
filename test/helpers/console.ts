// A debug-console reader for tests: the real signed GET /debug/console over node:http, every NDJSON
// line parsed, and the option to stop reading (to play the slow console).
import { randomBytes } from 'node:crypto';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { signRequest, type AppCredentials } from '../../src/server/pusher/signatures.js';

export interface ConsoleReader {
  status: number;
  events: Array<Record<string, any>>;
  response: IncomingMessage;
  request: ClientRequest;
  /** True once the server ended or cut the stream. */
  ended(): boolean;
  /** Resolves with the first event matching, waiting up to `timeoutMs`. */
  waitFor(match: (event: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  close(): void;
  /** The whole body once the answer ended (for refusals). */
  text(): Promise<string>;
}

export function signedConsolePath(app: AppCredentials, options: { timestamp?: number } = {}): string {
  const signed = signRequest(app, {
    method: 'GET',
    path: '/debug/console',
    params: { nonce: randomBytes(8).toString('hex') },
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
  });
  return `/debug/console?${signed.queryString}`;
}

/** Opens the stream at `path` (already signed, or not) and resolves once the status line arrived. */
export function openConsole(server: { url: string }, path: string, options: { read?: boolean } = {}): Promise<ConsoleReader> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { accept: 'application/x-ndjson' } });
    req.on('error', (error) => reject(error));
    req.on('response', (res) => {
      const events: Array<Record<string, any>> = [];
      let pending = '';
      let ended = false;
      let raw = '';
      const finished = new Promise<void>((r) => res.on('close', () => r()));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        if (res.statusCode !== 200) return;
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf('\n')) !== -1) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          events.push(JSON.parse(line) as Record<string, any>);
        }
      });
      const done = () => {
        ended = true;
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
      req.on('error', done);
      if (options.read === false) res.pause();
      resolve({
        status: res.statusCode ?? 0,
        events,
        response: res,
        request: req,
        ended: () => ended,
        async waitFor(match, timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const found = events.find(match);
            if (found) return found;
            if (Date.now() > deadline) throw new Error(`no matching console event; got kinds: ${events.map((e) => e.kind).join(', ')}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        close() {
          req.destroy();
        },
        async text() {
          await finished;
          return raw;
        },
      });
    });
    req.end();
  });
}

