// `chatctl console` and `serve --debug` as a user runs them: the built binary against `chatctl serve`
// in another process, credentials from the same data folder, filters, --json, Ctrl-C, exit codes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHATCTL, runCli, startServe, type ServeProcess } from '../helpers/cli.js';
import { closedPort } from '../helpers/net.js';
import { api, registerUser, sendText, startConversation, type TestUser } from '../helpers/server.js';

interface Watching {
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text`. */
  until(text: string | RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `chatctl console …` and resolves once it says it is watching. */
function startConsole(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Watching> {
  const child = spawn(CHATCTL, ['console', ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  const poll = async (ready: () => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`console never printed ${what}\nstdout: ${stdout}\nstderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const watching: Watching = {
    stdout: () => stdout,
    stderr: () => stderr,
    until: (text, timeoutMs = 8000) => poll(() => (typeof text === 'string' ? stdout.includes(text) : text.test(stdout)), String(text), timeoutMs),
    stop: (signal = 'SIGINT') => {
      child.kill(signal);
      return exited;
    },
  };
  return poll(() => stderr.includes('watching '), '"watching"', 10_000).then(() => watching);
}

describe('chatctl console (the binary)', () => {
  let dir: string;
  let serve: ServeProcess;
  let ann: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let conversationId: number;
  const db = () => join(dir, 'chat.sqlite');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatctl-console-'));
    // No PUSHER_* at all: serve generates pusher-app.json next to the database, console reads it.
    serve = await startServe(['--port', '0', '--db', db(), '--debug'], { cwd: dir, env: { BROADCAST_DRIVER: 'embedded' } });
    ann = await registerUser(serve, 'Ann');
    bob = await registerUser(serve, 'Bob');
    carol = await registerUser(serve, 'Carol');
    conversationId = await startConversation(serve, ann, bob);
  }, 30_000);
  afterAll(async () => {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one plain line per happening (no colour off a TTY) and stops cleanly on Ctrl-C', async () => {
    const watching = await startConsole(['--server', serve.url, '--db', db()], dir);
    expect(watching.stderr()).toMatch(/^watching http:\/\/127\.0\.0\.1:\d+ \(broadcasting embedded, chatctl \d+\.\d+\.\d+\); Ctrl-C to stop\n$/);
    const refused = await api(serve, 'POST', '/broadcasting/auth', { token: carol.token, form: { socket_id: '123.456', channel_name: `private-conversation.${conversationId}` } });
    expect(refused.status).toBe(403);
    await sendText(serve, ann, conversationId, 'Hi Bob!');
    await watching.until('message.sent');
    expect(await watching.stop('SIGINT')).toBe(0);

    const lines = watching.stdout().trimEnd().split('\n');
    expect(watching.stdout()).not.toContain('\u001b[');
    expect(lines[0]).toMatch(
      new RegExp(`^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} refused {5}private-conversation\\.${conversationId} socket 123\\.456 user ${carol.id}: not a participant \\(user ${carol.id} is not in conversation ${conversationId}\\) \\[403 at /broadcasting/auth\\]$`),
    );
    const sent = lines.find((l) => l.includes(' message.sent '));
    expect(sent).toMatch(new RegExp(`^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} publish {5}private-conversation\\.${conversationId} message\\.sent \\d+ B → 0 sockets  \\{"id":\\d+,.*"message":"Hi Bob!"`));
  });

  it('--json with --channel and --no-payload: NDJSON of the matching events only, without bodies', async () => {
    const watching = await startConsole(['--server', serve.url, '--db', db(), '--json', '--channel', 'private-conversation.*', '--no-payload'], dir);
    await sendText(serve, bob, conversationId, 'secret plans');
    await watching.until('"message.sent"');
    await watching.stop('SIGTERM');
    const events = watching.stdout().trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual([
      {
        kind: 'publish',
        at: expect.any(String),
        origin: 'app',
        driver: 'embedded',
        channels: [`private-conversation.${conversationId}`],
        event: 'message.sent',
        bytes: expect.any(Number),
        recipients: 0,
      },
    ]);
    expect(watching.stdout()).not.toContain('secret plans');
  });

  it('--user keeps that user: their list channel, not the others', async () => {
    const watching = await startConsole(['--server', serve.url, '--db', db(), '--json', '--user', String(ann.id), '--event', 'conversation.*'], dir);
    await sendText(serve, bob, conversationId, 'for Ann');
    await watching.until('"conversation.updated"');
    await new Promise((r) => setTimeout(r, 200));
    await watching.stop();
    const events = watching.stdout().trimEnd().split('\n').map((line) => JSON.parse(line) as { channels: string[]; event: string });
    expect(events.map((e) => [e.event, e.channels])).toEqual([['conversation.updated', [`private-user.${ann.id}`]]]);
  });

  it('serve --debug printed the same lines on its stderr', () => {
    expect(serve.stderr()).toMatch(new RegExp(`refused {5}private-conversation\\.${conversationId} socket 123\\.456 user ${carol.id}: not a participant`));
    expect(serve.stderr()).toMatch(/publish {5}private-conversation\.\d+ message\.sent \d+ B → 0 sockets/);
  });

  it('the wrong secret: refused, exit 3, one sentence, the secret never printed', async () => {
    const secret = 'guessed-secret-0123456789';
    const result = await runCli(['console', '--server', serve.url], {
      cwd: dir,
      env: { PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'some-key', PUSHER_APP_SECRET: secret },
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `chatctl: ${serve.url} refused the console (401: Only the operator may watch: invalid auth_key for this app (sign the request with the app secret, as chatctl console does)); use the .env / --env-file / --db that serve uses.\n`,
    );
    expect(result.stderr).not.toContain(secret);
  });

  it('nothing listening: exit 4; a bad --server or --user: exit 2; no credentials: exit 2', async () => {
    const port = await closedPort();
    const down = await runCli(['console', '--server', `http://127.0.0.1:${port}`, '--db', db()], { cwd: dir });
    expect(down.code).toBe(4);
    expect(down.stderr).toBe(`chatctl: cannot watch http://127.0.0.1:${port}: ECONNREFUSED (is chatctl serve running there?).\n`);

    const badUrl = await runCli(['console', '--server', 'localhost:8000', '--db', db()], { cwd: dir });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toBe('chatctl: "localhost:8000" is not a server URL: it must start with http:// or https://.\n');

    const badUser = await runCli(['console', '--user', 'ann smith', '--db', db()], { cwd: dir });
    expect(badUser.code).toBe(2);
    expect(badUser.stderr).toBe('chatctl: --user "ann smith" is not a user id.\n');

    const empty = mkdtempSync(join(tmpdir(), 'chatctl-console-empty-'));
    try {
      const none = await runCli(['console'], { cwd: empty });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/^chatctl: no app credentials to sign with: set PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET, or run from the folder .*pusher-app\.json is found\.\n$/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('the server stopping under a watching console: exit 4, saying so', async () => {
    const other = mkdtempSync(join(tmpdir(), 'chatctl-console-stop-'));
    try {
      const short = await startServe(['--port', '0', '--db', join(other, 'chat.sqlite')], { cwd: other, env: { BROADCAST_DRIVER: 'embedded' } });
      const child = spawn(CHATCTL, ['console', '--server', short.url, '--db', join(other, 'chat.sqlite')], { cwd: other, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
      await expect.poll(() => stderr.includes('watching '), { timeout: 10_000 }).toBe(true);
      await short.stop('SIGTERM');
      expect(await exited).toBe(4);
      expect(stderr.split('\n')[1]).toMatch(new RegExp(`^chatctl: ${short.url.replace(/[.]/g, '\\.')} closed the console stream( \\([A-Z_]+\\))?: it stopped, or dropped this console for reading too slowly\\.$`));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('help lists the filters and examples', async () => {
    const help = await runCli(['console', '--help']);
    expect(help.code).toBe(0);
    for (const text of ['--channel <pattern>', '--event <name>', '--user <id>', '--no-payload', '--json', 'Examples:', "chatctl console --channel 'private-conversation.*' --no-payload"]) {
      expect(help.stdout).toContain(text);
    }
  });
});
