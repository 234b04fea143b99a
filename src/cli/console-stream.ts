// Opens the server's signed console stream and yields validated debug events, one per NDJSON line.
// The server is authenticated, but its lines still carry text from strangers: each is checked.
import { randomBytes } from 'node:crypto';
import { signRequest, type AppCredentials } from '../server/pusher/signatures.js';
import { debugEventSchema, type DebugEvent } from '../server/observability/events.js';
import { CONSOLE_PATH } from '../server/observability/console-endpoint.js';

/** A single line longer than this means something is wrong: stop rather than buffer it. */
const MAX_LINE_BYTES = 1024 * 1024;

export type StreamFailure =
  | { kind: 'network'; message: string }
  /** The stream was open and broke off (the server stopped, or dropped a console that read too slowly). */
  | { kind: 'lost'; message: string }
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'http'; status: number; message: string };

export class ConsoleStreamError extends Error {
  constructor(readonly failure: StreamFailure) {
    super(failure.message);
  }
}

/**
 * The signed URL for one console request. A signature is accepted once, so each attempt signs
 * afresh, with a random nonce so two consoles started in the same second differ.
 */
export function signedConsoleUrl(server: string, app: AppCredentials): URL {
  const signed = signRequest(app, { method: 'GET', path: CONSOLE_PATH, params: { nonce: randomBytes(8).toString('hex') } });
  const base = server.endsWith('/') ? server : `${server}/`;
  return new URL(`${CONSOLE_PATH.slice(1)}?${signed.queryString}`, base);
}

function networkMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

async function serverMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    const message = (parsed as { message?: unknown }).message;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    /* not the JSON envelope */
  }
  return text.slice(0, 120);
}

/**
 * Connects and yields events until the server ends the stream (then returns) or the signal aborts.
 * `onInvalid` hears about lines that are not a known event (e.g. a newer server's new kind).
 */
export async function* consoleEvents(url: URL, signal: AbortSignal, onInvalid: (line: string) => void): AsyncGenerator<DebugEvent> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/x-ndjson' } });
  } catch (error) {
    if (signal.aborted) return;
    throw new ConsoleStreamError({ kind: 'network', message: networkMessage(error) });
  }
  if (response.status === 401 || response.status === 403) {
    throw new ConsoleStreamError({ kind: 'refused', status: response.status, message: await serverMessage(response) });
  }
  if (response.status !== 200 || !response.body) {
    throw new ConsoleStreamError({ kind: 'http', status: response.status, message: await serverMessage(response) });
  }
  if (!/ndjson/i.test(response.headers.get('content-type') ?? '')) {
    throw new ConsoleStreamError({ kind: 'http', status: response.status, message: 'the answer is not an event stream (is this a chatctl server?)' });
  }

  const decoder = new TextDecoder();
  let pending = '';
  try {
    for await (const chunk of response.body) {
      pending += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.trim() === '') continue;
        const event = parseLine(line);
        if (event) yield event;
        else onInvalid(line);
      }
      if (pending.length > MAX_LINE_BYTES) {
        throw new ConsoleStreamError({ kind: 'http', status: 200, message: `the server sent a line longer than ${MAX_LINE_BYTES} bytes` });
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof ConsoleStreamError) throw error;
    throw new ConsoleStreamError({ kind: 'lost', message: networkMessage(error) });
  }
}

function parseLine(line: string): DebugEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  const result = debugEventSchema.safeParse(parsed);
  return result.success ? result.data : undefined;
}
