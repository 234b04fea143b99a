// Starts a real chatctl server on a free port with a real SQLite file in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config/env.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/runtime.js';
import type { SqliteStore } from '../../src/server/store/index.js';

export interface TestServer extends RunningServer {
  /** SQLite unless the test sets DB_CONNECTION (then cast it back to ChatStore). */
  store: SqliteStore;
  dir: string;
  config: AppConfig;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  options: StartOptions & { dir?: string } = {},
): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'chatctl-test-'));
  const config = loadConfig({
    cwd: dir,
    env: { DB_DATABASE: join(dir, 'chat.sqlite'), BROADCAST_DRIVER: 'embedded', ...env },
    overrides: { host: '127.0.0.1', port: 0 },
  });
  const server = await startServer(config, options);
  return {
    ...server,
    store: server.store as SqliteStore,
    dir,
    config,
    async stop() {
      await server.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One real HTTP request; JSON bodies by default, `form` for x-www-form-urlencoded. */
export async function api<T = any>(
  server: { url: string },
  method: string,
  path: string,
  options: { token?: string; json?: unknown; form?: Record<string, string>; body?: RequestInit['body']; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: RequestInit['body'] | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* non-JSON bodies stay text (and tests asserting JSON will fail loudly) */
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export interface TestUser {
  id: number;
  name: string;
  email: string;
  token: string;
}

let counter = 0;
/** Registers a user through the real API and returns its token. */
export async function registerUser(
  server: { url: string },
  name = `User ${++counter}`,
  avatar: string | null = `https://example.com/avatars/${counter}.png`,
): Promise<TestUser> {
  const email = `user.${Date.now()}.${++counter}@example.com`;
  const res = await api(server, 'POST', '/api/register', {
    json: { name, email, password: 'secret-password', ...(avatar ? { avatar } : {}) },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { id: res.body.data.user.id, name, email, token: res.body.data.token };
}

/** Starts a conversation between two users and returns its id. */
export async function startConversation(server: { url: string }, a: TestUser, b: TestUser): Promise<number> {
  const res = await api(server, 'POST', '/api/chat/conversations/start', { token: a.token, json: { user_id: b.id } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`start failed: ${res.status} ${res.text}`);
  return res.body.data.conversation_id;
}

export async function sendText(server: { url: string }, user: TestUser, conversationId: number, message: string) {
  const res = await api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, {
    token: user.token,
    json: { message, type: 'text' },
  });
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${res.text}`);
  return res.body.data;
}
